import { columnRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, noRewriteNotes, reviewedTables, typeChangeFixes, type TypeChangeFix } from './shared.js';

export default defineRule({
  meta: {
    id: 'timestamp-zero-precision',
    category: 'types',
    severity: 'low',
    title: 'timestamp(0) rounds to the nearest second',
    rationale:
      '`timestamp(0)` and `timestamptz(0)` round fractional seconds half-up instead of truncating: a row written at ' +
      '12:00:00.6 is stamped 12:00:01, up to half a second in the future, so `created_at <= now()` checks fail and rows ' +
      'created in the same second tie, making ORDER BY created_at non-deterministic. Keep the default microsecond precision ' +
      'and truncate in queries when whole seconds are wanted.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const cols = t.columns.filter((c) => {
        const base = baseTypeName(c);
        return (base === 'timestamp' || base === 'timestamptz') && c.typeModifier === 0 && c.domainBaseType === null;
      });
      const targetOf = (c: (typeof cols)[number]) => `${baseTypeName(c)}${c.isArray ? '[]' : ''}`;
      const fixes = typeChangeFixes(catalog, t, cols.map((c) => ({ column: c.name, type: targetOf(c) })));
      for (const c of cols) {
        const base = baseTypeName(c);
        const target = targetOf(c);
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: fractional seconds are rounded half-up, so a value can be stamped up to ` +
            `0.5 s in the future and rows written in the same second tie in ORDER BY ${c.name}. Drop the precision ` +
            `(\`${target}\`) and use date_trunc('second', …) where whole seconds are wanted.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: fix.sql,
            notes:
              `Raising a timestamp's precision needs no table rewrite (PostgreSQL relabels it). ` +
              `${noRewriteNotes(catalog, t, fix).replace(/^Binary-compatible change: no table rewrite, but /, '')}` +
              (base === 'timestamp' ? ` The timestamp-without-time-zone fix converts this column to timestamptz and drops the precision in the same step; apply one or the other.` : ''),
          },
        });
      }
    }
    return out;
  },
});
