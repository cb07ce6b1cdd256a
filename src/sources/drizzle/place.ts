/**
 * Lays generated statements out on the user's own lines: each statement starts on the line of the
 * declaration it comes from (its `pgTable(`, `pgEnum(`, `index(` …), and a CREATE TABLE's column
 * lines sit on the column keys. Whatever points at a statement (policies, enums, an apply error, a
 * `schemasage-ignore` comment) then points into the user's module. Statements whose lines would go
 * backwards start a new text for the same file; texts are applied in order.
 */
import type { SqlFile } from '../types.js';

export interface AnchoredStatement {
  sql: string;
  /** Where it belongs (display path, 1-based line and column); null: right after the previous statement. */
  at: { path: string; line: number; column: number } | null;
  /** For each line of `sql` after the first, the line it should sit on (null: the next one). */
  lines?: Array<number | null>;
  /** Comment lines to put directly above the statement (e.g. `-- schemasage-ignore …`). */
  comments?: string[];
}

interface Chunk {
  path: string;
  lines: string[];
}

export function placeStatements(statements: readonly AnchoredStatement[], fallbackPath: string): SqlFile[] {
  const out: Chunk[] = [];
  let current: Chunk | null = null;
  // Statements with no place in the user's files share one pseudo-file, numbered continuously.
  let fallbackLines = 0;
  for (const st of statements) {
    const text = st.sql.trim().replace(/;?$/, ';');
    const sqlLines = text.split('\n');
    const comments = st.comments ?? [];
    const at: { path: string; line: number; column: number } = st.at ?? { path: fallbackPath, line: Math.max(fallbackLines, current?.path === fallbackPath ? current.lines.length : 0) + comments.length + 1, column: 1 };
    const room = at.line - comments.length;
    if (!current || current.path !== at.path || current.lines.length >= room || room < 1) {
      current = { path: at.path, lines: [] };
      out.push(current);
    }
    const chunk: Chunk = current;
    const line = Math.max(at.line, chunk.lines.length + comments.length + 1);
    const column = line === at.line ? at.column : 1;
    while (chunk.lines.length < line - comments.length - 1) chunk.lines.push('');
    chunk.lines.push(...comments);
    chunk.lines.push(' '.repeat(Math.max(0, column - 1)) + (sqlLines[0] ?? ''));
    for (let i = 1; i < sqlLines.length; i++) {
      const target = st.lines?.[i - 1] ?? null;
      while (target !== null && chunk.lines.length < target - 1) chunk.lines.push('');
      chunk.lines.push(sqlLines[i] as string);
    }
    if (chunk.path === fallbackPath) fallbackLines = chunk.lines.length;
  }
  return out.map((c) => ({ path: c.path, text: `${c.lines.join('\n')}\n` }));
}
