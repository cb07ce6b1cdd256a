/**
 * Drift: where the actual schema (a live database, migrations, …) deviates from the expected one
 * (a design doc, a Prisma schema, the migrations). Computed with the same catalog diff as `diff`,
 * so constraints and indexes that differ only by generated name are equal; each entry carries the
 * lock-aware SQL that brings actual to expected (the "rollback" from actual to expected).
 */
import type { Catalog } from '../catalog/model.js';
import { describeRef } from '../catalog/helpers.js';
import type { DriftEntry, ObjectRef, Severity } from '../result.js';
import { diffCatalogs, likelyRenames } from './diff.js';
import { rollbackSql } from './rollback.js';
import type { CatalogChange } from './types.js';

const KIND_WORD: Record<string, string> = {
  table: 'table', column: 'column', index: 'index', constraint: 'constraint', view: 'view', function: 'function',
  trigger: 'trigger', policy: 'policy', enum: 'enum', sequence: 'sequence', extension: 'extension', schema: 'schema',
};

const SEVERITY: Record<string, Severity> = {
  'missing-table': 'high', 'missing-column': 'high', 'missing-constraint': 'high', 'missing-index': 'medium', 'missing-policy': 'high',
  'missing-trigger': 'medium', 'missing-function': 'medium', 'missing-view': 'medium', 'missing-enum-value': 'medium',
  'type-mismatch': 'high', 'nullability-mismatch': 'medium', 'default-mismatch': 'low', 'constraint-mismatch': 'medium',
  'extra-table': 'low', 'extra-column': 'low', 'extra-index': 'low', 'extra-constraint': 'low', 'extra-view': 'low',
  'extra-function': 'low', 'extra-trigger': 'medium', 'extra-policy': 'medium', 'extra-enum-value': 'low', 'likely-rename': 'medium',
};

function key(o: ObjectRef): string {
  return `${o.kind}:${o.schema ?? ''}.${o.table ?? ''}.${o.name ?? ''}`;
}

/** The PRODUCT drift kind of one change of diffCatalogs(expected, actual). */
function kindOf(c: CatalogChange): string {
  const word = KIND_WORD[c.object.kind] ?? c.object.kind;
  if (c.object.kind === 'enum' && /value/.test(c.detail)) return c.action === 'created' || /added/.test(c.detail) ? 'extra-enum-value' : 'missing-enum-value';
  if (c.action === 'created') return `extra-${word}`;
  if (c.action === 'dropped') return `missing-${word}`;
  const d = c.detail.toLowerCase();
  if (c.object.kind === 'column') {
    if (d.includes('type')) return 'type-mismatch';
    if (d.includes('not null')) return 'nullability-mismatch';
    if (d.includes('default')) return 'default-mismatch';
  }
  return 'constraint-mismatch';
}

function sides(c: CatalogChange): { expected: string; actual: string } {
  const name = describeRef(c.object);
  if (c.action === 'created') return { expected: 'absent', actual: name };
  if (c.action === 'dropped') return { expected: name, actual: 'absent' };
  if (/^NOT NULL dropped/i.test(c.detail)) return { expected: 'NOT NULL', actual: 'nullable' };
  if (/^NOT NULL added/i.test(c.detail)) return { expected: 'nullable', actual: 'NOT NULL' };
  const arrow = c.detail.split(' → ');
  if (arrow.length === 2) return { expected: (arrow[0] as string).replace(/^(type|default) /, ''), actual: arrow[1] as string };
  return { expected: 'as expected', actual: c.detail };
}

export interface DriftOptions {
  /**
   * The expected schema is partial (a design doc): only tables it defines are compared, and tables
   * it leaves out are not "extra".
   */
  partial?: boolean;
}

function restrictTo(actual: Catalog, expected: Catalog): Catalog {
  const defined = new Set(expected.tables.filter((t) => t.origin === 'user').map((t) => `${t.schema}.${t.name}`));
  return {
    ...actual,
    tables: actual.tables.filter((t) => t.origin !== 'user' || defined.has(`${t.schema}.${t.name}`)),
    views: actual.views.filter((v) => expected.views.some((e) => e.schema === v.schema && e.name === v.name)),
    functions: actual.functions.filter((f) => expected.functions.some((e) => e.schema === f.schema && e.name === f.name)),
    enums: actual.enums.filter((x) => expected.enums.some((e) => e.schema === x.schema && e.name === x.name)),
    sequences: [],
    extensions: actual.extensions.filter((x) => expected.extensions.some((e) => e.name === x.name)),
  };
}

/** Every deviation of `actual` from `expected`, with the SQL that brings actual to expected. */
export function checkDrift(actual: Catalog, expected: Catalog, opts: DriftOptions = {}): DriftEntry[] {
  const act = opts.partial ? restrictTo(actual, expected) : actual;
  const changes = diffCatalogs(expected, act);
  const plan = rollbackSql(expected, act);
  const fixes = new Map<string, string[]>();
  for (const step of plan.steps) {
    const k = key(step.change.object);
    fixes.set(k, [...(fixes.get(k) ?? []), step.sql]);
  }
  const out: DriftEntry[] = [];
  const renamed = new Set<string>();
  for (const pair of likelyRenames(changes, expected, act)) {
    const from: ObjectRef = pair.kind === 'table' ? { kind: 'table', schema: pair.schema, name: pair.from } : { kind: 'column', schema: pair.schema, table: pair.table, name: pair.from };
    const to: ObjectRef = pair.kind === 'table' ? { kind: 'table', schema: pair.schema, name: pair.to } : { kind: 'column', schema: pair.schema, table: pair.table, name: pair.to };
    renamed.add(key(from));
    renamed.add(key(to));
    const rel = pair.kind === 'table' ? `"${pair.schema}"."${pair.to}"` : `"${pair.schema}"."${pair.table}"`;
    out.push({
      kind: 'likely-rename',
      severity: SEVERITY['likely-rename'] as Severity,
      objects: [from, to],
      expected: describeRef(from),
      actual: `${describeRef(to)} (same ${pair.kind === 'table' ? 'columns' : `type ${pair.type}`}${pair.confident ? ', same position' : ''})`,
      fix: {
        sql: pair.kind === 'table'
          ? `ALTER TABLE ${rel} RENAME TO "${pair.from}";`
          : `ALTER TABLE ${rel} RENAME COLUMN "${pair.to}" TO "${pair.from}";`,
      },
    });
  }
  for (const c of changes) {
    if (renamed.has(key(c.object))) continue;
    // Same meaning, another name (usually one side auto-generated): not drift.
    if ((c.object.kind === 'constraint' || c.object.kind === 'index') && c.action === 'altered' && /^renamed\b/.test(c.detail)) continue;
    const kind = kindOf(c);
    const sql = fixes.get(key(c.object));
    out.push({
      kind,
      severity: SEVERITY[kind] ?? 'low',
      objects: [c.object],
      ...sides(c),
      fix: sql && sql.length > 0 ? { sql: sql.join('\n') } : null,
    });
  }
  return out;
}
