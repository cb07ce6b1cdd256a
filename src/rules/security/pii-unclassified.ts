import type { Column } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent, quoteLiteral, tableRef } from '../../catalog/helpers.js';
import { PII_WORDS, lexiconSample, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { securedTables } from './shared.js';

/** Words that make a PII-looking name a flag or a pointer about the data, not the data. */
const NOT_DATA = new Set([
  'id', 'at', 'on', 'count', 'verified', 'confirmed', 'type', 'status', 'enabled', 'visible', 'public', 'consent', 'opt',
  'optin', 'hash', 'hashed', 'encrypted', 'token', 'provider', 'changed', 'updated', 'sent', 'bounced', 'template',
]);

const CLASSIFIED = /\b(pii|personal|sensitive|confidential|restricted|gdpr|ccpa|hipaa|phi|classification|classified|public data|not pii)\b/i;

function piiMatch(c: Column): string[] {
  if (c.typeCategory === 'B') return [];
  const words = nameWords(c.name);
  if (NOT_DATA.has(words[words.length - 1] as string)) return [];
  return matchLexicon(c.name, PII_WORDS);
}

export default defineRule({
  meta: {
    id: 'pii-unclassified',
    category: 'security',
    severity: 'info',
    title: 'Personal data columns without a classification',
    rationale:
      'Off by default. Privacy law (GDPR, CCPA, HIPAA) expects you to know where personal data lives: for access reviews, ' +
      'erasure requests, retention and masking in non-production copies. A COMMENT that classifies each personal-data ' +
      'column (e.g. "PII: email") makes the schema itself the inventory, readable by tools and people.',
    enabledByDefault: false,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of securedTables(catalog)) {
      const hits = t.columns
        .map((c) => ({ c, words: piiMatch(c) }))
        .filter((h) => h.words.length > 0 && !(h.c.comment !== null && CLASSIFIED.test(h.c.comment)));
      if (hits.length === 0) continue;
      const rel = qualify(t.schema, t.name);
      out.push({
        objects: [...hits.map((h) => columnRef(t, h.c.name)), tableRef(t)],
        message:
          `\`${rel}\` has personal-data columns with no classifying comment: ` +
          `${hits.map((h) => `\`${h.c.name}\` (${h.words.join(', ')})`).join(', ')} — matched on names (personal-data names: ` +
          `${lexiconSample(PII_WORDS)}). Classify each one in a COMMENT so access reviews, erasure and masking can find it.`,
        details: { columns: hits.map((h) => ({ column: h.c.name, matched: h.words })) },
        fix: {
          sql: hits
            .map((h) => `COMMENT ON COLUMN ${rel}.${quoteIdent(h.c.name)} IS ${quoteLiteral(`${h.c.comment ? `${h.c.comment} ` : ''}PII: ${h.words.join(', ')}`)};`)
            .join('\n'),
          notes: 'COMMENT only updates the catalog; it takes a brief lock and touches no rows.',
        },
      });
    }
    return out;
  },
});
