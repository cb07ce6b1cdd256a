import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { tableLabel } from '../keys/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  SET_NOT_NULL_NOTES, hasNotNullCheck, ormFix, parentLabel, setNotNullSql, tenantColumn, tenantEvidence, tenantFor, tenantForeignKey,
} from './shared.js';

const PRISMA_TYPES: Readonly<Record<string, string>> = { uuid: 'String', text: 'String', varchar: 'String', int4: 'Int', int8: 'BigInt' };
const DRIZZLE_BUILDERS: Readonly<Record<string, (name: string) => string>> = {
  uuid: (n) => `uuid('${n}')`, text: (n) => `text('${n}')`, varchar: (n) => `varchar('${n}')`, int4: (n) => `integer('${n}')`,
  int8: (n) => `bigint('${n}', { mode: 'number' })`,
};

export default defineRule({
  meta: {
    id: 'tenant-column-nullable',
    category: 'tenancy',
    severity: 'medium',
    title: 'Tenant key column allows NULL',
    rationale:
      'A row whose tenant key is NULL belongs to no tenant: `WHERE tenant_id = $1` never returns it, so it is silently lost, and ' +
      'code or policies that treat NULL as "shared" show it to every tenant. Tenant-owned rows should always name their tenant.',
    enabledByDefault: true,
  },
  check(ctx) {
    const info = tenantFor(ctx);
    if (!info) return [];
    const out: FindingDraft[] = [];
    for (const t of info.carriers) {
      const c = tenantColumn(info, t);
      if (!c || c.notNull || c.generated !== null || hasNotNullCheck(t, c.name) || t.kind === 'foreign table') continue;
      const rel = qualify(t.schema, t.name);
      const col = quoteIdent(c.name);
      const fk = tenantForeignKey(info, t);
      const setNull = fk?.references?.onDelete === 'set null';
      out.push({
        objects: [columnRef(t, c.name)],
        message:
          `\`${tableLabel(t)}.${c.name}\` is nullable: a row with NULL there belongs to no tenant — filters on \`${c.name} = …\` never return it, ` +
          `and anything that treats NULL as "shared" shows it to every tenant` +
          (setNull ? `; its foreign key is ON DELETE SET NULL, so deleting a \`${parentLabel(info)}\` row turns its rows into such orphans` : '') +
          `. Make it NOT NULL; if NULL deliberately marks rows shared by all tenants (global templates), keep those in their own table instead. ` +
          tenantEvidence(info),
        details: { tenantColumn: c.name, onDelete: fk?.references?.onDelete ?? null, evidence: info.evidence },
        fix: {
          sql: setNotNullSql(t, c.name),
          notes:
            `Pre-check: SELECT count(*) FROM ${rel} WHERE ${col} IS NULL;  -- assign those rows to their tenant or delete them first, or VALIDATE fails. ` +
            SET_NOT_NULL_NOTES +
            (setNull ? ` Change the foreign key's ON DELETE SET NULL to CASCADE or RESTRICT as well: with NOT NULL, deleting a tenant would fail.` : ''),
          orm: ormFix(ctx.review.orm, {
            prisma: `// model ${t.name}: make the field required (drop the ?)\n${c.name} ${PRISMA_TYPES[c.typeName] ?? '<Type>'}`,
            drizzle: `// ${t.name}: add .notNull() to the column\n${c.name}: ${DRIZZLE_BUILDERS[c.typeName]?.(c.name) ?? `<column>('${c.name}')`}.notNull()`,
          }),
        },
      });
    }
    return out;
  },
});
