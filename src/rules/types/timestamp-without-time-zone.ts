import type { Column } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, recreatedNote, reviewedTables, typeChangeFixes, type TypeChange, type TypeChangeFix } from './shared.js';

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
      // Precision 0 rounds into the future (timestamp-zero-precision), so the conversion drops it rather than carrying it over.
      const targetOf = (c: Column) => `timestamptz${c.typeModifier !== null && c.typeModifier > 0 ? `(${c.typeModifier})` : ''}${c.isArray ? '[]' : ''}`;
      const changes = cols.map((c): TypeChange => {
        const col = quoteIdent(c.name);
        if (c.domainBaseType !== null) return { column: c.name, type: targetOf(c), using: `${col}::timestamp AT TIME ZONE 'UTC'` };
        // USING may not contain a subquery, so arrays go through the cast, which reads the session TimeZone.
        if (c.isArray) return { column: c.name, type: targetOf(c), before: [`SET timezone = 'UTC';`] };
        return { column: c.name, type: targetOf(c), using: `${col} AT TIME ZONE 'UTC'` };
      });
      const fixes = typeChangeFixes(catalog, t, changes);
      for (const c of cols) {
        const target = targetOf(c);
        const fix = fixes.get(c.name) as TypeChangeFix;
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
        if (others.length > 0 && fix.columns.length === 1) notes.push(`${t.name} also has ${others.join(', ')} as timestamp: change them in the same ALTER TABLE so the table is rewritten once.`);
        if (fix.views.length > 0 || fix.policies.length > 0) notes.push(recreatedNote(fix));
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`${domain}: it stores a wall-clock time with no zone, so the same instant written from ` +
            `sessions in different time zones stores different values and DST changes shift comparisons by an hour. ` +
            `Change it to \`timestamptz\`, converting existing values from the zone they were written in (UTC assumed).`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: { sql: fix.sql, notes: notes.join(' ') },
        });
      }
    }
    return out;
  },
});
