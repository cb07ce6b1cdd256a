/**
 * Markdown design docs: the schema is the doc's ```sql blocks. The pipeline gets the doc itself
 * with every line outside those blocks emptied, so each statement keeps its line and column in the
 * .md; tables the doc references but does not define are created first as stubs (never reviewed).
 */
import { readFileSync } from 'node:fs';
import type { Node } from 'libpg-query';
import type { LoadNote } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import { extractSqlBlocks, SQL_LANGUAGES } from './design/fences.js';
import { planPartial, stubSql, type PartialPlan } from './design/partial.js';
import { placedSlice } from './design/place.js';
import { blank, prepareSql } from './preprocess.js';
import { ensureParser, splitStatementsSync } from './split.js';
import type { GeneratedSource, SqlFile, Statement } from './types.js';

/** Statements that read or change data, or run commands: examples in a design doc, not its schema. */
const NOT_SCHEMA = new Set([
  'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'ExplainStmt', 'CopyStmt', 'TruncateStmt',
  'VacuumStmt', 'LockStmt', 'DeclareCursorStmt', 'FetchStmt', 'ClosePortalStmt', 'PrepareStmt', 'ExecuteStmt',
  'DeallocateStmt', 'ListenStmt', 'NotifyStmt', 'UnlistenStmt', 'VariableShowStmt', 'CallStmt', 'CheckPointStmt',
  'DiscardStmt', 'RefreshMatViewStmt',
]);

export interface DesignDocSql {
  /** SQL to apply, in order: the stubs (when any), then the doc. */
  sql: SqlFile[];
  plan: PartialPlan;
  notes: LoadNote[];
}

