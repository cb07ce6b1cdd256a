/** SQL pieces the audit checks share: relations (sampled or whole), row keys, result parsing. */
import type { Table } from '../catalog/model.js';
import { primaryKey, qualify, quoteIdent } from '../catalog/helpers.js';
import { tableLabel } from '../rules/keys/shared.js';
import type { SampleSettings, TableKey } from './types.js';

/** Is this table read through TABLESAMPLE? Only huge ones, by the catalog's row estimate. */
export function isSampled(t: Table, sample: SampleSettings | null): boolean {
  return sample !== null && (t.stats?.rowEstimate ?? 0) >= sample.minRows;
}

/**
 * `"public"."orders"`, schema always written: the audit runs with the connecting role's search_path,
 * which may put another schema's `orders` first (a role named like a schema, `SET search_path` in the
 * role's defaults); an unqualified name would then read the wrong table.
 */
export function relation(t: { schema: string; name: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** `"public"."orders" AS t` or `… AS t TABLESAMPLE SYSTEM (1)` for a huge table. */
export function fromTable(t: Table, alias: string, sample: SampleSettings | null): string {
  const base = `${relation(t)} AS ${alias}`;
  return isSampled(t, sample) ? `${base} TABLESAMPLE SYSTEM (${sample?.percent})` : base;
}

/** A row's key as text (the primary key, else a NOT NULL unique key), over `alias`. */
export function tableKey(t: Table, alias: string): TableKey {
  const pk = primaryKey(t);
  const cols = pk?.columns ?? t.constraints.find((c) => c.type === 'unique' && c.columns.length > 0
    && c.columns.every((n) => t.columns.find((x) => x.name === n)?.notNull))?.columns;
  if (!cols || cols.length === 0) return { expr: null, label: null };
  if (cols.length === 1) return { expr: `${alias}.${quoteIdent(cols[0] as string)}::text`, label: cols[0] as string };
  return { expr: `ROW(${cols.map((c) => `${alias}.${quoteIdent(c)}`).join(', ')})::text`, label: `(${cols.join(', ')})` };
}

/** node-postgres returns bigint counts as strings. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** Sample keys from min()/max() or an array, deduplicated, at most `limit`. */
export function samples(values: unknown[], limit = 3): string[] {
  const out: string[] = [];
  for (const v of values.flat()) {
    const s = str(v);
    if (s !== null && !out.includes(s)) out.push(s);
    if (out.length >= limit) break;
  }
  return out;
}

/** `id 17, 42` or `(org_id, id) (3,17)` for a message. */
export function describeKeys(key: TableKey, keys: string[]): string {
  if (keys.length === 0 || key.label === null) return '';
  return `${key.label} ${keys.join(', ')}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "in a 1% sample of `events`" or "". */
export function sampleNote(t: Table, sample: SampleSettings | null): string {
  return isSampled(t, sample) ? ` (in a ${sample?.percent}% TABLESAMPLE of \`${tableLabel(t)}\`: counts are of the sample, and a rare case may be missed)` : '';
}

export { qualify, quoteIdent, tableLabel };
