import type { Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { lexiconSample, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { judgedTables, label } from '../naming/shared.js';
import { DOCUMENT_TABLE_WORDS, GENERIC_JSON_NAMES, WEAK_JSON_NAMES, realColumns } from './shared.js';

/** A table whose own facts fit in this many plain columns or fewer keeps the entity in the bag. */
const FEW_REAL_COLUMNS = 2;

const JSON_TYPES = new Set(['json', 'jsonb', 'hstore']);

function isJson(c: Column): boolean {
  return !c.isArray && JSON_TYPES.has(c.domainBaseType ?? c.typeName);
}

/** The whole name, as words: `extraData` and `extra_data` are both `extra_data`. */
function normalized(name: string): string {
  return nameWords(name).join('_');
}

/** A CHECK that mentions the column (jsonb_matches_schema, `? 'key'`, jsonb_typeof) governs the bag's shape. */
function hasShapeCheck(t: Table, c: Column): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_])"?${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?([^A-Za-z0-9_]|$)`);
  return t.constraints.some((k) => k.type === 'check' && (k.columns.includes(c.name) || re.test(k.definition)));
}

function keysQuery(t: Table, c: Column): string {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(c.name);
  const base = c.domainBaseType ?? c.typeName;
  if (base === 'hstore') return `SELECT k, count(*) FROM ${rel}, skeys(${col}) AS k GROUP BY k ORDER BY 2 DESC;`;
  const fn = base === 'json' ? 'json' : 'jsonb';
  return `SELECT k, count(*) FROM ${rel}, ${fn}_object_keys(${col}) AS k WHERE ${fn}_typeof(${col}) = 'object' GROUP BY k ORDER BY 2 DESC;`;
}

export default defineRule({
  meta: {
    id: 'catch-all-jsonb',
    category: 'structure',
    severity: 'low',
    title: 'Generic JSON column where columns belong',
    rationale:
      'A column called `data` or `attributes` of type jsonb holds whatever each writer put there: no types, no NOT NULL, no foreign keys, '
      + 'no CHECKs, and statistics the planner cannot use. Keys that every row has are columns in disguise. JSON is right for genuinely '
      + 'open-ended data (event payloads, user-defined fields); the name should say which.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      const tableWords = matchLexicon(t.name, DOCUMENT_TABLE_WORDS);
      if (tableWords.length > 0) continue;
      const real = realColumns(t);
      const carriesEntity = real.length <= FEW_REAL_COLUMNS;
      for (const c of t.columns) {
        if (!isJson(c) || c.generated !== null) continue;
        const name = normalized(c.name);
        const strong = GENERIC_JSON_NAMES.includes(name);
        const weak = WEAK_JSON_NAMES.includes(name);
        if (!strong && !(weak && carriesEntity)) continue;
        if (hasShapeCheck(t, c)) continue;
        const realNames = real.map((r) => `\`${r.name}\``);
        out.push({
          objects: [columnRef(t, c.name)],
          severity: carriesEntity ? 'low' : 'info',
          message: `\`${label(t)}.${c.name}\` is a ${c.type} column with a name that says nothing about its contents `
            + `(generic names: ${lexiconSample(strong ? GENERIC_JSON_NAMES : WEAK_JSON_NAMES)}), and no CHECK governs its shape. `
            + (carriesEntity
              ? `\`${label(t)}\` has ${real.length === 0 ? 'no plain columns of its own' : `only ${realNames.join(' and ')} besides keys and timestamps`}, so the entity itself lives in the JSON: `
              : `\`${label(t)}\` has ${real.length} plain columns, so this is probably a side bag; still, `)
            + 'keys that every row carries are columns in disguise, with no type, NOT NULL, foreign key or index of their own. '
            + 'List the keys in use and promote the stable ones to typed columns; keep JSON for what is truly open-ended, under a name that says what it is.',
          details: { column: c.name, type: c.type, realColumns: real.map((r) => r.name), carriesEntity },
          fix: {
            sql: [
              `-- 1. Which keys are in use, and how often: ${keysQuery(t, c)}`,
              '-- 2. Promote each key present in (nearly) every row to a typed column, for example:',
              `-- ALTER TABLE ${qualify(t.schema, t.name)} ADD COLUMN <key> <type>;`,
              `-- UPDATE ${qualify(t.schema, t.name)} SET <key> = (${quoteIdent(c.name)}->>'<key>')::<type> WHERE <key> IS NULL;  -- in batches on a large table`,
            ].join('\n'),
            notes: 'A design change: the SQL is an outline. ADD COLUMN without a default is instant; backfill in batches of a few thousand rows to keep '
              + 'row locks short, then add NOT NULL through a CHECK (… IS NOT NULL) NOT VALID, VALIDATE, and SET NOT NULL.',
          },
        });
      }
    }
    return out;
  },
});
