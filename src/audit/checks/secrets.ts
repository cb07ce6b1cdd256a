/**
 * unhashed-secret-values: password and token columns whose values do not have the shape of a hash.
 * Counts and row keys only: a value, its length or its prefix is never read back.
 */
import type { Column, Table } from '../../catalog/model.js';
import { columnRef, findTable, userTables } from '../../catalog/helpers.js';
import { SECRET_WORDS, matchLexicon, nameWords } from '../../rules/lexicon.js';
import type { FindingDraft } from '../../rules/types.js';
import { ruleDrafts } from '../candidates.js';
import { fromTable, isSampled, num, plural, qualify, quoteIdent, sampleNote, samples, tableKey, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

const HASH_WORDS = ['hash', 'hashed', 'digest', 'crypt', 'bcrypt', 'scrypt', 'argon2', 'sha256', 'sha512'];
const PASSWORD_WORDS = ['password', 'passwd', 'pwd', 'passphrase'];
const STRING_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

type Kind = 'password' | 'token';

interface Target {
  table: Table;
  column: Column;
  kind: Kind;
  /** The column's name says it holds a hash (`password_hash`): non-hash values there are a bug, not a design. */
  namedHash: boolean;
  /** The review's fix for a plaintext column (from plaintext-secret). */
  fix: { sql: string; notes?: string } | null;
}

/**
 * The value looks like a hash: a modular-crypt string (bcrypt, argon2, scrypt, PBKDF2, sha-crypt) or a
 * SHA-256/512 digest in hex or base64. Cheap prefix and length tests come first; the regexes only run
 * on values of a digest's exact length.
 */
export function hashShapeSql(v: string, bytea: boolean): string {
  if (bytea) {
    // A raw digest (SHA-1/224/256/384/512, 16-byte MD5/HMAC truncations) or modular-crypt text stored as bytes ('$').
    return `(octet_length(${v}) IN (16, 20, 28, 32, 48, 64) OR get_byte(${v}, 0) = 36)`;
  }
  return `((starts_with(${v}, '$2') AND octet_length(${v}) = 60)` +
    ` OR starts_with(${v}, '$argon2') OR starts_with(${v}, '$scrypt$') OR starts_with(${v}, '$7$')` +
    ` OR starts_with(${v}, '$pbkdf2') OR starts_with(${v}, 'pbkdf2_') OR starts_with(${v}, 'pbkdf2:')` +
    ` OR ((starts_with(${v}, '$5$') OR starts_with(${v}, '$6$')) AND octet_length(${v}) > 40)` +
    ` OR (octet_length(${v}) IN (64, 128) AND ${v} ~ '^[0-9A-Fa-f]+$')` +
    ` OR (octet_length(${v}) IN (43, 44, 86, 88) AND ${v} ~ '^[A-Za-z0-9+/_-]+=*$'))`;
}

function kindOf(c: Column): Kind {
  return nameWords(c.name).some((w) => PASSWORD_WORDS.includes(w)) ? 'password' : 'token';
}

function targets(ctx: PlanContext): Target[] {
  const out: Target[] = [];
  const seen = new Set<Column>();
  for (const d of ruleDrafts(ctx, 'plaintext-secret')) {
    const kind = d.details?.['kind'];
    // Secrets the application must read back (provider tokens, TOTP seeds) are encrypted, not hashed: their shape says nothing.
    if (kind !== 'password' && kind !== 'issued-token') continue;
    const ref = d.objects[0];
    const t = ref?.schema && ref.table ? findTable(ctx.catalog, ref.schema, ref.table) : undefined;
    const c = t?.columns.find((x) => x.name === ref?.name);
    if (!t || !c || c.isArray) continue;
    seen.add(c);
    out.push({ table: t, column: c, kind: kind === 'password' ? 'password' : 'token', namedHash: false, fix: d.fix ?? null });
  }
  for (const t of userTables(ctx.catalog)) {
    for (const c of t.columns) {
      if (seen.has(c) || c.isArray || c.generated !== null) continue;
      const base = c.domainBaseType ?? c.typeName;
      if (!STRING_TYPES.has(base) && base !== 'bytea') continue;
      const words = nameWords(c.name);
      if (!words.some((w) => HASH_WORDS.includes(w))) continue;
      if (matchLexicon(c.name, SECRET_WORDS).length === 0 && !words.includes('key')) continue;
      out.push({ table: t, column: c, kind: kindOf(c), namedHash: true, fix: null });
    }
  }
  return out;
}

function rehashFix(x: Target, shape: string): { sql: string; notes: string } {
  const rel = qualify(x.table.schema, x.table.name);
  const col = quoteIdent(x.column.name);
  const bad = `${col} IS NOT NULL AND ${col} <> '' AND NOT ${shape}`;
  if (x.kind === 'password') {
    return {
      sql: `CREATE EXTENSION IF NOT EXISTS pgcrypto;\nUPDATE ${rel} SET ${col} = crypt(${col}, gen_salt('bf', 10)) WHERE ${bad};`,
      notes:
        'Hashes the clear-text values in place with bcrypt, so those users can still log in if the application verifies bcrypt; then find ' +
        'and fix the code path that wrote them. Treat the passwords as exposed: force a reset for those accounts. On a large table run the UPDATE in batches.',
    };
  }
  return {
    sql: `UPDATE ${rel} SET ${col} = encode(sha256(convert_to(${col}, 'UTF8')), 'hex') WHERE ${bad};`,
    notes:
      'Stores the SHA-256 hex digest instead, which matches only if the application looks tokens up by that digest; otherwise revoke those ' +
      'tokens and issue new ones. Find and fix the code path that wrote them in clear.',
  };
}

export function planSecrets(ctx: PlanContext): AuditCheck[] {
  return targets(ctx).map((x): AuditCheck => {
    const key = tableKey(x.table, 't');
    const v = `t.${quoteIdent(x.column.name)}`;
    const bytea = (x.column.domainBaseType ?? x.column.typeName) === 'bytea';
    const shape = hashShapeSql(v, bytea);
    const empty = bytea ? `octet_length(${v}) = 0` : `${v} = ''`;
    const bad = `${v} IS NOT NULL AND NOT ${empty} AND NOT ${shape}`;
    const sql =
      `SELECT count(${v}) AS total, count(*) FILTER (WHERE ${empty}) AS empty, count(*) FILTER (WHERE ${bad}) AS bad` +
      `${key.expr ? `, min(${key.expr}) FILTER (WHERE ${bad}) AS k1, max(${key.expr}) FILTER (WHERE ${bad}) AS k2` : ''} ` +
      `FROM ${fromTable(x.table, 't', ctx.sample)}`;
    const label = `${tableLabel(x.table)}.${x.column.name}`;
    const sampled = isSampled(x.table, ctx.sample);
    return {
      rule: 'unhashed-secret-values',
      label,
      objects: [columnRef(x.table, x.column.name)],
      reads: [{ schema: x.table.schema, table: x.table.name }],
      sql,
      sampled,
      interpret(rows): FindingDraft[] {
        const row = rows[0] ?? {};
        const bad = num(row['bad']);
        if (bad === 0) return [];
        const total = num(row['total']);
        const keys = samples([row['k1'], row['k2']]);
        const what = x.kind === 'password' ? 'password' : 'token';
        // The review's fix rewrites every value into a new column; when some values are hashes already, that would hash
        // a hash and lock those users out, so only the clear values are hashed, in place.
        const hashed = total - bad - num(row['empty']);
        const fix = x.fix && hashed === 0 ? x.fix : rehashFix(x, hashShapeSql(quoteIdent(x.column.name), bytea));
        return [{
          objects: [columnRef(x.table, x.column.name)],
          ...(x.kind === 'token' ? { severity: 'high' as const } : {}),
          message:
            `${plural(bad, 'value')} of ${total.toLocaleString('en-US')} in \`${label}\`${x.namedHash ? ' (named as a hash)' : ''} ` +
            `${bad === 1 ? 'is' : 'are'} not shaped like a ${what} hash (bcrypt, argon2, scrypt, PBKDF2, sha-crypt, or a SHA-256/512 digest)` +
            `${sampleNote(x.table, ctx.sample)}: ${bad === 1 ? 'it is' : 'they are'} most likely the ${what}${bad === 1 ? '' : 's'} in clear. ` +
            (keys.length > 0 ? `Sample rows: ${key.label} ${keys.join(', ')}. ` : '') +
            `No value was read back. ${x.kind === 'password' ? 'Anyone who can read the table, a backup or a replica can log in as those users.' : 'Anyone who can read the table can use those tokens.'}`,
          details: {
            column: label, kind: x.kind, namedHash: x.namedHash, values: total, notHashed: bad, empty: num(row['empty']), sampleKeys: keys, sampled,
          },
          fix: { sql: fix.sql, notes: fix.notes ?? '' },
        }];
      },
    };
  });
}
