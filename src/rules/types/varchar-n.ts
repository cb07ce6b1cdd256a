import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { addCheckSql, baseTypeName, constraintName, noRewriteNotes, reviewedTables, typeChangeFixes, type TypeChangeFix } from './shared.js';

export default defineRule({
  meta: {
    id: 'varchar-n',
    category: 'types',
    severity: 'info',
    title: 'varchar(n) instead of text with a CHECK',
    rationale:
      'A stance, off by default. In PostgreSQL `varchar(n)` and `text` are stored identically; the limit is a constraint ' +
      'baked into the type. Raising it later is cheap, but lowering it or changing it to a rule (e.g. a trimmed, non-empty ' +
      'value) means a type change, and ORMs tend to pick arbitrary limits (255). `text` plus a named CHECK states the rule ' +
      'and can be changed with NOT VALID / VALIDATE without touching the type.',
    enabledByDefault: false,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const cols = t.columns.filter((c) => baseTypeName(c) === 'varchar' && c.typeModifier !== null && c.domainBaseType === null && !c.isArray);
      const checkOf = (c: (typeof cols)[number]) => `char_length(${quoteIdent(c.name)}) <= ${c.typeModifier ?? 0}`;
      const fixes = typeChangeFixes(catalog, t, cols.map((c) => ({
        column: c.name, type: 'text', after: [addCheckSql(t, constraintName(t, c.name, 'length'), checkOf(c))],
      })));
      for (const c of cols) {
        const n = c.typeModifier ?? 0;
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: the length limit is part of the type. Per this project's stance, use ` +
            `\`text\` with a named CHECK (char_length(${c.name}) <= ${n}), which can be changed later without a type change.`,
          details: { column: c.name, type: c.type, length: n, suggestedType: 'text' },
          fix: {
            sql: fix.sql,
            notes: `${noRewriteNotes(catalog, t, fix)} Existing values already satisfy the CHECK, so VALIDATE only scans.`,
          },
        });
      }
    }
    return out;
  },
});
