import type { Capability } from '../types.js';
import { allOwnAuth, label, ownAuth, subjectColumn } from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, hashType, styleOf, targetOf, tsCol, usersTarget } from '../ddl.js';
import { typedTokenRecognised } from './tokens.js';
import { refreshTokenTable, sessionTable, tableLabel, tokenColumnOnUsers } from './sessions-shared.js';

const capability: Capability = {
  name: 'refresh-tokens',
  title: 'Refresh token storage',
  priority: 'high',
  reason:
    'An app that signs users in itself issues short-lived access tokens and needs a server-side record of the long-lived ' +
    'refresh tokens behind them: without one, a stolen token stays valid until it expires, "sign out everywhere" and ' +
    'a password change cannot end other sessions, and rotation cannot detect a replayed token.',
  missing: 'nothing stores refresh tokens or sessions',
  checked(catalog, conv) {
    const auth = ownAuth(catalog, conv);
    return [
      'refresh token table (refresh_tokens, user_tokens, tokens, or any tokens table with a type column)',
      'sessions table with a token or expiry (sessions, user_sessions, …)',
      `refresh or remember-me token column on \`${auth ? label(auth.table) : 'users'}\``,
    ];
  },
  trigger(catalog, conv) {
    const auths = allOwnAuth(catalog, conv);
    const first = auths[0];
    if (!first) return null;
    return {
      evidence: auths.map((a, i) => `\`${label(a.table)}\` has \`${a.password.name}\`${i === auths.length - 1 ? ' (the app signs users in itself)' : ''}`),
      priority: 'high',
      ...subjectColumn(first.table, first.password),
    };
  },
  recognise(catalog, conv) {
    if (catalog.supabase) return { what: 'Supabase Auth (auth.refresh_tokens)' };
    const t = refreshTokenTable(catalog) ?? sessionTable(catalog);
    if (t) return { what: tableLabel(t) };
    const typed = typedTokenRecognised(catalog);
    if (typed) return { what: typed };
    const c = tokenColumnOnUsers(catalog, conv);
    return c ? { what: c } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const auth = ownAuth(catalog, conv);
    const target = (auth && targetOf(auth.table)) ?? usersTarget(catalog, conv);
    const name = freeTableName(s, [['refresh', 'token'], ['auth', 'refresh', 'token']]);
    const user = target ? fkCol(s, target, { onDelete: 'cascade', notNull: true }) : null;
    const replacedBy = {
      name: col(s, 'replaced', 'by', 'id'),
      type: s.idType,
      references: { schema: s.schema, table: name, column: s.idColumn, onDelete: 'set null' as const },
    };
    const expiresAt = col(s, 'expires', 'at');
    const revokedAt = col(s, 'revoked', 'at');
    const sql = createTable(s, {
      name,
      columns: [
        ...(user ? [user] : []),
        { name: col(s, 'token', 'hash'), type: hashType(catalog), notNull: true, unique: true },
        tsCol(s, expiresAt, true),
        tsCol(s, revokedAt),
        replacedBy,
        { name: col(s, 'user', 'agent'), type: 'text' },
        { name: col(s, 'ip', 'address'), type: 'inet' },
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
      summary:
        `Add \`${name}\`: one row per signed-in device with a SHA-256 of the token (never the token itself), an expiry, ` +
        `a revoked-at and the token that replaced it.`,
      notes:
        `Rotate on every refresh: insert the new token, set ${revokedAt} and ${replacedBy.name} on the old one; a revoked token ` +
        `presented again means it was stolen, so revoke the whole chain. Delete expired rows on a schedule (the index on ` +
        `${expiresAt} serves it). An app that keeps server-side sessions instead of JWTs needs a sessions table with the ` +
        `same columns; either one satisfies this check.`,
    };
  },
};

export default capability;
