/**
 * Where things are in a Prisma schema's text: blocks (model, view, enum, type, datasource,
 * generator), their fields, block attributes and properties, with 1-based lines and UTF-16 columns.
 * Prisma's own DMMF says what the schema means (db names, relations) but not where it was written;
 * this scanner only finds positions, so it can stay small and forgiving — the schema has already
 * been validated by Prisma when positions are asked for.
 */
import type { Location } from '../../catalog/model.js';
import { TextIndex } from '../text.js';

export type BlockKind = 'model' | 'view' | 'enum' | 'type' | 'datasource' | 'generator';

export interface PrismaAttribute {
  /** Without the `@`/`@@`: `id`, `unique`, `map`, `relation`, `db.VarChar`, `index`, `schema`. */
  name: string;
  /** The text between the parentheses, or null when there are none. */
  args: string | null;
  location: Location;
  /** For block attributes (`@@index`, …): `schemasage-ignore` comments on the lines right above. */
  ignores?: IgnoreComment[];
}

export interface IgnoreComment {
  rules: string[];
  reason: string | null;
  line: number;
}

export interface PrismaField {
  name: string;
  /** The type as written, without `?` or `[]` (`String`, `Role`, `Unsupported("tsvector")`). */
  type: string;
  list: boolean;
  optional: boolean;
  attributes: PrismaAttribute[];
  location: Location;
  /** `schemasage-ignore` comments on the lines right above the field. */
  ignores: IgnoreComment[];
}

/** `key = value` inside a datasource or generator block. */
export interface PrismaProperty {
  key: string;
  value: string;
  location: Location;
  /** String indices of the whole `key = value` text in the file. */
  start: number;
  end: number;
  valueStart: number;
}

export interface PrismaBlock {
  kind: BlockKind;
  name: string;
  file: string;
  location: Location;
  /** Line of the closing brace. */
  endLine: number;
  fields: PrismaField[];
  /** `@@index`, `@@unique`, `@@id`, `@@map`, `@@schema`, … */
  attributes: PrismaAttribute[];
  properties: PrismaProperty[];
  ignores: IgnoreComment[];
}

