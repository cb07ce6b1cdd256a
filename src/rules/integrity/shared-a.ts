/**
 * Helpers and name lexicons shared by the integrity rules about closed sets, money units, audit
 * timestamps and NOT NULL: which tables they judge, which names mean "created"/"updated", literals
 * the schema compares a column with, and the lock-aware SQL for SET NOT NULL and updated_at triggers.
 */
import type { Catalog, Column, FunctionInfo, Table, Trigger } from '../../catalog/model.js';
import { findTable, qualify, quoteIdent } from '../../catalog/helpers.js';
import { isToolTable } from '../../catalog/tool-tables.js';
import { nameWords } from '../lexicon.js';
import { baseTypeName, reviewedTables } from '../types/shared.js';

/** Creation-time column names, as `nameWords(name).join('_')` (so `createdAt` matches `created_at`). */
export const CREATED_AT_NAMES: readonly string[] = [
  'created_at', 'created', 'created_on', 'created_date', 'created_time', 'created_timestamp', 'creation_date',
  'creation_time', 'create_time', 'create_date', 'date_created', 'inserted_at', 'insert_time', 'added_at', 'date_added',
];

/** Last-change column names, compared the same way. */
export const UPDATED_AT_NAMES: readonly string[] = [
  'updated_at', 'updated', 'updated_on', 'updated_date', 'updated_time', 'update_time', 'update_date', 'modified_at',
  'modified', 'modified_on', 'modified_date', 'modify_time', 'date_modified', 'date_updated', 'last_modified',
  'last_modified_at', 'last_modified_date', 'last_updated', 'last_updated_at', 'last_changed_at',
];

/**
 * Tables these rules judge: user tables that are not partitions (judged through their parent), not
 * temporary, not foreign (their shape belongs to the remote server) and not migration-tool bookkeeping.
 */
export function judgedTables(catalog: Catalog): Table[] {
  return reviewedTables(catalog).filter(
    // Introspection marks tool tables origin 'tool'; catalogs built by hand (tests, older caches) may not.
    (t) => t.kind !== 'foreign table' && t.persistence !== 'temporary' && !isToolTable(t),
  );
}

/**
 * Columns a table declares itself. A classic-inheritance child (INHERITS) repeats its parents'
 * columns; those are judged once, on the parent, as partitions are.
 */
export function ownColumns(catalog: Catalog, t: Table): Column[] {
  if (t.inherits.length === 0) return t.columns;
  const inherited = new Set<string>();
  for (const p of t.inherits) {
    const parent = findTable(catalog, p.schema, p.table);
    for (const c of parent?.columns ?? []) inherited.add(c.name);
  }
  return t.columns.filter((c) => !inherited.has(c.name));
}

const normalized = new Map<string, string>();

/** `createdAt` → created_at. Memoized: the same few column names recur in every table. */
export function normalizedName(name: string): string {
  let n = normalized.get(name);
  if (n === undefined) {
    if (normalized.size >= 20000) normalized.clear();
    n = nameWords(name).join('_');
    normalized.set(name, n);
  }
  return n;
}

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date']);

/** A date or timestamp column (domains seen through), arrays excluded. */
export function isTimestampLike(c: Column): boolean {
  return !c.isArray && TIME_TYPES.has(baseTypeName(c));
}

/** `created` / `updated` for an audit-timestamp column, by name and type; null otherwise. */
export function auditRole(c: Column): 'created' | 'updated' | null {
  if (!isTimestampLike(c)) return null;
  const n = normalizedName(c.name);
  if (CREATED_AT_NAMES.includes(n)) return 'created';
  if (UPDATED_AT_NAMES.includes(n)) return 'updated';
  return null;
}

/** The expression that means "now" for a column of this type. */
export function nowFor(c: Column): string {
  return baseTypeName(c) === 'date' ? 'CURRENT_DATE' : 'now()';
}

/** A comment that gives NULL a meaning: then a nullable column is deliberate. */
export const NULL_MEANING = /\bnull\b|\bunknown\b|\bunanswered\b|\bundecided\b|\bnot (?:yet )?(?:answered|known|set|asked|decided|specified|chosen|updated)\b|\bno answer\b|\bnever\b|\bn\/a\b|\btri-?state\b|\bthree-?(?:state|valued)\b/i;

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex source matching `col`, `"col"`, `x.col` as Postgres prints or users write it; group 1 is the qualifier. */
function columnRefSource(column: string): string {
  const quoted = `"${escapeRegExp(column.replace(/"/g, '""'))}"`;
  const bare = /^[a-z_][a-z0-9_$]*$/.test(column) ? `|${escapeRegExp(column)}` : '';
  return `(?<![\\w."$])(?:("[^"]+"|[A-Za-z_][\\w$]*)\\.)?(?:${quoted}${bare})(?![\\w"$])`;
}

