import type { Catalog, Column, Index, Table } from '../../catalog/model.js';
import { constraintRef, findTable, indexRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { createIndexDdl, keyListSql, keysLabel } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { lookup, tableKey } from '../keys/lookup.js';
import { USER_TABLE_WORDS, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import type { TenantInfo } from './tenant.js';
import { isParent, isScoped, mentionsIdentifier, ormFix, tenantEvidence, tenantFor } from './shared.js';

/**
 * Values unique across the whole product by nature: ids issued by an outside provider, random tokens
 * and hashes, DNS names, object-storage keys and paths (two tenants' files must never share one).
 * A UNIQUE on them without the tenant key is deliberate. Entries with `_` are phrases.
 */
export const GLOBALLY_UNIQUE_WORDS: readonly string[] = [
  'uuid', 'guid', 'token', 'hash', 'digest', 'fingerprint', 'nonce', 'idempotency', 'stripe', 'paddle', 'braintree', 'paypal',
  'chargebee', 'recurly', 'lemonsqueezy', 'github', 'gitlab', 'bitbucket', 'google', 'slack', 'discord', 'apple', 'microsoft',
  'twilio', 'sendgrid', 'auth0', 'clerk', 'okta', 'provider', 'oauth', 'domain', 'subdomain', 'hostname', 'storage', 's3',
  'blob', 'object_key', 'bucket_key',
];

/** Login identifiers: on a users table they are unique across tenants on purpose (one login, many tenants). */
const LOGIN_IDENTIFIER_WORDS: readonly string[] = ['email', 'username', 'login', 'handle'];

function isSurrogate(c: Column): boolean {
  return c.identity !== null || c.typeName === 'uuid' || (c.default?.startsWith('nextval(') ?? false);
}

/** Is `column` alone a primary or unique key of `t`? */
function identifiesRow(t: Table, column: string): boolean {
  return t.constraints.some((c) => (c.type === 'primary key' || c.type === 'unique') && c.columns.length === 1 && c.columns[0] === column);
}

/** Why a unique key needs no tenant column, or null when it should have one. */
function exemption(catalog: Catalog, info: TenantInfo, t: Table, i: Index): string | null {
  const cols = i.keys.map((k) => k.column);
  if (i.keys.some((k) => (k.column !== null ? k.column === info.column : mentionsIdentifier(k.expression, info.column)))) return 'includes the tenant key';
  const plain = cols.filter((c): c is string => c !== null);
  const pk = t.constraints.find((c) => c.type === 'primary key');
  if (pk && pk.columns.length > 0 && pk.columns.every((c) => plain.includes(c))) return 'includes the primary key';
  // UNIQUE (project_id, slug): the project already belongs to exactly one tenant.
  const viaParent = t.constraints.find((c) => {
    const ref = c.references;
    if (c.type !== 'foreign key' || ref === null || c.columns.length === 0) return false;
    if (!isScoped(info, { schema: ref.schema, name: ref.table }) && !isParent(info, ref.schema, ref.table)) return false;
    if (c.columns.every((x) => plain.includes(x))) return true;
    // Part of a composite key: a column that alone identifies the parent row (projects.id) is enough.
    const r = findTable(catalog, ref.schema, ref.table);
    return r !== undefined && c.columns.some((x, k) => plain.includes(x) && identifiesRow(r, ref.columns[k] as string));
  });
  if (viaParent) return `scoped through ${viaParent.name}`;
  const columns = plain.map((n) => t.columns.find((c) => c.name === n)).filter((c): c is Column => c !== undefined);
  if (i.keys.length === 1 && columns.length === 1 && isSurrogate(columns[0] as Column)) return 'a surrogate key';
  if (columns.some((c) => matchLexicon(c.name, GLOBALLY_UNIQUE_WORDS).length > 0)) return 'globally unique by name';
  if (nameWords(t.name).some((w) => USER_TABLE_WORDS.includes(w)) && columns.some((c) => matchLexicon(c.name, LOGIN_IDENTIFIER_WORDS).length > 0)) {
    return 'a login identifier';
  }
  if (info.membership && info.membership.table === t && plain.length === 1 && plain[0] === info.membership.userColumn) return 'one tenant per user';
  return null;
}

export default defineRule({
  meta: {
    id: 'tenant-unique-not-scoped',
    category: 'tenancy',
    severity: 'medium',
    title: 'Unique constraint not scoped to the tenant',
    rationale:
      'In a multi-tenant table a UNIQUE without the tenant key is unique across all customers: two tenants cannot both have a ' +
      'project with slug \'main\', and the second one\'s unique-violation error tells it that the value exists in another tenant. ' +
      'Uniqueness inside a tenant is UNIQUE (tenant_id, …).',
    enabledByDefault: true,
  },
  check(ctx) {
    const info = tenantFor(ctx);
    if (!info) return [];
    const out: FindingDraft[] = [];
    for (const t of info.carriers) {
      for (const i of t.indexes) {
        if (!i.unique || i.primary || !i.valid || i.keys.length === 0) continue;
        if (exemption(ctx.catalog, info, t, i) !== null) continue;
        out.push(finding(ctx.catalog, info, t, i, ctx.review.orm));
      }
    }
    return out;
  },
});

function finding(catalog: Catalog, info: TenantInfo, t: Table, i: Index, orm: 'prisma' | 'drizzle' | null): FindingDraft {
  const rel = qualify(t.schema, t.name);
  const constraint = i.constraint ? t.constraints.find((c) => c.name === i.constraint) : undefined;
  const label = `UNIQUE (${keysLabel(i)})${i.predicate ? ` WHERE ${i.predicate}` : ''}`;
  const what = constraint ? `constraint \`${constraint.name}\`` : `unique index \`${i.name}\``;
  const first = i.keys.find((k) => k.column !== null)?.column ?? keysLabel(i);
  const plainNames = i.keys.map((k) => k.column ?? 'expr');
  const ddl = createIndexDdl(catalog, t, {
    nameParts: [info.column, ...plainNames],
    suffix: 'key',
    keys: `${quoteIdent(info.column)}, ${keyListSql(i)}`,
    unique: true,
    where: i.predicate,
  });
  let sql = ddl.sql;
  if (i.nullsNotDistinct) sql = sql.replace(`(${quoteIdent(info.column)}, ${keyListSql(i)})`, `(${quoteIdent(info.column)}, ${keyListSql(i)}) NULLS NOT DISTINCT`);
  const partitioned = t.kind === 'partitioned table';
  const plainKeys = i.keys.every((k) => k.column !== null && !k.descending && k.opclass === null) && i.predicate === null;
  const statements = [sql];
  if (constraint) {
    statements.push(!partitioned && plainKeys
      ? `ALTER TABLE ${rel} DROP CONSTRAINT ${quoteIdent(constraint.name)}, ADD CONSTRAINT ${quoteIdent(ddl.name)} UNIQUE USING INDEX ${quoteIdent(ddl.name)};`
      : `ALTER TABLE ${rel} DROP CONSTRAINT ${quoteIdent(constraint.name)};`);
  } else {
    statements.push(partitioned ? `DROP INDEX ${qualify(i.schema, i.name)};` : `DROP INDEX CONCURRENTLY ${qualify(i.schema, i.name)};`);
  }
  const referencing = (lookup(catalog).referencedBy.get(tableKey(t.schema, t.name)) ?? [])
    .filter(({ constraint: c }) => c.references !== null && c.references.columns.length === plainNames.length && c.references.columns.every((rc) => plainNames.includes(rc)))
    .map(({ table: x, constraint: c }) => `${tableLabel(x)}.${c.name}`);
  const notes = [
    ddl.notes,
    `Adding \`${info.column}\` only relaxes the key, so existing rows cannot violate it.`,
    constraint
      ? `The swap takes a brief ACCESS EXCLUSIVE lock${!partitioned && plainKeys ? ' and keeps a named UNIQUE constraint (for ON CONFLICT ON CONSTRAINT and ORM introspection)' : ''}.`
      : partitioned ? 'DROP INDEX on a partitioned table cannot be CONCURRENTLY: it takes ACCESS EXCLUSIVE on the table briefly.' : 'DROP INDEX CONCURRENTLY runs outside a transaction block.',
    `Upserts written ON CONFLICT (${keysLabel(i)}) must become ON CONFLICT (${info.column}, ${keysLabel(i)}), and ORM models (@@unique, uniqueIndex) must follow.`,
  ];
  if (referencing.length > 0) {
    notes.push(`Foreign keys reference this key (${referencing.join(', ')}): the old constraint cannot be dropped until they are rebuilt on (${info.column}, ${keysLabel(i)}).`);
  }
  return {
    objects: [constraint ? constraintRef(t, constraint) : indexRef(i)],
    message:
      `\`${tableLabel(t)}\` has ${label} (${what}) without \`${info.column}\`: the value is unique across all tenants, so two tenants cannot both use ` +
      `the same \`${first}\`, and the second one's unique-violation error reveals that another tenant has it. ` +
      `Make it UNIQUE (${info.column}, ${keysLabel(i)}). If \`${first}\` must be unique across the whole product (a public URL, a subdomain), ignore this with that reason. ` +
      tenantEvidence(info),
    details: { index: i.name, constraint: constraint?.name ?? null, keys: i.keys.map((k) => k.expression), tenantColumn: info.column, evidence: info.evidence },
    fix: {
      sql: statements.join('\n'),
      notes: notes.join(' '),
      orm: plainKeys ? ormFix(orm, {
        prisma: `// model ${t.name}: remove @unique / @@unique([${plainNames.join(', ')}]) and add\n@@unique([${[info.column, ...plainNames].join(', ')}])`,
        drizzle: `// ${t.name}: replace the unique on (${plainNames.join(', ')}) in the table's extra config with\nunique().on(${[info.column, ...plainNames].map((c) => `t.${c}`).join(', ')})`,
      }) : undefined,
    },
  };
}
