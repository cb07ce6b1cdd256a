/**
 * Position arithmetic over a source text. libpg-query reports UTF-8 byte offsets for statements and
 * nodes, and code-point offsets for parse errors; users and editors want lines and columns.
 */

export interface LineColumn {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
}

export class TextIndex {
  readonly text: string;
  /** Byte offsets equal string indices for pure ASCII text, which is the common case and free. */
  private readonly ascii: boolean;
  private lineStarts: number[] | null = null;
  // Offsets are mostly asked for in increasing order, so a cursor makes conversion linear overall.
  private charCursor = 0;
  private byteCursor = 0;

  constructor(text: string) {
    this.text = text;
    this.ascii = Buffer.byteLength(text, 'utf8') === text.length;
  }

  /** String index of a UTF-8 byte offset (clamped to the text). */
  charIndexOfByte(byteOffset: number): number {
    const t = this.text;
    const n = t.length;
    if (this.ascii) return Math.max(0, Math.min(byteOffset, n));
    if (byteOffset < this.byteCursor) {
      this.charCursor = 0;
      this.byteCursor = 0;
    }
    let c = this.charCursor;
    let b = this.byteCursor;
    while (b < byteOffset && c < n) {
      const code = t.charCodeAt(c);
      if (code < 0x80) {
        b += 1;
        c += 1;
      } else if (code < 0x800) {
        b += 2;
        c += 1;
      } else if (code >= 0xd800 && code <= 0xdbff && c + 1 < n && (t.charCodeAt(c + 1) & 0xfc00) === 0xdc00) {
        b += 4;
        c += 2;
      } else {
        b += 3;
        c += 1;
      }
    }
    this.charCursor = c;
    this.byteCursor = b;
    return c;
  }

  /** String index of a code-point offset (how Postgres counts an error cursor). */
  charIndexOfCodePoint(codePoints: number): number {
    const t = this.text;
    const n = t.length;
    let c = 0;
    for (let k = 0; k < codePoints && c < n; k++) {
      const code = t.charCodeAt(c);
      c += code >= 0xd800 && code <= 0xdbff && c + 1 < n && (t.charCodeAt(c + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    }
    return c;
  }

  /** 1-based line and column of a string index. */
  position(charIndex: number): LineColumn {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= charIndex) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: charIndex - (starts[lo] as number) + 1 };
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }
}