const BLOCK_HEAD = /^(model|view|enum|type|datasource|generator)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/;
const FIELD = /^([A-Za-z_][A-Za-z0-9_]*)\s+((?:Unsupported\s*\(\s*"(?:[^"\\]|\\.)*"\s*\))|[A-Za-z_][A-Za-z0-9_.]*)\s*(\[\])?\s*(\?)?/;
const PROPERTY = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/;
const IGNORE = /schemasage-ignore[ \t]+([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)(?:[ \t]*:[ \t]*([^\n]*))?/;

/** The `schemasage-ignore rule-a, rule-b: reason` in a `//` or `///` comment, if any. */
export function ignoreOf(comment: string, line: number): IgnoreComment | null {
  const m = IGNORE.exec(comment);
  if (!m) return null;
  const rules = (m[1] ?? '').split(',').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
  const reason = (m[2] ?? '').trim();
  return { rules, reason: reason === '' ? null : reason, line };
}

/** Index just past a `"…"` string starting at `i` (Prisma strings take backslash escapes). */
function skipString(t: string, i: number): number {
  let j = i + 1;
  while (j < t.length) {
    const c = t.charCodeAt(j);
    if (c === 92 /* \ */) j += 2;
    else if (c === 34 /* " */) return j + 1;
    else if (c === 10) return j;
    else j++;
  }
  return j;
}

interface Entry {
  start: number;
  /** Exclusive; comments removed from the end. */
  end: number;
  text: string;
}

interface Comment {
  line: number;
  text: string;
}

/**
 * The entries of a block body `t[from, to)`: one per logical line (a newline inside parentheses or
 * brackets continues the entry), comments stripped, plus the comments with their lines.
 */
function entries(t: string, from: number, to: number, index: TextIndex): { entries: Entry[]; comments: Comment[] } {
  const out: Entry[] = [];
  const comments: Comment[] = [];
  let depth = 0;
  let start = -1;
  let last = -1;
  const flush = () => {
    if (start >= 0) out.push({ start, end: last, text: t.slice(start, last) });
    start = -1;
  };
  let i = from;
  while (i < to) {
    const c = t.charCodeAt(i);
    if (c === 47 /* / */ && t.charCodeAt(i + 1) === 47) {
      let nl = t.indexOf('\n', i);
      if (nl === -1 || nl > to) nl = to;
      comments.push({ line: index.position(i).line, text: t.slice(i, nl) });
      i = nl;
      continue;
    }
    if (c === 10) {
      if (depth === 0) flush();
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 34) {
      i = skipString(t, i);
      last = i;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    i++;
    last = i;
  }
  flush();
  return { entries: out, comments };
}

/** The attributes (`@x`, `@x(...)`, `@@x(...)`) in `t[from, to)`. */
function attributesIn(t: string, from: number, to: number, file: string, index: TextIndex): PrismaAttribute[] {
  const out: PrismaAttribute[] = [];
  let i = from;
  while (i < to) {
    const c = t.charCodeAt(i);
    if (c === 34) {
      i = skipString(t, i);
      continue;
    }
    if (c !== 64 /* @ */) {
      i++;
      continue;
    }
    const at = i;
    i += t.charCodeAt(i + 1) === 64 ? 2 : 1;
    const nameStart = i;
    while (i < to && /[A-Za-z0-9_.]/.test(t.charAt(i))) i++;
    const name = t.slice(nameStart, i);
    let args: string | null = null;
    let j = i;
    while (j < to && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    if (t.charCodeAt(j) === 40 /* ( */) {
      let depth = 0;
      let k = j;
      while (k < to) {
        const d = t.charCodeAt(k);
        if (d === 34) {
          k = skipString(t, k);
          continue;
        }
        if (d === 40) depth++;
        else if (d === 41) {
          depth--;
          if (depth === 0) break;
        }
        k++;
      }
      args = t.slice(j + 1, k);
      i = k + 1;
    }
    out.push({ name, args, location: { file, ...index.position(at) } });
  }
  return out;
}

/** The comments on the lines directly above `line` (no blank line in between), nearest last. */
function commentsAbove(comments: Comment[], line: number): Comment[] {
  const out: Comment[] = [];
  let want = line - 1;
  for (let k = comments.length - 1; k >= 0; k--) {
    const c = comments[k] as Comment;
    if (c.line > want) continue;
    if (c.line < want) break;
    out.unshift(c);
    want--;
  }
  return out;
}

function ignoresAbove(comments: Comment[], line: number): IgnoreComment[] {
  return commentsAbove(comments, line)
    .map((c) => ignoreOf(c.text, c.line))
    .filter((x): x is IgnoreComment => x !== null);
}

/** Every block of one Prisma file, in order. */
export function scanPrismaFile(file: string, text: string): PrismaBlock[] {
  const index = new TextIndex(text);
  const blocks: PrismaBlock[] = [];
  // Top-level comments (for ignores above a model) and block heads, found outside strings.
  const top = entries(text, 0, text.length, index);
  for (const e of top.entries) {
    const m = BLOCK_HEAD.exec(e.text);
    if (!m) continue;
    const kind = m[1] as BlockKind;
    const open = e.start + e.text.indexOf('{', m[0].length - 1);
    const close = e.start + e.text.lastIndexOf('}');
    const bodyEnd = close > open ? close : e.end;
    const location: Location = { file, ...index.position(e.start) };
    const body = entries(text, open + 1, bodyEnd, index);
    const block: PrismaBlock = {
      kind,
      name: m[2] as string,
      file,
      location,
      endLine: index.position(bodyEnd).line,
      fields: [],
      attributes: [],
      properties: [],
      ignores: ignoresAbove(top.comments, location.line),
    };
    for (const b of body.entries) {
      const at: Location = { file, ...index.position(b.start) };
      if (b.text.startsWith('@@')) {
        const ignores = ignoresAbove(body.comments, at.line);
        block.attributes.push(...attributesIn(text, b.start, b.end, file, index).map((a) => ({ ...a, ignores })));
        continue;
      }
      if (kind === 'datasource' || kind === 'generator') {
        const p = PROPERTY.exec(b.text);
        if (p) {
          block.properties.push({
            key: p[1] as string, value: b.text.slice(p[0].length), location: at, start: b.start, end: b.end, valueStart: b.start + p[0].length,
          });
        }
        continue;
      }
      const f = FIELD.exec(b.text);
      if (kind === 'enum') {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(b.text)?.[0];
        if (name) {
          block.fields.push({
            name, type: '', list: false, optional: false, attributes: attributesIn(text, b.start + name.length, b.end, file, index), location: at, ignores: [],
          });
        }
        continue;
      }
      if (!f) continue;
      block.fields.push({
        name: f[1] as string,
        type: (f[2] as string).replace(/\s+/g, ''),
        list: f[3] !== undefined,
        optional: f[4] !== undefined,
        attributes: attributesIn(text, b.start + f[0].length, b.end, file, index),
        location: at,
        ignores: ignoresAbove(body.comments, at.line),
      });
    }
    blocks.push(block);
  }
  return blocks;
}

/** The names in an attribute's field list: `[a, b(sort: Desc), c(ops: raw("x"))]` → a, b, c. */
export function fieldList(args: string | null): string[] {
  if (args === null) return [];
  const open = args.indexOf('[');
  if (open === -1) return [];
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = open + 1; i < args.length; i++) {
    const c = args.charAt(i);
    if (c === '"') {
      const next = skipString(args, i);
      if (depth === 0) current += args.slice(i, next);
      i = next - 1;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    if (depth === 0 && c !== ')') current += c;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out.map((x) => /^[A-Za-z_][A-Za-z0-9_]*/.exec(x)?.[0] ?? x).filter((x) => x !== '');
}

/** A named argument of an attribute: `map: "x"` → `x`, `name: "y"` → `y`. */
export function namedArg(args: string | null, key: string): string | null {
  if (args === null) return null;
  const m = new RegExp(`(?:^|[,(\\s])${key}\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(args);
  return m ? (m[1] as string) : null;
}

/** The first positional string argument: `@@map("users")` → `users`. */
export function firstString(args: string | null): string | null {
  if (args === null) return null;
  const m = /^\s*"((?:[^"\\]|\\.)*)"/.exec(args);
  return m ? (m[1] as string) : null;
}