/** Compiled patterns per column name: rules ask about the same names across thousands of tables. */
const patternCache = new Map<string, RegExp>();

function cached(key: string, build: () => RegExp): RegExp {
  let re = patternCache.get(key);
  if (!re) {
    // Bounded: a schema with very many distinct names recompiles rather than growing without limit.
    if (patternCache.size >= 5000) patternCache.clear();
    re = build();
    patternCache.set(key, re);
  }
  return re;
}

/** The cheap test first: an expression that does not contain the name cannot mention the column. */
function mayMention(expression: string, column: string): boolean {
  return expression.toLowerCase().includes(column.toLowerCase());
}

/** Does the expression mention the column as an identifier? */
export function mentionsColumn(expression: string, column: string): boolean {
  if (!mayMention(expression, column)) return false;
  return cached(`m\u0000${column}`, () => new RegExp(columnRefSource(column), 'i')).test(expression);
}

const LITERAL = `'((?:[^']|'')*)'`;
/** A cast suffix as Postgres prints it: `::text`, `::character varying`, `::text[]`, `::"MyEnum"`. */
const CAST = `(?:\\s*::\\s*(?:character varying|double precision|timestamp with(?:out)? time zone|"[^"]+"|[A-Za-z_][\\w.]*)(?:\\(\\d+(?:,\\d+)?\\))?(?:\\[\\])?)*`;

function unescapeLiteral(s: string): string {
  return s.replace(/''/g, "'");
}

const LITERAL_RE = new RegExp(LITERAL, 'g');
const DEFAULT_LITERAL_RE = new RegExp(`^\\(?${LITERAL}${CAST}\\)?$`);

function literalsIn(list: string): string[] {
  const out: string[] = [];
  for (const m of list.matchAll(LITERAL_RE)) out.push(unescapeLiteral(m[1] ?? ''));
  return out;
}

export interface LiteralComparison {
  value: string;
  /** The qualifier written before the column (`o` in `o.status`), lowercased and unquoted; null when bare. */
  qualifier: string | null;
}

/**
 * String literals the expression compares the column with: `c = 'x'`, `c <> 'x'`, `'x' = c`,
 * `c = ANY (ARRAY['x', 'y'])`, `c <> ALL (…)`, `c IN ('x', 'y')`, `c := 'x'` (plpgsql). Both
 * polarities count: `status <> 'deleted'` says 'deleted' is one of the values.
 */
export function literalComparisons(expression: string, column: string): LiteralComparison[] {
  if (!mayMention(expression, column)) return [];
  const ref = `\\(?${columnRefSource(column)}\\)?${CAST}\\)?`;
  const out: LiteralComparison[] = [];
  const qual = (q: string | undefined): string | null => (q ? q.replace(/^"|"$/g, '').toLowerCase() : null);
  const re = (n: number, source: () => string) => cached(`l${n}\u0000${column}`, () => new RegExp(source(), 'gi'));
  // `qualifier` is the regex group of the column's qualifier: the reversed form has the literal first.
  const patterns: Array<{ re: RegExp; qualifier: number; values: (m: RegExpMatchArray) => string[] }> = [
    { re: re(1, () => `${ref}\\s*(?:=|<>|!=|:=)\\s*\\(?${LITERAL}`), qualifier: 1, values: (m) => [unescapeLiteral(m[2] ?? '')] },
    { re: re(2, () => `${LITERAL}${CAST}\\)?\\s*(?:=|<>|!=)\\s*${ref}`), qualifier: 2, values: (m) => [unescapeLiteral(m[1] ?? '')] },
    { re: re(3, () => `${ref}\\s*(?:=\\s*ANY|<>\\s*ALL)\\s*\\(\\s*ARRAY\\[([^\\]]*)\\]`), qualifier: 1, values: (m) => literalsIn(m[2] ?? '') },
    { re: re(4, () => `${ref}\\s+(?:NOT\\s+)?IN\\s*\\(([^)]*)\\)`), qualifier: 1, values: (m) => literalsIn(m[2] ?? '') },
  ];
  for (const { re, qualifier, values } of patterns) {
    for (const m of expression.matchAll(re)) {
      for (const v of values(m)) if (v !== '') out.push({ value: v, qualifier: qual(m[qualifier]) });
    }
  }
  return out;
}

