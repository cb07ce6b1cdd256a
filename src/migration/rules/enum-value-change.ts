import { qualify, quoteLiteral } from '../../catalog/helpers.js';
import { inTransaction, names, qualifiedName, stmtOf, str, typeCreatedInPr } from '../ast.js';
import type { MigrationRule } from '../types.js';

const rule: MigrationRule = {
  meta: {
    id: 'enum-value-change',
    category: 'migration',
    severity: 'medium',
    title: 'Enum value renamed or added on an existing type',
    rationale:
      'Renaming an enum label breaks every running client that still sends the old label. Adding a label is cheap but one-way ' +
      '(Postgres cannot drop it again), and clients with an exhaustive list of values fail on rows that use it; inside a transaction ' +
      'the new label cannot be used until commit.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtOf(ctx.statement.ast, 'AlterEnumStmt');
    if (!s) return [];
    const n = qualifiedName(names(s.typeName));
    if (!n || typeCreatedInPr(ctx, n)) return [];
    const e = ctx.before.enums.find((x) => x.schema === n.schema && x.name === n.name && x.origin === 'user');
    if (!e) return [];
    const type = qualify(e.schema, e.name);
    const details = { lock: 'none', rewrites: false, scans: false, tableExistedBefore: true, pgVersion: ctx.pgVersion };
    const oldVal = str(s.oldVal);
    const newVal = str(s.newVal) ?? '';
    if (oldVal !== undefined) {
      return [{
        objects: [{ kind: 'enum', schema: e.schema, name: e.name }],
        severity: 'high',
        message:
          `Label ${quoteLiteral(oldVal)} of enum \`${e.name}\` is renamed to ${quoteLiteral(newVal)}: clients still running the previous release send ` +
          `${quoteLiteral(oldVal)} and their writes fail ("invalid input value for enum"). Add the new label first, let the application accept both, ` +
          'migrate the rows in batches, and retire the old label only when no client writes it.',
        details: { ...details, change: 'rename', from: oldVal, to: newVal },
        fix: {
          sql: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${quoteLiteral(newVal)};\n-- after it commits, move rows in batches (per table using ${e.name}):\n-- UPDATE t SET col = ${quoteLiteral(newVal)} WHERE ctid IN (SELECT ctid FROM t WHERE col = ${quoteLiteral(oldVal)} LIMIT 10000);`,
          notes: 'The old label stays in the type (Postgres cannot drop a label in place); add a CHECK (col <> old) once no client writes it.',
        },
      }];
    }
    if (e.values.includes(newVal)) return [];
    const tx = inTransaction(ctx) && ctx.pgVersion >= 12;
    return [{
      objects: [{ kind: 'enum', schema: e.schema, name: e.name }],
      severity: 'low',
      message:
        `Label ${quoteLiteral(newVal)} is added to enum \`${e.name}\`: it cannot be removed again, and clients with an exhaustive list of \`${e.name}\` ` +
        'values fail on rows that carry it — deploy readers that accept it before any writer uses it.' +
        (tx ? ' It is added inside a transaction: the same transaction cannot use it ("unsafe use of new value") until it commits.' : ''),
      details: { ...details, change: 'add', value: newVal, inTransaction: tx },
      fix: {
        sql: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${quoteLiteral(newVal)};  -- its own migration, before any statement that uses it`,
        notes: 'IF NOT EXISTS makes re-runs safe. A lookup table or a CHECK constraint is easier to change both ways than an enum.',
      },
    }];
  },
};
export default rule;
