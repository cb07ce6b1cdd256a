import { qualify, quoteIdent } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { baseTable, lockDetails, rangeVar, sizedSeverity, stmtOf, str, reportedTable } from '../ast.js';
import { lockFor } from '../locks.js';
import type { MigrationRule } from '../types.js';

/** `CREATE INDEX` → `CREATE INDEX CONCURRENTLY` (keeps UNIQUE, IF NOT EXISTS and the rest of the text). */
export function concurrentIndexSql(sql: string): string {
  return sql.replace(/^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX)\s+(?!CONCURRENTLY\b)/i, '$1 CONCURRENTLY ').replace(/;?\s*$/, ';');
}

const rule: MigrationRule = {
  meta: {
    id: 'index-not-concurrent',
    category: 'migration',
    severity: 'high',
    title: 'Index built on an existing table without CONCURRENTLY',
    rationale:
      'CREATE INDEX takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits until the whole index is built, ' +
      'which on a busy table is an outage. CREATE INDEX CONCURRENTLY builds it while writes continue.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'IndexStmt');
    if (!s || s.concurrent === true) return [];
    const t = baseTable(ctx, rangeVar(s.relation));
    if (!t) return [];
    const lock = lockFor('create-index', ctx.pgVersion);
    const sized = sizedSeverity(ctx, t, 'high', 'scan');
    const shown = reportedTable(ctx.before, t);
    const name = str(s.idxname) ?? '(unnamed)';
    const partitioned = t.kind === 'partitioned table';
    const rel = qualify(t.schema, t.name);
    const sql = partitioned
      ? `-- CONCURRENTLY is not supported on a partitioned table: build the parent index ON ONLY, then each partition's concurrently\n` +
        `${ctx.statement.sql.replace(/\bON\s+(?!ONLY\b)/i, 'ON ONLY ')};\n` +
        `-- for each partition p: CREATE INDEX CONCURRENTLY p_idx ON p (…); ALTER INDEX ${quoteIdent(name)} ATTACH PARTITION p_idx;`
      : concurrentIndexSql(ctx.statement.sql);
    const draft: FindingDraft = {
      objects: [{ kind: 'index', schema: t.schema, table: shown.name, name }],
      severity: sized.severity,
      message:
        `\`CREATE INDEX ${name}\` on \`${t.name}\`, which existed before this PR, takes a SHARE lock: writes to \`${t.name}\` wait until the index is built.` +
        `${sized.sentence} Build it with CREATE INDEX CONCURRENTLY, in a migration that does not run inside a transaction.`,
      details: lockDetails(ctx, lock, true, sized, { index: name, table: rel }),
      fix: {
        sql,
        notes:
          'CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (reads and writes continue) but cannot run in a transaction block: put it in its own ' +
          'migration file, outside BEGIN … COMMIT (most tools have a per-file "no transaction" switch). If it fails it leaves an INVALID ' +
          `index: drop it (DROP INDEX CONCURRENTLY ${quoteIdent(name)}) and retry.`,
      },
    };
    return [draft];
  },
};
export default rule;
