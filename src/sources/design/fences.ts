/**
 * The SQL of a Markdown design doc: its fenced code blocks tagged sql/postgres/postgresql/pgsql,
 * found the way CommonMark finds fences (``` or ~~~, a closing fence of the same character at least
 * as long, inside list items and block quotes too), and laid out so lines and columns stay the doc's.
 */

/** Info-string languages whose blocks are PostgreSQL. */
export const SQL_LANGUAGES: readonly string[] = ['sql', 'postgres', 'postgresql', 'pgsql'];

export interface FencedBlock {
  /** First word of the info string, lower-cased (`sql` for ```sql title="x"). Empty when none. */
  language: string;
  /** 1-based line of the opening fence. */
  openLine: number;
  /** 1-based line of the closing fence; null when the block runs to the end of the document. */
  closeLine: number | null;
  /** Number of `>` block-quote markers the block sits in; its content lines carry them too. */
  quoteDepth: number;
}

export interface SqlBlocks {
  blocks: FencedBlock[];
  /** Every fenced block, SQL or not (to say what the doc holds when it has no SQL). */
  all: FencedBlock[];
  /**
   * The doc with every line outside an SQL block emptied, block-quote markers inside blocks turned
   * into spaces, and a `;` where each block closes, so a block whose last statement has no `;`
   * does not run into the next block.
   */
  text: string;
}

const FENCE = /^(`{3,}|~{3,})(.*)$/;
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;

interface LineShape {
  quoteDepth: number;
  /** Index of the first character after block-quote markers, indentation and list markers. */
  contentStart: number;
}

/** Strips up to `maxQuotes` block-quote markers (or all when undefined) and any list markers. */
function shapeOf(line: string, maxQuotes = Infinity): LineShape {
  let i = 0;
  let depth = 0;
  for (;;) {
    let j = i;
    while (j < line.length && (line[j] === ' ' || line[j] === '\t')) j++;
    if (depth < maxQuotes && line[j] === '>') {
      depth++;
      i = j + 1;
      continue;
    }
    const marker = LIST_MARKER.exec(line.slice(j));
    if (marker && marker[0].length > 0) {
      i = j + marker[0].length;
      continue;
    }
    return { quoteDepth: depth, contentStart: j };
  }
}

function languageOf(info: string): string {
  const word = info.trim().replace(/^\{\s*\.?/, '').split(/[\s{},:]/)[0] ?? '';
  return word.toLowerCase();
}

/** Removes `depth` block-quote markers from a content line, keeping every other column in place. */
function unquote(line: string, depth: number): string | null {
  let out = line;
  let i = 0;
  for (let d = 0; d < depth; d++) {
    while (i < out.length && (out[i] === ' ' || out[i] === '\t')) i++;
    // A line without the quote's marker ends the quote (and the block with it) unless it is blank.
    if (out[i] !== '>') return out.trim() === '' ? '' : null;
    out = `${out.slice(0, i)} ${out.slice(i + 1)}`;
    i++;
  }
  return out;
}

export function extractSqlBlocks(doc: string): SqlBlocks {
  const lines = doc.split('\n');
  const out: string[] = lines.map(() => '');
  const blocks: FencedBlock[] = [];
  const all: FencedBlock[] = [];
  let inHtmlComment = false;

  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (inHtmlComment) {
      if (line.includes('-->')) inHtmlComment = false;
      continue;
    }
    const shape = shapeOf(line);
    const rest = line.slice(shape.contentStart);
    // An HTML comment is where authors park SQL they do not mean (yet): its fences are text.
    if (rest.startsWith('<!--')) {
      inHtmlComment = !rest.includes('-->', 4);
      continue;
    }
    const open = FENCE.exec(rest);
    if (!open) continue;
    const fence = open[1] as string;
    const info = open[2] ?? '';
    // A backtick fence's info string cannot contain backticks (that is inline code: ```sql``` ).
    if (fence[0] === '`' && info.includes('`')) continue;
    const block: FencedBlock = { language: languageOf(info), openLine: i + 1, closeLine: null, quoteDepth: shape.quoteDepth };
    const isSql = SQL_LANGUAGES.includes(block.language);
    let j = i + 1;
    for (; j < lines.length; j++) {
      const raw = lines[j] as string;
      const content = unquote(raw, block.quoteDepth);
      if (content === null) break;
      const closing = content.replace(/\r$/, '').trimStart();
      const m = FENCE.exec(closing);
      if (m && (m[1] as string)[0] === fence[0] && (m[1] as string).length >= fence.length && (m[2] ?? '').trim() === '') {
        block.closeLine = j + 1;
        break;
      }
      if (isSql) out[j] = content;
    }
    if (isSql) {
      // Where the block ends (its closing fence, or the line after its last) a `;` ends its last statement.
      const end = block.closeLine !== null ? block.closeLine - 1 : j;
      if (end < lines.length) out[end] = ';';
      else out.push(';');
      blocks.push(block);
    }
    all.push(block);
    i = block.closeLine !== null ? block.closeLine - 1 : j - 1;
  }
  return { blocks, all, text: out.join('\n') };
}
