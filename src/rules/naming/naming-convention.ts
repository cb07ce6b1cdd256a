import type { Table } from '../../catalog/model.js';
import { columnRef, locate, tableRef } from '../../catalog/helpers.js';
import { detectConventions, type NamingStyle } from '../../catalog/conventions.js';
import type { ObjectRef } from '../../result.js';
import { defineRule, type FindingDraft, type ReviewSettings } from '../types.js';
import {
  describeStyle, fitsStyle, judgedTables, label, listOf, needsQuoting, relationNamesIn, renameColumnSql, renameNotes,
  renameTableSql, toStyle,
} from './shared.js';
import type { NameSet } from './shared.js';

/** In auto mode the schema's own majority must be this clear before the minority is called off-style. */
const CLEAR_SHARE = 0.7;

const STYLES: readonly NamingStyle[] = ['snake_case', 'camelCase', 'PascalCase'];

interface Judgement {
  /** The style names should have. */
  target: NamingStyle;
  /** Styles accepted besides the target (camelCase stance: PascalCase model tables, as Prisma writes them). */
  alsoAccepted: NamingStyle[];
  /** Why: `stances.naming is snake_case` or `212 of 230 column names … are snake_case`. */
  evidence: string;
  /** False when auto mode found no clear majority: nothing is called off-style then. */
  clear: boolean;
}

function fits(name: string, j: Pick<Judgement, 'target' | 'alsoAccepted'>): boolean {
  return fitsStyle(name, j.target) || j.alsoAccepted.some((s) => fitsStyle(name, s));
}

/**
 * Names that show a style (`customer_id`, `customerId`) decide the majority; single lowercase
 * words fit snake_case and camelCase alike and count for neither.
 */
function neutral(name: string): boolean {
  return fitsStyle(name, 'snake_case') && fitsStyle(name, 'camelCase');
}

/** Below this many styled names, single lowercase words count as support for the style they fit. */
const FEW_STYLED = 4;

function judge(names: string[], what: 'column' | 'table', stance: ReviewSettings['stances']['naming'], conventional: NamingStyle): Judgement {
  const counted = (style: NamingStyle) => {
    let styled = 0;
    let plain = 0;
    let off = 0;
    for (const n of names) {
      if (!fitsStyle(n, style)) off++;
      else if (neutral(n)) plain++;
      else styled++;
    }
    return { styled, plain, off };
  };
  if (stance !== 'auto') {
    const alsoAccepted: NamingStyle[] = stance === 'camelCase' && what === 'table' ? ['PascalCase'] : [];
    const fitting = names.filter((n) => fits(n, { target: stance, alsoAccepted })).length;
    return {
      target: stance, alsoAccepted, clear: true,
      evidence: `the team's stance (stances.naming) is ${stance}${alsoAccepted.length > 0 ? ' (PascalCase model tables accepted)' : ''}, `
        + `which ${fitting} of the schema's ${names.length} ${what} names follow`,
    };
  }
  // The style most names fit; ties go to the schema's detected convention, then to snake_case.
  const ranked = STYLES.map((style) => ({ style, ...counted(style) }))
    .sort((a, b) => a.off - b.off || Number(b.style === conventional) - Number(a.style === conventional) || STYLES.indexOf(a.style) - STYLES.indexOf(b.style));
  const best = ranked[0] as { style: NamingStyle; styled: number; plain: number; off: number };
  // Enough names that show a style decide alone; a handful (three lowercase tables and one `OrderItems`) needs the plain words too.
  const byStyled = best.styled + best.off >= FEW_STYLED;
  const support = byStyled ? best.styled : best.styled + best.plain;
  const shown = support + best.off;
  const clear = best.off === 0 || (support >= 2 && support / shown >= CLEAR_SHARE);
  return {
    target: best.style, alsoAccepted: [], clear,
    evidence: byStyled
      ? `${support} of ${shown} ${what} names that show a case style are ${best.style}`
      : `${support} of ${shown} ${what} names fit ${best.style}`,
  };
}

export default defineRule({
  meta: {
    id: 'naming-convention',
    category: 'naming',
    severity: 'low',
    title: 'Table or column name breaks the schema\'s naming style',
    rationale:
      'A schema that mixes `customer_id` and `customerId` makes every query a guess, and in a snake_case schema a name with '
      + 'capitals must be double-quoted everywhere: unquoted, Postgres folds `customerId` to `customerid` and the query fails. '
      + 'One style, the one most of the schema already uses, keeps SQL, ORM models and generated code predictable.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const tables = judgedTables(catalog).filter((t) => t.kind !== 'foreign table');
    if (tables.length === 0) return [];
    const conv = detectConventions(catalog);
    const stance = review.stances.naming;
    const columns = judge(tables.flatMap((t) => t.columns.map((c) => c.name)), 'column', stance, conv.naming);
    const tablesJ = judge(tables.map((t) => t.name), 'table', stance, conv.tableNaming);

    const out: FindingDraft[] = [];
    if (!columns.clear || !tablesJ.clear) {
      out.push(mixedSchemaFinding(tables, conv.schema, columns, tablesJ));
    }
    const names = new Map<string, NameSet>();
    for (const t of tables) {
      const tableOff = tablesJ.clear && !fits(t.name, tablesJ);
      const offColumns = columns.clear ? t.columns.filter((c) => !fits(c.name, columns)) : [];
      if (!tableOff && offColumns.length === 0) continue;
      let taken = names.get(t.schema);
      if (!taken) names.set(t.schema, (taken = relationNamesIn(catalog, t.schema)));
      const finding = tableFinding(t, tableOff ? tablesJ : null, offColumns.map((c) => c.name), columns, taken, review);
      // Off-style columns only: point at the first of them, where the rename happens.
      if (!tableOff) finding.location = locate(catalog, finding.objects[1] as ObjectRef);
      out.push(finding);
    }
    return out;
  },
});

