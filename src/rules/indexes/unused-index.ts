import { formatBytes, indexRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { coveringIndexes, ownForeignKeys } from '../foreign-keys/shared.js';
import { dropIndexDdl, enforcesSomething, indexedRelations, keysLabel, relationRef } from './shared.js';

const DEFAULT_MIN_SIZE_BYTES = 1024 * 1024;

export default defineRule({
  meta: {
    id: 'unused-index',
    category: 'indexes',
    severity: 'low',
    title: 'Index never scanned',
    rationale:
      'An index no query has used since statistics were last reset still costs a write on every INSERT and on UPDATEs of its columns, '
      + 'plus vacuum time, cache and backup size. Statistics only cover this server and this period: check replicas and the reset time before dropping.',
    enabledByDefault: true,
    liveOnly: true,
  },
  check({ catalog, options }) {
    const minSize = typeof options.minSizeBytes === 'number' ? options.minSizeBytes : DEFAULT_MIN_SIZE_BYTES;
    const out: FindingDraft[] = [];
    for (const rel of indexedRelations(catalog)) {
      const fks = rel.table ? ownForeignKeys(rel.table) : [];
      for (const index of rel.indexes) {
        if (!index.valid || index.partitioned || enforcesSomething(index) || !index.stats) continue;
        if (index.stats.scans !== 0 || index.stats.sizeBytes < minSize) continue;
        // The only index behind a foreign key serves parent deletes, which may simply not have happened yet.
        const table = rel.table;
        const soleFkIndex = table !== null && fks.some((fk) => {
          const covering = coveringIndexes(table, fk.columns);
          return covering.length === 1 && covering[0] === index;
        });
        if (soleFkIndex) continue;
        const drop = dropIndexDdl(index);
        out.push({
          objects: [indexRef(index), relationRef(rel)],
          message: `Index ${index.name} on ${tableLabel(rel)} (${keysLabel(index)}, ${formatBytes(index.stats.sizeBytes)}) has not been scanned since statistics were last reset. `
            + 'If that period covers normal traffic (check pg_stat_database.stats_reset) and no replica uses it (replica scans are not counted here), drop it.',
          details: { index: index.name, scans: 0, sizeBytes: index.stats.sizeBytes, definition: index.definition, minSizeBytes: minSize },
          fix: { sql: drop.sql, notes: drop.notes },
        });
      }
    }
    return out;
  },
});
