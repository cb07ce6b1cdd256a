import { leaks } from './tenant-rls-not-scoped.js';
import type { Catalog, Constraint, ReferentialAction, Table } from '../../catalog/model.js';
import { findTable, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { createIndexDdl } from '../indexes/shared.js';
import { singlePrimaryKey, tableLabel } from '../keys/shared.js';
import { actionSql, addForeignKeySql, foreignKeyName } from '../foreign-keys/shared.js';
import { protection } from '../foreign-keys/cascade-into-protected-data.js';
import { defineRule, type FindingDraft } from '../types.js';
import type { TenantInfo } from './tenant.js';
import {
  SET_NOT_NULL_NOTES, isCarrier, isParent, parentLabel, setNotNullSql, tableKey, tenantColumnType, tenantEvidence, tenantFor,
  tenantForeignKey,
} from './shared.js';

interface Step {
  from: Table;
  fk: Constraint;
  to: Table;
}

/** Where a table reaches its tenant: the FK hops, then the column on the last table that holds the tenant id. */
interface TenantPath {
  steps: Step[];
  /** The table and column whose value is the tenant id (a carrier's tenant column, or an FK to the tenant table). */
  source: { table: Table; column: string };
}

const MAX_HOPS = 6;

function ownFks(t: Table): Constraint[] {
  return t.constraints.filter((c) => c.type === 'foreign key' && !c.inherited && c.references !== null);
}

/** The column of `t` that references the tenant table's key, under whatever name. */
function parentReference(info: TenantInfo, t: Table): string | null {
  for (const fk of ownFks(t)) {
    const ref = fk.references as NonNullable<Constraint['references']>;
    if (!isParent(info, ref.schema, ref.table) || !info.parentKey) continue;
    const i = ref.columns.indexOf(info.parentKey.column);
    if (i >= 0) return fk.columns[i] as string;
  }
  return null;
}

/** The column of `t` that references a carrier's tenant column through a composite key. */
function compositeTenantReference(info: TenantInfo, t: Table): string | null {
  for (const fk of ownFks(t)) {
    const ref = fk.references as NonNullable<Constraint['references']>;
    if (!isCarrier(info, { schema: ref.schema, name: ref.table })) continue;
    const i = ref.columns.indexOf(info.column);
    if (i >= 0) return fk.columns[i] as string;
  }
  return null;
}

function fkNotNull(t: Table, fk: Constraint): boolean {
  return fk.columns.every((c) => t.columns.find((x) => x.name === c)?.notNull === true);
}

/**
 * Shortest chain of foreign keys from `start` to a table that holds the tenant id. Chains of NOT NULL
 * keys are preferred: every row then resolves to a tenant and the backfill leaves no NULLs.
 */
function pathToTenant(catalog: Catalog, info: TenantInfo, start: Table, global: Set<string>): TenantPath | null {
  for (const strict of [true, false]) {
    const seen = new Set([tableKey(start)]);
    let frontier: Array<{ table: Table; steps: Step[] }> = [{ table: start, steps: [] }];
    for (let depth = 0; depth < MAX_HOPS && frontier.length > 0; depth++) {
      const next: Array<{ table: Table; steps: Step[] }> = [];
      for (const { table, steps } of frontier) {
        for (const fk of ownFks(table)) {
          if (strict && !fkNotNull(table, fk)) continue;
          const ref = fk.references as NonNullable<Constraint['references']>;
          if (isParent(info, ref.schema, ref.table) && info.parentKey) {
            const i = ref.columns.indexOf(info.parentKey.column);
            if (i >= 0 && steps.length > 0) return { steps, source: { table, column: fk.columns[i] as string } };
            continue;
          }
          const to = findTable(catalog, ref.schema, ref.table);
          if (!to || to.origin !== 'user' || seen.has(tableKey(to)) || global.has(tableKey(to))) continue;
          const path = [...steps, { from: table, fk, to }];
          if (isCarrier(info, to)) return { steps: path, source: { table: to, column: info.column } };
          const viaComposite = compositeTenantReference(info, to);
          if (viaComposite) return { steps: path, source: { table: to, column: viaComposite } };
          seen.add(tableKey(to));
          next.push({ table: to, steps: path });
        }
      }
      frontier = next;
    }
  }
  return null;
}

function aliasFor(t: Table, used: Set<string>): string {
  let alias = t.name;
  for (let n = 2; used.has(alias); n++) alias = `${t.name}_${n}`;
  used.add(alias);
  return alias;
}

function joinCondition(fromAlias: string, toAlias: string, fk: Constraint): string {
  const ref = fk.references as NonNullable<Constraint['references']>;
  return fk.columns.map((c, i) => `${quoteIdent(toAlias)}.${quoteIdent(ref.columns[i] as string)} = ${quoteIdent(fromAlias)}.${quoteIdent(c)}`).join(' AND ');
}

/** `UPDATE comments SET organization_id = projects.organization_id FROM tasks JOIN projects ON … WHERE …`. */
function backfillSql(t: Table, column: string, path: TenantPath): { sql: string; batched: string | null } {
  const used = new Set<string>();
  const alias = aliasFor(t, used);
  const aliases = path.steps.map((s) => aliasFor(s.to, used));
  const target = qualify(t.schema, t.name) === quoteIdent(alias) ? qualify(t.schema, t.name) : `${qualify(t.schema, t.name)} AS ${quoteIdent(alias)}`;
  const sourceAlias = aliases[aliases.length - 1] as string;
  const from = path.steps.map((s, i) => {
    const a = aliases[i] as string;
    const rel = qualify(s.to.schema, s.to.name) === quoteIdent(a) ? qualify(s.to.schema, s.to.name) : `${qualify(s.to.schema, s.to.name)} AS ${quoteIdent(a)}`;
    return i === 0 ? rel : `JOIN ${rel} ON ${joinCondition(aliases[i - 1] as string, a, s.fk)}`;
  }).join('\n  ');
  const first = path.steps[0] as Step;
  const where = `${joinCondition(alias, aliases[0] as string, first.fk)}\n  AND ${quoteIdent(alias)}.${quoteIdent(column)} IS NULL`;
  const set = `${quoteIdent(column)} = ${quoteIdent(sourceAlias)}.${quoteIdent(path.source.column)}`;
  const sql = `UPDATE ${target}\nSET ${set}\nFROM ${from}\nWHERE ${where};`;
  const pk = singlePrimaryKey(t);
  const batched = pk
    ? `UPDATE ${target} SET ${set} FROM ${from.replace(/\n\s*/g, ' ')} WHERE ${where.replace(/\n\s*/g, ' ')} AND ${quoteIdent(alias)}.${quoteIdent(pk.column.name)} IN ` +
      `(SELECT ${quoteIdent(pk.column.name)} FROM ${qualify(t.schema, t.name)} WHERE ${quoteIdent(column)} IS NULL LIMIT 10000);`
    : null;
  return { sql, batched };
}

function pathLabel(path: TenantPath): string {
  const hops = path.steps.map((s) => `${tableLabel(s.from)}.${s.fk.columns.join(', ')}`);
  return `${hops.join(' → ')} → ${tableLabel(path.source.table)}.${path.source.column}`;
}

/** The ON DELETE the carriers use for their tenant foreign key, so the new one behaves like its siblings. */
const onDeleteMemo = new WeakMap<TenantInfo, ReferentialAction>();

function usualOnDelete(info: TenantInfo): ReferentialAction {
  const hit = onDeleteMemo.get(info);
  if (hit) return hit;
  const action = computeOnDelete(info);
  onDeleteMemo.set(info, action);
  return action;
}

function computeOnDelete(info: TenantInfo): ReferentialAction {
  const counts = new Map<ReferentialAction, number>();
  for (const t of info.carriers) {
    const fk = tenantForeignKey(info, t);
    if (fk?.references) counts.set(fk.references.onDelete, (counts.get(fk.references.onDelete) ?? 0) + 1);
  }
  let best: [ReferentialAction, number] = ['no action', 0];
  for (const e of counts) if (e[1] > best[1]) best = e;
  // The new column is NOT NULL: SET NULL / SET DEFAULT would fail on every tenant delete.
  return best[0] === 'set null' || best[0] === 'set default' ? 'no action' : best[0];
}

function finding(catalog: Catalog, info: TenantInfo, t: Table, global: Set<string>): FindingDraft {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(info.column);
  const type = tenantColumnType(info);
  const path = pathToTenant(catalog, info, t, global);
  const parent = parentLabel(info);
  const via = path ? path.steps.map((s) => `\`${tableLabel(s.to)}\``) : [];
  const reach = path
    ? `it reaches ${info.parent ? `\`${parent}\`` : 'its tenant'} only through ${path.steps.map((s) => `\`${tableLabel(s.to)}\``).join(' and ')} (${pathLabel(path)})`
    : `it references tenant-owned tables`;
  const nullablePath = path !== null && path.steps.some((s) => !fkNotNull(s.from, s.fk));
  const others = info.carriers.length;

  const statements: string[] = [`ALTER TABLE ${rel} ADD COLUMN ${col} ${type};`];
  const notes: string[] = [
    `Adding a nullable column without a default only changes the catalog (brief ACCESS EXCLUSIVE lock). ` +
      `Deploy code that writes \`${info.column}\` on every insert before the backfill, or rows inserted meanwhile stay NULL and fail the NOT NULL step.`,
  ];
  let backfill: { sql: string; batched: string | null } | null = null;
  if (path) {
    backfill = backfillSql(t, info.column, path);
    statements.push(backfill.sql);
    notes.push(
      `The backfill rewrites every row: on a large table run it in batches` +
        (backfill.batched ? `, repeating until it updates 0 rows: ${backfill.batched}` : ` (by primary-key range), one transaction per batch.`),
    );
  } else {
    statements.push(`-- Backfill ${rel}.${col} from the tenant-owned row each row belongs to before the next step.`);
  }
  statements.push(setNotNullSql(t, info.column));
  notes.push(
    `Pre-check before SET NOT NULL: SELECT count(*) FROM ${rel} WHERE ${col} IS NULL;  -- must be 0` +
      (nullablePath ? ` (the path to the tenant goes through a nullable foreign key, so rows without a parent stay NULL: assign or delete them).` : '.'),
  );
  notes.push(SET_NOT_NULL_NOTES);
  if (info.parent && info.parentKey) {
    const usual = usualOnDelete(info);
    // Financial and audit records outlive a deleted tenant (cascade-into-protected-data); the key is NOT NULL, so RESTRICT.
    const protectedData = usual === 'cascade' ? protection(t) : null;
    const onDelete: ReferentialAction = protectedData ? 'restrict' : usual;
    const clause = `FOREIGN KEY (${col}) REFERENCES ${qualify(info.parent.schema, info.parent.table)} (${quoteIdent(info.parentKey.column)})` +
      (onDelete !== 'no action' ? ` ON DELETE ${actionSql(onDelete)}` : '');
    statements.push(addForeignKeySql(catalog, t, foreignKeyName(t, [info.column]), clause));
    notes.push(`The foreign key is added NOT VALID (brief lock) and validated separately (SHARE UPDATE EXCLUSIVE, reads and writes continue).`);
    if (protectedData) {
      notes.push(
        `The other tenant keys cascade, but this one is ON DELETE RESTRICT: ${protectedData.evidence}, and such rows must not vanish with their tenant ` +
          `(cascade-into-protected-data); delete or archive them deliberately before the tenant.`,
      );
    }
  }
  const index = createIndexDdl(catalog, t, { nameParts: [info.column], keys: col });
  statements.push(index.sql);
  notes.push(index.notes);
  const firstHop = path?.steps[0];
  if (firstHop) {
    notes.push(`Then make the foreign key from ${rel} to ${qualify(firstHop.to.schema, firstHop.to.name)} include \`${info.column}\` (tenant-foreign-key-not-scoped shows how), so a row cannot point into another tenant.`);
  }

  return {
    objects: [tableRef(t)],
    message:
      `\`${tableLabel(t)}\` belongs to a tenant — ${reach} — but has no \`${info.column}\` column, unlike ${others} other tenant-owned table${others === 1 ? '' : 's'}. ` +
      `Every query must join ${via.length > 0 ? `${via.join(' and ')} ` : ''}to filter by tenant, a row level security policy cannot be a simple ` +
      `\`${info.column} = …\` check, and one missed join returns another tenant's rows. ` +
      `Add \`${info.column}\`, backfill it${path ? ` from \`${tableLabel(path.source.table)}\`` : ''}, make it NOT NULL${info.parent ? ` with a foreign key to \`${parent}\`` : ''}, and index it. ` +
      tenantEvidence(info),
    details: {
      tenantColumn: info.column,
      tenantSource: info.source,
      parent: info.parent ? `${info.parent.schema}.${info.parent.table}` : null,
      path: path ? [...path.steps.map((s) => ({ table: `${s.from.schema}.${s.from.name}`, columns: s.fk.columns, references: `${s.to.schema}.${s.to.name}` })), { table: `${path.source.table.schema}.${path.source.table.name}`, column: path.source.column }] : null,
      evidence: info.evidence,
    },
    fix: { sql: statements.join('\n'), notes: notes.join(' ') },
  };
}

export default defineRule({
  meta: {
    id: 'tenant-column-missing',
    category: 'tenancy',
    severity: 'high',
    title: 'Tenant-owned table without the tenant key',
    rationale:
      'In a multi-tenant schema every tenant-owned table should carry the tenant key. A table that reaches its tenant only through ' +
      'joins needs those joins in every query, cannot have a simple row level security policy or a tenant-leading index, and one ' +
      'query that forgets a join shows one customer another customer\'s data.',
    enabledByDefault: true,
  },
  check(ctx) {
    const info = tenantFor(ctx);
    if (!info) return [];
    const global = new Set(info.global.map(tableKey));
    const out: FindingDraft[] = [];
    for (const t of info.scoped) {
      if (isCarrier(info, t) || t.kind === 'foreign table') continue;
      // Already scoped under another name: a direct FK to the tenant, or a composite FK that includes a carrier's tenant column.
      if (parentReference(info, t) !== null || compositeTenantReference(info, t) !== null) continue;
      const draft = finding(ctx.catalog, info, t, global);
      // Policies that already isolate tenants through joins: no leak through the API today, but every
      // RLS-bypassing path (service role, jobs, reporting) must still join. A real cost, not an open door.
      if (t.rlsEnabled && t.policies.length > 0 && leaks(ctx.catalog, info, t).length === 0) {
        draft.severity = 'medium';
        draft.message += ' Its row level security policies do isolate tenants through those joins, so API clients are safe today; the risk is in code that bypasses RLS (service role, background jobs, reports) — hence medium.';
      }
      out.push(draft);
    }
    return out;
  },
});