/**
 * A CHECK that limits the column to a set: membership (`= ANY (ARRAY[…])`, `IN (…)`), a regular
 * expression, or a chain of `col = '…'` alternatives. A CHECK that only ties the column to another
 * (`(status = 'cancelled') = (cancelled_at IS NOT NULL)`) leaves the set open.
 */
export function checkLimitsColumn(definition: string, column: string): boolean {
  if (!mayMention(definition, column)) return false;
  const ref = `\\(?${columnRefSource(column)}\\)?${CAST}\\)?`;
  if (cached(`c1\u0000${column}`, () => new RegExp(`${ref}\\s*(?:=\\s*ANY\\b|IN\\s*\\(|~)`, 'i')).test(definition)) return true;
  const body = definition.replace(/^\s*CHECK\s*/i, '').replace(/\bNOT VALID\s*$/i, '');
  const disjuncts = body.split(/\bOR\b/i).map((d) => d.replace(/[()\s]+/g, ' ').trim());
  const eq = cached(`c2\u0000${column}`, () => new RegExp(`^${columnRefSource(column)}${CAST}\\s*=\\s*${LITERAL}${CAST}$`, 'i'));
  const isNull = cached(`c3\u0000${column}`, () => new RegExp(`^${columnRefSource(column)}\\s+IS\\s+NULL$`, 'i'));
  return disjuncts.some((d) => eq.test(d)) && disjuncts.every((d) => eq.test(d) || isNull.test(d));
}

/** The literal of a default such as `'pending'::text` or `'usd'::character varying`, else null. */
export function defaultLiteral(c: Column): string | null {
  if (c.default === null) return null;
  const m = DEFAULT_LITERAL_RE.exec(c.default.trim());
  return m ? unescapeLiteral(m[1] ?? '') : null;
}

/** A name that fits in 63 bytes. */
export function fitName(name: string): string {
  return name.length <= 63 ? name : name.slice(0, 63);
}

/** A constraint name on the table that is not taken yet: `<t>_<c>_<suffix>`, then `…_2`, … */
export function freeConstraintName(t: Table, column: string, suffix: string): string {
  const taken = new Set(t.constraints.map((k) => k.name));
  const base = fitName(`${t.name}_${column}_${suffix}`);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const n = fitName(`${t.name}_${column}_${suffix}`.slice(0, 60) + `_${i}`);
    if (!taken.has(n)) return n;
  }
}

/**
 * The lock-aware way to add NOT NULL to an existing column: a CHECK (c IS NOT NULL) added NOT VALID
 * and validated under SHARE UPDATE EXCLUSIVE lets SET NOT NULL (PostgreSQL 12+) skip its own full scan
 * under ACCESS EXCLUSIVE. Older servers get a plain SET NOT NULL and a note.
 */
export function setNotNullSql(catalog: Catalog, t: Table, column: string): { sql: string; notes: string } {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(column);
  if (catalog.engine.serverVersionNum > 0 && catalog.engine.serverVersionNum < 120000) {
    return {
      sql: `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;`,
      notes: `SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock on PostgreSQL ${catalog.engine.serverVersion}; run it in a quiet window with a lock_timeout.`,
    };
  }
  const name = quoteIdent(freeConstraintName(t, column, 'not_null'));
  return {
    sql:
      `ALTER TABLE ${rel} ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID;\n` +
      `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${name};\n` +
      `ALTER TABLE ${rel} ALTER COLUMN ${col} SET NOT NULL;\n` +
      `ALTER TABLE ${rel} DROP CONSTRAINT ${name};`,
    notes:
      'A plain SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock. Instead the CHECK is added NOT VALID (brief lock), ' +
      'validated under SHARE UPDATE EXCLUSIVE (reads and writes continue), and SET NOT NULL then uses it to skip the scan (PostgreSQL 12+); ' +
      'the helper CHECK is dropped afterwards.',
  };
}

/** `UPDATE … WHERE c IS NULL` with the note that big tables want batches. */
export function backfillSql(t: Table, column: string, value: string): string {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(column);
  return `UPDATE ${rel} SET ${col} = ${value} WHERE ${col} IS NULL;`;
}

export const BACKFILL_NOTE =
  'On a large table run the UPDATE in batches (e.g. 10,000 rows per statement by primary key range) so it does not hold row locks ' +
  'and bloat the table in one long transaction.';

