import type { Column, Table } from '../../catalog/model.js';
import { isPartition, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { integerKind, isForeignKeyColumn, isStringType, singlePrimaryKey, storedTypeName, tableLabel } from './shared.js';

/** How a surrogate key is made. Natural keys (codes, slugs, small lookup ids) are not a strategy and are left out. */
type Family = 'uuid' | 'integer';

const UUID_DEFAULT = /\b(gen_random_uuid|uuid_generate_v\d|uuidv[47])\s*\(/i;

function strategy(column: Column): { family: Family; label: string } | null {
  const t = storedTypeName(column);
  if (!column.isArray && t === 'uuid') return { family: 'uuid', label: 'uuid' };
  const k = integerKind(column);
  if (k === 'int4' || k === 'int8') return { family: 'integer', label: k === 'int8' ? 'bigint' : 'integer' };
  if (isStringType(column) && column.default !== null && UUID_DEFAULT.test(column.default)) return { family: 'uuid', label: 'uuid as text' };
  return null;
}

export default defineRule({
  meta: {
    id: 'mixed-id-strategy',
    category: 'keys',
    severity: 'low',
    title: 'Primary keys mix UUIDs and integers',
    rationale:
      'When some tables are keyed by UUID and others by sequence, every foreign key, API route and client model must know which is which, '
      + 'and mistakes surface as type errors at join time. One strategy per schema keeps keys interchangeable in code and in reviews.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    // Per schema: `auth` (Supabase) or a vendored schema may rightly differ from `public`.
    const bySchema = new Map<string, Array<{ table: Table; family: Family; label: string }>>();
    for (const table of userTables(catalog)) {
      if (isPartition(table)) continue;
      const pk = singlePrimaryKey(table);
      // Composite keys (junctions) and keys that are foreign keys (1:1 extensions) follow other tables.
      if (!pk || isForeignKeyColumn(table, pk.column.name)) continue;
      const s = strategy(pk.column);
      if (!s) continue;
      const list = bySchema.get(table.schema) ?? [];
      list.push({ table, ...s });
      bySchema.set(table.schema, list);
    }
    const out: FindingDraft[] = [];
    for (const [schema, entries] of bySchema) {
      const families = new Map<Family, typeof entries>();
      for (const e of entries) families.set(e.family, [...(families.get(e.family) ?? []), e]);
      if (families.size < 2) continue;
      const byLabel: Record<string, string[]> = {};
      for (const e of entries) (byLabel[e.label] ??= []).push(tableLabel(e.table));
      const ordered = [...families.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
      const [major, minor] = ordered as [[Family, typeof entries], [Family, typeof entries]];
      const list = (xs: typeof entries) => {
        const names = xs.map((x) => x.table.name);
        return `${names.slice(0, 6).join(', ')}${names.length > 6 ? `, … (${names.length})` : ''}`;
      };
      out.push({
        objects: [{ kind: 'schema', name: schema }],
        location: minor[1][0]?.table.provenance.created ?? null,
        message: `Schema \`${schema}\` mixes primary-key strategies: ${major[0]} keys on ${major[1].length} table(s) (${list(major[1])}) and ${minor[0]} keys on ${minor[1].length} (${list(minor[1])}). `
          + `Pick one for new tables (most of this schema uses ${major[0]}) and note the exceptions on purpose; converting existing keys is a rewrite of each table and its referencing columns.`,
        details: { schema, strategies: byLabel, majority: major[0] },
        fix: null,
      });
    }
    return out;
  },
});
