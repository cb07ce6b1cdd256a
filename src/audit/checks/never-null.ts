/**
 * never-null-column: nullable columns that hold a value on every row. One statement per table counts
 * every candidate column in a single scan.
 */
import type { Column, Table } from '../../catalog/model.js';
import { columnRef, isPartition, primaryKey, tableRef, userTables } from '../../catalog/helpers.js';
import { nameWords } from '../../rules/lexicon.js';
import type { FindingDraft } from '../../rules/types.js';
import { fromTable, isSampled, num, plural, qualify, quoteIdent, sampleNote, tableLabel } from '../sql.js';
import type { AuditCheck, PlanContext } from '../types.js';

/** Fewer rows than this say little about what the column is meant to hold. */
export const NEVER_NULL_MIN_ROWS = 10;

/** Tables above this estimate get the CHECK … NOT VALID route, which keeps the long scan off ACCESS EXCLUSIVE. */
const LARGE_TABLE_ROWS = 100_000;

/** Columns that record something that happens later (shipped_at, deleted_at): filled today does not mean required. */
function eventColumn(c: Column): boolean {
  const words = nameWords(c.name);
  const last = words[words.length - 1] ?? '';
  if (!['at', 'on', 'date', 'time', 'timestamp'].includes(last)) return false;
  return !words.some((w) => ['created', 'inserted', 'updated', 'modified'].includes(w));
}

function candidates(t: Table): Column[] {
  const pk = new Set(primaryKey(t)?.columns ?? []);
  return t.columns.filter((c) => !c.notNull && c.generated === null && c.identity === null && !pk.has(c.name) && !eventColumn(c));
}

function fixSql(t: Table, cols: string[], large: boolean): { sql: string; notes: string } {
  const rel = qualify(t.schema, t.name);
  if (!large) {
    return {
      sql: `ALTER TABLE ${rel} ${cols.map((c) => `ALTER COLUMN ${quoteIdent(c)} SET NOT NULL`).join(', ')};`,
      notes: 'SET NOT NULL scans the table once under ACCESS EXCLUSIVE (reads and writes wait); on a small table that is a moment. Deploy code that always writes the columns first.',
    };
  }
  const lines: string[] = [];
  for (const c of cols) {
    const check = quoteIdent(`${t.name}_${c}_not_null`.slice(0, 63));
    lines.push(
      `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;`,
      `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};`,
      `ALTER TABLE ${rel} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;`,
      `ALTER TABLE ${rel} DROP CONSTRAINT ${check};`,
    );
  }
  return {
    sql: lines.join('\n'),
    notes:
      'The validated CHECK lets SET NOT NULL skip its scan (PostgreSQL 12+): VALIDATE scans under SHARE UPDATE EXCLUSIVE, which lets reads ' +
      'and writes through, and SET NOT NULL then holds ACCESS EXCLUSIVE only for a moment. Deploy code that always writes the columns first.',
  };
}

export function planNeverNull(ctx: PlanContext): AuditCheck[] {
  const out: AuditCheck[] = [];
  for (const t of userTables(ctx.catalog)) {
    if (isPartition(t) || t.kind === 'foreign table') continue;
    const cols = candidates(t);
    if (cols.length === 0) continue;
    const sampled = isSampled(t, ctx.sample);
    const sql = `SELECT count(*) AS total, ${cols.map((c, i) => `count(${quoteIdent(c.name)}) AS c${i}`).join(', ')} FROM ${fromTable(t, 't', ctx.sample)}`;
    out.push({
      rule: 'never-null-column',
      label: `${tableLabel(t)} (${plural(cols.length, 'nullable column')})`,
      objects: [tableRef(t)],
      reads: [{ schema: t.schema, table: t.name }],
      sql,
      sampled,
      interpret(rows): FindingDraft[] {
        const row = rows[0] ?? {};
        const total = num(row['total']);
        if (total < NEVER_NULL_MIN_ROWS) return [];
        const full = cols.filter((_, i) => num(row[`c${i}`]) === total).map((c) => c.name);
        if (full.length === 0) return [];
        const large = (t.stats?.rowEstimate ?? total) >= LARGE_TABLE_ROWS;
        const names = full.map((c) => `\`${c}\``).join(', ');
        return [{
          objects: [tableRef(t), ...full.map((c) => columnRef(t, c))],
          ...(sampled ? { severity: 'info' as const } : {}),
          message:
            `${full.length === 1 ? 'Column' : `${full.length} columns`} of \`${tableLabel(t)}\` ${full.length === 1 ? 'is' : 'are'} nullable but ` +
            `${full.length === 1 ? 'holds' : 'hold'} a value on all ${plural(total, 'row')}${sampleNote(t, ctx.sample)}: ${names}. ` +
            `If the application always writes ${full.length === 1 ? 'it' : 'them'}, declare NOT NULL so the database enforces it and readers can rely on it; ` +
            `if NULL is a legitimate future state, leave ${full.length === 1 ? 'it' : 'them'} and suppress this finding.`,
          details: { table: tableLabel(t), columns: full, rows: total, sampled },
          fix: fixSql(t, full, large),
        }];
      },
    });
  }
  return out;
}
