/**
 * observed-enum-values: for each closed-set text column with nothing limiting it (the columns
 * enum-like-without-check names), the values stored and how often, and the CHECK they already satisfy.
 */
import { columnRef, findTable } from '../../catalog/helpers.js';
import { freeConstraintName, sqlList } from '../../rules/integrity/shared-a.js';
import type { FindingDraft } from '../../rules/types.js';
import { ruleDrafts } from '../candidates.js';
import { fromTable, isSampled, num, plural, qualify, quoteIdent, sampleNote, str, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

/** More distinct values than this is not a closed set. */
export const MAX_ENUM_VALUES = 30;
const SHOWN_LENGTH = 40;

/** `Active`, ` active` and `active` are one value spelt three ways. */
function canonical(v: string): string {
  return v.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function shown(v: string): string {
  return v.length > SHOWN_LENGTH ? `${v.slice(0, SHOWN_LENGTH)}…` : v;
}

export function planEnumValues(ctx: PlanContext): AuditCheck[] {
  const out: AuditCheck[] = [];
  for (const d of ruleDrafts(ctx, 'enum-like-without-check')) {
    const ref = d.objects[0];
    const t = ref?.schema && ref.table ? findTable(ctx.catalog, ref.schema, ref.table) : undefined;
    const column = ref?.name;
    if (!t || !column) continue;
    // Statistics say the column has hundreds of distinct values: a GROUP BY would only prove it is not a closed set.
    const nd = ctx.distinct.get(`${t.schema}.${t.name}.${column}`);
    const rows = t.stats?.rowEstimate ?? 0;
    if (nd !== undefined && (nd > MAX_ENUM_VALUES * 3 || (nd < 0 && -nd * rows > MAX_ENUM_VALUES * 3))) continue;
    const col = quoteIdent(column);
    const sampled = isSampled(t, ctx.sample);
    const sql =
      `SELECT t.${col}::text AS value, count(*) AS n FROM ${fromTable(t, 't', ctx.sample)} WHERE t.${col} IS NOT NULL ` +
      `GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${MAX_ENUM_VALUES + 1}`;
    const schemaValues = (d.details?.['values'] as string[] | undefined) ?? [];
    out.push({
      rule: 'observed-enum-values',
      label: `${tableLabel(t)}.${column}`,
      objects: [columnRef(t, column)],
      reads: [{ schema: t.schema, table: t.name }],
      sql,
      sampled,
      interpret(result): FindingDraft[] {
        const values = result.map((r) => ({ value: str(r['value']) ?? '', n: num(r['n']) }));
        if (values.length === 0 || values.length > MAX_ENUM_VALUES) return [];
        const groups = new Map<string, string[]>();
        for (const v of values) groups.set(canonical(v.value), [...(groups.get(canonical(v.value)) ?? []), v.value]);
        const variants = [...groups.values()].filter((g) => g.length > 1);
        const rel = qualify(t.schema, t.name);
        const name = quoteIdent(freeConstraintName(t, column, 'check'));
        const allowed = variants.length > 0
          ? [...groups.values()].map((g) => values.find((v) => g.includes(v.value))?.value ?? (g[0] as string))
          : values.map((v) => v.value);
        const unseen = schemaValues.filter((v) => !values.some((x) => x.value === v));
        const normalise = variants.flatMap((g) => {
          const keep = values.find((v) => g.includes(v.value))?.value as string;
          return g.filter((v) => v !== keep).map((v) => `UPDATE ${rel} SET ${col} = ${sqlList([keep])} WHERE ${col} = ${sqlList([v])};`);
        });
        const list = values.map((v) => `'${shown(v.value)}' (${v.n.toLocaleString('en-US')})`).join(', ');
        return [{
          objects: [columnRef(t, column)],
          ...(variants.length > 0 ? { severity: 'medium' as const } : {}),
          message:
            `\`${tableLabel(t)}.${column}\` has no CHECK or enum, and holds ${plural(values.length, 'distinct value')}${sampleNote(t, ctx.sample)}: ${list}. ` +
            (variants.length > 0
              ? `Some are one value spelt differently (${variants.map((g) => g.map((v) => `'${shown(v)}'`).join(' / ')).join('; ')}): normalise them, then add the CHECK. `
              : `The CHECK below holds for every row today. `) +
            (unseen.length > 0 ? `The schema also mentions ${sqlList(unseen)}, which no row holds: add it to the list if the application writes it. ` : '') +
            (sampled ? 'Values were read from a sample: a rare one may be missing from the list. ' : ''),
          details: {
            column, values: values.map((v) => ({ value: v.value, rows: v.n })), variants, schemaValues: unseen, sampled,
          },
          fix: {
            sql: [
              ...normalise,
              `ALTER TABLE ${rel} ADD CONSTRAINT ${name} CHECK (${col} IN (${sqlList([...allowed, ...unseen])})) NOT VALID;`,
              `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${name};`,
            ].join('\n'),
            notes:
              'ADD CONSTRAINT … NOT VALID takes a brief ACCESS EXCLUSIVE lock and applies to new writes at once; VALIDATE scans under SHARE UPDATE ' +
              'EXCLUSIVE, so reads and writes continue. Add any value the application writes but no row holds yet before running it.',
          },
        }];
      },
    });
  }
  return out;
}
