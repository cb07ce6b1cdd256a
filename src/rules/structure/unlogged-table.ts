import type { Catalog, Table } from '../../catalog/model.js';
import { qualify, tableRef } from '../../catalog/helpers.js';
import { lookup, tableKey } from '../keys/lookup.js';
import { lexiconSample, matchLexicon } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';
import { EPHEMERAL_TABLE_WORDS } from './shared.js';

/** Partitions that are unlogged, for a partitioned parent (which has no storage of its own). */
function unloggedPartitions(catalog: Catalog, t: Table): Table[] {
  const out: Table[] = [];
  const walk = (parent: Table) => {
    for (const p of lookup(catalog).partitions.get(tableKey(parent.schema, parent.name)) ?? []) {
      if (p.persistence === 'unlogged') out.push(p);
      if (p.kind === 'partitioned table') walk(p);
    }
  };
  walk(t);
  return out;
}

export default defineRule({
  meta: {
    id: 'unlogged-table',
    category: 'structure',
    severity: 'medium',
    title: 'UNLOGGED table: emptied after a crash, missing on replicas',
    rationale:
      'An UNLOGGED table skips the write-ahead log: writes are faster, but after a crash or an unclean shutdown PostgreSQL truncates it, '
      + 'standbys and physical backups have it empty, and logical replication does not carry it. Right for caches and staging data '
      + 'that can be rebuilt; wrong for anything the business needs to keep.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      const parts = t.kind === 'partitioned table' ? unloggedPartitions(catalog, t) : [];
      if (t.persistence !== 'unlogged' && parts.length === 0) continue;
      const targets = t.persistence === 'unlogged' ? [t] : parts;
      const words = matchLexicon(t.name, EPHEMERAL_TABLE_WORDS);
      const ephemeral = words.length > 0;
      const what = t.persistence === 'unlogged'
        ? `\`${label(t)}\` is UNLOGGED`
        : `\`${label(t)}\` has UNLOGGED partitions (${listOf(backticked(parts.map(label)))})`;
      out.push({
        objects: [tableRef(t)],
        severity: ephemeral ? 'low' : undefined,
        message: `${what}: after a crash or an immediate shutdown PostgreSQL empties it, standbys and physical backups (pg_basebackup, point-in-time restores) have it empty, and logical replication cannot publish it. `
          + (ephemeral
            ? `The name says its data is disposable ("${words.join('", "')}"; disposable names: ${lexiconSample(EPHEMERAL_TABLE_WORDS)}), so this is likely deliberate: make sure the application rebuilds it after a failover. `
            : 'Nothing in its name says the data can be rebuilt. ')
          + 'If the rows must survive, make it logged with ALTER TABLE … SET LOGGED.',
        details: { unlogged: targets.map(label), ephemeralName: ephemeral, matched: words },
        fix: {
          sql: targets.map((x) => `ALTER TABLE ${qualify(x.schema, x.name)} SET LOGGED;`).join('\n'),
          notes: 'SET LOGGED rewrites the table and writes all of it to the WAL (and so to replicas) under an ACCESS EXCLUSIVE lock: '
            + 'reads and writes wait until it finishes. Run it in a quiet window with a lock_timeout; on a large table expect a WAL burst of about its size.',
        },
      });
    }
    return out;
  },
});
