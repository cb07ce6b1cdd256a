/**
 * What the schema does well, stated from evidence. Every strength is computed from the catalog
 * (so it is true of what Postgres built) and is dropped when any finding contradicts it (so the
 * review never praises what it also flags — a suppressed finding still fails the computation).
 */
import type { Catalog, Column, Table } from '../catalog/model.js';
import { foreignKeys, indexCoversColumns, isPartition, primaryKey, userTables } from '../catalog/helpers.js';
import type { Finding } from '../result.js';

export interface Strength {
  /** Stable id, for tests and future config. */
  id: string;
  /** One short sentence: "Every foreign key is indexed". */
  title: string;
  /** The evidence, with counts and examples. */
  evidence: string;
}

interface StrengthCheck {
  id: string;
  /** Rules whose findings would make the claim false or misleading. */
  contradictedBy: readonly string[];
  compute(facts: Facts): Omit<Strength, 'id'> | null;
}

interface ColumnOf {
  table: Table;
  column: Column;
}

interface Facts {
  catalog: Catalog;
  tables: Table[];
  columns: ColumnOf[];
}

const MONEY_NAME = /(^|_)(amount|price|cost|total|subtotal|balance|fee|fees|tax|discount|revenue|salary|payout|refund|cents)(_|$)/;
const NOT_MONEY_NAME = /(count|qty|quantity|number|num|percent|pct|rate|ratio|score|points|weight|size|duration|seconds|minutes)/;
const STATUS_NAME = /(^|_)(status|state|kind|type|role|stage|phase|priority|level|tier)$/;
const AUDIT_TIMESTAMP = /^(created_at|updated_at|inserted_at|modified_at)$/;
const CREATED_AT = /^(created_at|inserted_at|created_on|created)$/;
const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

const label = (c: ColumnOf): string => `${c.table.schema === 'public' ? '' : `${c.table.schema}.`}${c.table.name}.${c.column.name}`;

/** "`a`, `b`, `c` and 4 more"; a note after the object stays outside the code span: "`users.role` (CHECK)". */
function examples(items: Array<string | [string, string]>, max = 3): string {
  const shown = items.slice(0, max).map((i) => (typeof i === 'string' ? `\`${i}\`` : `\`${i[0]}\` (${i[1]})`));
  if (items.length <= max) return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join('');
  return `${shown.join(', ')} and ${items.length - max} more`;
}

/** "All 12 tables" / "Both tables" / "The one table", optionally mid-sentence. */
function all(n: number, noun: string, midSentence = false): string {
  const phrase = n === 1 ? `The one ${noun}` : n === 2 ? `Both ${noun}s` : `All ${n} ${noun}s`;
  return midSentence ? phrase.charAt(0).toLowerCase() + phrase.slice(1) : phrase;
}

function hasCheckOn(table: Table, column: string): boolean {
  return table.constraints.some((k) => k.type === 'check' && k.columns.includes(column));
}

function domainWithCheck(catalog: Catalog, column: Column): boolean {
  return catalog.domains.some((d) => d.schema === column.typeSchema && d.name === column.typeName && d.checks.length > 0);
}

function singleColumnPks(facts: Facts): ColumnOf[] {
  const out: ColumnOf[] = [];
  for (const table of facts.tables) {
    const key = primaryKey(table);
    if (key?.columns.length !== 1) continue;
    const column = table.columns.find((c) => c.name === key.columns[0]);
    if (column) out.push({ table, column });
  }
  return out;
}

