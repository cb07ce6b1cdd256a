import type { Index } from '../../catalog/model.js';
import { indexRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { dropIndexDdl, enforcesSomething, indexedRelations, keySignature, keysLabel, relationRef } from './shared.js';

/** Can `longer` serve every query `shorter` serves? btree only: prefix matching is a btree property. */
function covers(longer: Index, shorter: Index): boolean {
  if (longer === shorter || !longer.valid || longer.method !== 'btree' || shorter.method !== 'btree') return false;
  if (longer.keys.length <= shorter.keys.length) return false;
  // The same predicate only: a partial longer index cannot replace a full shorter one (and the reverse is a different index).
  if ((longer.predicate ?? '') !== (shorter.predicate ?? '')) return false;
  if (!shorter.keys.every((k, n) => keySignature(k) === keySignature(longer.keys[n] as Index['keys'][number]))) return false;
  const available = new Set([...longer.keys.map((k) => k.column ?? k.expression), ...longer.include]);
  return shorter.include.every((c) => available.has(c));
}

export default defineRule({
  meta: {
    id: 'redundant-index',
    category: 'indexes',
    severity: 'low',
    title: 'Index is probably redundant with a longer one',
    rationale:
      'A btree on (a) is served by a btree on (a, b): lookups and ranges on a use the longer index\'s leading column. The shorter index still costs a write '
      + 'on every INSERT and cache space. The longer one is somewhat bigger to scan, so check the usage statistics before dropping.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const rel of indexedRelations(catalog)) {
      for (const shorter of rel.indexes) {
        // Never propose dropping an index that enforces a key, uniqueness or an exclusion.
        if (!shorter.valid || enforcesSomething(shorter)) continue;
        const longer = rel.indexes.find((i) => covers(i, shorter));
        if (!longer) continue;
        const drop = dropIndexDdl(shorter);
        out.push({
          objects: [indexRef(shorter), indexRef(longer), relationRef(rel)],
          message: `Index ${shorter.name} on ${tableLabel(rel)} (${keysLabel(shorter)}) is probably redundant: ${longer.name} (${keysLabel(longer)}) starts with the same key${shorter.keys.length > 1 ? 's' : ''}`
            + `${shorter.predicate ? ` and has the same predicate` : ''}, so it serves the same lookups. `
            + `Check pg_stat_user_indexes.idx_scan on both, then drop ${shorter.name} if the longer one serves the queries well enough.`,
          details: { index: shorter.name, coveredBy: longer.name, keys: shorter.keys.map((k) => k.expression), longerKeys: longer.keys.map((k) => k.expression) },
          fix: { sql: drop.sql, notes: `${drop.notes} Probably redundant, not certainly: a much wider longer index makes some scans slower.` },
        });
      }
    }
    return out;
  },
});
