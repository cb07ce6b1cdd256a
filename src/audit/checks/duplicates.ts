/**
 * duplicate-values: identifiers the application treats as unique but the database does not enforce,
 * or enforces case-sensitively. One GROUP BY … HAVING count(*) > 1 per key.
 */
import type { Table } from '../../catalog/model.js';
import { columnRef, findTable, isPartition, userTables } from '../../catalog/helpers.js';
import { createIndexDdl } from '../../rules/indexes/shared.js';
import { uniqueIndexes } from '../../rules/integrity/shared-b.js';
import { USER_TABLE_WORDS, nameWords } from '../../rules/lexicon.js';
import { inferTenant } from '../../rules/tenancy/tenant.js';
import type { FindingDraft } from '../../rules/types.js';
import type { Severity } from '../../result.js';
import { ruleDrafts } from '../candidates.js';
import { fromTable, isSampled, relation, num, plural, qualify, quoteIdent, sampleNote, tableKey, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

/** Names that identify a person or an account: duplicates break logins. */
const LOGIN_WORDS = ['email', 'username', 'login', 'handle'];

interface Key {
  table: Table;
  /** Key columns; `folded` ones are compared lower(). */
  columns: string[];
  folded: string[];
  /** Partial index predicate the uniqueness applies under. */
  where: string | null;
  why: 'case-sensitive' | 'implied' | 'junction';
  /** The existing unique index (case-sensitive case). */
  index: string | null;
  severity: Severity;
}

function loginColumn(name: string): boolean {
  const words = nameWords(name);
  return words.length <= 2 && LOGIN_WORDS.includes(words[words.length - 1] ?? '') && !words.includes('id');
}

function userTable(t: Table): boolean {
  const words = nameWords(t.name);
  return USER_TABLE_WORDS.includes(words[words.length - 1] ?? '');
}

function keys(ctx: PlanContext): Key[] {
  const out: Key[] = [];
  for (const d of ruleDrafts(ctx, 'case-sensitive-unique')) {
    const c = d.objects.find((o) => o.kind === 'column');
    if (!c?.schema || !c.table) continue;
    const t = findTable(ctx.catalog, c.schema, c.table);
    const index = t?.indexes.find((i) => i.name === d.details?.['index']);
    if (!t || !index || index.keys.some((k) => k.column === null)) continue;
    const folded = (d.details?.['columns'] as string[] | undefined) ?? [];
    const login = folded.some(loginColumn);
    out.push({
      table: t, columns: index.keys.map((k) => k.column as string), folded, where: index.predicate, why: 'case-sensitive', index: index.name,
      severity: login && userTable(t) ? 'high' : 'medium',
    });
  }
  // A login identifier on a table of people, with no unique index on it at all.
  const tenant = inferTenant(ctx.catalog, ctx.review.tenantColumn);
  for (const t of userTables(ctx.catalog)) {
    if (isPartition(t) || !userTable(t)) continue;
    for (const c of t.columns) {
      if (!loginColumn(c.name) || !['text', 'varchar', 'bpchar', 'citext'].includes(c.domainBaseType ?? c.typeName) || c.isArray) continue;
      const covered = uniqueIndexes(t).some((i) => i.keys.some((k) => k.column === c.name || (k.column === null && k.expression.includes(c.name))));
      if (covered) continue;
      const scope = tenant && t.columns.some((x) => x.name === tenant.column) && tenant.column !== c.name ? [tenant.column] : [];
      const citext = (c.domainBaseType ?? c.typeName) === 'citext';
      out.push({ table: t, columns: [...scope, c.name], folded: citext ? [] : [c.name], where: null, why: 'implied', index: null, severity: 'high' });
    }
  }
  for (const d of ruleDrafts(ctx, 'junction-without-unique')) {
    const ref = d.objects.find((o) => o.kind === 'table');
    const name = ref?.table ?? ref?.name;
    const t = ref?.schema && name ? findTable(ctx.catalog, ref.schema, name) : undefined;
    const columns = d.details?.['columns'] as string[] | undefined;
    if (!t || !columns || columns.length === 0) continue;
    out.push({ table: t, columns, folded: [], where: null, why: 'junction', index: null, severity: 'medium' });
  }
  return out;
}

/** The key's expressions over `alias`, or unqualified (null) for the statements the user runs. */
function keyExprs(k: Key, alias: string | null): string[] {
  const prefix = alias === null ? '' : `${alias}.`;
  return k.columns.map((c) => (k.folded.includes(c) ? `lower(${prefix}${quoteIdent(c)})` : `${prefix}${quoteIdent(c)}`));
}

function fix(ctx: PlanContext, k: Key): { sql: string; notes: string } {
  const rel = qualify(k.table.schema, k.table.name);
  const exprs = keyExprs(k, null);
  const ddl = createIndexDdl(ctx.catalog, k.table, {
    nameParts: k.columns.map((c) => (k.folded.includes(c) ? `lower_${c}` : c)), suffix: 'key', keys: exprs.join(', '), unique: true, where: k.where,
  });
  const list = `SELECT ${exprs.join(', ')}, count(*) FROM ${rel}${k.where ? ` WHERE ${k.where}` : ''} GROUP BY ${exprs.map((_, i) => i + 1).join(', ')} HAVING count(*) > 1 ORDER BY count(*) DESC;`;
  return {
    sql: `-- Merge or remove the duplicates first (the index build fails while any remain):\n-- ${list}\n${ddl.sql}`,
    notes: `${ddl.notes} ${k.index ? `Once it is built, the case-sensitive ${k.index} is redundant: drop it after moving ON CONFLICT targets and lookups to the new expression.` : ''}`.trim(),
  };
}

/** The general form: one GROUP BY over the key, duplicates counted from the groups of more than one row. */
function groupSql(ctx: PlanContext, k: Key, exprs: string[], where: string): string {
  const key = tableKey(k.table, 't');
  const folded = k.folded[0];
  const variantExpr = folded !== undefined ? `, min(t.${quoteIdent(folded)}) <> max(t.${quoteIdent(folded)}) AS v` : '';
  const inner =
    `SELECT count(*) AS n${key.expr ? `, min(${key.expr}) AS k1, max(${key.expr}) AS k2` : ''}${variantExpr} ` +
    `FROM ${fromTable(k.table, 't', ctx.sample)} WHERE ${where} GROUP BY ${exprs.join(', ')} HAVING count(*) > 1`;
  return `SELECT count(*) AS groups, coalesce(sum(n), 0) AS rows${folded !== undefined ? `, count(*) FILTER (WHERE v) AS variants` : ''}` +
    `${key.expr ? `, (array_agg(k1 || ' & ' || k2 ORDER BY n DESC, k1))[1:3] AS samples` : ''} FROM (${inner}) d`;
}

/**
 * A column that is already unique case-sensitively can only have case-duplicates among rows that
 * contain a capital: find those in one scan (a byte-wise test, no GROUP BY over every row), and look
 * up each one's lowercase twin through the existing unique index. Grouping every row by lower() costs
 * a hash aggregate over the whole table, many times a scan; this is one filtered scan plus a few
 * index probes. The scan tests ASCII capitals; a value whose only capitals are non-ASCII (`JOSÉ` vs
 * `josé`) is left to the general form, which the docs say.
 */
function fastCaseSql(ctx: PlanContext, k: Key): string | null {
  const col = k.folded[0];
  if (k.why !== 'case-sensitive' || k.columns.length !== 1 || k.folded.length !== 1 || col === undefined) return null;
  const key = tableKey(k.table, 't');
  const twinKey = tableKey(k.table, 'u');
  if (key.expr === null || twinKey.expr === null) return null;
  const c = quoteIdent(col);
  const pred = k.where ? ` AND (${k.where})` : '';
  const up =
    `SELECT lower(t.${c}) AS val, ${key.expr} AS k FROM ${fromTable(k.table, 't', ctx.sample)} ` +
    `WHERE t.${c} IS NOT NULL AND t.${c} COLLATE "C" <> lower(t.${c} COLLATE "C")${pred}`;
  // Unqualified names in the predicate resolve to u inside the lateral subquery.
  const twin = `SELECT count(*) AS c, min(${twinKey.expr}) AS k FROM ${relation(k.table)} AS u WHERE u.${c} = up.val${pred}`;
  const groups =
    `SELECT up.val, count(*) + max(tw.c) AS n, least(min(up.k), min(tw.k)) AS k1, greatest(max(up.k), max(tw.k)) AS k2 ` +
    `FROM (${up}) up LEFT JOIN LATERAL (${twin}) tw ON true GROUP BY up.val HAVING count(*) + max(tw.c) > 1`;
  return `SELECT count(*) AS groups, coalesce(sum(n), 0) AS rows, count(*) AS variants, (array_agg(k1 || ' & ' || k2 ORDER BY n DESC, k1))[1:3] AS samples FROM (${groups}) d`;
}

export function planDuplicates(ctx: PlanContext): AuditCheck[] {
  return keys(ctx).map((k): AuditCheck => {
    const key = tableKey(k.table, 't');
    const exprs = keyExprs(k, 't');
    const notNull = k.columns.map((c) => `t.${quoteIdent(c)} IS NOT NULL`);
    const where = [...notNull, ...(k.where ? [`(${k.where})`] : [])].join(' AND ');
    const sql = fastCaseSql(ctx, k) ?? groupSql(ctx, k, exprs, where);
    const shown = k.columns.map((c) => (k.folded.includes(c) ? `lower(${c})` : c)).join(', ');
    const sampled = isSampled(k.table, ctx.sample);
    return {
      rule: 'duplicate-values',
      label: `${tableLabel(k.table)} (${shown})`,
      objects: k.columns.map((c) => columnRef(k.table, c)),
      reads: [{ schema: k.table.schema, table: k.table.name }],
      sql,
      sampled,
      interpret(rows): FindingDraft[] {
        const row = rows[0] ?? {};
        const groups = num(row['groups']);
        if (groups === 0) return [];
        const total = num(row['rows']);
        const variantGroups = num(row['variants']);
        const sampleList = Array.isArray(row['samples']) ? (row['samples'] as unknown[]).map(String) : [];
        const why = k.why === 'case-sensitive'
          ? `is unique through ${k.index ?? 'an index'}, but case-sensitively, and`
          : k.why === 'implied'
            ? `identifies a ${nameWords(k.table.name).join(' ')} row but has no unique index, and`
            : `links two tables with no unique key on the pair, and`;
        const caseNote = k.folded.length > 0 && variantGroups > 0
          ? ` ${plural(variantGroups, 'group differs', 'groups differ')} only by letter case.`
          : '';
        return [{
          objects: k.columns.map((c) => columnRef(k.table, c)),
          severity: k.severity,
          message:
            `\`${tableLabel(k.table)}\` (${shown}) ${why} ${plural(groups, 'value is', 'values are')} shared by ${plural(total, 'row')}` +
            `${sampleNote(k.table, ctx.sample)}.${caseNote}` +
            (sampleList.length > 0 ? ` Sample rows (${key.label} of the first and last row of a group): ${sampleList.join('; ')}.` : '') +
            ' Values are not shown.',
          details: {
            table: tableLabel(k.table), columns: k.columns, folded: k.folded, why: k.why, index: k.index, groups, rows: total,
            caseVariantGroups: variantGroups, sampleKeys: sampleList, sampled,
          },
          fix: fix(ctx, k),
        }];
      },
    };
  });
}
