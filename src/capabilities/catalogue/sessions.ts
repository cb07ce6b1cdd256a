import type { Catalog } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import type { Capability } from '../types.js';
import type { Evidence } from '../match.js';
import { columnLabel, label, ownAuth, reviewed, snake, subjectColumn, subjectTable, words } from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, hashType, styleOf, targetOf, tsCol, usersTarget } from '../ddl.js';
import { refreshTokenTable, sessionTable, tableLabel } from './sessions-shared.js';

/** Login tracking on the users table: the app already cares when and where users sign in. */
const LOGIN_TRACKING = [
  'last_login', 'last_login_at', 'last_sign_in_at', 'last_signin_at', 'last_logged_in_at', 'current_sign_in_at', 'sign_in_count',
  'login_count', 'last_login_ip', 'last_sign_in_ip', 'current_sign_in_ip', 'last_seen_at', 'last_active_at', 'last_activity_at',
  'remember_token', 'remember_me_token', 'remember_created_at',
];

const DEVICE_TABLE_WORDS = ['device', 'push_token', 'device_token', 'fcm_token', 'login_history', 'login_event', 'login_attempt', 'sign_in'];

function sessionEvidence(catalog: Catalog, conv: Conventions): Evidence[] {
  const out: Evidence[] = [];
  const auth = ownAuth(catalog, conv);
  if (!auth) return out;
  for (const c of auth.table.columns) {
    if (LOGIN_TRACKING.includes(snake(c.name))) {
      out.push({ text: `\`${columnLabel(auth.table, c)}\` tracks sign-ins`, ...subjectColumn(auth.table, c) });
    }
  }
  for (const t of reviewed(catalog)) {
    const name = words(t.name).join('_');
    if (DEVICE_TABLE_WORDS.some((d) => name === d || name.endsWith(`_${d}`) || name.startsWith(`${d}_`))) {
      out.push({ text: `\`${label(t)}\` records devices or sign-ins`, ...subjectTable(t) });
    }
  }
  return out;
}

const capability: Capability = {
  name: 'sessions',
  title: 'Session storage',
  priority: 'medium',
  reason:
    'The schema tracks sign-ins but keeps no row per active session: users cannot see or end their other sessions, ' +
    'support cannot sign out a compromised account, and a password change leaves every other device signed in.',
  missing: 'nothing records active sessions',
  checked() {
    return [
      'sessions table with a token or expiry (sessions, user_sessions, …)',
      'refresh token table (refresh_tokens, user_tokens, tokens, …)',
    ];
  },
  trigger(catalog, conv) {
    const auth = ownAuth(catalog, conv);
    if (!auth) return null;
    const ev = sessionEvidence(catalog, conv);
    const first = ev[0];
    if (!first) return null;
    return {
      evidence: [`\`${label(auth.table)}\` has \`${auth.password.name}\` (the app signs users in itself)`, ...ev.map((e) => e.text)],
      priority: 'medium',
      subject: first.subject,
      location: first.location,
    };
  },
  recognise(catalog) {
    if (catalog.supabase) return { what: 'Supabase Auth (auth.sessions)' };
    const t = sessionTable(catalog) ?? refreshTokenTable(catalog);
    return t ? { what: tableLabel(t) } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const auth = ownAuth(catalog, conv);
    const target = (auth && targetOf(auth.table)) ?? usersTarget(catalog, conv);
    const name = freeTableName(s, [['session'], ['user', 'session'], ['auth', 'session'], ['login', 'session']]);
    const user = target ? fkCol(s, target, { onDelete: 'cascade', notNull: true }) : null;
    const expiresAt = col(s, 'expires', 'at');
    const sql = createTable(s, {
      name,
      columns: [
        ...(user ? [user] : []),
        { name: col(s, 'token', 'hash'), type: hashType(catalog), notNull: true, unique: true },
        { name: col(s, 'user', 'agent'), type: 'text' },
        { name: col(s, 'ip', 'address'), type: 'inet' },
        tsCol(s, col(s, 'last', 'seen', 'at')),
        tsCol(s, expiresAt, true),
        tsCol(s, col(s, 'revoked', 'at')),
        createdAtCol(s),
      ],
      indexes: [[expiresAt]],
      access: { kind: 'service-only' },
      ...(user ? { owner: user.name } : {}),
    });
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: one row per signed-in device with a SHA-256 of the session token, where it signed in from, an expiry and a revoked-at.`,
      notes:
        `The cookie carries the token; the table keeps only its hash, so a database leak signs nobody in. Update ` +
        `last-seen at most once a minute per session to keep writes cheap, and delete expired rows on a schedule. ` +
        `A refresh-token table serves the same purpose for JWT apps; either one satisfies this check.`,
    };
  },
};

export default capability;
