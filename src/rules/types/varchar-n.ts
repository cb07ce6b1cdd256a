import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { addCheckSql, alterColumnType, baseTypeName, constraintName, noRewriteNotes, reviewedTables } from './shared.js';

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
      for (const c of t.columns) {
        if (baseTypeName(c) !== 'varchar' || c.typeModifier === null || c.domainBaseType !== null || c.isArray) continue;
        const n = c.typeModifier;
        const check = `char_length(${quoteIdent(c.name)}) <= ${n}`;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: the length limit is part of the type. Per this project's stance, use ` +
            `\`text\` with a named CHECK (char_length(${c.name}) <= ${n}), which can be changed later without a type change.`,
          details: { column: c.name, type: c.type, length: n, suggestedType: 'text' },
          fix: {
            sql: `${alterColumnType(t, c.name, 'text')}\n${addCheckSql(t, constraintName(t, c.name, 'length'), check)}`,
            notes: `${noRewriteNotes(catalog, t)} Existing values already satisfy the CHECK, so VALIDATE only scans.`,
          },
        });
      }
    }
    return out;
  },
});
