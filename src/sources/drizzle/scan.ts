/**
 * A careful text scan of Drizzle schema modules: where each `pgTable('name'` (or `schema.table(`,
 * a pgTableCreator function) call starts, where each column key sits inside its columns object,
 * and where the extra-config entries (`index(`, `unique(`, `pgPolicy(` …) are. No TypeScript
 * compiler: comments, strings and template literals are blanked first, so brackets can be
 * matched, and calls are recognised by name.
 */

export interface Pos {
  line: number;
  column: number;
}

export interface Range {
  start: number;
  end: number;
}

export interface CallSite {
  /** The called name: `pgTable`, `table` (in `billing.table(`), `index`, a creator variable … */
  fn: string;
  /** `billing` in `billing.table(`; null for a bare call. */
  owner: string | null;
  /** The first argument when it is a plain string literal. */
  literal: string | null;
  /** `users` in `export const users = pgTable(`. */
  variable: string | null;
  /** Offset of the callee's first character (the owner's, when qualified). */
  start: number;
  /** Offset where the declaration holding the call starts (`export const …`), else `start`. */
  declStart: number;
  /** Offsets of `(` and its matching `)`. */
  open: number;
  close: number;
  /** Top-level argument ranges. */
  args: Range[];
}

export interface ObjectEntry {
  /** The property key, or the spread expression (`timestamps` for `...timestamps`). */
  key: string;
  spread: boolean;
  offset: number;
}

export interface IgnoreMarker {
  rules: string[];
  reason: string | null;
}

const IDENT = '[A-Za-z_$][\\w$]*';
const TRACKED = [
  'pgTable', 'table', 'pgTableCreator', 'pgEnum', 'enum', 'pgSchema', 'pgView', 'view', 'pgMaterializedView', 'materializedView',
  'pgSequence', 'sequence', 'pgRole', 'pgPolicy', 'index', 'uniqueIndex', 'unique', 'primaryKey', 'foreignKey', 'check',
];
/** Names that are calls on a schema object only (`billing.table(`), never bare helpers. */
const OWNED_ONLY = new Set(['table', 'enum', 'view', 'materializedView', 'sequence']);

/** Blanks comments and the contents of strings, template literals and regular expressions (newlines kept). */
export function maskCode(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  let lastSignificant = '';
  let lastWord = '';

  // Returns the index just past the construct starting at i (a string, template, comment or regex), or -1.
  const skip = (i: number): number => {
    const c = text[i];
    const n = text[i + 1];
    if (c === '/' && n === '/') {
      let j = text.indexOf('\n', i);
      if (j === -1) j = text.length;
      blank(i, j);
      return j;
    }
    if (c === '/' && n === '*') {
      let j = text.indexOf('*/', i + 2);
      j = j === -1 ? text.length : j + 2;
      blank(i, j);
      return j;
    }
    if (c === '"' || c === '\'') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, text.length));
      return Math.min(j + 1, text.length);
    }
    if (c === '`') {
      const j = skipTemplate(i + 1);
      blank(i + 1, j - 1);
      return j;
    }
    if (c === '/' && (lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) || lastWord === 'return' || lastWord === 'typeof')) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n') {
        const d = text[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      return Math.min(j + 1, text.length);
    }
    return -1;
  };

  // Past the closing backtick of a template whose body starts at i; `${…}` bodies may nest anything.
  const skipTemplate = (i: number): number => {
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '\\') {
        j += 2;
        continue;
      }
      if (d === '`') return j + 1;
      if (d === '$' && text[j + 1] === '{') {
        j = skipBraces(j + 2);
        continue;
      }
      j++;
    }
    return text.length;
  };

  // Past the `}` closing a `${` expression that starts at i.
  const skipBraces = (i: number): number => {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const next = skip(j);
      if (next !== -1) {
        j = next;
        continue;
      }
      const d = text[j];
      if (d === '{') depth++;
      else if (d === '}') {
        if (depth === 0) return j + 1;
        depth--;
      }
      j++;
    }
    return text.length;
  };

  let i = 0;
  while (i < text.length) {
    const next = skip(i);
    if (next !== -1) {
      // A string or template is a value: a `/` after it divides.
      if (text[i] === '"' || text[i] === '\'' || text[i] === '`' || (text[i] === '/' && text[i + 1] !== '/' && text[i + 1] !== '*')) {
        lastSignificant = 'v';
        lastWord = '';
      }
      i = next;
      continue;
    }
    const c = text[i] as string;
    if (/[A-Za-z_$0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[\w$]/.test(text[j] as string)) j++;
      lastWord = text.slice(i, j);
      lastSignificant = 'v';
      i = j;
      continue;
    }
    if (!/\s/.test(c)) {
      lastSignificant = c;
      lastWord = '';
    }
    i++;
  }
  return out.join('');
}