function tableFinding(t: Table, tableJ: Judgement | null, offColumns: string[], columnJ: Judgement, taken: NameSet, review: ReviewSettings): FindingDraft {
  const objects: ObjectRef[] = [tableRef(t), ...offColumns.map((c) => columnRef(t, c))];
  const sentences: string[] = [];
  const sql: string[] = [];
  const renames: Record<string, string> = {};

  if (offColumns.length > 0) {
    const existing = new Set(t.columns.map((c) => c.name));
    const described = offColumns.map((c) => `\`${c}\` (${describeStyle(c)})`);
    sentences.push(`\`${label(t)}\` has ${offColumns.length === 1 ? 'a column' : `${offColumns.length} columns`} that ${offColumns.length === 1 ? 'is' : 'are'} not ${columnJ.target}: ${listOf(described)}; ${columnJ.evidence}.`);
    const quoted = offColumns.filter(needsQuoting);
    if (columnJ.target === 'snake_case' && quoted.length > 0) {
      const first = quoted[0] as string;
      sentences.push(`Postgres folds unquoted names to lower case, so ${quoted.length === 1 ? 'it' : 'they'} must be written "quoted" in every query: unquoted, \`${first}\` becomes \`${first.toLowerCase()}\` and the query fails.`);
    }
    for (const c of offColumns) {
      const to = toStyle(c, columnJ.target);
      if (to === c || existing.has(to)) {
        sql.push(`-- ${c}: ${to === c ? 'no automatic name' : `\`${to}\` is taken`}; choose a ${columnJ.target} name by hand`);
        continue;
      }
      existing.add(to);
      renames[c] = to;
      sql.push(renameColumnSql(t, c, to));
    }
  }

  if (tableJ) {
    const to = toStyle(t.name, tableJ.target);
    sentences.unshift(`Table \`${label(t)}\` is ${describeStyle(t.name)}; ${tableJ.evidence}.` + (tableJ.target === 'snake_case' && needsQuoting(t.name) ? ` Unquoted, Postgres reads it as \`${t.name.toLowerCase()}\`, so every query must quote it.` : ''));
    if (to !== t.name && !taken.has(to)) {
      taken.add(to);
      renames[t.name] = to;
      // Columns first: their statements name the table by its current name.
      sql.push(renameTableSql(t, to));
    } else {
      sql.push(`-- ${t.name}: ${to === t.name ? 'no automatic name' : `\`${to}\` is taken`}; choose a ${tableJ.target} name by hand`);
    }
  }

  const targets = Object.entries(renames).map(([from, to]) => `\`${from}\` → \`${to}\``);
  sentences.push(targets.length > 0 ? `Rename ${listOf(targets)} when the clients can move with it.` : 'Rename it when the clients can move with it.');
  return {
    objects,
    message: sentences.join(' '),
    details: {
      table: t.name,
      tableStyle: tableJ ? describeStyle(t.name) : null,
      expectedTableStyle: tableJ?.target ?? null,
      columns: offColumns,
      expectedColumnStyle: offColumns.length > 0 ? columnJ.target : null,
      renames,
    },
    fix: { sql: sql.join('\n'), notes: renameNotes(review, { tables: tableJ !== null, columns: offColumns.length > 0 }) },
  };
}

/** No clear majority (auto mode): naming a minority would be arbitrary, so the finding asks for a decision. */
function mixedSchemaFinding(tables: Table[], schema: string, columns: Judgement, tablesJ: Judgement): FindingDraft {
  const describe = (what: string, names: string[]) => {
    const counts = STYLES.map((s) => ({ s, n: names.filter((n) => fitsStyle(n, s) && !neutral(n)).length }))
      .filter((x) => x.n > 0)
      .map((x) => `${x.n} ${x.s}`);
    const other = names.filter((n) => !STYLES.some((s) => fitsStyle(n, s))).length;
    return `${what} names mix ${listOf([...counts, ...(other > 0 ? [`${other} in no style`] : [])])}`;
  };
  const parts: string[] = [];
  if (!columns.clear) parts.push(describe('column', tables.flatMap((t) => t.columns.map((c) => c.name))));
  if (!tablesJ.clear) parts.push(describe('table', tables.map((t) => t.name)));
  return {
    objects: [{ kind: 'schema', name: schema }],
    location: null,
    message: `The schema has no clear naming style: ${parts.join('; ')}. With no majority of ${Math.round(CLEAR_SHARE * 100)}% no name can be called the odd one out. `
      + 'Decide on one style, set `stances.naming` in the config so this rule enforces it, and rename the rest over time.',
    details: { columnStyle: columns.clear ? columns.target : null, tableStyle: tablesJ.clear ? tablesJ.target : null },
    fix: null,
  };
}
