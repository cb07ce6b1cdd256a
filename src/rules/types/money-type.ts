import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { alterColumnType, baseTypeName, reviewedTables, rewriteNotes } from './shared.js';

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
      for (const c of t.columns) {
        if (baseTypeName(c) !== 'money' || c.generated !== null) continue;
        const target = c.isArray ? 'numeric(12,2)[]' : 'numeric(12,2)';
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`money\`: its text form depends on the server's lc_monetary (a dump restored under another ` +
            `locale misreads or rejects the amounts), it carries no currency and a fixed scale. Change it to \`numeric(12,2)\` ` +
            `(or integer cents) and keep the currency in a column of its own.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: alterColumnType(t, c.name, target, `${quoteIdent(c.name)}::numeric${c.isArray ? '[]' : ''}`),
            notes:
              `${rewriteNotes(catalog, t)} money casts to numeric exactly (no locale involved); numeric(12,2) holds up to 9,999,999,999.99 — ` +
              `widen the precision if balances can be larger.`,
          },
        });
      }
    }
    return out;
  },
});
