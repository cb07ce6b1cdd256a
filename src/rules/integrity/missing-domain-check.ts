import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, foreignKeys, primaryKey, qualify, quoteIdent } from '../../catalog/helpers.js';
import { tableLabel } from '../keys/shared.js';
import { hasPhrase, lexiconSample, nameWords, singular } from '../lexicon.js';
import { addCheckSql } from '../types/shared.js';
import { defineRule, type FindingDraft } from '../types.js';
import { checksOn, domainOf, endsWithPhrase, freshConstraintName, judgedTables, mentions, uniqueIndexes } from './shared-b.js';

/** Last words of numeric columns that cannot be negative: amounts, prices, counts, stock. */
export const NON_NEGATIVE_WORDS: readonly string[] = [
  'price', 'cost', 'fee', 'fees', 'amount', 'subtotal', 'total', 'count', 'stock', 'quantity', 'qty', 'capacity', 'seats',
  'inventory',
];

/** Words that let such a value go below zero: a change, a balance, a margin. */
export const SIGNED_WORDS: readonly string[] = [
  'delta', 'change', 'diff', 'difference', 'adjustment', 'adjust', 'offset', 'balance', 'net', 'variance', 'profit', 'margin',
  'gain', 'loss', 'pnl', 'correction', 'signed', 'id', 'rate', 'growth', 'increase', 'decrease', 'return', 'yield', 'markup',
  'overage', 'avg', 'average', 'mean',
];

/** Tables whose amounts and quantities carry a sign (debits, stock movements, corrections). */
export const SIGNED_TABLE_WORDS: readonly string[] = [
  'ledger', 'transaction', 'adjustment', 'entry', 'movement', 'journal', 'transfer', 'balance', 'posting', 'correction',
];

/** Tables whose quantity counts items in a document: a line of zero items is an error there. */
const LINE_TABLE_WORDS: readonly string[] = ['item', 'line', 'cart', 'purchase', 'booking', 'reservation'];

/** Unit words that follow the meaningful word: `price_cents`, `amount_in_usd`. */
const UNIT_WORDS: readonly string[] = ['cents', 'minor', 'units', 'usd', 'eur', 'gbp', 'in'];

export const PERCENT_WORDS: readonly string[] = ['percent', 'percentage', 'pct'];
export const RATING_WORDS: readonly string[] = ['rating', 'stars'];
const RATING_DERIVED_WORDS: readonly string[] = ['avg', 'average', 'mean', 'count', 'total', 'sum', 'number', 'num'];

/**
 * Word pairs that bound a range: the column named with the second must not fall below the first.
 * Only min/max bound numbers; a start and an end value (a weight, a balance, an open and a close
 * price) may go either way, while a period's end never precedes its start.
 */
export const RANGE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['start', 'end'], ['starts', 'ends'], ['begin', 'end'], ['begins', 'ends'], ['from', 'to'], ['from', 'until'], ['min', 'max'],
  ['minimum', 'maximum'], ['check_in', 'check_out'], ['checkin', 'checkout'], ['opens', 'closes'], ['earliest', 'latest'],
];
/** Pairs that bound numbers as well as times. */
const MIN_MAX = new Set(['min', 'minimum']);
const ORDERED_PAIRS = new Set(['min', 'minimum', 'earliest']);

const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);
const TIMESTAMPS = new Set(['timestamp', 'timestamptz']);
const TEXT = new Set(['text', 'varchar', 'bpchar', 'citext']);

function baseType(c: Column): string {
  return c.domainBaseType ?? c.typeName;
}

/** Columns whose values the schema already constrains or that nobody writes by hand. */
function exempt(catalog: Catalog, table: Table, c: Column, fkCols: Set<string>, pkCols: Set<string>): boolean {
  if (c.isArray || c.generated !== null || c.identity !== null || c.default?.startsWith('nextval(')) return true;
  if (fkCols.has(c.name) || pkCols.has(c.name)) return true;
  if (checksOn(table, c.name).length > 0) return true;
  const dom = domainOf(catalog, c);
  return dom !== undefined && dom.checks.length > 0;
}

