import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { addCheckSql, baseTypeName, constraintName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChange, type TypeChangeFix } from './shared.js';

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
      const cols = t.columns.filter((c) => baseTypeName(c) === 'bpchar' && c.generated === null && c.domainBaseType === null);
      const lengthOf = (n: number) => ({ n, fixedCode: n <= 3 });
      const checks = new Map(cols.map((c) => {
        const { n, fixedCode } = lengthOf(c.typeModifier ?? 1);
        return [c.name, fixedCode ? `char_length(${quoteIdent(c.name)}) = ${n}` : `char_length(${quoteIdent(c.name)}) <= ${n}`];
      }));
      const changes = cols.map((c): TypeChange => c.isArray
        ? { column: c.name, type: 'text[]' }
        : { column: c.name, type: 'text', after: [addCheckSql(t, constraintName(t, c.name, 'length'), checks.get(c.name) as string)] });
      const fixes = typeChangeFixes(catalog, t, changes);
      for (const c of cols) {
        const { n, fixedCode } = lengthOf(c.typeModifier ?? 1);
        const check = checks.get(c.name) as string;
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: shorter values are padded with spaces to ${n} character${n === 1 ? '' : 's'}, so clients read ` +
            `them back with trailing blanks and LIKE/regex matches differ from \`=\`. Use \`text\` with a CHECK ` +
            `(${fixedCode ? `exactly ${n} character${n === 1 ? '' : 's'}, for a fixed-length code` : `at most ${n} characters`}).`,
          details: { column: c.name, type: c.type, length: n, suggestedType: c.isArray ? 'text[]' : 'text' },
          fix: c.isArray
            ? { sql: fix.sql, notes: rewriteNotes(catalog, t, fix) }
            : {
              sql: fix.sql,
              notes:
                `${rewriteNotes(catalog, t, fix)} The cast to text strips the trailing padding, which is what readers expected. ` +
                `Pre-check for the CHECK: SELECT count(*) FROM ${qualify(t.schema, t.name)} WHERE NOT (${check});`,
            },
        });
      }
    }
    return out;
  },
});
