import type { Catalog, Table } from '../../catalog/model.js';
import { isPartition, qualify, tableRef, userTables } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel, formatCount } from '../keys/shared.js';
import { partitionsOf } from '../indexes/shared.js';

interface Counts {
  live: number;
  dead: number;
  /** Leaf tables with their own counts (the table itself unless partitioned). */
  leaves: Array<{ table: Table; live: number; dead: number; lastAutovacuum: string | null }>;
}

/** Tuple counts of a table; a partitioned table's are the sum over its leaf partitions. */
function counts(catalog: Catalog, table: Table): Counts | null {
  if (table.kind === 'partitioned table') {
    const total: Counts = { live: 0, dead: 0, leaves: [] };
    for (const p of partitionsOf(catalog, table)) {
      const c = counts(catalog, p);
      if (!c) continue;
      total.live += c.live;
      total.dead += c.dead;
      total.leaves.push(...c.leaves);
    }
    return total.leaves.length > 0 ? total : null;
  }
  if (!table.stats) return null;
  const { liveTuples: live, deadTuples: dead, lastAutovacuum } = table.stats;
  return { live, dead, leaves: [{ table, live, dead, lastAutovacuum }] };
}

export default defineRule({
  meta: {
    id: 'table-bloat',
    category: 'runtime',
    severity: 'medium',
    title: 'Table carries many dead rows',
    rationale:
      'Dead row versions left by UPDATE and DELETE stay in the table until vacuum removes them; every sequential scan reads them and indexes keep pointing at them. '
      + 'When they pile up, autovacuum is not keeping pace (thresholds too high for a big table, or a long transaction or replication slot holding back the horizon).',
    enabledByDefault: true,
    liveOnly: true,
  },
  check({ catalog, options }) {
    const ratioLimit = typeof options.deadRatio === 'number' ? options.deadRatio : 0.2;
    const minDead = typeof options.minDeadTuples === 'number' ? options.minDeadTuples : 10_000;
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const c = counts(catalog, table);
      if (!c || c.dead <= minDead) continue;
      const ratio = c.dead / (c.live + c.dead);
      if (ratio <= ratioLimit) continue;
      // Vacuum and tune the leaves that carry the dead rows; a partitioned parent holds none itself.
      const bloated = c.leaves
        .filter((l) => l.dead > 0 && l.dead / (l.live + l.dead) > ratioLimit)
        .sort((a, b) => b.dead - a.dead);
      const targets = bloated.length > 0 ? bloated : c.leaves;
      const sql = [
        ...targets.map((l) => `VACUUM (VERBOSE, ANALYZE) ${qualify(l.table.schema, l.table.name)};`),
        ...targets.map((l) => `ALTER TABLE ${qualify(l.table.schema, l.table.name)} SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);`),
      ];
      const partitioned = table.kind === 'partitioned table';
      const lastAutovacuum = partitioned ? null : (c.leaves[0]?.lastAutovacuum ?? null);
      out.push({
        objects: [tableRef(table)],
        message: `\`${tableLabel(table)}\` has ${formatCount(c.dead)} dead rows against ${formatCount(c.live)} live (${(ratio * 100).toFixed(1)}% dead)`
          + `${partitioned ? `, mostly in ${targets.slice(0, 3).map((l) => l.table.name).join(', ')}` : `; last autovacuum: ${lastAutovacuum ?? 'never'}`}. `
          + 'Vacuum it and lower its autovacuum thresholds; if dead rows return quickly, look for long-running transactions or stale replication slots holding vacuum back.',
        details: {
          liveTuples: c.live,
          deadTuples: c.dead,
          deadRatio: Math.round(ratio * 10000) / 10000,
          lastAutovacuum,
          ...(partitioned ? { partitions: targets.map((l) => ({ table: l.table.name, liveTuples: l.live, deadTuples: l.dead })) } : {}),
        },
        fix: {
          sql: sql.join('\n'),
          notes: 'Plain VACUUM takes SHARE UPDATE EXCLUSIVE: reads and writes continue. It makes the space reusable but rarely returns it to the operating system; '
            + 'VACUUM FULL would, but rewrites the table under ACCESS EXCLUSIVE (use pg_repack instead if the space must come back). '
            + 'What holds vacuum back: SELECT pid, state, xact_start, backend_xmin FROM pg_stat_activity WHERE backend_xmin IS NOT NULL ORDER BY xact_start LIMIT 5; '
            + 'SELECT slot_name, active, xmin, catalog_xmin FROM pg_replication_slots;',
        },
      });
    }
    return out;
  },
});
