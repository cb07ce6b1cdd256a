import type { Constraint, Table } from '../../catalog/model.js';
import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { lookup, tableKey } from '../keys/lookup.js';
import { foreignKeyLabel } from '../foreign-keys/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';

/** Does `child` declare its own constraint of this type on the same columns? */
function hasOwn(child: Table, c: Constraint): boolean {
  const cols = [...c.columns].sort().join(',');
  return child.constraints.some((x) => x.type === c.type && [...x.columns].sort().join(',') === cols
    && (c.type !== 'foreign key' || (x.references?.table === c.references?.table && x.references?.schema === c.references?.schema)));
}

function describeConstraint(c: Constraint): string {
  return `${c.type === 'primary key' ? 'PRIMARY KEY' : c.type === 'unique' ? 'UNIQUE' : 'FOREIGN KEY'} (${c.columns.join(', ')})`;
}

export default defineRule({
  meta: {
    id: 'table-inheritance',
    category: 'structure',
    severity: 'low',
    title: 'Table uses classic INHERITS inheritance',
    rationale:
      'Children of an INHERITS parent get its columns, CHECKs and NOT NULLs, but not its primary key, unique constraints, foreign keys '
      + 'or indexes: the same id can exist in two children, and a foreign key to the parent never sees rows stored in a child. '
      + 'Declarative partitioning (for splitting one table by a key) or a shared table plus a foreign key (for subtypes) say what is meant and enforce it.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const children = new Map<string, Table[]>();
    const parents = new Map<string, { schema: string; name: string }>();
    for (const t of judgedTables(catalog)) {
      for (const p of t.inherits) {
        const k = tableKey(p.schema, p.table);
        children.set(k, [...(children.get(k) ?? []), t]);
        parents.set(k, { schema: p.schema, name: p.table });
      }
    }
    const out: FindingDraft[] = [];
    const l = lookup(catalog);
    for (const [k, kids] of children) {
      const ref = parents.get(k) as { schema: string; name: string };
      const parent = l.tables.get(k);
      if (parent && parent.origin !== 'user') continue;
      const uniques = (parent?.constraints ?? []).filter((c) => (c.type === 'primary key' || c.type === 'unique' || c.type === 'foreign key') && !c.inherited);
      const lost: string[] = [];
      for (const c of uniques) {
        const missing = kids.filter((kid) => !hasOwn(kid, c));
        if (missing.length > 0) lost.push(`${describeConstraint(c)} does not apply to ${listOf(backticked(missing.map(label)))}`);
      }
      // Rows stored in a child are invisible to a foreign key that references the parent: such references are broken for them.
      const referencing = (l.referencedBy.get(k) ?? []).filter((r) => !kids.includes(r.table));
      const fkLabels = referencing.map((r) => `\`${foreignKeyLabel(r.table, r.constraint)}\``);
      const parentName = label(ref);
      const kidNames = backticked(kids.map(label));
      const rel = qualify(ref.schema, ref.name);
      const sql = [
        '-- Splitting one table by a key (dates, tenants)? Declarative partitioning enforces keys and indexes on every partition:',
        `-- CREATE TABLE ${quoteIdent(`${ref.name}_partitioned`)} (LIKE ${rel} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (<partition key>);`,
        ...kids.map((kid) => `-- ALTER TABLE ${qualify(kid.schema, kid.name)} NO INHERIT ${rel};\n-- ALTER TABLE ${quoteIdent(`${ref.name}_partitioned`)} ATTACH PARTITION ${qualify(kid.schema, kid.name)} FOR VALUES FROM (<from>) TO (<to>);`),
        '-- Modelling subtypes? Keep the shared columns in one table and give each subtype a table keyed by a foreign key to it:',
        `-- CREATE TABLE <subtype> (${quoteIdent('id')} <key type> PRIMARY KEY REFERENCES ${rel} (${quoteIdent('id')}) ON DELETE CASCADE, <subtype columns>);`,
      ].join('\n');
      out.push({
        objects: [tableRef(ref)],
        severity: referencing.length > 0 ? 'medium' : undefined,
        message: `\`${parentName}\` is an INHERITS parent of ${listOf(kidNames)}. Children inherit its columns and CHECKs but not its keys, foreign keys or indexes`
          + (lost.length > 0 ? `: ${lost.join('; ')}, so the same key can appear in the parent and a child` : '')
          + '. '
          + (referencing.length > 0
            ? `${listOf(fkLabels)} ${referencing.length === 1 ? 'references' : 'reference'} \`${parentName}\`, but a foreign key only sees rows stored in the parent itself: rows in ${listOf(kidNames)} cannot be referenced, and a query on \`${parentName}\` returns rows that the foreign key says do not exist. `
            : '')
          + 'Use declarative partitioning if the children split one table by a key, or a shared table plus a foreign key per subtype.',
        details: { parent: parentName, children: kids.map(label), constraintsNotInherited: lost, referencedBy: referencing.map((r) => foreignKeyLabel(r.table, r.constraint)) },
        fix: {
          sql,
          notes: 'A design change, so the SQL is a commented outline: pick the partition key and bounds (or the subtype tables) first. '
            + 'ATTACH PARTITION scans the child to check its bound unless a matching CHECK constraint already proves it; '
            + 'add that CHECK as NOT VALID and VALIDATE it beforehand to keep the attach quick.',
        },
      });
    }
    return out;
  },
});
