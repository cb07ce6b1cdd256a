import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

export default defineRule({
  meta: {
    id: 'money-type',
    category: 'types',
    severity: 'medium',
    title: 'money type',
    rationale:
      'The `money` type formats and parses values with the lc_monetary setting of the session: the same dump restored on a ' +
      'server with another locale reads `$1,000.00` as a different amount or fails, it holds exactly one currency with a ' +
      'fixed number of decimals, and division and rounding behave unlike numeric. Store amounts as `numeric(p,s)` or integer ' +
      'minor units, with the currency in its own column.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const cols = t.columns.filter((c) => baseTypeName(c) === 'money' && c.generated === null);
      const targetOf = (isArray: boolean) => (isArray ? 'numeric(12,2)[]' : 'numeric(12,2)');
      const fixes = typeChangeFixes(catalog, t, cols.map((c) => ({
        column: c.name, type: targetOf(c.isArray), using: `${quoteIdent(c.name)}::numeric${c.isArray ? '[]' : ''}`,
      })));
      for (const c of cols) {
        const target = targetOf(c.isArray);
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`money\`: its text form depends on the server's lc_monetary (a dump restored under another ` +
            `locale misreads or rejects the amounts), it carries no currency and a fixed scale. Change it to \`numeric(12,2)\` ` +
            `(or integer cents) and keep the currency in a column of its own.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} money casts to numeric exactly (no locale involved); numeric(12,2) holds up to 9,999,999,999.99 — ` +
              `widen the precision if balances can be larger.`,
          },
        });
      }
    }
    return out;
  },
});