interface Spec {
  kind: 'non-negative' | 'positive' | 'percentage' | 'fraction' | 'rating' | 'email';
  expression: string;
  /** What the name says and what is assumed, for the message. */
  reason: string;
  /** The consequence of the missing check, for the message. */
  risk: string;
}

/** `price_cents` → `price`: the last meaningful word. */
function meaningfulLast(words: string[]): string | undefined {
  const ws = [...words];
  while (ws.length > 1 && UNIT_WORDS.includes(ws[ws.length - 1] as string)) ws.pop();
  return ws[ws.length - 1];
}

function numericSpec(table: Table, c: Column): Spec | null {
  const words = nameWords(c.name);
  const col = quoteIdent(c.name);
  const tableWords = nameWords(table.name).map(singular);
  if (words.some((w) => SIGNED_WORDS.includes(w))) return null;

  if (words.some((w) => PERCENT_WORDS.includes(w))) {
    const m = /^numeric\((\d+),(\d+)\)$/.exec(c.type);
    if (m && Number(m[1]) - Number(m[2]) <= 1) {
      return {
        kind: 'fraction', expression: `${col} BETWEEN 0 AND 1`,
        reason: `the name says percentage (percentage names: ${PERCENT_WORDS.join(', ')}) and \`${c.type}\` holds less than 10, so a fraction 0–1 is assumed`,
        risk: 'a value outside 0–1 is accepted',
      };
    }
    return {
      kind: 'percentage', expression: `${col} BETWEEN 0 AND 100`,
      reason: `the name says percentage (percentage names: ${PERCENT_WORDS.join(', ')}); 0–100 is assumed (use 0–1 if it stores a fraction)`,
      risk: 'a discount of 150% or a negative share is accepted',
    };
  }

  const last = words[words.length - 1] ?? '';
  if (RATING_WORDS.includes(last) && !words.some((w) => RATING_DERIVED_WORDS.includes(w))) {
    const fromZero = c.default !== null && /^\(?0(\.0+)?\)?(::[a-z ]+)?$/.test(c.default.trim());
    const low = fromZero ? 0 : 1;
    return {
      kind: 'rating', expression: `${col} BETWEEN ${low} AND 5`,
      reason: `the name says rating (rating names: ${RATING_WORDS.join(', ')}); a ${low}–5 scale is assumed${fromZero ? ' (the default is 0)' : ''} — use 0–5 or 1–10 if yours differs`,
      risk: 'a rating of 0, -3 or 50 is accepted and skews every average',
    };
  }

  const meaningful = meaningfulLast(words);
  const isCount = meaningful !== undefined && NON_NEGATIVE_WORDS.includes(meaningful);
  const numOf = words[0] === 'num' || hasPhrase(words, ['number', 'of']);
  if (!isCount && !numOf) return null;
  const word = isCount ? (meaningful as string) : 'count';
  const signedTable = tableWords.some((w) => SIGNED_TABLE_WORDS.includes(w))
    || table.columns.some((o) => ['direction', 'sign', 'side'].includes(o.name.toLowerCase()));
  if (signedTable && ['amount', 'total', 'subtotal', 'quantity', 'qty'].includes(word)) return null;
  const evidence = isCount
    ? `the name ends with "${word}" (non-negative names: ${lexiconSample(NON_NEGATIVE_WORDS)})`
    : `the name counts something ("num"/"number_of")`;
  if ((word === 'quantity' || word === 'qty') && tableWords.some((w) => LINE_TABLE_WORDS.includes(w))) {
    return {
      kind: 'positive', expression: `${col} > 0`,
      reason: `${evidence}, and in a line-item table a line of zero items is an error (use >= 0 if zero lines are kept deliberately)`,
      risk: 'a line with a quantity of 0 or -2 is accepted and turns the order total wrong',
    };
  }
  return {
    kind: 'non-negative', expression: `${col} >= 0`,
    reason: evidence,
    risk: `a negative ${word} is accepted without an error, and one bad write or import silently corrupts every total built on it`,
  };
}

