import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { alterColumnType, baseTypeName, reviewedTables, rewriteNotes } from './shared.js';

export default defineRule({
  meta: {
    id: 'json-over-jsonb',
    category: 'types',
    severity: 'low',
    title: 'json instead of jsonb',
    rationale:
      '`json` stores the input text verbatim and re-parses it on every access: operators are slower, it has no equality ' +
      'operator (so no DISTINCT, GROUP BY or UNIQUE) and it cannot be indexed with GIN. `jsonb` is the default choice unless ' +
      'key order, duplicate keys or exact whitespace must be preserved.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      for (const c of t.columns) {
        if (baseTypeName(c) !== 'json' || c.generated !== null) continue;
        const target = c.isArray ? 'jsonb[]' : 'jsonb';
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: every \`->\`/\`->>\` re-parses the text, the column cannot be compared for ` +
            `equality (no DISTINCT, GROUP BY or UNIQUE) and cannot take a GIN index. Use \`jsonb\` unless the exact input text ` +
            `(key order, duplicate keys) must be kept.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: alterColumnType(t, c.name, target, `${quoteIdent(c.name)}::${target}`),
            notes:
              `${rewriteNotes(catalog, t)} jsonb drops duplicate keys (the last wins), key order and insignificant whitespace; ` +
              `check first that no reader depends on them.`,
          },
        });
      }
    }
    return out;
  },
});
