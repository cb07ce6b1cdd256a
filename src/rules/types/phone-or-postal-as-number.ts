import type { Column } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { PHONE_POSTAL_WORDS, lexiconSample, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);
const FLOATS = new Set(['float4', 'float8']);
/** The name must end like an identifier of this kind, so `phone_count` or `zip_id` are left alone. */
const LAST_WORDS = new Set(['phone', 'mobile', 'telephone', 'tel', 'fax', 'msisdn', 'number', 'num', 'no', 'nr', 'zip', 'zipcode', 'code', 'postcode', 'postal']);
const POSTAL = new Set(['zip', 'zipcode', 'zip_code', 'postcode', 'postal_code', 'postal']);

export default defineRule({
  meta: {
    id: 'phone-or-postal-as-number',
    category: 'types',
    severity: 'medium',
    title: 'Phone number or postal code stored as a number',
    rationale:
      'Phone numbers and postal codes are identifiers made of digits, not quantities: a number drops leading zeros ' +
      '(ZIP 02134 becomes 2134, a national number 0612… loses its trunk prefix), cannot hold `+`, spaces, extensions or ' +
      'letters (UK and Canadian postcodes), and integer overflows on long international numbers. Store them as `text` with a CHECK.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const flagged: Array<{ c: Column; hits: string[]; postal: boolean; using: string }> = [];
      for (const c of t.columns) {
        const base = baseTypeName(c);
        if (!NUMERIC.has(base) || c.isArray || c.generated !== null) continue;
        const hits = matchLexicon(c.name, PHONE_POSTAL_WORDS);
        const words = nameWords(c.name);
        if (hits.length === 0 || !LAST_WORDS.has(words[words.length - 1] as string)) continue;
        const col = quoteIdent(c.name);
        flagged.push({ c, hits, postal: hits.some((h) => POSTAL.has(h)), using: FLOATS.has(base) ? `${col}::bigint::text` : `${col}::text` });
      }
      const fixes = typeChangeFixes(catalog, t, flagged.map((x) => ({ column: x.c.name, type: 'text', using: x.using })));
      for (const { c, hits, postal } of flagged) {
        const col = quoteIdent(c.name);
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\` but holds a ${postal ? 'postal code' : 'phone number'} (the name contains ` +
            `"${hits.join('", "')}"; names checked: ${lexiconSample(PHONE_POSTAL_WORDS)}): leading zeros are lost, ` +
            `${postal ? 'letters (UK/Canadian postcodes) cannot be stored' : '`+`, extensions and formatting cannot be stored'}. ` +
            `Store it as \`text\` with a CHECK on the format.`,
          details: { column: c.name, type: c.type, kind: postal ? 'postal-code' : 'phone', matched: hits, suggestedType: 'text' },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} Zeros already dropped cannot be recovered by the cast: ` +
              (postal
                ? `for US ZIP codes use USING lpad(${col}::text, 5, '0'). `
                : `numbers that lost a leading 0 or country code need their prefix restored from another source. `) +
              `Then add a format CHECK with NOT VALID and VALIDATE, e.g. ` +
              (postal
                ? `CHECK (${col} ~ '^[0-9A-Z -]{3,10}$')`
                : `CHECK (${col} ~ '^\\+[1-9][0-9]{6,14}$') for E.164`) +
              `; pre-check: SELECT count(*) FROM ${qualify(t.schema, t.name)} WHERE ${col} IS NOT NULL AND NOT (<the CHECK expression>);`,
          },
        });
      }
    }
    return out;
  },
});
