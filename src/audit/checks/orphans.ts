/**
 * orphaned-rows: rows whose reference points at no parent, for foreign keys added NOT VALID and never
 * validated, and for implied references (`customer_id` with no foreign key). One anti-join each.
 */
import type { Column, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, findTable, foreignKeys, isPartition, tableRef, userTables } from '../../catalog/helpers.js';
import { columnLabel, integerKind, storedTypeName } from '../../rules/keys/shared.js';
import type { FindingDraft } from '../../rules/types.js';
import type { ObjectRef } from '../../result.js';
import { ruleDrafts } from '../candidates.js';
import { fromTable, isSampled, relation, num, plural, qualify, quoteIdent, sampleNote, samples, tableKey, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

interface Reference {
  child: Table;
  columns: string[];
  parent: Table;
  parentColumns: string[];
  /** The NOT VALID constraint, or null for an implied reference. */
  constraint: string | null;
  /** For an implied reference: the SQL that adds the foreign key (from missing-foreign-key). */
  addSql: string | null;
}

/** `p.id = t.customer_id`, comparing as text when the two types have no equality operator in common (varchar and text do). */
function matchExpr(childCol: Column | undefined, parentCol: Column | undefined, c: string, p: string, alias: string): string {
  const left = `p.${quoteIdent(p)}`;
  const right = `${alias}.${quoteIdent(c)}`;
  if (!childCol || !parentCol) return `${left} = ${right}`;
  const same = storedTypeName(childCol) === storedTypeName(parentCol) || (integerKind(childCol) !== null && integerKind(parentCol) !== null);
  return same ? `${left} = ${right}` : `${left}::text = ${right}::text`;
}

function references(ctx: PlanContext): Reference[] {
  const out: Reference[] = [];
  for (const t of userTables(ctx.catalog)) {
    if (isPartition(t)) continue;
    for (const fk of foreignKeys(t)) {
      if (fk.validated || !fk.references || fk.inherited) continue;
      const parent = findTable(ctx.catalog, fk.references.schema, fk.references.table);
      if (!parent) continue;
      out.push({ child: t, columns: fk.columns, parent, parentColumns: fk.references.columns, constraint: fk.name, addSql: null });
    }
  }
  for (const d of ruleDrafts(ctx, 'missing-foreign-key')) {
    const ref = d.objects[0];
    const details = d.details ?? {};
    const [ps, pt] = String(details['referencedTable'] ?? '').split('.');
    if (!ref?.table || !ref.schema || !ps || !pt) continue;
    const child = findTable(ctx.catalog, ref.schema, ref.table);
    const parent = findTable(ctx.catalog, ps, pt);
    if (!child || !parent || isPartition(child)) continue;
    out.push({
      child, columns: [String(details['column'])], parent, parentColumns: [String(details['referencedColumn'])],
      constraint: null, addSql: d.fix?.sql ?? null,
    });
  }
  return out;
}

/** The orphan test over the child table as `alias` (`t` in the check, the table's own name in the repair statements). */
function orphanWhere(r: Reference, alias = 't'): string {
  const notNull = r.columns.map((c) => `${alias}.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const match = r.columns.map((c, i) => {
    const p = r.parentColumns[i] as string;
    return matchExpr(r.child.columns.find((x) => x.name === c), r.parent.columns.find((x) => x.name === p), c, p, alias);
  }).join(' AND ');
  return `${notNull} AND NOT EXISTS (SELECT 1 FROM ${relation(r.parent)} AS p WHERE ${match})`;
}

function valueExpr(r: Reference): string {
  return r.columns.length === 1 ? `t.${quoteIdent(r.columns[0] as string)}::text` : `ROW(${r.columns.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`;
}

function fix(r: Reference, n: number): { sql: string; notes: string } {
  const rel = qualify(r.child.schema, r.child.name);
  const where = orphanWhere(r, quoteIdent(r.child.name));
  const nullable = r.columns.every((c) => !r.child.columns.find((x) => x.name === c)?.notNull);
  const repair = [
    `-- ${plural(n, 'row')} of ${tableLabel(r.child)} ${n === 1 ? 'points' : 'point'} at no ${tableLabel(r.parent)} row: repair ${n === 1 ? 'it' : 'them'} first, either`,
    ...(nullable ? [`-- UPDATE ${rel} SET ${r.columns.map((c) => `${quoteIdent(c)} = NULL`).join(', ')} WHERE ${where};`, '-- or'] : []),
    `-- DELETE FROM ${rel} WHERE ${where};`,
  ];
  const tail = r.constraint
    ? `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${quoteIdent(r.constraint)};`
    : (r.addSql ?? '');
  return {
    sql: [...repair, tail].join('\n'),
    notes:
      'Decide per row whether the parent should exist (restore it) or the row is garbage (delete it) or loses its link (NULL); then ' +
      (r.constraint
        ? 'VALIDATE scans the table under SHARE UPDATE EXCLUSIVE, which lets reads and writes through.'
        : 'add the foreign key NOT VALID and VALIDATE it, so no new orphans appear.'),
  };
}

export function planOrphans(ctx: PlanContext): AuditCheck[] {
  return references(ctx).map((r): AuditCheck => {
    const key = tableKey(r.child, 't');
    const from = fromTable(r.child, 't', ctx.sample);
    const sql =
      `SELECT count(*) AS n, ${key.expr ? `min(${key.expr}) AS k1, max(${key.expr}) AS k2, ` : ''}` +
      `min(${valueExpr(r)}) AS v1, max(${valueExpr(r)}) AS v2 FROM ${from} WHERE ${orphanWhere(r)}`;
    const cols = r.columns.join(', ');
    const label = `${tableLabel(r.child)}.${r.columns.length === 1 ? cols : `(${cols})`} → ${tableLabel(r.parent)}`;
    const objects: ObjectRef[] = [
      ...(r.constraint ? [constraintRef(r.child, { name: r.constraint })] : []),
      ...r.columns.map((c) => columnRef(r.child, c)),
      tableRef(r.parent),
    ];
    return {
      rule: 'orphaned-rows',
      label,
      objects,
      reads: [{ schema: r.child.schema, table: r.child.name }, { schema: r.parent.schema, table: r.parent.name }],
      sql,
      sampled: isSampled(r.child, ctx.sample),
      interpret(rows): FindingDraft[] {
        const row = rows[0] ?? {};
        const n = num(row['n']);
        if (n === 0) return [];
        const keys = samples([row['k1'], row['k2']]);
        const missing = samples([row['v1'], row['v2']]);
        const what = r.constraint
          ? `the foreign key ${r.constraint} was added NOT VALID and never validated, and`
          : `\`${columnLabel(r.child, r.columns[0] as string)}\` has no foreign key (its name and type match \`${columnLabel(r.parent, r.parentColumns[0] as string)}\`), and`;
        return [{
          objects,
          message:
            `${what} ${plural(n, 'row')} of \`${tableLabel(r.child)}\` ${n === 1 ? 'points' : 'point'} at no \`${tableLabel(r.parent)}\` row${sampleNote(r.child, ctx.sample)}. ` +
            (keys.length > 0 ? `Sample rows: ${key.label} ${keys.join(', ')}; ` : '') +
            `missing ${r.columns.length === 1 ? cols : `(${cols})`} values include ${missing.join(', ')}. ` +
            `Joins drop these rows silently${r.constraint ? ' and VALIDATE CONSTRAINT fails until they are repaired' : ', and a foreign key cannot be added until they are repaired'}.`,
          details: {
            child: tableLabel(r.child), columns: r.columns, parent: tableLabel(r.parent), parentColumns: r.parentColumns,
            constraint: r.constraint, declared: r.constraint !== null, orphans: n, sampleKeys: keys, missingValues: missing,
            sampled: isSampled(r.child, ctx.sample), query: `SELECT * FROM ${qualify(r.child.schema, r.child.name)} AS t WHERE ${orphanWhere(r)} LIMIT 100;`,
          },
          fix: fix(r, n),
        }];
      },
    };
  });
}
