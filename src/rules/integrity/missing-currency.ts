import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, findTable, foreignKeys, qualify, quoteIdent } from '../../catalog/helpers.js';
import {
  CURRENCY_COLUMN_NAMES, FINANCIAL_RECORD_TABLE_WORDS, MONEY_NON_AMOUNT_WORDS, MONEY_TABLE_WORDS, MONEY_WORDS, hasPhrase, lexiconSample,
  matchLexicon, nameWords, singular,
} from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, isTextual } from '../types/shared.js';
import { defaultLiteral, freeConstraintName, judgedTables, label, ownColumns } from './shared-a.js';

/** ISO 4217 codes (and a few crypto units) that, as a word of the name, say which currency the amount is in. */
const CURRENCY_CODES: readonly string[] = [
  'usd', 'eur', 'gbp', 'jpy', 'chf', 'cad', 'aud', 'nzd', 'cny', 'rmb', 'inr', 'brl', 'mxn', 'sek', 'nok', 'dkk', 'pln', 'czk',
  'huf', 'ron', 'bgn', 'rub', 'zar', 'krw', 'sgd', 'hkd', 'twd', 'ils', 'aed', 'sar', 'qar', 'thb', 'idr', 'myr', 'vnd', 'ngn',
  'kes', 'ghs', 'egp', 'ars', 'clp', 'cop', 'uah', 'pkr', 'bdt', 'btc', 'eth', 'usdc', 'usdt', 'sats',
];

/** Currency names that fix the unit as well as a code does: `price_dollars`, `amount_yen`. */
const CURRENCY_NAME_WORDS: readonly string[] = ['dollars', 'dollar', 'euros', 'euro', 'yen', 'sterling', 'rupees', 'rupee', 'pesos', 'francs'];

/** Words of integer columns that count things rather than money (`total_items`, `paid_seats`). */
const COUNTING_WORDS: readonly string[] = [
  'items', 'item', 'lines', 'line', 'seats', 'seat', 'users', 'members', 'attempts', 'retries', 'tries', 'number', 'num', 'nr',
  'version', 'position', 'rank', 'sort', 'index', 'sequence', 'installments', 'periods', 'months', 'years', 'weeks', 'credits',
  'tokens', 'pages', 'views', 'clicks', 'uses', 'usage', 'orders', 'payments', 'invoices', 'transactions', 'refunds',
];

/** A comment that states the unit: a currency code, a currency symbol or a single-currency statement. */
const UNIT_COMMENT = new RegExp(
  `\\b(?:${CURRENCY_CODES.map((c) => c.toUpperCase()).join('|')})\\b|[$€£¥₹]|\\bcurrency\\b|\\b(?:${CURRENCY_NAME_WORDS.join('|')})\\b`,
);

const NUMERIC_TYPES = new Set(['numeric', 'float4', 'float8', 'int2', 'int4', 'int8']);

function isCurrencyColumn(c: Column): boolean {
  const words = nameWords(c.name);
  return CURRENCY_COLUMN_NAMES.includes(words.join('_')) || words.includes('currency') || words.includes('currencies') || words.includes('ccy');
}

function tableWords(t: Table): string[] {
  return nameWords(t.name).map(singular);
}

const phrases = new Map<readonly string[], Array<{ entry: string; words: string[] }>>();

function tableHits(t: Table, lexicon: readonly string[], words: string[] = tableWords(t)): string[] {
  let split = phrases.get(lexicon);
  if (!split) phrases.set(lexicon, (split = lexicon.map((entry) => ({ entry, words: entry.split('_') }))));
  return split.filter((p) => hasPhrase(words, p.words)).map((p) => p.entry);
}

