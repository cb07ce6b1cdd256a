import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

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
      const cols = t.columns.filter((c) => baseTypeName(c) === 'json' && c.generated === null);
      const targetOf = (isArray: boolean) => (isArray ? 'jsonb[]' : 'jsonb');
      const fixes = typeChangeFixes(catalog, t, cols.map((c) => ({ column: c.name, type: targetOf(c.isArray), using: `${quoteIdent(c.name)}::${targetOf(c.isArray)}` })));
      for (const c of cols) {
        const target = targetOf(c.isArray);
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: every \`->\`/\`->>\` re-parses the text, the column cannot be compared for ` +
            `equality (no DISTINCT, GROUP BY or UNIQUE) and cannot take a GIN index. Use \`jsonb\` unless the exact input text ` +
            `(key order, duplicate keys) must be kept.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} jsonb drops duplicate keys (the last wins), key order and insignificant whitespace; ` +
              `check first that no reader depends on them.`,
          },
        });
      }
    }
    return out;
  },
});
