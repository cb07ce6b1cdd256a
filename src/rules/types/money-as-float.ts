import type { Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import {
  CURRENCY_COLUMN_NAMES, MONEY_NON_AMOUNT_WORDS, MONEY_RATE_PHRASES, MONEY_TABLE_WORDS, MONEY_WORDS, lexiconSample, matchLexicon, nameWords, singular,
} from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChange, type TypeChangeFix } from './shared.js';

const FLOATS = new Set(['float4', 'float8']);
const INTEGERS = new Set(['int2', 'int4', 'int8']);

/** Integer columns named like minor units: the schema's own convention for money. */
function centsColumns(tables: Table[]): string[] {
  const out: string[] = [];
  for (const t of tables) {
    for (const c of t.columns) {
      const words = nameWords(c.name);
      if (INTEGERS.has(baseTypeName(c)) && (words.includes('cents') || words.includes('minor') || words.includes('pence'))) {
        out.push(`${t.name}.${c.name}`);
      }
    }
  }
  return out;
}

function structuralEvidence(t: Table, c: Column): string[] {
  const evidence: string[] = [];
  const currency = t.columns.find((o) => o !== c && (CURRENCY_COLUMN_NAMES.includes(o.name.toLowerCase()) || nameWords(o.name).includes('currency')));
  if (currency) evidence.push(`a sibling \`${currency.name}\` column`);
  const checkRe = new RegExp(`(^|[^A-Za-z0-9_])"?${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?([^A-Za-z0-9_]|$)`);
  const chk = t.constraints.find((k) => k.type === 'check' && (k.columns.includes(c.name) || checkRe.test(k.definition)));
  if (chk) evidence.push(`the CHECK \`${chk.name}\` on it`);
  const tableWord = nameWords(t.name).map(singular).find((w) => MONEY_TABLE_WORDS.includes(w));
  if (tableWord) evidence.push(`\`${t.name}\` is a money table (${tableWord})`);
  return evidence;
}

export default defineRule({
  meta: {
    id: 'money-as-float',
    category: 'types',
    severity: 'medium',
    title: 'Money stored in a floating-point column',
    rationale:
      '`real` and `double precision` are binary fractions: 0.1 + 0.2 is 0.30000000000000004, sums over many rows drift by ' +
      'cents, and equality checks on amounts fail. Money needs exact arithmetic: `numeric(p,2)` or integer minor units (cents).',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    const tables = reviewedTables(catalog);
    const cents = centsColumns(tables);
    const useCents = cents.length > 0;
    for (const t of tables) {
      const flagged = t.columns.flatMap((c) => {
        if (!FLOATS.has(baseTypeName(c)) || c.isArray || c.generated !== null) return [];
        const rates = matchLexicon(c.name, MONEY_RATE_PHRASES);
        const hits = [...matchLexicon(c.name, MONEY_WORDS), ...rates];
        if (hits.length === 0) return [];
        if (rates.length === 0 && matchLexicon(c.name, MONEY_NON_AMOUNT_WORDS).length > 0) return [];
        return [{ c, hits }];
      });
      const rel = qualify(t.schema, t.name);
      const fixes = typeChangeFixes(catalog, t, flagged.map(({ c }): TypeChange => {
        const col = quoteIdent(c.name);
        return useCents
          ? { column: c.name, type: 'bigint', using: `(round(${col}::numeric, 2) * 100)::bigint`, after: [`ALTER TABLE ${rel} RENAME COLUMN ${col} TO ${quoteIdent(`${c.name}_cents`)};`] }
          : { column: c.name, type: 'numeric(12,2)', using: `round(${col}::numeric, 2)` };
      }));
      for (const { c, hits } of flagged) {
        const fix = fixes.get(c.name) as TypeChangeFix;
        const evidence = structuralEvidence(t, c);
        const confirmed = evidence.length > 0;
        const col = quoteIdent(c.name);
        const precheck = `SELECT count(*) FROM ${rel} WHERE NOT (abs(${col}) < 1e10);  -- NaN, ±Infinity or too large for the new type`;
        const nameEvidence = `the name contains "${hits.join('", "')}" (monetary names: ${lexiconSample(MONEY_WORDS)})`;
        const message =
          `\`${t.name}.${c.name}\` is \`${c.type}\` and looks like money: ${nameEvidence}` +
          (confirmed ? `, confirmed by ${evidence.join(' and ')}` : '; a name-only heuristic') + `. ` +
          `Floating-point amounts drift (0.1 + 0.2 ≠ 0.3) and sums over many rows lose cents. ` +
          (useCents
            ? `This schema already stores money as integer minor units (${cents.slice(0, 3).join(', ')}), so store it as \`bigint\` cents.`
            : `Store it as \`numeric(12,2)\`: exact, and existing readers keep the same unit.`);
        out.push({
          objects: [columnRef(t, c.name)],
          severity: confirmed ? 'high' : 'medium',
          message,
          details: {
            column: c.name, type: c.type, matched: hits, structuralEvidence: evidence, suggestedType: useCents ? 'bigint' : 'numeric(12,2)',
            centsConvention: cents,
          },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} Pre-check: ${precheck} ` +
              (useCents
                ? `The rename makes the unit change visible; every reader and writer must switch to cents in the same release.`
                : `numeric(12,2) holds up to 9,999,999,999.99; choose integer cents (bigint) instead when amounts are summed in hot paths ` +
                  `or the application already works in minor units.`),
          },
        });
      }
    }
    return out;
  },
});
