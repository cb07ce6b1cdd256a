import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { lexiconSample, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { backticked, judgedTables, label, listOf } from '../naming/shared.js';
import { columnName, entityWords, NEW_TABLE_NOTES, newTableName, ownerKey } from './shared.js';

/**
 * Things that come in a fixed number by nature, or whose digits are part of a name: postal address
 * lines, versions, coordinates, hashes (`sha1`/`sha256`), percentiles (`p50`), protocol versions.
 */
const BOUNDED_STEM_WORDS = new Set([
  'address', 'addr', 'street', 'v', 'version', 'ver', 'rev', 'revision', 'sha', 'md', 'ipv', 'base', 'utf', 'lat', 'lng',
  'lon', 'coord', 'coords', 'point', 'oauth', 'http', 'h', 'mp', 'x', 'y', 'z',
]);

/** Words that make a table an address: its `line1`, `line2` are postal lines, not a list. */
const POSTAL_WORDS = new Set(['address', 'addresses', 'city', 'zip', 'zipcode', 'postcode', 'postal', 'country', 'shipping', 'billing', 'location', 'locations']);

function isPostal(t: Table): boolean {
  return nameWords(t.name).some((w) => POSTAL_WORDS.has(w)) || t.columns.some((c) => nameWords(c.name).some((w) => POSTAL_WORDS.has(w)));
}

/** Stems whose members have no natural maximum: two of them already mean "a list". */
export const UNBOUNDED_STEM_WORDS: readonly string[] = [
  'tag', 'image', 'photo', 'picture', 'pic', 'img', 'phone', 'email', 'mobile', 'url', 'link', 'website', 'keyword', 'category',
  'skill', 'attachment', 'file', 'document', 'label', 'interest', 'hobby', 'language', 'genre', 'alias', 'contact', 'reference',
  'nickname', 'child', 'video',
];

const MAX_NUMBER = 50;

interface Member {
  column: Column;
  /** null for the unnumbered first member (`phone` beside `phone2`, `phone3`). */
  n: number | null;
}

interface Family {
  prefix: string;
  /** What follows the number (`_url` in `image1_url`), '' when the number ends the name. */
  suffix: string;
  members: Member[];
}

/** `image1_url` → { prefix: image, n: 1, suffix: _url }; null when the name has no number. */
function numbered(name: string): { prefix: string; n: number; suffix: string } | null {
  const m = /^(.*?)(\d+)(\D*)$/.exec(name);
  if (!m) return null;
  const prefix = (m[1] as string).replace(/_$/, '');
  if (!/[A-Za-z]/.test(prefix)) return null;
  return { prefix, n: Number(m[2]), suffix: m[3] as string };
}

function families(t: Table): Family[] {
  const byKey = new Map<string, Family>();
  for (const c of t.columns) {
    const p = numbered(c.name);
    if (!p || p.n > MAX_NUMBER) continue;
    const key = `${p.prefix}\u0000${p.suffix.replace(/^_/, '')}`;
    let f = byKey.get(key);
    if (!f) byKey.set(key, (f = { prefix: p.prefix, suffix: p.suffix, members: [] }));
    f.members.push({ column: c, n: p.n });
  }
  const out: Family[] = [];
  for (const f of byKey.values()) {
    const base = t.columns.find((c) => c.name === `${f.prefix}${f.suffix}`);
    if (base && numbered(base.name) === null) f.members.unshift({ column: base, n: null });
    out.push(f);
  }
  return out;
}

/** Numbers that count members: consecutive, from 0–2 (2 only after an unnumbered first). */
function counts(f: Family): boolean {
  const nums = f.members.flatMap((m) => (m.n === null ? [] : [m.n])).sort((a, b) => a - b);
  if (nums.length === 0) return false;
  const hasBase = f.members.some((m) => m.n === null);
  const first = nums[0] as number;
  if (first > (hasBase ? 2 : 1)) return false;
  return nums.every((n, i) => i === 0 || n === (nums[i - 1] as number) + 1);
}

function stemWords(f: Family): string[] {
  return nameWords(f.prefix);
}

interface Group {
  prefix: string;
  families: Family[];
  /** Positions in order: the unnumbered first member, then 1, 2, 3 … */
  positions: Array<number | null>;
}

/** Families that share a prefix and the same numbers are one repeating group of several fields: image1_url + image1_alt. */
function groups(t: Table): Group[] {
  const bySig = new Map<string, Group>();
  let postal: boolean | null = null;
  for (const f of families(t)) {
    if (!counts(f)) continue;
    const words = stemWords(f);
    if (words.length === 0 || words.some((w) => BOUNDED_STEM_WORDS.has(w)) || (words.length === 1 && (words[0] as string).length === 1)) continue;
    if (words.includes('line') && (postal ??= isPostal(t))) continue;
    const positions = f.members.map((m) => m.n).sort((a, b) => (a ?? -1) - (b ?? -1));
    const key = `${f.prefix}\u0000${positions.join(',')}`;
    const g = bySig.get(key);
    if (g) g.families.push(f);
    else bySig.set(key, { prefix: f.prefix, families: [f], positions });
  }
  return [...bySig.values()].filter((g) => {
    const size = g.positions.length;
    const unbounded = nameWords(g.prefix).some((w) => UNBOUNDED_STEM_WORDS.includes(w) || UNBOUNDED_STEM_WORDS.includes(w.replace(/s$/, '')));
    return size >= 3 || (size === 2 && unbounded);
  });
}

function childTableSql(catalog: Catalog, t: Table, g: Group): { sql: string; child: string } | null {
  const owner = ownerKey(t);
  if (!owner) return null;
  const stem = nameWords(g.prefix);
  const child = newTableName(catalog, t.schema, [...entityWords(t.name), ...stem.slice(0, -1), ...entityWords(stem[stem.length - 1] as string)]);
  const ownerCol = columnName(catalog, [...entityWords(t.name), 'id']);
  const fields = g.families.map((f) => ({
    name: f.suffix.replace(/^_/, '') === '' ? columnName(catalog, stem) : columnName(catalog, nameWords(f.suffix)),
    family: f,
  }));
  const position = fields.some((f) => f.name === 'position') ? columnName(catalog, ['slot']) : 'position';
  const single = fields.length === 1;
  const lines = [
    // A permanent table may not reference an UNLOGGED one, so the child of an unlogged owner is unlogged too.
    `CREATE ${t.persistence === 'unlogged' ? 'UNLOGGED ' : ''}TABLE ${qualify(t.schema, child)} (`,
    `  ${quoteIdent(ownerCol)} ${owner.column.type} NOT NULL REFERENCES ${owner.ref} ON DELETE CASCADE,`,
    `  ${quoteIdent(position)} smallint NOT NULL,`,
    ...fields.map((f) => `  ${quoteIdent(f.name)} ${(f.family.members[0] as Member).column.type}${single ? ' NOT NULL' : ''},`),
    `  PRIMARY KEY (${quoteIdent(ownerCol)}, ${quoteIdent(position)})`,
    ');',
  ];
  const member = (f: Family, n: number | null) => f.members.find((m) => m.n === n)?.column.name;
  const values = g.positions.map((n, i) => `(${i + 1}, ${fields.map((f) => {
    const c = member(f.family, n);
    return c ? `o.${quoteIdent(c)}` : 'NULL';
  }).join(', ')})`);
  const cols = fields.map((f) => quoteIdent(f.name));
  lines.push(
    `INSERT INTO ${qualify(t.schema, child)} (${quoteIdent(ownerCol)}, ${quoteIdent(position)}, ${cols.join(', ')})`,
    `SELECT o.${quoteIdent(owner.column.name)}, v.${quoteIdent(position)}, ${cols.map((c) => `v.${c}`).join(', ')}`,
    `FROM ${qualify(t.schema, t.name)} AS o CROSS JOIN LATERAL (VALUES ${values.join(', ')}) AS v(${quoteIdent(position)}, ${cols.join(', ')})`,
    `WHERE ${cols.map((c) => `v.${c} IS NOT NULL`).join(' OR ')};`,
    `-- Once every reader and writer uses ${child}:`,
    `-- ALTER TABLE ${qualify(t.schema, t.name)} ${g.families.flatMap((f) => f.members.map((m) => `DROP COLUMN ${quoteIdent(m.column.name)}`)).join(', ')};`,
  );
  return { sql: lines.join('\n'), child };
}

export default defineRule({
  meta: {
    id: 'repeating-column-group',
    category: 'structure',
    severity: 'low',
    title: 'Numbered columns form a repeating group',
    rationale:
      '`phone1`, `phone2`, `phone3` cap the list at three, leave most slots NULL, and make every question ("who has this number?", '
      + '"how many tags?") an OR across columns that no single index serves. Adding a fourth means a migration. A child table with '
      + 'one row per item has no limit, indexes cleanly and can enforce uniqueness.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      for (const g of groups(t)) {
        const columns = g.families.flatMap((f) => f.members.map((m) => m.column.name));
        const size = g.positions.length;
        const ddl = childTableSql(catalog, t, g);
        const unboundedRule = size < 3;
        out.push({
          objects: columns.map((c) => columnRef(t, c)),
          message: `\`${label(t)}\` numbers its columns ${listOf(backticked(columns))}: a repeating group capped at ${size}`
            + (unboundedRule ? ` (two are enough when the thing has no natural maximum; such names: ${lexiconSample(UNBOUNDED_STEM_WORDS)})` : '')
            + '. Searching means an OR across the columns, no index serves "any of them", and a further one needs a migration. '
            + (ddl ? `Move them to a child table \`${ddl.child}\` with one row per item.` : 'Move them to a child table with one row per item.'),
          details: { columns, size, group: g.prefix, fields: g.families.map((f) => f.suffix.replace(/^_/, '') || g.prefix) },
          fix: ddl
            ? {
              sql: ddl.sql,
              notes: `${NEW_TABLE_NOTES} This is the first of two steps: ${listOf(backticked(columns))} stay, and their drop is left in comments, `
                + `to run as a migration of its own once the application reads and writes only ${ddl.child}; until then the review keeps this finding.`
                + (t.persistence === 'unlogged' ? ` ${ddl.child} is UNLOGGED because ${label(t)} is (a permanent table may not reference an unlogged one): both are emptied after a crash.` : ''),
            }
            : { sql: `-- ${label(t)} has no single-column primary key: give it one, or key the child table by the columns that identify a row.`, notes: NEW_TABLE_NOTES },
        });
      }
    }
    return out;
  },
});