/** BEFORE UPDATE row triggers (enabled) on the table whose function or arguments mention the column. */
export function maintainingTriggers(catalog: Catalog, t: Table, column: string): { maintaining: Trigger[]; other: Trigger[] } {
  const maintaining: Trigger[] = [];
  const other: Trigger[] = [];
  for (const tr of t.triggers) {
    if (!tr.events.includes('update') && !tr.events.includes('insert')) continue;
    const fn = catalog.functions.find((f) => f.schema === tr.functionSchema && f.name === tr.functionName);
    // The trigger's arguments count too: moddatetime(updated_at) or a generic set_timestamp('updated_at').
    const mentions =
      mentionsColumn(tr.definition.replace(/^[\s\S]*?EXECUTE (?:FUNCTION|PROCEDURE)/i, ''), column) ||
      (fn !== undefined && mentionsColumn(fn.source, column));
    if (!mentions) continue;
    if (tr.timing === 'before' && tr.level === 'row' && tr.events.includes('update') && tr.enabled) maintaining.push(tr);
    else other.push(tr);
  }
  return { maintaining, other };
}

const settingFunctions = new WeakMap<Catalog, Map<string, FunctionInfo | null>>();

/** A user trigger function that assigns NEW.<column> (so it can be reused for another table with the same column). */
export function functionSettingColumn(catalog: Catalog, column: string, preferSchema: string): FunctionInfo | null {
  let memo = settingFunctions.get(catalog);
  if (!memo) settingFunctions.set(catalog, (memo = new Map()));
  const key = `${preferSchema}\u0000${column}`;
  if (memo.has(key)) return memo.get(key) ?? null;
  const assign = new RegExp(`\\bNEW\\s*\\.\\s*(?:"${escapeRegExp(column)}"${/^[a-z_][a-z0-9_$]*$/.test(column) ? `|${escapeRegExp(column)}` : ''})\\s*:?=`, 'i');
  const candidates = catalog.functions.filter(
    (f) => f.origin === 'user' && f.returns === 'trigger' && f.arguments === '' && assign.test(f.source) && !/TG_ARGV/i.test(f.source)
      // Functions that touch other columns of NEW too would change more than the timestamp on another table.
      && (f.source.match(/\bNEW\s*\.\s*("?[\w$]+"?)\s*:?=/gi) ?? []).length === 1,
  );
  const found = candidates.find((f) => f.schema === preferSchema) ?? candidates[0] ?? null;
  memo.set(key, found);
  return found;
}

/**
 * SQL that keeps `column` current on every UPDATE: reuses a trigger function of the schema that sets
 * NEW.<column>, else creates one (search_path pinned, so it cannot be hijacked), then the trigger.
 */
export function updatedAtTriggerSql(catalog: Catalog, t: Table, column: string, type: 'now()' | 'CURRENT_DATE' = 'now()'): {
  sql: string; functionName: string; reused: boolean;
} {
  const existing = functionSettingColumn(catalog, column, t.schema);
  const snake = normalizedName(column) || 'updated_at';
  let fnSchema = t.schema;
  let fnName = fitName(`set_${snake}`);
  let sql = '';
  if (existing) {
    fnSchema = existing.schema;
    fnName = existing.name;
  } else {
    if (catalog.functions.some((f) => f.schema === t.schema && f.name === fnName)) fnName = fitName(`set_${normalizedName(t.name)}_${snake}`);
    sql +=
      `CREATE OR REPLACE FUNCTION ${qualify(fnSchema, fnName)}() RETURNS trigger\n` +
      `LANGUAGE plpgsql\n` +
      `SET search_path = ''\n` +
      `AS $$\nBEGIN\n  NEW.${quoteIdent(column)} := ${type};\n  RETURN NEW;\nEND;\n$$;\n`;
  }
  const takenTriggers = new Set(t.triggers.map((tr) => tr.name));
  let trigger = fitName(`${t.name}_set_${snake}`);
  if (takenTriggers.has(trigger)) trigger = fitName(`${t.name}_set_${snake}_trg`);
  const execute = catalog.engine.serverVersionNum > 0 && catalog.engine.serverVersionNum < 110000 ? 'EXECUTE PROCEDURE' : 'EXECUTE FUNCTION';
  sql += `CREATE TRIGGER ${quoteIdent(trigger)} BEFORE UPDATE ON ${qualify(t.schema, t.name)}\n  FOR EACH ROW ${execute} ${qualify(fnSchema, fnName)}();`;
  return { sql, functionName: fnName, reused: existing !== null };
}

/** How a message refers to a table: `orders`, `billing.invoices`. */
export function label(t: { schema: string; name: string }): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