/** Amount columns: a monetary word, a numeric type, not a ratio or a count, no currency in the name. */
function amountColumns(catalog: Catalog, t: Table): Array<{ column: Column; matched: string[] }> {
  const out: Array<{ column: Column; matched: string[] }> = [];
  for (const c of ownColumns(catalog, t)) {
    if (c.isArray || !NUMERIC_TYPES.has(baseTypeName(c))) continue;
    const matched = matchLexicon(c.name, MONEY_WORDS);
    if (matched.length === 0) continue;
    if (matchLexicon(c.name, MONEY_NON_AMOUNT_WORDS).length > 0) continue;
    const words = nameWords(c.name);
    if (words.some((w) => COUNTING_WORDS.includes(w))) continue;
    if (words.some((w) => CURRENCY_CODES.includes(w) || CURRENCY_NAME_WORDS.includes(w))) continue;
    // A domain named for its currency (`usd_amount`) states the unit like a column name does.
    if (c.domainBaseType !== null && nameWords(c.typeName).some((w) => CURRENCY_CODES.includes(w))) continue;
    if (c.comment && UNIT_COMMENT.test(c.comment)) continue;
    out.push({ column: c, matched });
  }
  return out;
}

/** A table this one references that carries a currency: line items share their order's currency. */
function currencyViaParent(catalog: Catalog, t: Table): { parent: Table; column: Column } | null {
  for (const fk of foreignKeys(t)) {
    if (!fk.references) continue;
    const parent = findTable(catalog, fk.references.schema, fk.references.table);
    const column = parent?.columns.find(isCurrencyColumn);
    if (parent && column) return { parent, column };
  }
  return null;
}

/** The currency column other tables already use: its name, type, default and letter case. */
function currencyConvention(catalog: Catalog): { name: string; type: string; defaultValue: string; upper: boolean; source: string | null } {
  const counts = new Map<string, { n: number; column: Column; table: Table }>();
  for (const t of judgedTables(catalog)) {
    for (const c of t.columns) {
      if (!isCurrencyColumn(c) || !isTextual(c)) continue;
      const key = `${c.name}|${c.type}`;
      const e = counts.get(key);
      if (e) e.n++;
      else counts.set(key, { n: 1, column: c, table: t });
    }
  }
  let best: { n: number; column: Column; table: Table } | null = null;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  if (!best) return { name: 'currency', type: 'text', defaultValue: 'USD', upper: true, source: null };
  const lit = defaultLiteral(best.column);
  const defaultValue = lit && /^[A-Za-z]{3}$/.test(lit) ? lit : 'USD';
  return {
    name: best.column.name,
    type: best.column.type,
    defaultValue,
    upper: defaultValue === defaultValue.toUpperCase(),
    source: `${label(best.table)}.${best.column.name}`,
  };
}