const CHECKS: readonly StrengthCheck[] = [
  {
    id: 'every-foreign-key-indexed',
    contradictedBy: ['unindexed-foreign-key'],
    compute({ tables }) {
      let total = 0;
      for (const t of tables) {
        for (const k of foreignKeys(t)) {
          total++;
          if (!t.indexes.some((i) => indexCoversColumns(i, k.columns))) return null;
        }
      }
      if (total === 0) return null;
      return {
        title: 'Every foreign key is indexed',
        evidence: `${all(total, 'foreign key')} ${total === 1 ? 'has' : 'have'} a supporting index, so joins and deletes on the referenced side stay index lookups.`,
      };
    },
  },
  {
    id: 'every-table-has-primary-key',
    contradictedBy: ['no-primary-key'],
    compute({ tables }) {
      if (tables.length === 0 || tables.some((t) => !primaryKey(t))) return null;
      return { title: 'Every table has a primary key', evidence: `${all(tables.length, 'table')} ${tables.length === 1 ? 'has' : 'have'} a primary key, so every row can be addressed, replicated and updated safely.` };
    },
  },
  {
    id: 'timestamptz-throughout',
    contradictedBy: ['timestamp-without-time-zone'],
    compute({ columns }) {
      const stamps = columns.filter((c) => c.column.typeName === 'timestamp' || c.column.typeName === 'timestamptz');
      if (stamps.length === 0 || stamps.some((c) => c.column.typeName !== 'timestamptz')) return null;
      return { title: 'timestamptz throughout', evidence: `${all(stamps.length, 'timestamp column')} ${stamps.length === 1 ? 'is' : 'are'} \`timestamptz\`, so instants stay correct across server and client time zones.` };
    },
  },
  {
    id: 'money-stored-exactly',
    contradictedBy: ['money-type', 'money-as-float'],
    compute({ columns }) {
      const money = columns.filter((c) => c.column.typeCategory === 'N' && MONEY_NAME.test(c.column.name) && !NOT_MONEY_NAME.test(c.column.name));
      if (money.length === 0) return null;
      if (money.some((c) => !INTEGER_TYPES.has(c.column.typeName) && c.column.typeName !== 'numeric')) return null;
      const cents = money.filter((c) => INTEGER_TYPES.has(c.column.typeName)).length;
      const how = cents === money.length ? 'integer minor units (cents)' : cents === 0 ? '`numeric`' : 'integer cents or `numeric`';
      return {
        title: 'Money is stored exactly',
        evidence: `Money columns use ${how}, never float or \`money\`: ${examples(money.map((c): [string, string] => [label(c), c.column.type]))}.`,
      };
    },
  },
  {
    id: 'rls-on-exposed-tables',
    contradictedBy: ['rls-disabled', 'rls-enabled-no-policy'],
    compute({ catalog, tables }) {
      // On Supabase every table in `public` is reachable through the API; elsewhere we only claim full coverage.
      const exposed = catalog.supabase ? tables.filter((t) => t.schema === 'public') : tables;
      if (exposed.length === 0 || exposed.some((t) => !t.rlsEnabled || t.policies.length === 0)) return null;
      const policies = exposed.reduce((n, t) => n + t.policies.length, 0);
      const where = catalog.supabase ? ' in `public` (the schema the Supabase API exposes)' : '';
      return {
        title: catalog.supabase ? 'RLS on every exposed table' : 'RLS on every table',
        evidence: `Row level security is enabled with policies on ${all(exposed.length, 'table', true)}${where}: ${policies} ${policies === 1 ? 'policy' : 'policies'} in total.`,
      };
    },
  },
  {
    id: 'check-constraints',
    contradictedBy: [],
    compute({ catalog, tables, columns }) {
      const guarded = columns.filter((c) => hasCheckOn(c.table, c.column.name) || domainWithCheck(catalog, c.column));
      const constraints = tables.reduce((n, t) => n + t.constraints.filter((k) => k.type === 'check').length, 0);
      if (guarded.length === 0) return null;
      const tableCount = new Set(guarded.map((c) => c.table)).size;
      return {
        title: 'CHECK constraints guard the data',
        evidence: `${guarded.length} ${guarded.length === 1 ? 'column is' : 'columns are'} validated by the database (${constraints} CHECK ${constraints === 1 ? 'constraint' : 'constraints'}${constraints < guarded.length ? ' and checked domains' : ''} on ${tableCount} ${tableCount === 1 ? 'table' : 'tables'}), e.g. ${examples(guarded.map(label))}.`,
      };
    },
  },
  {
    id: 'consistent-id-strategy',
    contradictedBy: ['mixed-id-strategy', 'uuid-stored-as-text', 'foreign-key-type-mismatch'],
    compute(facts) {
      const keys = singleColumnPks(facts);
      if (keys.length < 2 || keys.length < facts.tables.length / 2) return null;
      // integer next to bigint keys is two shapes of foreign key, not one strategy.
      const types = new Set(keys.map((k) => k.column.type));
      if (types.size !== 1) return null;
      const what = `\`${[...types][0] as string}\``;
      return { title: 'One id strategy', evidence: `${all(keys.length, 'single-column primary key')} ${keys.length === 1 ? 'is' : 'are'} ${what}, so every foreign key has the same shape.` };
    },
  },
  {
    id: 'identity-columns',
    contradictedBy: ['prefer-identity'],
    compute(facts) {
      const keys = singleColumnPks(facts).filter((k) => INTEGER_TYPES.has(k.column.typeName));
      if (keys.length === 0 || keys.some((k) => k.column.identity === null)) return null;
      return { title: 'Identity columns, not serial', evidence: `${all(keys.length, 'integer primary key')} ${keys.length === 1 ? 'is' : 'are'} \`GENERATED … AS IDENTITY\`: standard SQL, and the sequence's ownership and grants follow the column.` };
    },
  },
  {
    id: 'enforced-status-columns',
    contradictedBy: ['enum-like-without-check'],
    compute({ catalog, columns }) {
      const status = columns.filter((c) => STATUS_NAME.test(c.column.name) && !c.column.isArray && (c.column.typeCategory === 'S' || c.column.typeCategory === 'E'));
      if (status.length === 0) return null;
      const how = (c: ColumnOf): string | null => {
        if (c.column.typeCategory === 'E') return `enum ${c.column.typeName}`;
        if (hasCheckOn(c.table, c.column.name)) return 'CHECK';
        if (domainWithCheck(catalog, c.column)) return `domain ${c.column.typeName}`;
        if (foreignKeys(c.table).some((k) => k.columns.includes(c.column.name))) return 'lookup table';
        return null;
      };
      const described = status.map((c) => ({ c, how: how(c) }));
      if (described.some((d) => d.how === null)) return null;
      const allEnums = described.every((d) => d.c.column.typeCategory === 'E');
      return {
        title: allEnums ? 'Enums for status columns' : 'Status columns are constrained',
        evidence: `${all(status.length, 'status-like column')} ${status.length === 1 ? 'accepts' : 'accept'} only declared values: ${examples(described.map((d): [string, string] => [label(d.c), d.how as string]))}.`,
      };
    },
  },
  {
    id: 'audit-timestamps-not-null',
    contradictedBy: ['audit-timestamp-nullable'],
    compute({ columns }) {
      const audit = columns.filter((c) => AUDIT_TIMESTAMP.test(c.column.name));
      if (audit.length === 0 || audit.some((c) => !c.column.notNull)) return null;
      return { title: 'Audit timestamps are NOT NULL', evidence: `${all(audit.length, 'created_at/updated_at column')} ${audit.length === 1 ? 'is' : 'are'} NOT NULL, so every row can be dated.` };
    },
  },
  {
    id: 'created-at-everywhere',
    contradictedBy: ['missing-timestamps'],
    compute({ tables }) {
      if (tables.length < 2 || tables.some((t) => !t.columns.some((c) => CREATED_AT.test(c.name)))) return null;
      return { title: 'Every table records when rows were created', evidence: `${all(tables.length, 'table')} ${tables.length === 1 ? 'has' : 'have'} a creation timestamp.` };
    },
  },
  {
    id: 'updated-at-maintained',
    contradictedBy: ['updated-at-without-trigger'],
    compute({ tables }) {
      const withUpdatedAt = tables.filter((t) => t.columns.some((c) => c.name === 'updated_at'));
      if (withUpdatedAt.length === 0) return null;
      const maintained = (t: Table): boolean =>
        t.triggers.some((tr) => tr.enabled && tr.level === 'row' && tr.timing === 'before' && tr.events.includes('update'));
      if (!withUpdatedAt.every(maintained)) return null;
      return { title: 'updated_at is maintained by the database', evidence: `${all(withUpdatedAt.length, 'table')} with \`updated_at\` ${withUpdatedAt.length === 1 ? 'has' : 'have'} a BEFORE UPDATE trigger, so the column cannot go stale when a client forgets it.` };
    },
  },
  {
    id: 'foreign-key-types-match',
    contradictedBy: ['foreign-key-type-mismatch'],
    compute({ catalog, tables }) {
      const byKey = new Map(catalog.tables.map((t) => [`${t.schema}.${t.name}`, t]));
      let total = 0;
      for (const t of tables) {
        for (const k of foreignKeys(t)) {
          if (!k.references) continue;
          const target = byKey.get(`${k.references.schema}.${k.references.table}`);
          if (!target) return null;
          for (const [i, name] of k.columns.entries()) {
            const from = t.columns.find((c) => c.name === name);
            const to = target.columns.find((c) => c.name === k.references?.columns[i]);
            if (!from || !to || from.type !== to.type) return null;
          }
          total++;
        }
      }
      if (total < 2) return null;
      return { title: 'Foreign keys match their targets', evidence: `${all(total, 'foreign key')} use exactly the type of the key they reference, so joins need no casts.` };
    },
  },
  {
    id: 'jsonb-not-json',
    contradictedBy: ['json-over-jsonb'],
    compute({ columns }) {
      const jsonb = columns.filter((c) => c.column.typeName === 'jsonb');
      if (jsonb.length === 0 || columns.some((c) => c.column.typeName === 'json')) return null;
      return { title: 'jsonb, not json', evidence: `Semi-structured data uses \`jsonb\` (${jsonb.length} ${jsonb.length === 1 ? 'column' : 'columns'}, e.g. ${examples(jsonb.map(label), 2)}), which can be indexed and compared.` };
    },
  },
  {
    id: 'security-definer-pinned',
    contradictedBy: ['security-definer-mutable-search-path'],
    compute({ catalog }) {
      const definers = catalog.functions.filter((f) => f.origin === 'user' && f.securityDefiner);
      if (definers.length === 0 || definers.some((f) => !f.config.some((c) => c.startsWith('search_path=')))) return null;
      return { title: 'SECURITY DEFINER functions pin search_path', evidence: `${all(definers.length, 'SECURITY DEFINER function')} ${definers.length === 1 ? 'sets' : 'set'} \`search_path\`, so callers cannot hijack ${definers.length === 1 ? 'it' : 'them'} with their own objects.` };
    },
  },
  {
    id: 'table-comments',
    contradictedBy: [],
    compute({ tables }) {
      const commented = tables.filter((t) => t.comment !== null && t.comment.trim() !== '').length;
      if (tables.length === 0 || commented / tables.length < 0.5) return null;
      const pct = Math.round((commented / tables.length) * 100);
      return { title: 'Tables are documented', evidence: `${commented} of ${tables.length} tables (${pct}%) carry a COMMENT, which tools and the next engineer can read.` };
    },
  },
];

/** Strengths in a fixed order (most important first). */
export function findStrengths(catalog: Catalog, findings: readonly Finding[]): Strength[] {
  const fired = new Set(findings.map((f) => f.rule));
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const facts: Facts = { catalog, tables, columns: tables.flatMap((table) => table.columns.map((column) => ({ table, column }))) };
  const out: Strength[] = [];
  for (const check of CHECKS) {
    if (check.contradictedBy.some((r) => fired.has(r))) continue;
    const s = check.compute(facts);
    if (s) out.push({ id: check.id, ...s });
  }
  return out;
}
