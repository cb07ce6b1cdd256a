import type { Column, Table } from '../../catalog/model.js';
import { columnRef, isPartition, qualify, quoteIdent, tableRef, userTables } from '../../catalog/helpers.js';
import { nameWords } from '../lexicon.js';
import type { Severity } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { addForeignKeySql, foreignKeyClause } from '../foreign-keys/shared.js';
import { columnLabel, isForeignKeyColumn, isStringType, referencingColumns, storedTypeName } from './shared.js';

const UUID_FUNCTION = /\b(gen_random_uuid|uuid_generate_v[1-7](?:mc)?|uuidv[47]|uuid_generate_v4)\s*\(/i;
const UUID_PATTERN = /\[0-9a-f\]\{8\}|\[a-f0-9\]\{8\}|\[0-9a-fA-F\]\{8\}|\[a-fA-F0-9\]\{8\}|::uuid\b/;

interface Evidence {
  severity: Severity;
  reasons: string[];
}

function evidenceFor(table: Table, column: Column): Evidence | null {
  const words = nameWords(column.name);
  const last = words[words.length - 1];
  const reasons: string[] = [];
  let strong = false;
  if (column.default !== null && UUID_FUNCTION.test(column.default)) {
    reasons.push(`its default \`${column.default}\` generates a UUID`);
    strong = true;
  }
  const uuidCheck = table.constraints.find((c) => c.type === 'check' && c.columns.includes(column.name) && UUID_PATTERN.test(c.definition));
  if (uuidCheck) {
    reasons.push(`CHECK ${uuidCheck.name} restricts it to the UUID pattern`);
    strong = true;
  }
  const uuidName = last === 'uuid' || last === 'guid';
  const idName = last === 'id';
  if (column.typeModifier === 36 && (uuidName || idName)) {
    reasons.push(`it is \`${column.type}\`, exactly the length of a UUID's text form`);
    strong = true;
  }
  if (uuidName) reasons.push(`its name ends in \`${last}\``);
  if (strong || uuidName) return { severity: 'medium', reasons };
  // A bare text `id` with no UUID evidence is as likely a cuid/nanoid/ULID minted by the application
  // (Prisma's @default(cuid()), NextAuth): guessing "UUID" there was the calibration corpus's top false positive.
  return null;
}

const CAST_CHECK = "'^\\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\}?$'";

export default defineRule({
  meta: {
    id: 'uuid-stored-as-text',
    category: 'keys',
    severity: 'medium',
    title: 'UUID stored as text',
    rationale:
      'A UUID in text takes 37 bytes instead of 16, makes every index on it about twice as big, compares with collation rules '
      + '(slower, and `A…` ≠ `a…`), and accepts any string. The uuid type validates input, compares as bytes and is what client libraries expect.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      for (const column of table.columns) {
        if (!isStringType(column) || column.generated !== null) continue;
        // A referencing column is judged through the column it references: their types must change together.
        if (isForeignKeyColumn(table, column.name)) continue;
        const ev = evidenceFor(table, column);
        if (!ev) continue;
        const t = qualify(table.schema, table.name);
        const c = quoteIdent(column.name);
        const refs = referencingColumns(catalog, table, column.name);
        const lines: string[] = ['BEGIN;'];
        for (const r of refs) lines.push(`ALTER TABLE ${qualify(r.table.schema, r.table.name)} DROP CONSTRAINT ${quoteIdent(r.constraint.name)};`);
        const defaultIsUuid = column.default !== null && UUID_FUNCTION.test(column.default);
        if (column.default !== null) lines.push(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;`);
        lines.push(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE uuid USING ${c}::uuid;`);
        if (defaultIsUuid) {
          const fn = /\b(gen_random_uuid|uuid_generate_v[1-7](?:mc)?|uuidv[47])\s*\(\s*\)/i.exec(column.default ?? '')?.[1] ?? 'gen_random_uuid';
          lines.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${fn}();`);
        }
        for (const r of refs) {
          const rc = quoteIdent(r.column.name);
          lines.push(`ALTER TABLE ${qualify(r.table.schema, r.table.name)} ALTER COLUMN ${rc} TYPE uuid USING ${rc}::uuid;`);
        }
        lines.push('COMMIT;');
        for (const r of refs) lines.push(addForeignKeySql(catalog, r.table, r.constraint.name, foreignKeyClause(r.constraint)));
        const refText = refs.length > 0 ? ` Referenced by ${refs.map((r) => columnLabel(r.table, r.column.name)).join(', ')}, which change with it.` : '';
        const droppedDefault = column.default !== null && !defaultIsUuid ? ` The default \`${column.default}\` is dropped: set a uuid default again if needed.` : '';
        out.push({
          objects: [columnRef(table, column.name), tableRef(table)],
          severity: ev.severity,
          message: `\`${columnLabel(table, column.name)}\` is \`${column.type}\` but looks like a UUID: ${ev.reasons.join('; ')}. `
            + `Store it as \`uuid\` (16 bytes instead of 37, byte-wise comparison, input validated).${refText}`,
          details: {
            column: column.name,
            type: column.type,
            storedType: storedTypeName(column),
            evidence: ev.reasons,
            referencingColumns: refs.map((r) => ({ schema: r.table.schema, table: r.table.name, column: r.column.name, constraint: r.constraint.name })),
          },
          fix: {
            sql: lines.join('\n'),
            notes: `Pre-check (must return 0): SELECT count(*) FROM ${t} WHERE ${c} !~ ${CAST_CHECK}; `
              + `ALTER COLUMN … TYPE uuid rewrites ${refs.length > 0 ? 'each table' : 'the table'} and its indexes under ACCESS EXCLUSIVE; the foreign keys are re-added NOT VALID and validated afterwards without blocking writes.${droppedDefault}`,
          },
        });
      }
    }
    return out;
  },
});
