import { indexRef, qualify, quoteLiteral } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { columnNameParts, createIndexDdl, indexedRelations, keyListSql, keysLabel, recreateConcurrently, relationRef } from './shared.js';

export default defineRule({
  meta: {
    id: 'invalid-index',
    category: 'indexes',
    severity: 'high',
    title: 'Invalid index',
    rationale:
      'An index left INVALID by a failed CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) is never used by queries, yet every write still '
      + 'maintains it, and an invalid unique index still rejects duplicates. The query it was built for keeps scanning while writes pay for it.',
    enabledByDefault: true,
    liveOnly: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    // Partitions included: a failed build on one partition is visible only there.
    for (const rel of indexedRelations(catalog, { partitions: true })) {
      for (const index of rel.indexes) {
        if (index.valid) continue;
        const objects = [indexRef(index), relationRef(rel)];
        const where = `${tableLabel(rel)} (${keysLabel(index)})`;
        if (/_cc(new|old)\d*$/.test(index.name)) {
          out.push({
            objects,
            message: `Index ${index.name} on ${where} is INVALID: it is a leftover of an interrupted REINDEX CONCURRENTLY, maintained on every write and never read. Drop it.`,
            details: { index: index.name, leftover: true, partitioned: index.partitioned },
            fix: { sql: `DROP INDEX CONCURRENTLY ${qualify(index.schema, index.name)};`, notes: 'DROP INDEX CONCURRENTLY does not block reads or writes; run it outside a transaction block.' },
          });
          continue;
        }
        if (index.partitioned && rel.table) {
          const rebuilt = createIndexDdl(catalog, rel.table, {
            nameParts: columnNameParts(index.keys.map((k) => k.column ?? 'expr')),
            keys: keyListSql(index), method: index.method, where: index.predicate, unique: index.unique, exactName: index.name,
          });
          out.push({
            objects,
            message: `Partitioned index ${index.name} on ${where} is INVALID: not every partition has a matching index attached (it was created ON ONLY and never completed), so queries on the parent cannot rely on it. `
              + 'Create and attach the missing partition indexes.',
            details: { index: index.name, leftover: false, partitioned: true },
            fix: {
              sql: `DROP INDEX ${qualify(index.schema, index.name)};\n${rebuilt.sql}`,
              notes: `Cheaper when only some partitions lack the index: find them with SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ${quoteLiteral(qualify(rel.schema, rel.name))}::regclass `
                + `AND NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index x ON x.indexrelid = ii.inhrelid WHERE ii.inhparent = ${quoteLiteral(qualify(index.schema, index.name))}::regclass AND x.indrelid = c.oid); `
                + 'then CREATE INDEX CONCURRENTLY on each and ALTER INDEX … ATTACH PARTITION. The full rebuild shown drops the index (ACCESS EXCLUSIVE on every partition for a moment) and rebuilds it partition by partition.',
            },
          });
          continue;
        }
        const plainKeys = index.keys.every((k) => k.column !== null) ? index.keys.map((k) => k.expression).join(', ') : null;
        const precheck = index.unique && plainKeys
          ? `A unique build usually fails on duplicates; find them first: SELECT ${plainKeys}, count(*) FROM ${qualify(rel.schema, rel.name)}${index.predicate ? ` WHERE ${index.predicate}` : ''} GROUP BY ${plainKeys} HAVING count(*) > 1 LIMIT 20; `
          : '';
        out.push({
          objects,
          message: `Index ${index.name} on ${where} is INVALID (a failed concurrent build): it is maintained on every write${index.unique ? ' and still rejects duplicates' : ''}, but no query uses it. Drop it and build it again.`,
          details: { index: index.name, leftover: false, partitioned: false, definition: index.definition },
          fix: {
            sql: `DROP INDEX CONCURRENTLY ${qualify(index.schema, index.name)};\n${recreateConcurrently(index)}`,
            notes: `${precheck}Both statements run outside a transaction block and block no writes. REINDEX INDEX CONCURRENTLY ${qualify(index.schema, index.name)} (PG 12+) is a one-step alternative.`,
          },
        });
      }
    }
    return out;
  },
});
