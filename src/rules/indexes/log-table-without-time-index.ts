import type { Column, Index, Table } from '../../catalog/model.js';
import { columnRef, isPartition, tableRef, userTables } from '../../catalog/helpers.js';
import { EVENT_TIME_COLUMN_NAMES, LOG_TABLE_WORDS, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { columnListSql, columnNameParts, createIndexDdl } from './shared.js';

/** Last words that make a log-sounding name a configuration table: notification_templates, event_types. */
const NOT_A_LOG = new Set([
  'preference', 'preferences', 'setting', 'settings', 'template', 'templates', 'config', 'configs', 'configuration',
  'configurations', 'type', 'types', 'kind', 'kinds', 'category', 'categories', 'subscription', 'subscriptions', 'channel',
  'channels', 'rule', 'rules', 'endpoint', 'endpoints', 'definition', 'definitions', 'schedule', 'schedules', 'policy',
  'policies', 'status', 'statuses', 'source', 'sources', 'target', 'targets', 'option', 'options',
  // `webhooks` holds endpoints; `webhook_deliveries` / `webhook_events` are the log.
  'webhook', 'webhooks',
]);

function isTimeColumn(c: Column): boolean {
  return !c.isArray && c.typeCategory === 'D';
}

/** The column that says when the event happened: the best-ranked name among date/time columns. */
function eventTimeColumn(table: Table): Column | null {
  let best: { column: Column; rank: number } | null = null;
  for (const c of table.columns) {
    if (!isTimeColumn(c)) continue;
    const rank = EVENT_TIME_COLUMN_NAMES.indexOf(nameWords(c.name).join('_'));
    if (rank >= 0 && (best === null || rank < best.rank)) best = { column: c, rank };
  }
  return best?.column ?? null;
}

/** An index that serves time-range deletes and recent-first reads over the whole table. */
function leadsOnTime(table: Table, i: Index): boolean {
  if (!i.valid || i.predicate !== null || (i.method !== 'btree' && i.method !== 'brin')) return false;
  const first = i.keys[0]?.column;
  const col = first ? table.columns.find((c) => c.name === first) : undefined;
  return col !== undefined && isTimeColumn(col);
}

/** Partitioned by a time column: retention drops partitions, no index needed for it. */
function partitionedByTime(table: Table): boolean {
  if (table.kind !== 'partitioned table' || !table.partitionKey) return false;
  return table.columns.some((c) => isTimeColumn(c) && new RegExp(`\\(\\s*"?${c.name.replace(/[^\w]/g, '')}"?\\s*[,)]`).test(table.partitionKey ?? ''));
}

export default defineRule({
  meta: {
    id: 'log-table-without-time-index',
    category: 'indexes',
    severity: 'medium',
    title: 'Log or event table without an index on its time column',
    rationale:
      'Log, event, audit and notification tables only grow. Retention jobs (DELETE … WHERE created_at < now() - interval \'90 days\') and recent-first queries '
      + '(ORDER BY created_at DESC LIMIT 50) both need an index leading on the time column; without one each run scans the whole table, and the table is the biggest in the database.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const words = matchLexicon(table.name, LOG_TABLE_WORDS);
      const nameParts = nameWords(table.name);
      if (words.length === 0 || NOT_A_LOG.has(nameParts[nameParts.length - 1] ?? '')) continue;
      const time = eventTimeColumn(table);
      if (!time || partitionedByTime(table)) continue;
      if (table.indexes.some((i) => leadsOnTime(table, i))) continue;
      const later = table.indexes.filter((i) => i.valid && i.keys.some((k, n) => n > 0 && k.column === time.name));
      const ddl = createIndexDdl(catalog, table, { nameParts: columnNameParts([time.name]), keys: columnListSql([time.name]) });
      out.push({
        objects: [tableRef(table), columnRef(table, time.name)],
        message: `\`${tableLabel(table)}\` looks like an append-only log (its name contains ${words.map((w) => `\`${w}\``).join(', ')}) and has \`${time.name}\` (${time.type}), `
          + `but no index leads on a time column: retention deletes and recent-first queries scan the whole table. `
          + `${later.length > 0 ? `${later.map((i) => i.name).join(', ')} ha${later.length === 1 ? 's' : 've'} ${time.name} as a later key, which serves per-key feeds only. ` : ''}`
          + `Index (${time.name}); for a strictly append-only table a BRIN index is a tiny alternative.`,
        details: { timeColumn: time.name, nameEvidence: words, laterKeyIndexes: later.map((i) => i.name) },
        fix: {
          sql: ddl.sql,
          notes: `${ddl.notes} For an append-only table, USING brin (${time.name}) is a fraction of the size and serves range deletes well; keep btree for ORDER BY … LIMIT. `
            + 'At high volume, partitioning by time turns retention into DROP TABLE of old partitions.',
        },
      });
    }
    return out;
  },
});
