import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { alterColumnType, baseTypeName, dependentViews, reviewedTables } from './shared.js';

export default defineRule({
  meta: {
    id: 'timestamp-without-time-zone',
    category: 'types',
    severity: 'medium',
    title: 'timestamp without time zone instead of timestamptz',
    rationale:
      '`timestamp` stores a wall-clock reading with no zone: the same instant written by servers or sessions in different ' +
      'time zones stores different values, comparisons across DST changes are off by an hour, and `now()` is silently ' +
      'converted to the session zone. `timestamptz` stores an absolute instant (UTC) and converts on output.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const cols = t.columns.filter((c) => baseTypeName(c) === 'timestamp' && c.generated === null);
      for (const c of cols) {
        // Precision 0 rounds into the future (timestamp-zero-precision), so the conversion drops it rather than carrying it over.
        const target = `timestamptz${c.typeModifier !== null && c.typeModifier > 0 ? `(${c.typeModifier})` : ''}${c.isArray ? '[]' : ''}`;
        const domain = c.domainBaseType !== null ? ` (a domain over timestamp without time zone)` : '';
        const rel = qualify(t.schema, t.name);
        const col = quoteIdent(c.name);
        const others = cols.filter((o) => o !== c).map((o) => o.name);
        const notes = [
          `Assumes the stored values are UTC; if they were written in another zone, use that zone in AT TIME ZONE (e.g. 'Europe/Berlin').`,
          `This form rewrites ${rel} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait).`,
          `Since PostgreSQL 12 the rewrite is skipped only when the session TimeZone is UTC and there is no USING clause: ` +
            `\`SET timezone = 'UTC'; ALTER TABLE ${rel} ALTER COLUMN ${col} TYPE ${target};\` reads existing values as UTC (the same result) ` +
            `and only rebuilds the indexes on ${c.name}, still under ACCESS EXCLUSIVE. Set a lock_timeout either way.`,
        ];
        if (others.length > 0) notes.push(`${t.name} also has ${others.join(', ')} as timestamp: change them in the same ALTER TABLE so the table is rewritten once.`);
        const views = dependentViews(catalog, t);
        if (views.length > 0) notes.push(`The views ${views.join(', ')} read ${t.name}; if they use ${c.name}, drop them before the change and recreate them after.`);
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`${domain}: it stores a wall-clock time with no zone, so the same instant written from ` +
            `sessions in different time zones stores different values and DST changes shift comparisons by an hour. ` +
            `Change it to \`timestamptz\`, converting existing values from the zone they were written in (UTC assumed).`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: c.domainBaseType !== null
              ? alterColumnType(t, c.name, target, `${col}::timestamp AT TIME ZONE 'UTC'`)
              : c.isArray
                // USING may not contain a subquery, so arrays go through the cast, which reads the session TimeZone.
                ? `SET timezone = 'UTC';\n${alterColumnType(t, c.name, target)}`
                : alterColumnType(t, c.name, target, `${col} AT TIME ZONE 'UTC'`),
            notes: notes.join(' '),
          },
        });
      }
    }
    return out;
  },
});
