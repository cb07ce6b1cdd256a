import { qualify, tableRef } from '../../catalog/helpers.js';
import type { Catalog } from '../../catalog/model.js';
import type { Statement } from '../../sources/types.js';
import { LOCK_TIMEOUT_SQL, lockDetails, lockTimeoutEffect, relKey } from '../ast.js';
import { statementLocks, type TableLock } from '../locks.js';
import type { MigrationRule } from '../types.js';

/**
 * Locks that conflict with ordinary writes (SHARE and stronger): a request for one waits behind a
 * long transaction, and every writer queues behind the waiting request — ACCESS EXCLUSIVE also
 * queues readers. CREATE INDEX's SHARE lock is enough to stall writes.
 */
const BLOCKING = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

/** The first blocking lock the statement takes on a table that existed before the PR. */
function exclusiveOnBase(s: Statement, pgVersion: number, catalog: Catalog, baseTables: ReadonlySet<string>): TableLock | null {
  return statementLocks(s.ast, pgVersion, catalog).find((l) => BLOCKING.has(l.lock) && baseTables.has(relKey(l.table))) ?? null;
}

const rule: MigrationRule = {
  meta: {
    id: 'missing-lock-timeout',
    category: 'migration',
    severity: 'medium',
    title: 'Blocking lock taken without a lock_timeout',
    rationale:
      'An ALTER that needs ACCESS EXCLUSIVE (or a CREATE INDEX that needs SHARE) waits behind any long-running transaction on the table, ' +
      'and while it waits every query it conflicts with queues behind it: a one-millisecond change becomes an outage. SET lock_timeout ' +
      'makes the migration give up (and be retried) instead of stalling the application.',
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
        `This statement takes ${lock.lock === 'ACCESS EXCLUSIVE' ? 'an' : 'a'} ${lock.lock} lock on \`${t.name}\` (existed before this PR; ${lock.op}) and no \`SET lock_timeout\` precedes it in the PR: ` +
        `if a long transaction holds \`${t.name}\`, the migration waits and every ${lock.lock === 'ACCESS EXCLUSIVE' ? 'read and write' : 'write'} of \`${t.name}\` queues behind it. ` +
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
