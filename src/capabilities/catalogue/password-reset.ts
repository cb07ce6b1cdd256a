import type { Capability } from '../types.js';
import { allOwnAuth, columnLabel, label, ownAuth, reviewed, subjectColumn, words } from '../match.js';
import { ADD_COLUMN_NOTES, addColumns, col, createdAtCol, createTable, fkCol, freeTableName, hashType, indexName, styleOf, targetOf, tsCol, usersTarget } from '../ddl.js';
import { qualify, quoteIdent } from '../../catalog/helpers.js';
import { typedTokenRecognised } from './tokens.js';

const RESET_WORDS = ['reset', 'recovery', 'forgot', 'forgotten'];

const capability: Capability = {
  name: 'password-reset',
  title: 'Password reset tokens',
  priority: 'high',
  reason:
    'Users who sign in with a password forget it; without a stored, expiring, single-use reset token the only way back ' +
    'in is a support ticket, or a reset link that cannot be expired or revoked.',
  missing: 'nothing stores password reset tokens',
  checked(catalog, conv) {
    const auth = ownAuth(catalog, conv);
    return [
      `reset columns on \`${auth ? label(auth.table) : 'users'}\` (reset_password_token, password_reset_expires_at, resetToken, …)`,
      'password reset table (password_resets, password_reset_tokens, …)',
      'tokens table with a type/kind/purpose column',
    ];
  },
  trigger(catalog, conv) {
    const auths = allOwnAuth(catalog, conv);
    const first = auths[0];
    if (!first) return null;
    return {
      evidence: auths.map((a) => `\`${label(a.table)}\` has \`${a.password.name}\``),
      priority: 'high',
      ...subjectColumn(first.table, first.password),
    };
  },
  recognise(catalog, conv) {
    if (catalog.supabase) return { what: 'Supabase Auth (password recovery)' };
    for (const a of allOwnAuth(catalog, conv)) {
      const c = a.table.columns.find((x) => {
        const w = words(x.name);
        return w.some((y) => RESET_WORDS.includes(y)) && !w.includes('email') && !w.includes('phone');
      });
      if (c) return { what: `\`${columnLabel(a.table, c)}\`` };
    }
    const t = reviewed(catalog).find((x) => {
      const w = words(x.name);
      return w.includes('reset') || w.includes('forgot') || (w.includes('recovery') && !w.includes('code'));
    });
    if (t) return { what: `\`${label(t)}\`` };
    const typed = typedTokenRecognised(catalog);
    return typed ? { what: typed } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const auth = ownAuth(catalog, conv);
    const target = (auth && targetOf(auth.table)) ?? usersTarget(catalog, conv);
    const name = freeTableName(s, [['password', 'reset', 'token'], ['password', 'reset', 'request']]);
    const user = target ? fkCol(s, target, { onDelete: 'cascade', notNull: true }) : null;
    const tokenHash = col(s, 'token', 'hash');
    const sql = createTable(s, {
      name,
      columns: [
        ...(user ? [user] : []),
        { name: tokenHash, type: hashType(catalog), notNull: true, unique: true },
        tsCol(s, col(s, 'expires', 'at'), true),
        tsCol(s, col(s, 'used', 'at')),
        createdAtCol(s),
      ],
      access: { kind: 'service-only' },
      ...(user ? { owner: user.name } : {}),
    });
    let optionA = '';
    if (target) {
      const hashCol = col(s, 'password', 'reset', 'token', 'hash');
      const colsSql = addColumns(target.table, [
        { name: hashCol, type: hashType(catalog) },
        tsCol(s, col(s, 'password', 'reset', 'expires', 'at')),
      ]);
      const idx = `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(indexName(target.name, [hashCol], 'key'))} ON ${qualify(target.schema, target.name)} (${quoteIdent(hashCol)});`;
      optionA = ` Option A (simpler, one pending reset per user): columns on \`${label(target.table)}\` instead — ${colsSql} ${idx} ${ADD_COLUMN_NOTES}`;
    }
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: a SHA-256 of each emailed token (never the token), an expiry and a used-at so a link works once.`,
      notes:
        `Option B (this SQL): a table — several pending requests, single use, and a record of resets.${optionA} ` +
        `Either way: expire tokens within an hour, store only the hash (look it up by hashing what the link carries), and ` +
        `revoke the user's sessions or refresh tokens when the password changes.`,
    };
  },
};

export default capability;