function emailSpec(table: Table, c: Column): Spec | null {
  if (!TEXT.has(baseType(c)) || !c.notNull) return null;
  if (!endsWithPhrase(c.name, ['email', 'email_address'])) return null;
  const lowerOf = new RegExp(`^\\(*(lower|upper)\\(\\(*"?${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\b`, 'i');
  const unique = uniqueIndexes(table).some((i) => i.keys.some((k) => k.column === c.name || (k.column === null && lowerOf.test(k.expression))));
  if (!unique) return null;
  const col = quoteIdent(c.name);
  return {
    kind: 'email',
    expression: `${col} ~ '^[^@\\s]+@[^@\\s]+$'`,
    reason: 'it is the unique, NOT NULL email that identifies a row; the check is a minimal shape test (one @, no spaces), not an RFC validator, which belongs in the application',
    risk: "`''`, `bob` or a pasted `Bob <bob@x.com>` is stored as an identity that no mail ever reaches",
  };
}

interface Pair {
  start: Column;
  end: Column;
  op: '>' | '>=';
  /** The start column is non-negative by name too (min_price): folded into the same check. */
  nonNegative: boolean;
}

function replacePhrase(words: string[], from: string[], to: string[]): string[] | null {
  for (let i = 0; i + from.length <= words.length; i++) {
    if (from.every((w, j) => words[i + j] === w)) return [...words.slice(0, i), ...to, ...words.slice(i + from.length)];
  }
  return null;
}

function comparable(a: Column, b: Column): 'time' | 'number' | null {
  if (a.isArray || b.isArray) return null;
  const ta = baseType(a);
  const tb = baseType(b);
  if ((TIMESTAMPS.has(ta) || ta === 'date') && (TIMESTAMPS.has(tb) || tb === 'date')) return 'time';
  if (NUMERIC.has(ta) && NUMERIC.has(tb)) return 'number';
  return null;
}

/** Is the order of the two columns already enforced: a CHECK, an EXCLUDE or an index over a range built from both? */
function orderEnforced(table: Table, a: string, b: string): boolean {
  const both = (text: string) => mentions(text, a) && mentions(text, b);
  if (table.constraints.some((c) => (c.type === 'check' || c.type === 'exclusion') && both(c.definition))) return true;
  return table.indexes.some((i) => i.keys.some((k) => k.column === null && both(k.expression)));
}

const RANGE_PAIR_WORDS: ReadonlyArray<readonly [string, string[], string[]]> = RANGE_PAIRS.map(([s, e]) => [s, s.split('_'), e.split('_')] as const);
/** Every word a range's start bound contains: a column with none of them cannot open a range. */
const RANGE_START_WORDS = new Set(RANGE_PAIR_WORDS.flatMap(([, sWords]) => sWords));

function pairsOf(table: Table, fkCols: Set<string>): Pair[] {
  const out: Pair[] = [];
  const used = new Set<string>();
  const byWords = new Map(table.columns.map((c) => [nameWords(c.name).join('_'), c]));
  for (const start of table.columns) {
    if (used.has(start.name) || fkCols.has(start.name)) continue;
    const words = nameWords(start.name);
    if (words.includes('id') || !words.some((w) => RANGE_START_WORDS.has(w))) continue;
    for (const [s, sWords, eWords] of RANGE_PAIR_WORDS) {
      const swapped = replacePhrase(words, sWords, eWords);
      if (!swapped) continue;
      const end = byWords.get(swapped.join('_'));
      if (!end || end === start || used.has(end.name) || fkCols.has(end.name)) continue;
      const kind = comparable(start, end);
      if (!kind || start.generated !== null || end.generated !== null) continue;
      if (kind === 'number' && !MIN_MAX.has(s)) continue;
      const strict = kind === 'time' && !ORDERED_PAIRS.has(s) && TIMESTAMPS.has(baseType(start)) && TIMESTAMPS.has(baseType(end));
      const nonNegative = kind === 'number' && ORDERED_PAIRS.has(s) && NON_NEGATIVE_WORDS.includes(meaningfulLast(words) ?? '');
      out.push({ start, end, op: strict ? '>' : '>=', nonNegative });
      used.add(start.name);
      used.add(end.name);
      break;
    }
  }
  return out;
}

