import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { baseTypeName, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

const ZONE_COLUMNS = ['time_zone', 'timezone', 'tz', 'tz_name', 'iana_time_zone'];

export default defineRule({
  meta: {
    id: 'timetz',
    category: 'types',
    severity: 'medium',
    title: 'time with time zone',
    rationale:
      '`time with time zone` stores a time of day with a fixed UTC offset, not a zone: `09:00+01` is wrong for half the year ' +
      'in a zone with daylight saving, and without a date the offset cannot be resolved. The PostgreSQL documentation ' +
      'itself discourages it. Store `time` plus an IANA zone name, or a full `timestamptz`.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const zoneColumn = t.columns.find((c) => ZONE_COLUMNS.includes(c.name.toLowerCase()));
      const cols = t.columns.filter((c) => baseTypeName(c) === 'timetz' && c.generated === null);
      const targetOf = (isArray: boolean) => (isArray ? 'time[]' : 'time');
      const addZone = `ALTER TABLE ${qualify(t.schema, t.name)} ADD COLUMN time_zone text;  -- IANA name, e.g. 'Europe/Paris'`;
      const fixes = typeChangeFixes(catalog, t, cols.map((c) => ({
        column: c.name,
        type: targetOf(c.isArray),
        using: `${quoteIdent(c.name)}::${targetOf(c.isArray)}`,
        ...(zoneColumn === undefined && !c.isArray ? { before: [addZone] } : {}),
      })));
      for (const c of cols) {
        const target = targetOf(c.isArray);
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\`: a time of day with a fixed UTC offset is wrong for half the year wherever ` +
            `daylight saving applies, and cannot be resolved without a date. Store \`time\` plus an IANA zone name ` +
            `(${zoneColumn ? `\`${zoneColumn.name}\` already exists` : 'a `time_zone` column'}), or a \`timestamptz\` if it is an instant.`,
          details: { column: c.name, type: c.type, suggestedType: target, zoneColumn: zoneColumn?.name ?? null },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} The cast keeps the local time and drops the offset; record each row's zone before ` +
              `dropping the offset if it is not already known.`,
          },
        });
      }
    }
    return out;
  },
});
