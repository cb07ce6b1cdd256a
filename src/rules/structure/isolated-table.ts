import type { Table } from '../../catalog/model.js';
import { foreignKeys, tableRef } from '../../catalog/helpers.js';
import { lookup, tableKey } from '../keys/lookup.js';
import { matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';
import { STANDALONE_TABLE_WORDS } from './shared.js';

/** A table with fewer than this many tables around it has nothing to be isolated from. */
const MIN_TABLES = 3;

/** Foreign keys to other tables (a self-reference links a table only to itself). */
function linksOut(t: Table): number {
  return foreignKeys(t).filter((c) => c.references && !(c.references.schema === t.schema && c.references.table === t.name)).length;
}

/** Columns named like references (`user_id`, `orderId`) that are not a foreign key: the relation lives only in code. */
function referenceLikeColumns(t: Table): string[] {
  const pk = new Set(t.constraints.find((c) => c.type === 'primary key')?.columns ?? []);
  return t.columns
    .filter((c) => {
      const words = nameWords(c.name);
      return !pk.has(c.name) && !c.isArray && words.length >= 2 && words[words.length - 1] === 'id';
    })
    .map((c) => c.name);
}

export default defineRule({
  meta: {
    id: 'isolated-table',
    category: 'structure',
    severity: 'info',
    title: 'Table with no foreign key in or out',
    rationale:
      'A table that no foreign key touches is either standalone by design (a lookup, a queue, settings) or related to other tables only '
      + 'in application code, where nothing enforces it and nothing documents it. Off by default: an observation for reviews and docs.',
    enabledByDefault: false,
  },
  check({ catalog }) {
    const tables = judgedTables(catalog);
    if (tables.length < MIN_TABLES) return [];
    const l = lookup(catalog);
    const linkedIn = (t: Table) => (l.referencedBy.get(tableKey(t.schema, t.name)) ?? []).some((r) => r.table !== t);
    const isolated = tables.filter((t) => linksOut(t) === 0 && !linkedIn(t));
    const out: FindingDraft[] = [];
    if (isolated.length === tables.length) {
      // No table declares a relation: one finding about the schema says it better than one per table.
      const schema = tables[0]?.schema ?? 'public';
      const refs = tables.flatMap((t) => referenceLikeColumns(t).map((c) => `${label(t)}.${c}`));
      return [{
        objects: [{ kind: 'schema', name: schema }],
        location: null,
        message: `None of the ${tables.length} tables declares a foreign key, so every relation between them lives only in application code, unenforced and undocumented`
          + (refs.length > 0 ? ` (${listOf(backticked(refs))} look like references)` : '')
          + '. Declare the foreign keys (see missing-foreign-key), or record why the schema goes without them.',
        details: { tables: tables.map(label) },
        fix: null,
      }];
    }
    const linked = tables.length - isolated.length;
    for (const t of isolated) {
      if (matchLexicon(t.name, STANDALONE_TABLE_WORDS).length > 0) continue;
      const refs = referenceLikeColumns(t);
      out.push({
        objects: [tableRef(t)],
        message: `\`${label(t)}\` has no foreign key in or out, while ${linked} of the schema's ${tables.length} tables are linked by them. `
          + (refs.length > 0
            ? `Its ${listOf(backticked(refs))} ${refs.length === 1 ? 'looks' : 'look'} like ${refs.length === 1 ? 'a reference' : 'references'} that only the application knows about: declare the foreign key${refs.length === 1 ? '' : 's'} (see missing-foreign-key). `
            : 'If it stands alone by design, say so in a COMMENT; if nothing uses it any more, drop it. ')
          + 'Tables that stand alone by design (settings, lookups such as countries, queues, logs) are not reported.',
        details: { referenceLikeColumns: refs },
        fix: null,
      });
    }
    return out;
  },
});
