import type { Catalog, Constraint, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, findTable, qualify, quoteIdent } from '../../catalog/helpers.js';
import { columnLabel, relationNames, tableLabel } from '../keys/shared.js';
import { actionSql, addForeignKeySql, coveringIndexes, foreignKeyLabel, foreignKeyName } from '../foreign-keys/shared.js';
import { createIndexDdl } from '../indexes/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import type { TenantInfo } from './tenant.js';
import { isCarrier, ormFix, tenantColumn, tenantEvidence, tenantFor } from './shared.js';

/** Does the foreign key carry the tenant key from child to parent (tenant_id → tenant_id)? */
function includesTenant(info: TenantInfo, fk: Constraint): boolean {
  const ref = fk.references;
  return ref !== null && fk.columns.some((c, i) => c === info.column && ref.columns[i] === info.column);
}

/** A unique index the composite key can reference: exactly {tenant} ∪ referenced columns, plain, not partial. */
function hasUniqueFor(r: Table, columns: string[]): boolean {
  const want = new Set(columns);
  return r.indexes.some((i) => i.unique && i.valid && i.predicate === null && i.keys.length === want.size
    && i.keys.every((k) => k.column !== null && want.has(k.column)));
}

function finding(catalog: Catalog, info: TenantInfo, t: Table, fk: Constraint, r: Table, orm: 'prisma' | 'drizzle' | null): FindingDraft {
  const ref = fk.references as NonNullable<Constraint['references']>;
  const tenant = quoteIdent(info.column);
  const rel = qualify(t.schema, t.name);
  const parentRel = qualify(r.schema, r.name);
  const newLocal = [info.column, ...fk.columns];
  const newRemote = [info.column, ...ref.columns];
  const statements: string[] = [];
  const notes: string[] = [];
  const taken = relationNames(catalog, t.schema);

  if (!hasUniqueFor(r, newRemote)) {
    const u = createIndexDdl(catalog, r, { nameParts: newRemote, suffix: 'key', keys: newRemote.map(quoteIdent).join(', '), unique: true },
      r.schema === t.schema ? taken : relationNames(catalog, r.schema));
    statements.push(u.sql);
    notes.push(`The composite key needs a unique index on ${tableLabel(r)} (${newRemote.join(', ')}); it always holds because (${ref.columns.join(', ')}) is already unique. ${u.notes}`);
  }
  if (coveringIndexes(t, newLocal).length === 0) {
    const ix = createIndexDdl(catalog, t, { nameParts: newLocal, keys: newLocal.map(quoteIdent).join(', ') }, taken);
    statements.push(ix.sql);
    notes.push(`The index on ${tableLabel(t)} (${newLocal.join(', ')}) serves the new key's checks; an index on (${fk.columns.join(', ')}) alone may then be redundant.`);
  }

  // SET NULL on a composite key would null the tenant column too; PostgreSQL 15+ can limit it to the reference columns.
  let onDelete = '';
  const setAction = ref.onDelete === 'set null' || ref.onDelete === 'set default';
  if (setAction) {
    onDelete = catalog.engine.serverVersionNum >= 150000
      ? ` ON DELETE ${actionSql(ref.onDelete)} (${fk.columns.map(quoteIdent).join(', ')})`
      : ` ON DELETE ${actionSql(ref.onDelete)}`;
    if (catalog.engine.serverVersionNum < 150000) {
      notes.push(`Before PostgreSQL 15, ON DELETE ${actionSql(ref.onDelete)} on a composite key also clears \`${info.column}\`; use a trigger or RESTRICT instead.`);
    }
  } else if (ref.onDelete !== 'no action') {
    onDelete = ` ON DELETE ${actionSql(ref.onDelete)}`;
  }
  const onUpdate = ref.onUpdate !== 'no action' && ref.onUpdate !== 'set null' && ref.onUpdate !== 'set default' ? ` ON UPDATE ${actionSql(ref.onUpdate)}` : '';
  const deferrable = fk.deferrable ? (fk.deferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE') : '';
  const clause = `FOREIGN KEY (${newLocal.map(quoteIdent).join(', ')}) REFERENCES ${parentRel} (${newRemote.map(quoteIdent).join(', ')})${onUpdate}${onDelete}${deferrable}`;
  statements.push(addForeignKeySql(catalog, t, foreignKeyName(t, newLocal), clause, { replace: fk.name }));

  const join = fk.columns.map((c, i) => `r.${quoteIdent(ref.columns[i] as string)} = t.${quoteIdent(c)}`).join(' AND ');
  const precheck = `SELECT count(*) FROM ${rel} t JOIN ${parentRel} r ON ${join} WHERE r.${tenant} IS DISTINCT FROM t.${tenant};`;
  notes.push(
    `Pre-check: ${precheck}  -- rows that already point into another tenant; VALIDATE fails until they are fixed.`,
    `The old key is dropped and the new one added NOT VALID in one statement (brief SHARE ROW EXCLUSIVE lock on both tables, no moment without a key); ` +
      `VALIDATE then scans under SHARE UPDATE EXCLUSIVE while reads and writes continue.`,
  );
  if (tenantColumn(info, t)?.notNull === false) {
    notes.push(`\`${columnLabel(t, info.column)}\` is nullable, and MATCH SIMPLE skips the check for rows where it is NULL: make it NOT NULL too (tenant-column-nullable).`);
  }
  if (ref.match === 'full') notes.push('The old key was MATCH FULL; the new one is MATCH SIMPLE so that a NULL reference stays allowed.');

  const selfRef = t === r;
  return {
    objects: [constraintRef(t, fk), ...fk.columns.map((c) => columnRef(t, c))],
    message:
      `Foreign key \`${fk.name}\` (\`${foreignKeyLabel(t, fk)}\`) does not include \`${info.column}\`: ` +
      (selfRef
        ? `a row of one tenant can point at a row of another tenant in the same table`
        : `a \`${tableLabel(t)}\` row of one tenant can point at a \`${tableLabel(r)}\` row of another tenant`) +
      `, and nothing but application code keeps them in the same tenant; a join along it then crosses tenants. ` +
      `Make it composite: (${newLocal.join(', ')}) → ${tableLabel(r)} (${newRemote.join(', ')}). ` +
      tenantEvidence(info),
    details: { constraint: fk.name, columns: fk.columns, referencedTable: `${r.schema}.${r.name}`, tenantColumn: info.column, evidence: info.evidence },
    fix: {
      sql: statements.join('\n'),
      notes: notes.join(' '),
      orm: ormFix(orm, {
        prisma: `// model ${r.name}\n@@unique([${newRemote.join(', ')}])\n// model ${t.name}: the relation field over ${fk.columns.join(', ')}\n` +
          `@relation(fields: [${newLocal.join(', ')}], references: [${newRemote.join(', ')}])`,
        drizzle: `// ${r.name}: unique().on(${newRemote.map((c) => `t.${c}`).join(', ')})\n` +
          `// ${t.name}: foreignKey({ columns: [${newLocal.map((c) => `t.${c}`).join(', ')}], foreignColumns: [${newRemote.map((c) => `${r.name}.${c}`).join(', ')}] })`,
      }),
    },
  };
}

export default defineRule({
  meta: {
    id: 'tenant-foreign-key-not-scoped',
    category: 'tenancy',
    severity: 'medium',
    title: 'Foreign key between tenant tables does not include the tenant key',
    rationale:
      'When both tables carry the tenant key but the foreign key joins on `id` alone, the database checks that the parent row ' +
      'exists, not that it belongs to the same tenant. A bug or a crafted id then links one customer\'s row to another\'s, and every ' +
      'join along that key crosses tenants. A composite key (tenant_id, parent_id) → parent (tenant_id, id) makes that impossible.',
    enabledByDefault: true,
  },
  check(ctx) {
    const info = tenantFor(ctx);
    if (!info) return [];
    const out: FindingDraft[] = [];
    for (const t of info.carriers) {
      if (t.kind === 'foreign table') continue;
      for (const fk of t.constraints) {
        if (fk.type !== 'foreign key' || fk.inherited || !fk.references || fk.columns.length === 0) continue;
        if (fk.columns.includes(info.column) || includesTenant(info, fk)) continue;
        const r = findTable(ctx.catalog, fk.references.schema, fk.references.table);
        if (!r || r.origin !== 'user' || !isCarrier(info, r)) continue;
        out.push(finding(ctx.catalog, info, t, fk, r, ctx.review.orm));
      }
    }
    return out;
  },
});
