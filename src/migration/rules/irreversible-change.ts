import { columnRef, primaryKey, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import type { Table } from '../../catalog/model.js';

function backupName(schema: string, table: string, suffix: string): string {
  return qualify(schema, `${table}_${suffix}`.slice(0, 63));
}

/** Copies the key and the column's values into a side table, so the data survives the change. */
function keepColumn(t: Table, col: string): string {
  const key = primaryKey(t)?.columns ?? [];
  const cols = [...key.filter((k) => k !== col), col].map(quoteIdent).join(', ');
  return `CREATE TABLE ${backupName(t.schema, t.name, `${col}_backup`)} AS SELECT ${key.length ? cols : `ctid::text AS row_ctid, ${quoteIdent(col)}`} FROM ${qualify(t.schema, t.name)};`;
}
import type { FindingDraft } from '../../rules/types.js';
import { alterCmds, arr, baseTable, isNode, names, qualifiedName, rangeVar, stmtKind, str, typeCreatedInPr } from '../ast.js';
import { classifyTypeChange, droppedEnumValues, typeFromAst, typeOfColumn } from '../types-change.js';
import type { MigrationContext, MigrationRule } from '../types.js';
import type { ObjectRef } from '../../result.js';

function draft(ctx: MigrationContext, objects: ObjectRef[], what: string, loss: string, change: string, backup: string | null): FindingDraft {
  return {
    objects,
    message:
      `${what} cannot be undone by a rollback: ${loss}. Take a backup of the affected data before deploying ` +
      '(pg_dump --table, or copy the column into a side table), and make sure no earlier release still needs it.',
    details: { lock: 'ACCESS EXCLUSIVE', rewrites: false, scans: false, tableExistedBefore: true, pgVersion: ctx.pgVersion, change },
    fix: {
      sql: `${backup ? `-- before the change, keep a copy of what will be lost:\n${backup}\n` : '-- before the change, pg_dump the affected tables\n'}${ctx.statement.sql};`,
      notes: 'The generated rollback recreates the structure only; the data comes back only from the backup.',
    },
  };
}

const rule: MigrationRule = {
  meta: {
    id: 'irreversible-change',
    category: 'migration',
    severity: 'medium',
    title: 'Change that loses data and cannot be rolled back',
    rationale:
      'Dropping a table, column or type, narrowing a column type or removing enum labels destroys data: the rollback can put the ' +
      'structure back, but not what was in it. Reviewers need to know which steps are one-way before the deploy, not after.',
    enabledByDefault: true,
  },
  check(ctx) {
    const s = stmtKind(ctx.statement.ast);
    if (!s) return [];
    const out: FindingDraft[] = [];
    if (s.kind === 'DropStmt') {
      const type = str(s.body.removeType);
      for (const o of arr(s.body.objects)) {
        if (type === 'OBJECT_TABLE') {
          const t = baseTable(ctx, qualifiedName(isNode(o) && isNode(o.List) ? names(o.List.items) : []));
          if (t) out.push(draft(ctx, [tableRef(t)], `\`DROP TABLE ${t.name}\``, `every row of \`${t.name}\` is deleted`, 'drop table',
            `CREATE TABLE ${backupName(t.schema, t.name, 'backup')} AS TABLE ${qualify(t.schema, t.name)};`));
        } else if (type === 'OBJECT_TYPE') {
          const n = qualifiedName(isNode(o) && isNode(o.TypeName) ? names(o.TypeName.names) : []);
          if (!n || typeCreatedInPr(ctx, n)) continue;
          const e = ctx.before.enums.find((x) => x.schema === n.schema && x.name === n.name && x.origin === 'user');
          if (!e) continue;
          const users = ctx.before.tables.filter((t) => t.columns.some((c) => c.typeName === e.name && c.typeSchema === e.schema)).map((t) => t.name);
          out.push(draft(ctx, [{ kind: 'enum', schema: e.schema, name: e.name }], `\`DROP TYPE ${e.name}\``,
            users.length ? `the columns of ${users.join(', ')} that use it are dropped with it (CASCADE)` : `its labels (${e.values.join(', ')}) and their order are gone`, 'drop type', null));
        }
      }
    } else if (s.kind === 'AlterTableStmt') {
      const t = baseTable(ctx, rangeVar(s.body.relation));
      if (!t) return [];
      for (const cmd of alterCmds(s.body)) {
        const sub = str(cmd.subtype);
        const col = str(cmd.name) ?? '';
        const column = t.columns.find((c) => c.name === col);
        if (!column) continue;
        if (sub === 'AT_DropColumn') {
          out.push(draft(ctx, [columnRef(t, col)], `\`DROP COLUMN ${t.name}.${col}\``, `every value of \`${col}\` is deleted`, 'drop column', keepColumn(t, col)));
        } else if (sub === 'AT_AlterColumnType' && isNode(cmd.def) && isNode(cmd.def.ColumnDef) && isNode(cmd.def.ColumnDef.typeName)) {
          const to = typeFromAst(cmd.def.ColumnDef.typeName);
          const change = classifyTypeChange(typeOfColumn(column), to, ctx.pgVersion);
          const dropped = droppedEnumValues(ctx.before, column, to);
          if (dropped.length > 0) {
            out.push(draft(ctx, [columnRef(t, col)], `Changing \`${t.name}.${col}\` from enum \`${column.typeName}\` to \`${to.name}\``,
              `the labels ${dropped.map((v) => `'${v}'`).join(', ')} no longer exist, and rows that held them were mapped by the USING clause`, 'enum value removal', keepColumn(t, col)));
          } else if (change.kind === 'rewrite' && change.narrowing) {
            out.push(draft(ctx, [columnRef(t, col)], `Changing \`${t.name}.${col}\` from \`${column.type}\``, `the change narrows it (${change.narrowing})`, 'type narrowing', keepColumn(t, col)));
          }
        }
      }
    }
    return out;
  },
};
export default rule;