/** Matching bracket offsets for every ( [ { and ) ] } in masked code. */
export function pairBrackets(code: string): Int32Array {
  const pair = new Int32Array(code.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') stack.push(i);
    else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open !== undefined) {
        pair[open] = i;
        pair[i] = open;
      }
    }
  }
  return pair;
}

export class ScannedFile {
  readonly code: string;
  readonly pair: Int32Array;
  readonly calls: CallSite[];
  private readonly lineStarts: number[];

  constructor(readonly path: string, readonly text: string, creators: readonly string[] = []) {
    this.code = maskCode(text);
    this.pair = pairBrackets(this.code);
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.calls = this.findCalls(creators);
  }

  /** 1-based line and column (UTF-16 units) of an offset. */
  pos(offset: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1 };
  }

  private skipWs(i: number, end = this.code.length): number {
    while (i < end && /\s/.test(this.code[i] as string)) i++;
    return i;
  }

  /** A plain string literal starting at `i` (after whitespace), read from the original text. */
  literalAt(i: number): string | null {
    const j = this.skipWs(i);
    const q = this.text[j];
    if (q !== '\'' && q !== '"' && q !== '`') return null;
    const close = this.text.indexOf(q, j + 1);
    if (close === -1) return null;
    const body = this.text.slice(j + 1, close);
    if (q === '`' && body.includes('${')) return null;
    if (body.includes('\\') || body.includes('\n')) return null;
    return body;
  }

  private findCalls(creators: readonly string[]): CallSite[] {
    const names = [...TRACKED, ...creators].map((n) => n.replace(/\$/g, '\\$')).join('|');
    const re = new RegExp(`(?<![.\\w$])(?:(${IDENT})\\s*\\??\\.\\s*)?(${names})\\s*(?:<[^<>()]*(?:<[^<>()]*>[^<>()]*)*>)?\\s*\\(`, 'g');
    const out: CallSite[] = [];
    for (const m of this.code.matchAll(re)) {
      const owner = m[1] ?? null;
      const fn = m[2] as string;
      if (OWNED_ONLY.has(fn) && owner === null) continue;
      const start = m.index;
      const open = start + m[0].length - 1;
      const close = this.pair[open] ?? -1;
      if (close < 0) continue;
      const decl = this.declarationBefore(start);
      out.push({ fn, owner, literal: this.literalAt(open + 1), variable: decl?.variable ?? null, start, declStart: decl?.start ?? start, open, close, args: this.args(open, close) });
    }
    return out;
  }

  private declarationBefore(start: number): { variable: string; start: number } | null {
    const from = Math.max(0, start - 300);
    const before = this.code.slice(from, start);
    const m = new RegExp(`(?:export\\s+)?(?:const|let|var)\\s+(${IDENT})\\s*(?::[^=;]*)?=\\s*$`).exec(before);
    return m ? { variable: m[1] as string, start: from + m.index } : null;
  }

  /** Top-level argument ranges between a `(` and its `)`. */
  args(open: number, close: number): Range[] {
    const out: Range[] = [];
    let from = open + 1;
    for (let i = open + 1; i < close; i++) {
      const c = this.code[i];
      if ((c === '(' || c === '[' || c === '{') && (this.pair[i] ?? -1) > i) i = this.pair[i] as number;
      else if (c === ',') {
        out.push({ start: from, end: i });
        from = i + 1;
      }
    }
    if (this.code.slice(from, close).trim() !== '') out.push({ start: from, end: close });
    return out;
  }

  /**
   * The object literal holding a table's columns: the argument itself (`{ … }`), or what an arrow
   * function returns (`(t) => ({ … })`, `(t) => { return { … } }`).
   */
  objectIn(arg: Range): Range | null {
    let i = this.skipWs(arg.start, arg.end);
    if (this.code[i] === '{') return { start: i, end: this.pair[i] ?? arg.end };
    const arrow = this.code.indexOf('=>', i);
    if (arrow === -1 || arrow >= arg.end) return null;
    i = this.skipWs(arrow + 2, arg.end);
    if (this.code[i] === '(') i = this.skipWs(i + 1, arg.end);
    if (this.code[i] !== '{') return null;
    const blockEnd = this.pair[i] ?? arg.end;
    // `=> ({` or `=> {` with an object directly: a block body starts with a statement.
    const body = this.code.slice(i + 1, blockEnd);
    const ret = /\breturn\s*\(?\s*\{/.exec(body);
    if (this.code[i - 1] !== '(' && ret) {
      const objStart = i + 1 + ret.index + ret[0].length - 1;
      return { start: objStart, end: this.pair[objStart] ?? blockEnd };
    }
    return { start: i, end: blockEnd };
  }

  /** The keys (and spreads) of an object literal, in order. */
  entries(obj: Range): ObjectEntry[] {
    const out: ObjectEntry[] = [];
    let i = obj.start + 1;
    while (i < obj.end) {
      i = this.skipWs(i, obj.end);
      if (i >= obj.end) break;
      const c = this.code[i] as string;
      if (this.code.startsWith('...', i)) {
        const m = new RegExp(`^\\.\\.\\.\\s*(${IDENT}(?:\\s*\\.\\s*${IDENT})*)`).exec(this.code.slice(i, obj.end));
        if (m) out.push({ key: (m[1] as string).replace(/\s+/g, ''), spread: true, offset: i });
      } else if (c === '\'' || c === '"') {
        const key = this.literalAt(i);
        if (key !== null) out.push({ key, spread: false, offset: i });
      } else {
        const m = new RegExp(`^(${IDENT})\\s*([:,}(])?`).exec(this.code.slice(i, Math.min(obj.end + 1, i + 200)));
        if (m && m[2] !== '(') out.push({ key: m[1] as string, spread: false, offset: i });
      }
      // On to the next top-level comma.
      while (i < obj.end) {
        const d = this.code[i];
        if ((d === '(' || d === '[' || d === '{') && (this.pair[i] ?? -1) > i) i = this.pair[i] as number;
        else if (d === ',') break;
        i++;
      }
      i++;
    }
    return out;
  }

  /** Calls whose `(` lies inside a range. */
  callsWithin(range: Range): CallSite[] {
    return this.calls.filter((c) => c.start >= range.start && c.start < range.end);
  }

  /** `.enableRLS()` chained onto a call. */
  chainedAfter(close: number, method: string): number | null {
    const m = new RegExp(`^\\s*\\.\\s*${method}\\s*\\(`).exec(this.code.slice(close + 1, close + 200));
    return m ? close + 1 + m[0].indexOf(method) : null;
  }

  /**
   * `// schemasage-ignore rule-a, rule-b: reason` (or a block comment) on the lines directly above
   * a declaration.
   */
  ignoresBefore(declStart: number): IgnoreMarker[] {
    const lineStart = this.text.lastIndexOf('\n', declStart - 1) + 1;
    if (this.text.slice(lineStart, declStart).trim() !== '') return [];
    const lines: string[] = [];
    let end = lineStart - 1;
    while (end > 0) {
      const start = this.text.lastIndexOf('\n', end - 1) + 1;
      const line = this.text.slice(start, end).trim();
      if (!(line.startsWith('//') || line.startsWith('/*') || line.startsWith('*') || line.endsWith('*/'))) break;
      lines.push(line);
      end = start - 1;
    }
    const out: IgnoreMarker[] = [];
    for (const line of lines.reverse()) {
      const m = /schemasage-ignore[ \t]+([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)(?:[ \t]*:[ \t]*(.*?))?\s*(?:\*\/)?$/.exec(line);
      if (!m) continue;
      const rules = (m[1] as string).split(',').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
      const reason = (m[2] ?? '').trim();
      out.push({ rules, reason: reason === '' ? null : reason });
    }
    return out;
  }
}

/** Variables bound to `pgTableCreator(…)`: their calls create tables too. */
export function tableCreators(text: string): string[] {
  const code = maskCode(text);
  const out: string[] = [];
  for (const m of code.matchAll(new RegExp(`(?:const|let|var)\\s+(${IDENT})\\s*(?::[^=;]*)?=\\s*(?:${IDENT}\\s*\\.\\s*)?pgTableCreator\\s*\\(`, 'g'))) {
    out.push(m[1] as string);
  }
  return out;
}

/** `const billing = pgSchema('billing')`: variable → schema name. */
export function schemaVariables(file: ScannedFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of file.calls) if (c.fn === 'pgSchema' && c.variable && c.literal !== null) out.set(c.variable, c.literal);
  return out;
}

/** The settings of a drizzle config that schemasage uses, when they are written as literals. */
export interface ConfigValues {
  dialect: string | null;
  schema: string[];
  casing: string | null;
  schemaFilter: string[];
  tablesFilter: string[];
}

const CONFIG_KEYS = new Set(['dialect', 'schema', 'casing', 'schemaFilter', 'tablesFilter']);

/**
 * Reads a drizzle config without running it: the object passed to `defineConfig(…)` or exported
 * by default, when every setting we use is a string literal or an array of them. Null when
 * anything is computed (then the config has to be run).
 */
export function configFromText(text: string): ConfigValues | null {
  const f = new ScannedFile('config', text);
  let obj: Range | null = null;
  const call = new RegExp(`(?<![.\\w$])defineConfig\\s*\\(`).exec(f.code);
  if (call) obj = f.objectIn({ start: call.index + call[0].length, end: f.code.length });
  if (!obj) {
    const exp = new RegExp(`export\\s+default\\s+(?:(${IDENT})\\s*;?|\\{)`).exec(f.code);
    if (exp?.[1]) {
      const decl = new RegExp(`(?:const|let|var)\\s+${exp[1].replace(/\$/g, '\\$')}\\s*(?::[^=;]*)?=\\s*(?=\\{)`).exec(f.code);
      if (decl) obj = f.objectIn({ start: decl.index + decl[0].length, end: f.code.length });
    } else if (exp) obj = f.objectIn({ start: exp.index + exp[0].length - 1, end: f.code.length });
  }
  if (!obj) return null;
  const out: ConfigValues = { dialect: null, schema: [], casing: null, schemaFilter: [], tablesFilter: [] };
  const seen = new Set<string>();
  for (const e of f.entries(obj)) {
    if (e.spread) return null;
    if (!CONFIG_KEYS.has(e.key)) continue;
    if (seen.has(e.key)) return null;
    seen.add(e.key);
    const colon = f.code.indexOf(':', e.offset);
    if (colon === -1) return null;
    const values = literalsAt(f, colon + 1);
    if (values === null) return null;
    if (e.key === 'dialect' || e.key === 'casing') {
      if (values.length !== 1) return null;
      out[e.key] = values[0] as string;
    } else out[e.key as 'schema' | 'schemaFilter' | 'tablesFilter'] = values;
  }
  return out.schema.length > 0 ? out : null;
}

/** A string literal or an array of string literals starting at `i`; null for anything else. */
function literalsAt(f: ScannedFile, i: number): string[] | null {
  let j = i;
  while (j < f.code.length && /\s/.test(f.code[j] as string)) j++;
  const single = f.literalAt(j);
  if (single !== null) return isValueEnd(f, j) ? [single] : null;
  if (f.code[j] !== '[') return null;
  const close = f.pair[j] ?? -1;
  if (close < 0 || !/^\s*(?:,|\}|$)/.test(f.code.slice(close + 1, close + 200))) return null;
  const out: string[] = [];
  for (const arg of f.args(j, close)) {
    const v = f.literalAt(arg.start);
    if (v === null || f.code.slice(arg.start, arg.end).replace(/['"`]/g, '').trim() !== '') return null;
    out.push(v);
  }
  return out;
}

/** The literal at `j` is the whole value (no `+ x`, no `?? y`). */
function isValueEnd(f: ScannedFile, j: number): boolean {
  const close = f.text.indexOf(f.text[j] as string, j + 1);
  const rest = f.code.slice(close + 1, close + 200);
  return /^\s*(?:,|\}|$)/.test(rest);
}
