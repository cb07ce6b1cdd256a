import type { Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import {
  SECRET_METADATA_WORDS, SECRET_PROTECTED_WORDS, SECRET_WORDS, USER_TABLE_WORDS, lexiconSample, matchLexicon, nameWords,
} from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { securedTables } from './shared.js';

const STORED_AS_STRING = new Set(['text', 'varchar', 'bpchar', 'citext', 'bytea']);
const PASSWORD_WORDS = ['password', 'passwd', 'pwd', 'passphrase'];
const PROTECTED_COMMENT = /\b(hash(ed)?|digest|encrypt(ed|ion)?|bcrypt|scrypt|argon2?|pbkdf2|hmac|sha-?(256|512)|cipher(text)?)\b/i;
/** Tables holding tokens issued by a third party (OAuth): those must be usable, so they are encrypted, not hashed. */
const PROVIDER_TABLE = /(oauth|identit|integration|connection|provider|linked|social|external|federated)/i;

/** Secrets the application must read back (to sign, verify a TOTP code, call a provider or send a push): encrypt, don't hash. */
const REUSED_WORDS = ['totp', 'mfa', 'private', 'signing', 'encryption', 'client', 'webhook', 'push', 'device', 'fcm', 'apns', 'hmac'];

type SecretKind = 'password' | 'issued-token' | 'reusable-secret';

function secretWords(c: Column): string[] {
  const base = c.domainBaseType ?? c.typeName;
  if (!STORED_AS_STRING.has(base) || c.generated !== null) return [];
  const hits = matchLexicon(c.name, SECRET_WORDS);
  if (hits.length === 0) return [];
  const words = nameWords(c.name);
  if (words.some((w) => SECRET_PROTECTED_WORDS.includes(w))) return [];
  // `token_type`, `password_hint`, `api_key_prefix`: metadata about a secret, not the secret.
  if (SECRET_METADATA_WORDS.includes(words[words.length - 1] as string)) return [];
  if (c.comment !== null && PROTECTED_COMMENT.test(c.comment)) return [];
  return hits;
}

function kindOf(t: Table, c: Column, hits: string[]): SecretKind {
  if (hits.some((h) => PASSWORD_WORDS.includes(h))) return 'password';
  if (nameWords(c.name).some((w) => REUSED_WORDS.includes(w))) return 'reusable-secret';
  const provider = PROVIDER_TABLE.test(t.name) || t.columns.some((o) => o.name === 'provider' || o.name === 'provider_id');
  return provider ? 'reusable-secret' : 'issued-token';
}

function hashColumnBeside(t: Table, c: Column): Column | undefined {
  return t.columns.find((o) => o !== c && nameWords(o.name).some((w) => SECRET_PROTECTED_WORDS.includes(w)));
}

function fixFor(t: Table, c: Column, kind: SecretKind): { sql: string; notes: string } {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(c.name);
  const bytea = (c.domainBaseType ?? c.typeName) === 'bytea';
  const lock =
    'ADD/DROP COLUMN take an ACCESS EXCLUSIVE lock briefly and do not rewrite the table; on a large table run the UPDATE in ' +
    'batches (WHERE id BETWEEN …) to keep row locks and WAL bursts small. Deploy the application change that writes the new ' +
    'column before dropping the old one.';
  if (kind === 'password') {
    const hashed = quoteIdent(`${c.name}_hash`);
    return {
      sql:
        `CREATE EXTENSION IF NOT EXISTS pgcrypto;\n` +
        `ALTER TABLE ${rel} ADD COLUMN ${hashed} text;\n` +
        `UPDATE ${rel} SET ${hashed} = crypt(${bytea ? `encode(${col}, 'escape')` : col}, gen_salt('bf', 10)) WHERE ${col} IS NOT NULL;\n` +
        `ALTER TABLE ${rel} DROP COLUMN ${col};`,
      notes:
        `Pre-check whether the values are already hashes (then only rename: ALTER TABLE ${rel} RENAME COLUMN ${col} TO ${hashed}): ` +
        `SELECT count(*) FILTER (WHERE ${col}::text ~ '^\\$(2[abxy]?|argon2|scrypt|pbkdf2)') AS hashed, count(*) AS total FROM ${rel}; ` +
        `Verify logins with crypt(input, ${c.name}_hash) = ${c.name}_hash or in the application with bcrypt/argon2. On Supabase, pgcrypto ` +
        `lives in schema extensions (extensions.crypt). ${lock}`,
    };
  }
  if (kind === 'issued-token') {
    const hashed = quoteIdent(`${c.name}_hash`);
    const digest = bytea ? `sha256(${col})` : `sha256(convert_to(${col}, 'UTF8'))`;
    return {
      sql:
        `ALTER TABLE ${rel} ADD COLUMN ${hashed} bytea;\n` +
        `UPDATE ${rel} SET ${hashed} = ${digest} WHERE ${col} IS NOT NULL;\n` +
        `ALTER TABLE ${rel} DROP COLUMN ${col};`,
      notes:
        `Tokens you issue are long random strings, so an unsalted SHA-256 is enough (sha256() is built in since PostgreSQL 11): ` +
        `look them up with WHERE ${c.name}_hash = sha256(convert_to($1, 'UTF8')) and move any UNIQUE index or constraint to the new ` +
        `column. ${lock}`,
    };
  }
  const enc = quoteIdent(`${c.name}_encrypted`);
  return {
    sql:
      `CREATE EXTENSION IF NOT EXISTS pgcrypto;\n` +
      `ALTER TABLE ${rel} ADD COLUMN ${enc} bytea;\n` +
      `UPDATE ${rel} SET ${enc} = pgp_sym_encrypt(${bytea ? `encode(${col}, 'escape')` : col}, current_setting('app.token_key')) WHERE ${col} IS NOT NULL;\n` +
      `ALTER TABLE ${rel} DROP COLUMN ${col};`,
    notes:
      `The application must read this secret back (to call a provider, sign or verify), so it is encrypted rather than hashed. The key comes from your ` +
      `secret store (SET app.token_key for the migration session), never from a SQL file; application-side envelope encryption ` +
      `or Supabase Vault are alternatives. ${lock}`,
  };
}

export default defineRule({
  meta: {
    id: 'plaintext-secret',
    category: 'security',
    severity: 'medium',
    title: 'Secret stored in clear text',
    rationale:
      'Passwords, API keys and tokens stored as readable text are one SQL injection, leaked backup or over-broad read ' +
      'replica away from account takeover. Passwords belong in a slow salted hash (bcrypt/argon2), tokens you issue in a ' +
      'SHA-256 digest you compare against, and third-party tokens you must reuse in encrypted form.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of securedTables(catalog)) {
      const usersTable = nameWords(t.name).some((w) => USER_TABLE_WORDS.includes(w));
      for (const c of t.columns) {
        const hits = secretWords(c);
        if (hits.length === 0) continue;
        const kind = kindOf(t, c, hits);
        const beside = hashColumnBeside(t, c);
        const confirmed = kind === 'password' && usersTable && beside === undefined;
        const rel = qualify(t.schema, t.name);
        const evidence =
          `the name contains "${hits.join('", "')}" (secret names: ${lexiconSample(SECRET_WORDS)}) and nothing in the name or ` +
          `comment says hashed or encrypted`;
        const structure = confirmed
          ? `; \`${t.name}\` is a user table and has no hash column beside it, so this is the login credential`
          : beside
            ? `; \`${beside.name}\` beside it suggests a hash exists — if \`${c.name}\` is a leftover, drop it`
            : '; a name-only heuristic';
        const advice =
          kind === 'password' ? 'Store a salted slow hash (bcrypt/argon2) instead and never the password.'
          : kind === 'issued-token' ? 'Store its SHA-256 digest and compare digests on lookup.'
          : 'The application must read it back (provider token, signing or TOTP secret), so store it encrypted, not hashed.';
        out.push({
          objects: [columnRef(t, c.name)],
          severity: confirmed ? 'high' : 'medium',
          message: `\`${rel}.${c.name}\` (\`${c.type}\`) looks like a secret stored in clear text: ${evidence}${structure}. ${advice}`,
          details: { column: c.name, matched: hits, kind, hashColumn: beside?.name ?? null, usersTable },
          // An array of secrets needs a per-element rewrite the fix cannot express in one UPDATE.
          fix: c.isArray ? null : fixFor(t, c, kind),
        });
      }
    }
    return out;
  },
});
