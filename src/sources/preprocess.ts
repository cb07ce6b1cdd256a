/**
 * Turns a .sql file into text the parser accepts: psql meta-commands, COPY data blocks and the
 * down sections of goose/dbmate migrations are blanked (every character but newlines becomes a
 * space), so the line and column of everything that remains are exactly the user's.
 */
import type { LoadNote } from '../catalog/model.js';
import { isSpace, skipConstruct } from './lexer.js';
import type { SqlFile } from './types.js';

export interface IncludeDirective {
  /** The file name as written after `\i`/`\ir`. */
  target: string;
  /** `\ir` / `\include_relative`: relative to the including file, not the working directory. */
  relative: boolean;
  line: number;
  column: number;
}

export interface PreparedSql {
  /** Same length and line breaks as the input; removed parts are spaces. */
  text: string;
  notes: LoadNote[];
  /** In file order. */
  includes: IncludeDirective[];
}

const SECTION_MARKER = /^--[ \t]*(?:\+goose[ \t]+(up|down)|migrate:(up|down))\b/i;
const HAS_UP_MARKER = /^[ \t]*--[ \t]*(?:\+goose[ \t]+up|migrate:up)\b/im;
const META_COMMAND = /^\\([A-Za-z_]+|\S)[ \t]*(.*)$/;
const INCLUDE_COMMANDS: Record<string, boolean> = { i: false, include: false, ir: true, include_relative: true };
const COPY_FROM_STDIN = /^copy\b[\s\S]*\bfrom\s+stdin\b/i;

export function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

export function prepareSql(file: SqlFile): PreparedSql {
  const t = file.text;
  const n = t.length;
  const removed: Array<[number, number]> = [];
  const notes: LoadNote[] = [];
  const includes: IncludeDirective[] = [];

  // With an Up marker, only Up sections run (goose and dbmate both ignore what precedes it).
  let keeping = !HAS_UP_MARKER.test(t);
  let dropFrom = keeping ? -1 : 0;
  let copyBlocks = 0;
  let firstCopyLine = 0;
  let line = 1;
  let statementStart = -1;

  if (t.charCodeAt(0) === 0xfeff) removed.push([0, 1]);

  let i = 0;
  let atLineStart = true;
  while (i < n) {
    if (atLineStart) {
      atLineStart = false;
      let s = i;
      while (s < n && (t.charCodeAt(s) === 32 || t.charCodeAt(s) === 9 || t.charCodeAt(s) === 0xfeff)) s++;
      const c = t.charCodeAt(s);
      if (c === 92 /* \ */) {
        let lineEnd = t.indexOf('\n', s);
        if (lineEnd === -1) lineEnd = n;
        if (keeping) {
          const m = META_COMMAND.exec(t.slice(s, lineEnd).replace(/\r$/, ''));
          const name = m?.[1] ?? '';
          const relative = INCLUDE_COMMANDS[name];
          if (relative !== undefined) {
            includes.push({ target: unquote((m?.[2] ?? '').trim()), relative, line, column: s - i + 1 });
          } else {
            // Only the command's name: arguments (\connect strings) may hold credentials.
            notes.push({
              kind: 'meta-command',
              message: `skipped psql meta-command \\${name} at ${file.path}:${line}`,
              location: { file: file.path, line, column: s - i + 1 },
            });
          }
          removed.push([i, lineEnd]);
        }
        i = lineEnd;
        continue;
      }
      if (c === 45 /* - */ && t.charCodeAt(s + 1) === 45) {
        const lineEnd = t.indexOf('\n', s);
        const m = SECTION_MARKER.exec(t.slice(s, lineEnd === -1 ? n : lineEnd));
        if (m) {
          const up = (m[1] ?? m[2] ?? '').toLowerCase() === 'up';
          if (up && !keeping) {
            removed.push([dropFrom, i]);
            keeping = true;
          } else if (!up && keeping) {
            dropFrom = i;
            keeping = false;
          }
        }
      }
    }

    const ch = t.charCodeAt(i);
    if (ch === 10) {
      line++;
      atLineStart = true;
      i++;
      continue;
    }
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const skipped = skipConstruct(t, i);
    if (skipped) {
      line += countNewlines(t, i, skipped.next);
      if (statementStart < 0 && skipped.kind !== 'line-comment' && skipped.kind !== 'block-comment') statementStart = i;
      i = skipped.next;
      continue;
    }
    if (ch === 59 /* ; */) {
      if (statementStart >= 0 && (t.charCodeAt(statementStart) | 32) === 99 /* c */ && COPY_FROM_STDIN.test(t.slice(statementStart, i))) {
        // pg_dump data: the statement, then raw rows up to a line holding only `\.`.
        if (copyBlocks === 0) firstCopyLine = line - countNewlines(t, statementStart, i);
        copyBlocks++;
        let end = t.indexOf('\n', i);
        while (end !== -1) {
          const next = t.indexOf('\n', end + 1);
          const row = t.slice(end + 1, next === -1 ? n : next).replace(/\r$/, '');
          end = next;
          line++;
          if (row === '\\.') break;
        }
        const stop = end === -1 ? n : end;
        removed.push([statementStart, stop]);
        statementStart = -1;
        i = stop;
        continue;
      }
      statementStart = -1;
      i++;
      continue;
    }
    if (statementStart < 0) statementStart = i;
    i++;
  }
  if (!keeping) removed.push([dropFrom, n]);

  if (copyBlocks > 0) {
    notes.push({
      kind: 'skipped',
      message: `${file.path}: ${copyBlocks} COPY data block${copyBlocks === 1 ? '' : 's'} skipped; schemasage reviews structure, not data`,
      location: { file: file.path, line: firstCopyLine, column: 1 },
    });
  }
  return { text: applyRemovals(t, removed), notes, includes };
}

function countNewlines(t: string, from: number, to: number): number {
  let count = 0;
  for (let j = t.indexOf('\n', from); j !== -1 && j < to; j = t.indexOf('\n', j + 1)) count++;
  return count;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

function applyRemovals(t: string, ranges: Array<[number, number]>): string {
  if (ranges.length === 0) return t;
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const parts: string[] = [];
  let pos = 0;
  for (const [a, b] of sorted) {
    const start = Math.max(a, pos);
    if (b <= start) continue;
    parts.push(t.slice(pos, start), blank(t.slice(start, b)));
    pos = b;
  }
  parts.push(t.slice(pos));
  return parts.join('');
}
