/** English helpers for turning table names into headings ("order_item" → "Order Items"). */

const IRREGULAR_PLURALS: Record<string, string> = { person: 'people', child: 'children', man: 'men', woman: 'women', mouse: 'mice' };
const IRREGULAR_SINGULARS: Record<string, string> = Object.fromEntries(Object.entries(IRREGULAR_PLURALS).map(([s, p]) => [p, s]));

/** Words that read wrong with an added "s" ("Datas", "Search Histories"). */
const UNCOUNTABLE = new Set([
  'data', 'metadata', 'media', 'info', 'information', 'news', 'series', 'species', 'equipment', 'feedback', 'analytics',
  'history', 'inventory', 'staff', 'auth', 'audit', 'billing', 'software', 'money', 'content', 'access', 'progress',
]);

export function singular(word: string): string {
  const w = word.toLowerCase();
  if (IRREGULAR_SINGULARS[w]) return IRREGULAR_SINGULARS[w] as string;
  if (UNCOUNTABLE.has(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|us)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !/(ss|us|is)$/.test(w) && w.length > 2) return w.slice(0, -1);
  return w;
}

export function plural(word: string): string {
  const w = singular(word);
  if (IRREGULAR_PLURALS[w]) return IRREGULAR_PLURALS[w] as string;
  if (UNCOUNTABLE.has(w)) return w;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(w)) return `${w}es`;
  return `${w}s`;
}

/** "order_item" → "Order Items": the last word pluralised, every word capitalised. */
export function domainTitle(tableName: string): string {
  // Prisma models keep their PascalCase name as the table name: CustomField → Custom Fields.
  const words = tableName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').split(/[_\s-]+/).filter((w) => w.length > 0);
  if (words.length === 0) return tableName;
  words[words.length - 1] = plural(words[words.length - 1] as string);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** "1 table", "3 tables". */
export function count(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}
