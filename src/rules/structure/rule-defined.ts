import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';

export default defineRule({
  meta: {
    id: 'rule-defined',
    category: 'structure',
    severity: 'medium',
    title: 'Table has rewrite rules (CREATE RULE)',
    rationale:
      'A rule rewrites every matching query before it runs: an INSTEAD rule turns an INSERT into something else, so RETURNING, '
      + 'row counts and ON CONFLICT stop meaning what the caller expects; COPY ignores rules entirely, and volatile expressions can run '
      + 'more than once. The PostgreSQL manual itself recommends triggers; views take INSTEAD OF triggers for the same job.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      if (t.rules.length === 0) continue;
      const rel = qualify(t.schema, t.name);
      const names = backticked(t.rules);
      out.push({
        objects: [tableRef(t)],
        message: `\`${label(t)}\` has ${t.rules.length === 1 ? 'the rewrite rule' : `${t.rules.length} rewrite rules:`} ${listOf(names)}. `
          + 'Rules rewrite each query before it runs, so what the application sends is not what executes: RETURNING and row counts reflect '
          + 'the rewritten statement, COPY bypasses the rule, and an unconditional DO INSTEAD NOTHING makes writes vanish without an error. '
          + 'Re-implement the behaviour as a trigger (a BEFORE trigger that raises, to forbid writes; an AFTER trigger to copy rows) and drop the rule.',
        details: { rules: t.rules },
        fix: {
          sql: [
            '-- See what each rule does first: SELECT rulename, definition FROM pg_rules WHERE schemaname = ' + `'${t.schema.replace(/'/g, "''")}' AND tablename = '${t.name.replace(/'/g, "''")}';`,
            '-- Create the trigger that replaces it, then drop the rule in the same transaction:',
            ...t.rules.map((r) => `-- DROP RULE ${quoteIdent(r)} ON ${rel};`),
          ].join('\n'),
          notes: 'Commented out on purpose: dropping a rule before its trigger exists changes behaviour at once. '
            + 'CREATE TRIGGER and DROP RULE each take a brief lock on the table; run them together in one transaction with a lock_timeout.',
        },
      });
    }
    return out;
  },
});
