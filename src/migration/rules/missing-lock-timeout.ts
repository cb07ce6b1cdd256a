import { qualify, tableRef } from '../../catalog/helpers.js';
import type { Catalog } from '../../catalog/model.js';
import type { Statement } from '../../sources/types.js';
import { LOCK_TIMEOUT_SQL, lockDetails, lockTimeoutEffect, relKey } from '../ast.js';
import { statementLocks, type TableLock } from '../locks.js';
import type { MigrationRule } from '../types.js';

/** The first ACCESS EXCLUSIVE lock the statement takes on a table that existed before the PR. */
function exclusiveOnBase(s: Statement, pgVersion: number, catalog: Catalog, baseTables: ReadonlySet<string>): TableLock | null {
  return statementLocks(s.ast, pgVersion, catalog).find((l) => l.lock === 'ACCESS EXCLUSIVE' && baseTables.has(relKey(l.table))) ?? null;
}

const rule: MigrationRule = {
  meta: {
    id: 'missing-lock-timeout',
    category: 'migration',
    severity: 'medium',
    title: 'ACCESS EXCLUSIVE lock taken without a lock_timeout',
    rationale:
      'An ALTER that needs ACCESS EXCLUSIVE waits behind any long-running query on the table, and while it waits every other query on ' +
      'the table queues behind it: a one-millisecond change becomes a full outage. SET lock_timeout makes the migration give up (and ' +
      'be retried) instead of stalling the application.',
    enabledByDefault: true,
  },
  check(ctx) {
    const lock = exclusiveOnBase(ctx.statement, ctx.pgVersion, ctx.before, ctx.baseTables);
    if (!lock) return [];
    let timeout = false;
    for (const p of ctx.previous) {
      const e = lockTimeoutEffect(p);
      if (e === 'set') timeout = true;
      else if (e === 'unset') timeout = false;
    }
    if (timeout) return [];
    // one finding per PR: only the first statement that needed the timeout reports it.
    // Earlier statements are judged against the current catalog, which is close enough to find their tables.
    const earlier = ctx.previous.some((p) => exclusiveOnBase(p, ctx.pgVersion, ctx.before, ctx.baseTables) !== null);
    if (earlier) return [];
    const t = { schema: lock.table.schema, name: lock.table.name };
    return [{
      objects: [tableRef(t)],
      message:
        `This statement takes an ACCESS EXCLUSIVE lock on \`${t.name}\` (existed before this PR; ${lock.op}) and no \`SET lock_timeout\` precedes it in the PR: ` +
        `if a long query holds \`${t.name}\`, the migration waits and every read and write of \`${t.name}\` queues behind it. ` +
        `Start the migration with ${LOCK_TIMEOUT_SQL} and retry on timeout.`,
      details: lockDetails(ctx, lock, true, undefined, { operation: lock.op, table: qualify(t.schema, t.name) }),
      fix: {
        sql: LOCK_TIMEOUT_SQL,
        notes:
          'Put it first in the migration (SET LOCAL inside a transaction). A lock timeout error means "retry later", not "broken": ' +
          "deploy tooling should retry a few times. Consider SET statement_timeout too for statements that should be instant.",
      },
    }];
  },
};
export default rule;
