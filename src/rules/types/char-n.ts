import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { addCheckSql, alterColumnType, baseTypeName, constraintName, reviewedTables, rewriteNotes } from './shared.js';

export default defineRule({
  meta: {
    id: 'char-n',
    category: 'types',
    severity: 'low',
    title: 'character(n) pads values with spaces',
    rationale:
      '`character(n)` pads every value with spaces to n characters and ignores trailing spaces in comparisons, but not in ' +
      'LIKE, regular expressions or when cast to text in some paths: `\'ab\'` stored in char(3) is `\'ab \'`, surprising client ' +
      'code and ORMs. It is never faster than text or varchar in PostgreSQL. Use `text` with a CHECK on the length.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      for (const c of t.columns) {
        if (baseTypeName(c) !== 'bpchar' || c.generated !== null || c.domainBaseType !== null) continue;
        const n = c.typeModifier ?? 1;
        const fixedCode = n <= 3;
        const check = fixedCode ? `char_length(${quoteIdent(c.name)}) = ${n}` : `char_length(${quoteIdent(c.name)}) <= ${n}`;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: shorter values are padded with spaces to ${n} character${n === 1 ? '' : 's'}, so clients read ` +
            `them back with trailing blanks and LIKE/regex matches differ from \`=\`. Use \`text\` with a CHECK ` +
            `(${fixedCode ? `exactly ${n} character${n === 1 ? '' : 's'}, for a fixed-length code` : `at most ${n} characters`}).`,
          details: { column: c.name, type: c.type, length: n, suggestedType: c.isArray ? 'text[]' : 'text' },
          fix: c.isArray
            ? { sql: alterColumnType(t, c.name, 'text[]'), notes: rewriteNotes(catalog, t) }
            : {
              sql: `${alterColumnType(t, c.name, 'text')}\n${addCheckSql(t, constraintName(t, c.name, 'length'), check)}`,
              notes:
                `${rewriteNotes(catalog, t)} The cast to text strips the trailing padding, which is what readers expected. ` +
                `Pre-check for the CHECK: SELECT count(*) FROM ${qualify(t.schema, t.name)} WHERE NOT (${check});`,
            },
        });
      }
    }
    return out;
  },
});
