/**
 * `diff --expect <design>`: the tables the change created or altered, compared with the design.
 * Only what the design defines is compared — a design doc is usually partial — and tables it does
 * not define are left alone.
 */
import type { Catalog, Table } from '../catalog/model.js';
import { describeRef } from '../catalog/helpers.js';
import type { DriftEntry, ObjectRef, Severity } from '../result.js';
import { diffCatalogs } from './diff.js';
import type { CatalogChange } from './types.js';

function only(c: Catalog, tables: Table[]): Catalog {
  return { ...c, tables, views: [], enums: [], domains: [], functions: [], extensions: [], sequences: [], schemas: c.schemas.filter((s) => tables.some((t) => t.schema === s.name)) };
}

function driftKind(c: CatalogChange): { kind: string; severity: Severity } {
  const k = c.object.kind;
  const thing = ['constraint', 'index', 'table', 'column', 'trigger', 'policy', 'view', 'function', 'enum'].includes(k) ? k : 'column';
  if (c.action === 'created') return { kind: `extra-${thing}`, severity: 'low' };
  if (c.action === 'dropped') return { kind: `missing-${thing}`, severity: thing === 'constraint' || thing === 'column' ? 'medium' : 'low' };
  const d = c.detail.toLowerCase();
  if (k === 'constraint' || k === 'index') return { kind: 'constraint-mismatch', severity: 'medium' };
  if (d.includes('type')) return { kind: 'type-mismatch', severity: 'medium' };
  if (d.includes('null')) return { kind: 'nullability-mismatch', severity: 'medium' };
  if (d.includes('default')) return { kind: 'default-mismatch', severity: 'low' };
  return { kind: 'constraint-mismatch', severity: 'low' };
}

/** What the design says and what the change built, in a reader's words. */
function sides(c: CatalogChange, name: string): { expected: string; actual: string } {
  if (c.action === 'created') return { expected: 'absent', actual: name };
  if (c.action === 'dropped') return { expected: name, actual: 'absent' };
  const d = c.detail;
  if (/^NOT NULL dropped/i.test(d)) return { expected: 'NOT NULL', actual: 'nullable' };
  if (/^NOT NULL added/i.test(d)) return { expected: 'nullable', actual: 'NOT NULL' };
  const arrow = d.split(' → ');
  if (arrow.length === 2) return { expected: (arrow[0] as string).replace(/^(type|default) /, ''), actual: arrow[1] as string };
  return { expected: 'as designed', actual: d };
}

/** Deviations of the changed tables (`schema.table`) of `head` from `expected`. */
export function alignWithDesign(expected: Catalog, head: Catalog, changedTables: ReadonlySet<string>): DriftEntry[] {
  const out: DriftEntry[] = [];
  const designed = new Map(expected.tables.filter((t) => t.origin === 'user').map((t) => [`${t.schema}.${t.name}`, t]));
  for (const key of [...changedTables].sort()) {
    const actual = head.tables.find((t) => `${t.schema}.${t.name}` === key && t.origin === 'user');
    const design = designed.get(key);
    if (!actual) continue;
    if (!design) {
      const ref: ObjectRef = { kind: 'table', schema: actual.schema, name: actual.name };
      out.push({ kind: 'extra-table', severity: 'info', objects: [ref], expected: 'not in the design', actual: `table ${describeRef(ref)}`, fix: null });
      continue;
    }
    for (const c of diffCatalogs(only(expected, [design]), only(head, [actual]))) {
      const { kind, severity } = driftKind(c);
      const name = describeRef(c.object);
      out.push({ kind, severity, objects: [c.object], ...sides(c, name), fix: null });
    }
  }
  return out;
}
