/**
 * Placing generated or reordered SQL at a position in the user's file: a statement applied from
 * such a text reports the user's line and column, in errors and in provenance, without a line map.
 */
import type { SqlFile } from '../types.js';

/**
 * A one-statement SQL text labelled `path` whose first token sits at `line:column` (1-based).
 * `column` counts UTF-16 code units, as Statement columns do. `comments` (by line) are SQL comment
 * lines to keep above it, such as `-- schemasage-ignore` ones.
 */
export function placedStatement(path: string, line: number, column: number, sql: string, comments?: ReadonlyMap<number, string>): SqlFile {
  const before = Array.from({ length: Math.max(0, line - 1) }, (_, i) => comments?.get(i + 1) ?? '');
  return { path, text: `${before.map((l) => `${l}\n`).join('')}${' '.repeat(Math.max(0, column - 1))}${sql};\n` };
}

/**
 * `text[from, to)` at its own position: everything before it is reduced to its line breaks and the
 * indentation of its first line, so lines and columns are those of `text`.
 */
export function placedSlice(path: string, text: string, from: number, to: number): SqlFile {
  const before = text.slice(0, from);
  const breaks = before.split('\n').length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  return { path, text: `${'\n'.repeat(breaks)}${' '.repeat(from - lineStart)}${text.slice(from, to)}` };
}
