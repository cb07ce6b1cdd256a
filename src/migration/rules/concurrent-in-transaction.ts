import { arr, inTransaction, isNode, names, qualifiedName, rangeVar, stmtKind, str } from '../ast.js';
import type { ObjectRef } from '../../result.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'concurrent-in-transaction',
    category: 'migration',
    severity: 'critical',
    title: 'Statement that cannot run in a transaction block is inside one',
    rationale:
      'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and (before PostgreSQL 12) ALTER TYPE … ADD VALUE refuse to run inside ' +
      'BEGIN … COMMIT: the deploy fails at this statement. Migration tools that wrap each file in a transaction need a per-file opt-out.',
    enabledByDefault: true,
  },
  check(ctx) {
    if (!inTransaction(ctx)) return [];
    const s = stmtKind(ctx.statement.ast);
    if (!s) return [];
    const b = s.body;
    let what: string | null = null;
    let obj: ObjectRef = { kind: 'statement', name: ctx.statement.sql.slice(0, 60) };
    if (s.kind === 'IndexStmt' && b.concurrent === true) {
      what = 'CREATE INDEX CONCURRENTLY';
      const r = rangeVar(b.relation);
      obj = { kind: 'index', schema: r?.schema, table: r?.name, name: str(b.idxname) ?? '(unnamed)' };
    } else if (s.kind === 'DropStmt' && b.concurrent === true) {
      what = 'DROP INDEX CONCURRENTLY';
      const n = qualifiedName(arr(b.objects).map((o) => (isNode(o) && isNode(o.List) ? names(o.List.items) : [])).find((x) => x.length > 0) ?? []);
      if (n) obj = { kind: 'index', schema: n.schema, name: n.name };
    } else if (s.kind === 'ReindexStmt' && arr(b.params).some((o) => isNode(o) && isNode(o.DefElem) && str(o.DefElem.defname) === 'concurrently')) {
      what = 'REINDEX CONCURRENTLY';
    } else if (s.kind === 'AlterEnumStmt' && !str(b.oldVal) && ctx.pgVersion < 12) {
      what = `ALTER TYPE … ADD VALUE (on PostgreSQL ${ctx.pgVersion})`;
      const n = qualifiedName(names(b.typeName));
      if (n) obj = { kind: 'enum', schema: n.schema, name: n.name };
    }
    if (!what) return [];
    return [{
      objects: [obj],
      message:
        `\`${what}\` runs inside a transaction block here, and Postgres rejects it ("cannot run inside a transaction block"): this deploy would fail. ` +
        'Move it to its own migration file that runs without a transaction (remove the BEGIN/COMMIT, or use the tool\'s no-transaction switch).',
      details: { lock: 'none', rewrites: false, scans: false, tableExistedBefore: null, pgVersion: ctx.pgVersion, statement: what, failsDeploy: true },
      fix: {
        sql: `-- in a separate migration file, outside BEGIN … COMMIT:\n${ctx.statement.sql};`,
        notes:
          'Flyway: executeInTransaction=false for the script; golang-migrate/dbmate: "-- migrate:up transaction:false"; goose: "-- +goose NO TRANSACTION"; ' +
          'Rails: disable_ddl_transaction!; Prisma/Drizzle migrate: put it alone in its own migration.',
      },
    }];
  },
};
export default rule;
