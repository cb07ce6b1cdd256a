import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, findTable, primaryKey, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { recreatedNote, reviewedTables, typeChangeSql } from './shared.js';

/** Names too generic to mean the same thing in every table. */
const GENERIC_NAMES = new Set(['id', 'value', 'data', 'key', 'type', 'kind']);

interface Occurrence { table: Table; column: Column; references: { schema: string; table: string } | null }

/** Wider/preferred types win a tie: the fix should never narrow a column. */
function preference(type: string): number {
  const order: Array<[RegExp, number]> = [
    [/^text/, 90], [/^character varying\(/, 60], [/^character varying/, 85], [/^bigint/, 80], [/^integer/, 60], [/^smallint/, 40],
    [/^timestamp(\(\d\))? with time zone/, 80], [/^timestamp/, 50], [/^jsonb/, 80], [/^json/, 50], [/^numeric/, 70],
    [/^double precision/, 40], [/^real/, 30], [/^uuid/, 75],
  ];
  for (const [re, score] of order) if (re.test(type)) {
    const len = /\((\d+)/.exec(type);
    return score + (len ? Math.min(Number(len[1]) / 10000, 0.9) : 0);
  }
  return 0;
}

/** The type of the primary key a `*_id` column refers to: by its FK, else by name (`user_id` → users.id). */
function referencedKeyType(catalog: Catalog, name: string, occurrences: Occurrence[]): { ref: string; type: string; viaForeignKey: boolean } | null {
  for (const o of occurrences) {
    if (!o.references) continue;
    const target = findTable(catalog, o.references.schema, o.references.table);
    const fkey = o.table.constraints.find((k) => k.type === 'foreign key' && k.columns.length === 1 && k.columns[0] === o.column.name);
    const refCol = fkey?.references?.columns[0];
    const col = target?.columns.find((c) => c.name === refCol);
    if (target && col) return { ref: `${qualify(target.schema, target.name)}.${col.name}`, type: col.type, viaForeignKey: true };
  }
  const m = /^(.+)_id$/.exec(name);
  if (!m) return null;
  const base = m[1] as string;
  const candidates = [base, `${base}s`, `${base}es`, base.endsWith('y') ? `${base.slice(0, -1)}ies` : null].filter((x): x is string => x !== null);
  for (const t of catalog.tables) {
    if (!candidates.includes(t.name)) continue;
    const pkey = primaryKey(t);
    if (!pkey || pkey.columns.length !== 1) continue;
    const col = t.columns.find((c) => c.name === pkey.columns[0]);
    if (col) return { ref: `${qualify(t.schema, t.name)}.${col.name}`, type: col.type, viaForeignKey: false };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'inconsistent-column-type',
    category: 'types',
    severity: 'low',
    title: 'Same column name, different types across tables',
    rationale:
      'A column name that means one thing should have one type everywhere. `user_id integer` in one table and `bigint` in ' +
      'another makes joins cast (and skip indexes), lets the narrower column overflow first, and `email varchar(255)` next ' +
      'to `email text` means the same value fits in one table and is rejected by the other.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const groups = new Map<string, Occurrence[]>();
    for (const t of reviewedTables(catalog)) {
      for (const c of t.columns) {
        if (GENERIC_NAMES.has(c.name.toLowerCase())) continue;
        const fkey = t.constraints.find((k) => k.type === 'foreign key' && k.columns.length === 1 && k.columns[0] === c.name);
        const references = fkey?.references ? { schema: fkey.references.schema, table: fkey.references.table } : null;
        const list = groups.get(c.name) ?? [];
        list.push({ table: t, column: c, references });
        groups.set(c.name, list);
      }
    }
    const out: FindingDraft[] = [];
    for (const [name, occurrences] of groups) {
      if (occurrences.length < 2) continue;
      // Per-table enum or composite types differ by design (order_status vs payment_status).
      if (occurrences.some((o) => o.column.typeCategory === 'E' || o.column.typeCategory === 'C')) continue;
      // The same name pointing at different tables is two concepts, not one inconsistent one.
      const targets = new Set(occurrences.filter((o) => o.references).map((o) => `${o.references?.schema}.${o.references?.table}`));
      if (targets.size > 1) continue;
      const variants = new Map<string, Occurrence[]>();
      for (const o of occurrences) {
        const list = variants.get(o.column.type);
        if (list) list.push(o);
        else variants.set(o.column.type, [o]);
      }
      const key = name.endsWith('_id') ? referencedKeyType(catalog, name, occurrences) : null;
      const allLinked = occurrences.every((o) => o.references !== null);
      if (variants.size < 2 && (key === null || variants.has(key.type) || allLinked)) continue;
      const ranked = [...variants.entries()].sort((a, b) => b[1].length - a[1].length || preference(b[0]) - preference(a[0]));
      const target = key?.type ?? (ranked[0]?.[0] as string);
      const mismatched = occurrences.filter((o) => o.column.type !== target);
      const matching = occurrences.filter((o) => o.column.type === target);
      const tablesOf = (os: Occurrence[]) =>
        `${os.slice(0, 6).map((o) => qualify(o.table.schema, o.table.name)).join(', ')}${os.length > 6 ? ` and ${os.length - 6} more` : ''}`;
      const listing = ranked.map(([type, os]) => `${type} (${tablesOf(os)})`).join('; ');
      const change = mismatched.length === 0 ? null : typeChangeSql(catalog, mismatched.map((o) => ({
        table: o.table, changes: [{ column: o.column.name, type: target, using: `${quoteIdent(o.column.name)}::${target}` }],
      })));
      out.push({
        objects: [...mismatched, ...matching].map((o) => columnRef(o.table, o.column.name)),
        message:
          (variants.size > 1
            ? `\`${name}\` has ${variants.size} types across ${occurrences.length} tables: ${listing}`
            : `\`${name}\` is ${listing}`) +
          (key ? `; the key it refers to, ${key.ref}${key.viaForeignKey ? '' : ' (by name)'}, is ${key.type}` : '') + `. ` +
          `Joins between them cast and may skip indexes, and a value valid in one table can be rejected by another. ` +
          `Use \`${target}\` everywhere${key ? ' (the referenced key\'s type)' : ' (the most common and widest type)'}.`,
        details: {
          column: name,
          variants: Object.fromEntries(ranked.map(([type, os]) => [type, os.map((o) => `${o.table.schema}.${o.table.name}`)])),
          referencedKey: key,
          suggestedType: target,
        },
        fix: change === null ? null : {
          sql: change.sql,
          notes:
            `Each statement takes an ACCESS EXCLUSIVE lock on its table and rewrites it unless the change is binary-compatible ` +
            `(varchar → text, a longer varchar). Narrowing casts fail on values that do not fit; check the longest/largest value first. ` +
            `Foreign keys on these columns are re-checked after the change.` +
            (change.views.length > 0 || change.policies.length > 0 ? ` ${recreatedNote(change)}` : ''),
        },
      });
    }
    return out;
  },
});
