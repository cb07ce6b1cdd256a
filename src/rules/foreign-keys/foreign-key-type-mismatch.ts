import type { Column } from '../../catalog/model.js';
import { columnRef, constraintRef, isPartition, qualify, quoteIdent, userTables } from '../../catalog/helpers.js';
import { SEVERITIES, type Severity } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { INTEGER_MAX, columnLabel, integerKind, storedTypeName, tableLabel, formatCount } from '../keys/shared.js';
import { ownForeignKeys, referencedTable } from './shared.js';

interface Mismatch {
  column: Column;
  parent: Column;
  severity: Severity;
  problem: string;
  /** Widening the child to the parent's type: does Postgres rewrite the table? */
  rewrite: boolean;
}

const STRINGS = new Set(['text', 'varchar']);

function compare(child: Column, parent: Column, parentLabel: string): Mismatch | null {
  const ct = storedTypeName(child);
  const pt = storedTypeName(parent);
  const base = { column: child, parent };
  if (child.isArray !== parent.isArray) {
    return { ...base, severity: 'high', problem: `\`${child.type}\`, not the type of \`${parentLabel}\` (\`${parent.type}\`)`, rewrite: true };
  }
  const ck = integerKind(child);
  const pk = integerKind(parent);
  if (ck !== null && pk !== null) {
    if (ck === pk) return null;
    if (INTEGER_MAX[ck] < INTEGER_MAX[pk]) {
      return {
        ...base, severity: 'high', rewrite: true,
        problem: `\`${child.type}\`, too narrow for every value of \`${parentLabel}\` (\`${parent.type}\`): once the parent's ids pass ${formatCount(INTEGER_MAX[ck])}, inserting a child fails with "integer out of range"`,
      };
    }
    // A wider child never overflows first; the narrow parent key is int-primary-key's finding.
    return null;
  }
  if (STRINGS.has(ct) && STRINGS.has(pt)) {
    // text and varchar share operators; only a child shorter than the parent can lose values.
    const cl = ct === 'varchar' ? child.typeModifier : null;
    const pl = pt === 'varchar' ? parent.typeModifier : null;
    if (cl !== null && (pl === null || cl < pl)) {
      return {
        ...base, severity: 'medium', rewrite: false,
        problem: `\`${child.type}\`, shorter than \`${parentLabel}\` (\`${parent.type}\`): parents with longer keys cannot be referenced`,
      };
    }
    return null;
  }
  if (ct === pt && child.typeModifier === parent.typeModifier) return null;
  if (ct === pt) {
    return { ...base, severity: 'medium', rewrite: true, problem: `\`${child.type}\`, which differs from \`${parentLabel}\` (\`${parent.type}\`) in precision or length` };
  }
  return {
    ...base, severity: 'medium', rewrite: true,
    problem: `\`${child.type}\`, not the type of \`${parentLabel}\` (\`${parent.type}\`): every check and join converts between the two types`,
  };
}

export default defineRule({
  meta: {
    id: 'foreign-key-type-mismatch',
    category: 'foreign-keys',
    severity: 'high',
    title: 'Foreign key column type differs from the referenced column',
    rationale:
      'Postgres accepts a foreign key between different but comparable types, such as an integer column referencing a bigint key. '
      + 'The narrower side overflows first (inserts fail once the parent passes 2^31), and cross-type comparisons can keep the planner '
      + 'from using the best index. Referencing columns should have exactly the referenced column\'s type.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      for (const fk of ownForeignKeys(table)) {
        const ref = fk.references;
        const parentTable = referencedTable(catalog, fk);
        if (!ref || !parentTable) continue;
        const mismatches: Mismatch[] = [];
        fk.columns.forEach((name, i) => {
          const child = table.columns.find((c) => c.name === name);
          const parent = parentTable.columns.find((c) => c.name === ref.columns[i]);
          if (!child || !parent) return;
          const m = compare(child, parent, columnLabel(parentTable, parent.name));
          if (m) mismatches.push(m);
        });
        if (mismatches.length === 0) continue;
        const severity = mismatches.map((m) => m.severity).sort((a, b) => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b))[0] as Severity;
        const t = qualify(table.schema, table.name);
        const rewrite = mismatches.some((m) => m.rewrite);
        out.push({
          objects: [...mismatches.map((m) => columnRef(table, m.column.name)), constraintRef(table, fk)],
          severity,
          message: `Foreign key ${fk.name}: ${mismatches.map((m) => `\`${columnLabel(table, m.column.name)}\` is ${m.problem}`).join('; ')}. `
            + `Give ${mismatches.length === 1 ? 'the column' : 'the columns'} the referenced type.`,
          details: {
            constraint: fk.name,
            referencedTable: `${ref.schema}.${ref.table}`,
            columns: mismatches.map((m) => ({ column: m.column.name, type: m.column.type, referencedColumn: m.parent.name, referencedType: m.parent.type })),
          },
          fix: {
            sql: mismatches.map((m) => `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(m.column.name)} TYPE ${m.parent.type};`).join('\n'),
            notes: rewrite
              ? `Rewrites ${tableLabel(table)} and rebuilds its indexes under ACCESS EXCLUSIVE, and re-checks the foreign key; on a large table add a new column, backfill it in batches and swap instead.`
              : 'Lengthening a varchar (or making it text) is catalog-only: no rewrite, a brief ACCESS EXCLUSIVE lock.',
          },
        });
      }
    }
    return out;
  },
});
