import type { Table } from '../../catalog/model.js';
import { tableRef } from '../../catalog/helpers.js';
import { pluralityOf } from '../../catalog/conventions.js';
import { nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  backticked, judgedTables, label, listOf, pluralWord, relationNamesIn, renameNotes, renameTableSql, replaceLastWord, singularWord,
} from './shared.js';
import type { NameSet } from './shared.js';

type Plurality = 'plural' | 'singular';

/** In auto mode the majority must be this clear, over at least MIN_JUDGED tables, before the rest are called off. */
const CLEAR_SHARE = 0.7;
const MIN_JUDGED = 4;

/** Words ending in s that are singular, which a last-letter test gets wrong. */
const SINGULAR_S = new Set(['alias', 'atlas', 'bias', 'canvas', 'gas', 'lens', 'chaos', 'ethos', 'cosmos', 'sms', 'dns', 'os', 'cors', 'kudos', 'plus']);
/** Plurals without an s. */
const PLURAL_NO_S = new Set(['people', 'children', 'men', 'women', 'criteria', 'phenomena', 'alumni', 'feet', 'teeth', 'mice', 'geese']);
/** Mass nouns and singletons (`config`, `app_settings`) that say nothing about the team's habit. */
const NO_NUMBER = new Set([
  'software', 'hardware', 'music', 'money', 'furniture', 'traffic', 'weather', 'knowledge', 'evidence', 'advice', 'research', 'storage',
  'usage', 'config', 'configuration', 'seo', 'health', 'mail', 'ingest', 'ingestion',
  // Activities rather than things: `ingest_staging`, `order_tracking`, `billing`.
  'staging', 'billing', 'tracking', 'pricing', 'shipping', 'onboarding', 'messaging', 'logging', 'caching', 'routing', 'processing',
  'accounting', 'marketing', 'scheduling',
]);
/** Trailing qualifiers that are not the noun: `orders_2024`, `users_archive`, `payments_v2`, `events_old`. */
const QUALIFIERS = new Set(['archive', 'archived', 'backup', 'bak', 'old', 'new', 'tmp', 'temp', 'copy', 'legacy']);

/** The word that carries the number: the last one, skipping `_2024`, `_v2`, `_archive`. */
function nounWord(name: string): { word: string; index: number; words: string[] } | null {
  const words = nameWords(name);
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i] as string;
    if (/^\d+$/.test(w) || /^v\d+$/.test(w) || (QUALIFIERS.has(w) && i > 0)) continue;
    return { word: w, index: i, words };
  }
  return null;
}

/** Plurality of a table name, or null when the name cannot tell (`feedback`, `status`, `config`). */
export function tablePlurality(name: string): Plurality | null {
  const noun = nounWord(name);
  if (!noun) return null;
  if (NO_NUMBER.has(noun.word)) return null;
  if (SINGULAR_S.has(noun.word)) return 'singular';
  if (PLURAL_NO_S.has(noun.word)) return 'plural';
  // The shared judge sees the noun alone, so `orders_2024` is judged as `orders`.
  return pluralityOf(noun.word);
}

/** The table's name with its noun turned into `to`: `order_item` → `order_items`, `Users` → `User`. */
function renamed(name: string, to: Plurality): string | null {
  const noun = nounWord(name);
  if (!noun) return null;
  if (noun.index !== noun.words.length - 1) return null;
  return replaceLastWord(name, (w) => (to === 'plural' ? pluralWord(w) : singularWord(w)));
}

export default defineRule({
  meta: {
    id: 'mixed-table-plurality',
    category: 'naming',
    severity: 'low',
    title: 'Table name breaks the schema\'s plural/singular habit',
    rationale:
      'When most tables are `users`, `orders`, `payments` and one is `invoice`, every query and join is a guess about which form a '
      + 'table uses, and ORMs that derive names (`User` → `users`) miss the odd one. Either habit works; mixing them does not.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const judged = judgedTables(catalog)
      .map((t) => ({ t, p: tablePlurality(t.name) }))
      .filter((x): x is { t: Table; p: Plurality } => x.p !== null);
    const counts = { plural: 0, singular: 0 };
    for (const x of judged) counts[x.p]++;
    const stance = review.stances.tablePlurality;
    let target: Plurality;
    let evidence: string;
    if (stance !== 'auto') {
      target = stance;
      evidence = `the team's stance (stances.tablePlurality) is ${stance}; ${counts[stance]} of ${judged.length} table names whose number can be told follow it`;
    } else {
      target = counts.singular > counts.plural ? 'singular' : 'plural';
      if (judged.length < MIN_JUDGED || counts[target] / judged.length < CLEAR_SHARE) return [];
      const examples = judged.filter((x) => x.p === target).slice(0, 3).map((x) => `\`${x.t.name}\``);
      evidence = `${counts[target]} of ${judged.length} table names whose number can be told are ${target} (${examples.join(', ')}${counts[target] > 3 ? ', …' : ''})`;
    }
    const out: FindingDraft[] = [];
    const taken = new Map<string, NameSet>();
    const minority = judged.filter((x) => x.p !== target).map((x) => x.t.name);
    for (const { t, p } of judged) {
      if (p === target) continue;
      let names = taken.get(t.schema);
      if (!names) taken.set(t.schema, (names = relationNamesIn(catalog, t.schema)));
      const to = renamed(t.name, target);
      const clash = to !== null && names.has(to);
      if (to !== null && !clash) names.add(to);
      out.push({
        objects: [tableRef(t)],
        message: `Table \`${label(t)}\` is ${p}; ${evidence}. `
          + (minority.length > 1 ? `The ${p} ones are ${listOf(backticked(minority))}. ` : '')
          + (to === null
            ? `Rename it to the ${target} form when the clients can move with it.`
            : clash
              ? `The ${target} form \`${to}\` is already taken in schema \`${t.schema}\`: two tables that differ by one letter are worth a look on their own.`
              : `Rename it to \`${to}\` when the clients can move with it.`),
        details: { table: t.name, plurality: p, expected: target, suggestedName: clash ? null : to, counts },
        fix: to !== null && !clash
          ? { sql: renameTableSql(t, to), notes: renameNotes(review, { tables: true, columns: false }) }
          : null,
      });
    }
    return out;
  },
});