export default defineRule({
  meta: {
    id: 'missing-currency',
    category: 'integrity',
    severity: 'medium',
    title: 'Money amounts without a currency',
    rationale:
      'An amount without its currency is half a value: 100 could be dollars or yen. As soon as a second currency appears (a new market, a ' +
      'payment provider that settles in another one), existing rows cannot be told apart, sums mix units, and reconciliation fails. ' +
      'Store an ISO 4217 code beside the amounts, or state the single currency in the column name.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    let convention: ReturnType<typeof currencyConvention> | null = null;
    for (const t of judgedTables(catalog)) {
      const words = tableWords(t);
      const record = tableHits(t, FINANCIAL_RECORD_TABLE_WORDS, words);
      const priced = tableHits(t, MONEY_TABLE_WORDS, words);
      if (record.length === 0 && priced.length === 0) continue;
      if (t.columns.some(isCurrencyColumn)) continue;
      const schemaComment = catalog.schemas.find((s) => s.name === t.schema)?.comment ?? null;
      if ((t.comment && UNIT_COMMENT.test(t.comment)) || (schemaComment && UNIT_COMMENT.test(schemaComment))) continue;
      if (currencyViaParent(catalog, t)) continue;
      const amounts = amountColumns(catalog, t);
      if (amounts.length === 0) continue;

      convention ??= currencyConvention(catalog);
      // Line items and payments usually share their parent document's currency: one column there covers both.
      const moneyParent = foreignKeys(t)
        .map((fk) => (fk.references ? findTable(catalog, fk.references.schema, fk.references.table) : undefined))
        .find((p): p is Table => p !== undefined && p !== t && p.origin === 'user' && (tableHits(p, FINANCIAL_RECORD_TABLE_WORDS).length > 0 || tableHits(p, MONEY_TABLE_WORDS).length > 0));
      const isRecord = record.length > 0;
      const rel = qualify(t.schema, t.name);
      const col = quoteIdent(convention.name);
      const check = quoteIdent(freeConstraintName(t, convention.name, 'check'));
      const pattern = convention.upper ? '^[A-Z]{3}$' : '^[a-z]{3}$';
      const names = amounts.map((a) => `\`${a.column.name}\``).join(', ');
      const matched = [...new Set(amounts.flatMap((a) => a.matched))];
      const tableEvidence = isRecord
        ? `\`${label(t)}\` records money that moved (${record.join(', ')}; financial records: ${lexiconSample(FINANCIAL_RECORD_TABLE_WORDS)})`
        : `\`${label(t)}\` carries prices (${priced.join(', ')}; money tables: ${lexiconSample(MONEY_TABLE_WORDS)})`;
      const message =
        `${tableEvidence} and holds ${amounts.length === 1 ? 'the amount' : 'the amounts'} ${names} (monetary names: ${lexiconSample(MONEY_WORDS)}; matched ` +
        `"${matched.join('", "')}"), but neither it nor a table it references has a currency column, and no name or comment states the unit. ` +
        `${amounts[0]?.column.name ?? 'amount'} = 100 cannot say whether it is 100 USD or 100 JPY, and once a second currency appears old rows cannot be told apart. ` +
        `Add a \`${convention.name}\` column${convention.source ? ` like \`${convention.source}\`` : ' holding the ISO 4217 code'}` +
        `, or rename the columns to carry a single currency (\`${amounts[0]?.column.name ?? 'amount'}_usd\`).` +
        (moneyParent ? ` If its amounts are always in the currency of the \`${label(moneyParent)}\` row it references, adding the column there instead covers this table too.` : '') +
        (isRecord ? '' : ' Prices in one currency are common; this stays low unless the table records payments.');
      out.push({
        // The amounts are what lacks a unit; the first one is where the finding points.
        objects: amounts.map((a) => columnRef(t, a.column.name)),
        severity: isRecord ? 'medium' : 'low',
        message,
        details: {
          amountColumns: amounts.map((a) => a.column.name), matched, tableWords: isRecord ? record : priced, financialRecord: isRecord,
          currencyColumn: convention.name, currencyConvention: convention.source, parent: moneyParent ? label(moneyParent) : null,
        },
        fix: {
          sql:
            `ALTER TABLE ${rel} ADD COLUMN ${col} ${convention.type} NOT NULL DEFAULT '${convention.defaultValue}';\n` +
            `ALTER TABLE ${rel} ADD CONSTRAINT ${check} CHECK (${col} ~ '${pattern}') NOT VALID;\n` +
            `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${check};\n` +
            `-- Once every writer sets the currency, drop the default so a forgotten one fails instead of becoming ${convention.defaultValue}:\n` +
            `-- ALTER TABLE ${rel} ALTER COLUMN ${col} DROP DEFAULT;`,
          notes:
            (catalog.engine.serverVersionNum > 0 && catalog.engine.serverVersionNum < 110000
              ? `On PostgreSQL ${catalog.engine.serverVersion} ADD COLUMN with a DEFAULT rewrites the whole table under an ACCESS EXCLUSIVE lock; add the column without a default, backfill in batches, then set the default and NOT NULL. `
              : `ADD COLUMN with a constant DEFAULT is a catalog-only change on PostgreSQL 11+: existing rows read '${convention.defaultValue}' without a table rewrite, and the ` +
                `ACCESS EXCLUSIVE lock lasts only for the catalog update (set a lock_timeout so it does not queue behind long transactions). `) +
            `Every existing row becomes ${convention.defaultValue}: confirm that they all are, or backfill the real currency per row (e.g. from the payment provider) ` +
            `before relying on it. The CHECK is added NOT VALID and validated separately, so its scan does not block writes.` +
            (convention.source ? ` The column follows \`${convention.source}\`.` : ` Replace USD with the currency existing rows are in.`),
        },
      });
    }
    return out;
  },
});
