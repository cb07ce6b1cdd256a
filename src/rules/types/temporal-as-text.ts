import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import {
  DURATION_PREFIXES, TEMPORAL_NAMES, TEMPORAL_ON_EXCEPTIONS, TEMPORAL_SUFFIXES, nameWords,
} from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { castPrecheck, isTextual, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

type Target = 'timestamptz' | 'date' | 'time' | 'interval';

/** The temporal type a name implies and the evidence for it, or null when the name is not temporal. */
export function temporalTarget(name: string): { type: Target; evidence: string } | null {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined || TEMPORAL_ON_EXCEPTIONS.includes(words.join('_'))) return null;
  // `date_of_birth`, `date_of_issue`, `time_of_arrival`: the temporal word leads.
  const of = words.indexOf('of');
  if (of === 1 && (words[0] === 'date' || words[0] === 'time') && words.length === 3) {
    return { type: words[0] === 'date' ? 'date' : 'timestamptz', evidence: `"${words.join('_')}" names a ${words[0] === 'date' ? 'date' : 'point in time'}` };
  }
  const named = TEMPORAL_NAMES[last];
  const suffix = TEMPORAL_SUFFIXES[last];
  if (named !== undefined && (words.length === 1 || suffix === undefined)) {
    return { type: named, evidence: `"${last}" names a point in time` };
  }
  if (words.length === 1 && last === 'time') return { type: 'time', evidence: '"time" names a time of day' };
  if (suffix === undefined || words.length < 2) return null;
  const prev = words[words.length - 2] as string;
  if (last === 'on' && !/ed$/.test(prev)) return null;
  if (last === 'time' && DURATION_PREFIXES.includes(prev)) {
    return { type: 'interval', evidence: `"${prev}_time" names a duration` };
  }
  return { type: suffix, evidence: `the suffix "_${last}" (temporal names: *_at, *_on, *_date, *_time, *_timestamp, created, updated, birthday, dob, …)` };
}

export default defineRule({
  meta: {
    id: 'temporal-as-text',
    category: 'types',
    severity: 'medium',
    title: 'Date or time stored as text',
    rationale:
      'A date kept in a text column accepts "tomorrow", "31/02/2024" and three formats at once; it sorts as a string ' +
      '("10/01" before "9/30"), cannot use date arithmetic or ranges without a cast that fails on the first bad row, and ' +
      'indexes cannot serve range queries. `timestamptz`, `date`, `time` and `interval` validate and compare correctly.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const flagged = t.columns.flatMap((c) => {
        const target = isTextual(c) && c.generated === null ? temporalTarget(c.name) : null;
        return target === null ? [] : [{ c, target }];
      });
      const fixes = typeChangeFixes(catalog, t, flagged.map(({ c, target }) => ({
        column: c.name,
        type: target.type,
        using: `nullif(btrim(${quoteIdent(c.name)}::text), '')::${target.type}`,
        ...(target.type === 'timestamptz' ? { before: ["SET timezone = 'UTC';  -- values without an offset are read as UTC"] } : {}),
      })));
      for (const { c, target } of flagged) {
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\` but its name says it holds a ${target.type === 'interval' ? 'duration' : 'date or time'}: ` +
            `${target.evidence}. As text it accepts any string, sorts as a string and needs a cast (which fails on the first bad ` +
            `value) for every comparison. Store it as \`${target.type}\`${target.type === 'time' ? ' (or timestamptz if it holds a date too)' : ''}.`,
          details: { column: c.name, type: c.type, suggestedType: target.type, evidence: target.evidence },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} Parsing follows the session DateStyle (01/02/2024 is January 2 under MDY); empty strings become NULL. ` +
              `Pre-check for values that will not cast: ${castPrecheck(catalog.engine.serverVersionNum, t, c.name, target.type)}`,
          },
        });
      }
    }
    return out;
  },
});