/** The label of the stub SQL, as locations inside it are shown. */
export function stubsPath(doc: string): string {
  return `${doc} (stubs for referenced tables)`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The SQL of a design doc (`text`, shown as `shown`): parsed, queries set aside, stubs planned.
 * Throws a SchemasageError for a doc without SQL blocks and for a malformed block (at its line in the doc).
 */
export async function designDocSql(text: string, shown: string): Promise<DesignDocSql> {
  const extracted = extractSqlBlocks(text);
  if (extracted.blocks.length === 0) {
    const others = [...new Set(extracted.all.map((b) => b.language || '(untagged)'))];
    throw new SchemasageError(`${shown} has no SQL code blocks`, {
      hint: `a design doc's schema is read from fenced blocks tagged ${SQL_LANGUAGES.map((l) => `\`\`\`${l}`).join(', ')}${others.length > 0 ? `; this doc's ${plural(extracted.all.length, 'fenced block')} ${extracted.all.length === 1 ? 'is' : 'are'} tagged ${others.join(', ')}` : ''}`,
    });
  }
  const prepared = prepareSql({ path: shown, text: extracted.text });
  const notes: LoadNote[] = [...prepared.notes];
  for (const inc of prepared.includes) {
    notes.push({ kind: 'skipped', message: `skipped \\i ${inc.target}: a design doc's SQL is its own code blocks`, location: { file: shown, line: inc.line, column: inc.column } });
  }
  await ensureParser();
  const all = splitStatementsSync({ path: shown, text: prepared.text }, 0);
  if (all.length === 0) throw new SchemasageError(`${shown}: its SQL code blocks hold no statements`);

  const starts = lineStarts(prepared.text);
  const startOf = (s: Statement) => (starts[s.line - 1] ?? 0) + s.column - 1;
  let doc = prepared.text;
  const blankOut = (s: Statement) => {
    const from = startOf(s);
    const to = from + s.sql.length;
    doc = `${doc.slice(0, from)}${blank(doc.slice(from, to))}${doc.slice(to)}`;
  };

  const queries = all.filter((s) => NOT_SCHEMA.has(Object.keys(s.ast as Node)[0] ?? ''));
  const kept = all.filter((s) => !queries.includes(s));
  if (kept.length === 0) {
    throw new SchemasageError(`${shown}: its SQL code blocks hold only queries and data changes (${plural(queries.length, 'statement')}), no schema definitions`, {
      location: queries[0] ? { file: shown, line: queries[0].line, column: queries[0].column } : null,
    });
  }
  for (const q of queries) blankOut(q);
  if (queries.length > 0) {
    const lines = queries.map((q) => q.line);
    notes.push({
      kind: 'skipped',
      // The note's location is the first one; the others are listed.
      message: `skipped ${plural(queries.length, 'statement')} in ${shown} that ${queries.length === 1 ? 'is a query or data change, not schema' : `are queries or data changes, not schema (lines ${lines.slice(0, 8).join(', ')}${lines.length > 8 ? ', …' : ''})`}`,
      location: { file: shown, line: queries[0]?.line ?? 1, column: queries[0]?.column ?? 1 },
    });
  }

  const plan = planPartial(kept);
  for (const s of plan.skipped) {
    const st = kept[s.index] as Statement;
    blankOut(st);
    notes.push({ kind: 'skipped', message: `skipped ${firstWords(st.sql)} at ${shown}:${st.line}: ${s.reason}`, location: { file: shown, line: st.line, column: st.column } });
  }
  for (const i of plan.replacedSchemas) blankOut(kept[i] as Statement);
  if (plan.stubs.length > 0) {
    const names = plan.stubs.map((t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`));
    notes.push({
      kind: 'shim',
      message: `${shown} references ${plural(names.length, 'table')} it does not define (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}): stand-ins were created so its SQL applies; they are not reviewed`,
      location: null,
    });
  }

  const sql: SqlFile[] = [];
  if (plan.stubs.length > 0 || plan.schemas.length > 0) sql.push({ path: stubsPath(shown), text: stubSql(plan, shown) });
  if (plan.order === null) {
    sql.push({ path: shown, text: doc });
  } else {
    // Each statement at its own place in the doc, from the end of the line where the one before
    // it ends (so comments before it, `-- schemasage-ignore` ones too, stay with it).
    const gapStart = new Map<number, number>();
    kept.forEach((s, k) => {
      const prev = kept[k - 1];
      if (!prev) return gapStart.set(k, 0);
      const prevEnd = startOf(prev) + prev.sql.length;
      const nl = doc.indexOf('\n', prevEnd);
      const start = startOf(s);
      gapStart.set(k, nl === -1 || nl > start ? start : nl + 1);
    });
    for (const k of plan.order) {
      const s = kept[k] as Statement;
      sql.push(placedSlice(shown, doc, gapStart.get(k) ?? startOf(s), startOf(s) + s.sql.length));
    }
    const moved = plan.order.filter((k, pos) => plan.order?.slice(0, pos).some((earlier) => earlier > k)).map((k) => kept[k] as Statement);
    if (moved[0]) {
      notes.push({
        kind: 'info',
        message: `${shown} uses objects before the section that defines them; applied ${plural(moved.length, 'statement')} (first: ${firstWords(moved[0].sql)} at line ${moved[0].line}) after what they depend on`,
        location: null,
      });
    }
  }
  return { sql, plan, notes };
}

function firstWords(sql: string): string {
  const words = sql.replace(/\s+/g, ' ').trim().split(' ');
  const text = words.slice(0, 4).join(' ');
  return words.length > 4 ? `${text} …` : text;
}

export async function loadMarkdown(absPath: string, display: (abs: string) => string, _cwd: string): Promise<GeneratedSource> {
  const shown = display(absPath);
  const text = readFileSync(absPath, 'utf8');
  const { sql, plan, notes } = await designDocSql(text, shown);
  return {
    kind: 'markdown',
    files: [{ path: shown, text }],
    sql,
    locations: null,
    notes,
    orm: null,
    stubs: plan.stubs.map((t) => ({ schema: t.schema, name: t.name })),
  };
}
