/**
 * Splits SQL text into statements with exact source locations, using the real Postgres parser
 * (libpg-query) once per file.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Location } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import { significantRange } from './lexer.js';
import { TextIndex } from './text.js';
import type { SqlFile, Statement } from './types.js';

let loaded: Promise<void> | null = null;

/** Loads the parser's WASM module once per process; everything after is synchronous. */
export function ensureParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

interface ParserError {
  message: string;
  sqlDetails?: { message?: string; cursorPosition?: number };
}

function isParserError(e: unknown): e is ParserError {
  return e instanceof Error && typeof (e as { sqlDetails?: unknown }).sqlDetails === 'object';
}

const IGNORE_COMMENT = /(?:--|\/\*)[ \t]*schemasage-ignore[ \t]+([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)(?:[ \t]*:[ \t]*([^\n]*))?/g;

/**
 * The statements of `file`, numbered from `startIndex`. A syntax error throws a SchemasageError
 * carrying Postgres's message and the file:line:column of the offending token.
 */
export async function splitStatements(file: SqlFile, startIndex: number): Promise<Statement[]> {
  await ensureParser();
  return splitStatementsSync(file, startIndex);
}

/** As splitStatements, once `ensureParser()` has resolved. */
export function splitStatementsSync(file: SqlFile, startIndex: number): Statement[] {
  const text = file.text;
  if (!/\S/.test(text)) return [];
  const index = new TextIndex(text);
  let raw: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }>;
  try {
    raw = parseSync(text).stmts ?? [];
  } catch (e) {
    if (isParserError(e)) {
      // libpg-query reports the error cursor as a 0-based count of code points (Postgres counts
      // characters, and the binding subtracts one from its 1-based cursorpos).
      const cursor = e.sqlDetails?.cursorPosition ?? 0;
      const at = index.position(index.charIndexOfCodePoint(cursor));
      throw new SchemasageError(e.sqlDetails?.message ?? e.message, { location: { file: file.path, ...at } });
    }
    throw e;
  }

  const statements: Statement[] = [];
  let previousEnd = 0;
  for (const r of raw) {
    const byteStart = r.stmt_location ?? 0;
    const from = index.charIndexOfByte(byteStart);
    const to = r.stmt_len === undefined ? text.length : index.charIndexOfByte(byteStart + r.stmt_len);
    // The PG18 grammar already starts after leading comments; trimming again keeps `sql` exact
    // whatever the parser version, and drops a trailing comment that would swallow an appended `;`.
    const range = significantRange(text, from, to);
    if (!range) continue;
    const [start, end] = range;
    const first = index.position(start);
    const last = index.position(end - 1);
    statements.push({
      sql: text.slice(start, end),
      file: file.path,
      line: first.line,
      column: first.column,
      endLine: last.line,
      ast: r.stmt,
      index: startIndex + statements.length,
      ...ignoresBefore(text, previousEnd, start),
      byteOffset: start === from ? byteStart : byteStart + Buffer.byteLength(text.slice(from, start), 'utf8'),
    });
    previousEnd = end;
  }
  return statements;
}

/**
 * Rule ids (and the reasons given) of `-- schemasage-ignore` comments between the previous
 * statement and this one. A comment on the previous statement's last line belongs to that
 * statement, not this one.
 */
function ignoresBefore(text: string, previousEnd: number, start: number): Pick<Statement, 'ignores' | 'ignoreEntries'> {
  let gapStart = previousEnd;
  if (previousEnd > 0) {
    const nl = text.indexOf('\n', previousEnd);
    gapStart = nl === -1 || nl > start ? start : nl;
  }
  const gap = text.slice(gapStart, start);
  if (!gap.includes('schemasage-ignore')) return { ignores: [] };
  const ids: string[] = [];
  const entries: NonNullable<Statement['ignoreEntries']> = [];
  for (const m of gap.matchAll(IGNORE_COMMENT)) {
    const rules: string[] = [];
    for (const id of (m[1] ?? '').split(',')) {
      const rule = id.trim().toLowerCase();
      if (rule && !rules.includes(rule)) rules.push(rule);
      if (rule && !ids.includes(rule)) ids.push(rule);
    }
    // A block comment's reason ends at `*/`; a line comment's at the end of the line.
    const reason = (m[2] ?? '').split('*/')[0]?.trim() ?? '';
    entries.push({ rules, reason: reason === '' ? null : reason });
  }
  return { ignores: ids, ignoreEntries: entries };
}

const statementIndexes = new WeakMap<Statement, TextIndex>();

/**
 * The file location of a node inside a statement's AST, from the node's `location` (a UTF-8 byte
 * offset in the parsed file). Falls back to the statement's own location when the node has none.
 */
export function nodeLocation(statement: Statement, byteLocation: number | undefined | null): Location {
  const base: Location = { file: statement.file, line: statement.line, column: statement.column };
  if (byteLocation === undefined || byteLocation === null || byteLocation < 0 || statement.byteOffset === undefined) return base;
  const delta = byteLocation - statement.byteOffset;
  if (delta <= 0) return base;
  let index = statementIndexes.get(statement);
  if (!index) {
    index = new TextIndex(statement.sql);
    statementIndexes.set(statement, index);
  }
  const charIndex = index.charIndexOfByte(delta);
  if (charIndex >= statement.sql.length) return base;
  const pos = index.position(charIndex);
  return {
    file: statement.file,
    line: statement.line + pos.line - 1,
    column: pos.line === 1 ? statement.column + pos.column - 1 : pos.column,
  };
}
