/**
 * Just enough of Postgres's lexical structure to find where comments, strings, quoted identifiers
 * and dollar-quoted bodies end — so that a `;`, a backslash or a marker inside a function body is
 * never mistaken for structure.
 */

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

function isIdentChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code >= 0x80;
}

export function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 11;
}

export type ConstructKind = 'line-comment' | 'block-comment' | 'string' | 'identifier' | 'dollar';

/**
 * When a comment, string, quoted identifier or dollar quote starts at `i`, the index just after it
 * (a line comment ends before its newline; an unterminated one runs to `end`) and its kind;
 * otherwise null.
 */
export function skipConstruct(t: string, i: number, end: number = t.length): { next: number; kind: ConstructKind } | null {
  const ch = t.charCodeAt(i);
  if (ch === 45 /* - */ && t.charCodeAt(i + 1) === 45) {
    const nl = t.indexOf('\n', i + 2);
    return { next: nl === -1 || nl > end ? end : nl, kind: 'line-comment' };
  }
  if (ch === 47 /* / */ && t.charCodeAt(i + 1) === 42 /* * */) {
    let depth = 1;
    let j = i + 2;
    while (j < end && depth > 0) {
      const c = t.charCodeAt(j);
      if (c === 47 && t.charCodeAt(j + 1) === 42) {
        depth++;
        j += 2;
      } else if (c === 42 && t.charCodeAt(j + 1) === 47) {
        depth--;
        j += 2;
      } else j++;
    }
    return { next: Math.min(j, end), kind: 'block-comment' };
  }
  if (ch === 39 /* ' */) {
    // E'…' strings take backslash escapes; standard strings (standard_conforming_strings) do not.
    const prev = t.charCodeAt(i - 1);
    const escapes = (prev === 69 || prev === 101) && !(i >= 2 && isIdentChar(t.charCodeAt(i - 2)));
    let j = i + 1;
    while (j < end) {
      const c = t.charCodeAt(j);
      if (escapes && c === 92 /* \ */) j += 2;
      else if (c === 39) {
        if (t.charCodeAt(j + 1) === 39) j += 2;
        else return { next: j + 1, kind: 'string' };
      } else j++;
    }
    return { next: end, kind: 'string' };
  }
  if (ch === 34 /* " */) {
    let j = i + 1;
    while (j < end) {
      if (t.charCodeAt(j) === 34) {
        if (t.charCodeAt(j + 1) === 34) j += 2;
        else return { next: j + 1, kind: 'identifier' };
      } else j++;
    }
    return { next: end, kind: 'identifier' };
  }
  if (ch === 36 /* $ */ && !(i > 0 && isIdentChar(t.charCodeAt(i - 1)))) {
    DOLLAR_TAG.lastIndex = i;
    const m = DOLLAR_TAG.exec(t);
    if (m) {
      const close = t.indexOf(m[0], i + m[0].length);
      return { next: close === -1 || close + m[0].length > end ? end : close + m[0].length, kind: 'dollar' };
    }
  }
  return null;
}

/**
 * The first and last significant character range of `t[start, end)`: leading and trailing
 * whitespace and comments excluded. Returns null when there is nothing but those.
 */
export function significantRange(t: string, start: number, end: number): [number, number] | null {
  let first = -1;
  let last = -1;
  let i = start;
  while (i < end) {
    const ch = t.charCodeAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const skipped = skipConstruct(t, i, end);
    if (skipped) {
      if (skipped.kind !== 'line-comment' && skipped.kind !== 'block-comment') {
        if (first < 0) first = i;
        last = skipped.next;
      }
      i = skipped.next;
      continue;
    }
    if (first < 0) first = i;
    i++;
    last = i;
  }
  return first < 0 ? null : [first, last];
}
