import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName } from '../types/shared.js';
import { BACKFILL_NOTE, NULL_MEANING, backfillSql, judgedTables, label, mentionsColumn, ownColumns, setNotNullSql } from './shared-a.js';

/** `false`, `true`, `'f'::boolean`, … as pg_get_expr prints a boolean default; null for anything else. */
function booleanDefault(expr: string | null): 'true' | 'false' | null {
  if (expr === null) return null;
  const v = expr.trim().replace(/::boolean$/, '').replace(/^'(.*)'$/, '$1').toLowerCase();
  if (['true', 't', 'yes', 'on', '1'].includes(v)) return 'true';
  if (['false', 'f', 'no', 'off', '0'].includes(v)) return 'false';
  return null;
}

export default defineRule({
  meta: {
    id: 'nullable-boolean',
    category: 'integrity',
    severity: 'low',
    title: 'Boolean column that allows NULL',
    rationale:
      'A nullable boolean has three values. NULL is neither true nor false, so `WHERE NOT flag` and `WHERE flag` together miss the NULL rows, ' +
      'counts of "active" and "inactive" do not add up, and application code that treats NULL as false in one place and as unknown in another ' +
      'disagrees with itself. Unless NULL deliberately means "unknown", the column wants NOT NULL.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      for (const c of ownColumns(catalog, t)) {
        if (c.isArray || baseTypeName(c) !== 'bool' || c.notNull || c.generated !== null) continue;
        // A domain declared NOT NULL already forbids NULL.
        const domain = c.domainBaseType !== null ? catalog.domains.find((d) => d.schema === c.typeSchema && d.name === c.typeName) : undefined;
        if (domain?.notNull) continue;
        if (c.comment && NULL_MEANING.test(c.comment)) continue;
        // A CHECK that speaks about the column's NULLs (`flag IS NOT NULL`, `(flag IS NULL) = (answered_at IS NULL)`) is a decision already made.
        if (t.constraints.some((k) => k.type === 'check' && mentionsColumn(k.definition, c.name) && /\bIS\s+(?:NOT\s+)?NULL\b/i.test(k.definition))) continue;

        const def = booleanDefault(c.default);
        const fill = def ?? 'false';
        const rel = qualify(t.schema, t.name);
        const col = quoteIdent(c.name);
        const notNull = setNotNullSql(catalog, t, c.name);
        const sql = [
          backfillSql(t, c.name, fill),
          ...(c.default === null ? [`ALTER TABLE ${rel} ALTER COLUMN ${col} SET DEFAULT false;`] : []),
          notNull.sql,
        ];
        const name = `${label(t)}.${c.name}`;
        const message =
          `\`${name}\` is a boolean without NOT NULL, so it has three values: \`WHERE NOT ${c.name}\` skips the NULL rows as \`WHERE ${c.name}\` does, ` +
          `and counts of true and false do not add up to the table. ` +
          (def !== null
            ? `It has DEFAULT ${def}, so two values were intended, yet an explicit NULL (or a copy from a nullable source) still gets in. `
            : `If NULL means "unknown" on purpose, say so in a column comment and this rule stays quiet. `) +
          `Backfill the NULLs with ${fill} and add NOT NULL.`;
        out.push({
          objects: [columnRef(t, c.name)],
          message,
          details: { column: c.name, default: def, backfill: fill },
          fix: {
            sql: sql.join('\n'),
            notes:
              `Pre-check: SELECT ${col}, count(*) FROM ${rel} GROUP BY 1; confirm that NULL meant ${fill} for this column before the backfill. ` +
              `${BACKFILL_NOTE} ${notNull.notes}`,
          },
        });
      }
    }
    return out;
  },
});