function checkFix(table: Table, name: string, expression: string, extraNote = ''): { sql: string; notes: string } {
  const rel = qualify(table.schema, table.name);
  return {
    sql: addCheckSql(table, name, expression),
    notes:
      `Pre-check (rows that break the rule make VALIDATE fail; fix them first): SELECT * FROM ${rel} WHERE NOT (${expression}) LIMIT 20; ` +
      `ADD CONSTRAINT … NOT VALID takes a brief ACCESS EXCLUSIVE lock without scanning and checks new writes at once; VALIDATE scans under ` +
      `SHARE UPDATE EXCLUSIVE, which lets reads and writes through.${extraNote}`,
  };
}

export default defineRule({
  meta: {
    id: 'missing-domain-check',
    category: 'integrity',
    severity: 'low',
    title: 'Column whose name implies a value range has no CHECK',
    rationale:
      'Names such as quantity, price, percent, rating or ends_at carry a rule the type does not: no negative stock, percentages within ' +
      '0–100, an end after the start. Without a CHECK every writer — the app, a script, an import — must remember the rule, and one that ' +
      'does not stores a value that corrupts totals and averages silently. A CHECK costs nothing per row and documents the rule where the data lives.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of judgedTables(catalog)) {
      const fkCols = new Set(foreignKeys(table).flatMap((f) => f.columns));
      const pkCols = new Set(primaryKey(table)?.columns ?? []);
      const pairs = pairsOf(table, fkCols).filter((p) => !orderEnforced(table, p.start.name, p.end.name));
      const inPair = new Set(pairs.flatMap((p) => [p.start.name, p.end.name]));

      for (const p of pairs) {
        const s = quoteIdent(p.start.name);
        const e = quoteIdent(p.end.name);
        const order = `${e} ${p.op} ${s}`;
        const nonNeg = p.nonNegative && !exempt(catalog, table, p.start, fkCols, pkCols);
        const expression = nonNeg ? `${s} >= 0 AND ${order}` : order;
        const name = freshConstraintName(table, [p.start.name, p.end.name], 'check');
        const time = p.op === '>';
        out.push({
          objects: [columnRef(table, p.start.name), columnRef(table, p.end.name)],
          message:
            `\`${tableLabel(table)}.${p.end.name}\` can be ${time ? 'earlier than' : 'below'} \`${p.start.name}\`: nothing checks their order, so a row that ` +
            `${time ? 'ends before it starts is accepted and breaks durations, overlap tests and calendars' : 'has its upper bound under its lower bound is accepted and matches no range filter'}. ` +
            `The names mark a range (bound pairs: ${RANGE_PAIRS.slice(0, 6).map(([a, b]) => `${a}/${b}`).join(', ')}, …). Add CHECK (${expression})` +
            `${time ? ' (use >= if zero-length periods are valid)' : ''}; a NULL bound passes it, so open-ended ranges stay allowed.`,
          details: { kind: 'order', columns: [p.start.name, p.end.name], expression, constraint: name },
          fix: checkFix(table, name, expression),
        });
      }

      for (const c of table.columns) {
        if (inPair.has(c.name) || exempt(catalog, table, c, fkCols, pkCols)) continue;
        const spec = NUMERIC.has(baseType(c)) ? numericSpec(table, c) : emailSpec(table, c);
        if (!spec) continue;
        const name = freshConstraintName(table, [c.name], 'check');
        out.push({
          objects: [columnRef(table, c.name)],
          message:
            `\`${tableLabel(table)}.${c.name}\` (\`${c.type}\`) has no CHECK, so ${spec.risk}. Evidence: ${spec.reason}; a name-only heuristic. ` +
            `Add CHECK (${spec.expression}).`,
          details: { kind: spec.kind, column: c.name, expression: spec.expression, constraint: name },
          fix: checkFix(table, name, spec.expression),
        });
      }
    }
    return out;
  },
});
