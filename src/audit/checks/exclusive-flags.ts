/**
 * exclusive-flag-violation: owners with more than one row carrying is_default / is_primary / … , for the
 * flags exclusive-flag-unenforced finds unenforced (no partial unique index).
 */
import { columnRef, findTable } from '../../catalog/helpers.js';
import type { FindingDraft } from '../../rules/types.js';
import { ruleDrafts } from '../candidates.js';
import { fromTable, isSampled, num, plural, qualify, quoteIdent, sampleNote, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

const WEAK = new Set(['active', 'selected']);

export function planExclusiveFlags(ctx: PlanContext): AuditCheck[] {
  const out: AuditCheck[] = [];
  for (const d of ruleDrafts(ctx, 'exclusive-flag-unenforced')) {
    const details = d.details ?? {};
    // UNIQUE (owner, flag) already allows at most one flagged row: stricter than needed, never violated.
    if (details['enforcement'] === 'too-strict') continue;
    const ref = d.objects[0];
    const t = ref?.schema && ref.table ? findTable(ctx.catalog, ref.schema, ref.table) : undefined;
    const flag = String(details['flag'] ?? '');
    if (!t || !flag) continue;
    const owner = (details['owner'] as string[] | undefined) ?? [];
    const word = String(details['word'] ?? flag);
    const f = `t.${quoteIdent(flag)}`;
    const ownerExpr = owner.length === 1 ? `t.${quoteIdent(owner[0] as string)}::text` : `ROW(${owner.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`;
    const from = fromTable(t, 't', ctx.sample);
    const sql = owner.length > 0
      ? `SELECT count(*) AS owners, coalesce(sum(n), 0) AS rows, (array_agg(o ORDER BY n DESC, o))[1:3] AS samples FROM ` +
        `(SELECT ${ownerExpr} AS o, count(*) AS n FROM ${from} WHERE ${f} GROUP BY ${owner.map((c) => `t.${quoteIdent(c)}`).join(', ')} HAVING count(*) > 1) d`
      : `SELECT CASE WHEN count(*) > 1 THEN 1 ELSE 0 END AS owners, count(*) AS rows FROM ${from} WHERE ${f}`;
    const ownerLabel = owner.length === 0 ? 'the table' : owner.length === 1 ? (owner[0] as string) : `(${owner.join(', ')})`;
    const sampled = isSampled(t, ctx.sample);
    const rel = qualify(t.schema, t.name);
    out.push({
      rule: 'exclusive-flag-violation',
      label: `${tableLabel(t)}.${flag} per ${ownerLabel}`,
      objects: [columnRef(t, flag), ...owner.map((c) => columnRef(t, c))],
      reads: [{ schema: t.schema, table: t.name }],
      sql,
      sampled,
      interpret(rows): FindingDraft[] {
        const row = rows[0] ?? {};
        const owners = num(row['owners']);
        if (owners === 0) return [];
        const flagged = num(row['rows']);
        const sampleOwners = Array.isArray(row['samples']) ? (row['samples'] as unknown[]).map(String) : [];
        const repair = owner.length > 0
          ? `-- Owners with more than one ${word} row:\n-- SELECT ${owner.map(quoteIdent).join(', ')}, count(*) FROM ${rel} WHERE ${quoteIdent(flag)} GROUP BY ${owner.map(quoteIdent).join(', ')} HAVING count(*) > 1;\n` +
            `-- Keep one per owner (the one the application shows today) and clear the flag on the others.`
          : `-- More than one ${word} row in ${tableLabel(t)}: keep one and clear the rest.\n-- SELECT * FROM ${rel} WHERE ${quoteIdent(flag)};`;
        return [{
          objects: [columnRef(t, flag), ...owner.map((c) => columnRef(t, c))],
          ...(WEAK.has(word) ? { severity: 'medium' as const } : {}),
          message:
            (owner.length > 0
              ? `${plural(owners, `${ownerLabel} value has`, `${ownerLabel} values have`)} more than one \`${flag}\` row in \`${tableLabel(t)}\` (${plural(flagged, 'flagged row')} between them)`
              : `\`${tableLabel(t)}\` has ${plural(flagged, 'row')} with \`${flag}\` set, where one is meant`) +
            `${sampleNote(t, ctx.sample)}. ` +
            (sampleOwners.length > 0 ? `Sample ${ownerLabel}: ${sampleOwners.join(', ')}. ` : '') +
            `Code that reads "the" ${word} row gets an arbitrary one, and the partial unique index that prevents this cannot be built until the extras are cleared.` +
            (WEAK.has(word) ? ` (\`${flag}\` is judged exclusive from the table's role; if several rows may be ${word} at once, suppress this.)` : ''),
          details: { table: tableLabel(t), flag, owner, owners, flaggedRows: flagged, sampleOwners, sampled },
          fix: { sql: `${repair}\n${d.fix?.sql ?? ''}`.trim(), notes: d.fix?.notes ?? '' },
        }];
      },
    });
  }
  return out;
}
