/**
 * One line on what a table is for: the first sentence of its COMMENT when it has one, else a
 * description written from its place in the foreign-key graph (what it belongs to, what it links,
 * what hangs off it). Derived lines state structure only; they never guess meaning from names.
 */
import type { Table } from '../catalog/model.js';
import { brief } from '../report/markdown.js';
import type { Relation } from './model.js';
import { junctionOf, tableKey, type TableRelations } from './relations.js';

const MAX_NAMED = 3;

/** `teams`, or `auth.users` outside public. */
export const displayName = (schema: string, name: string): string => (schema === 'public' ? name : `${schema}.${name}`);

const code = (s: string): string => `\`${s}\``;

function names(refs: Array<{ schema: string; table: string }>): string {
  const unique = [...new Set(refs.map((r) => displayName(r.schema, r.table)))];
  const shown = unique.slice(0, MAX_NAMED).map(code);
  const more = unique.length - shown.length;
  const list = more > 0 ? [...shown, `${more} more`] : shown;
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1] as string}`;
}

export function describePurpose(table: Table, rels: TableRelations | undefined): { text: string; from: 'comment' | 'derived' } {
  if (table.comment && table.comment.trim() !== '') return { text: brief(table.comment, 120), from: 'comment' };
  return { text: derived(table, rels ?? { out: [], in: [], manyToMany: [] }), from: 'derived' };
}

function derived(table: Table, rels: TableRelations): string {
  const key = tableKey(table);
  const junction = junctionOf(table);
  if (junction) {
    const a = junction.first.references as NonNullable<typeof junction.first.references>;
    const b = junction.second.references as NonNullable<typeof junction.second.references>;
    const ends = a.schema === b.schema && a.table === b.table
      ? `${code(displayName(a.schema, a.table))} rows to each other`
      : `${code(displayName(a.schema, a.table))} and ${code(displayName(b.schema, b.table))}`;
    const extra = junction.extra.length > 0 ? `, with ${junction.extra.map(code).join(' and ')}` : '';
    return `Links ${ends} (many-to-many)${extra}.`;
  }
  const parts: string[] = [];
  const notSelf = (r: Relation): boolean => tableKey(r.parent) !== key;
  const extension = rels.out.find((r) => r.cardinality === '1:1' && !r.optional && notSelf(r));
  if (extension) parts.push(`Extends ${code(displayName(extension.parent.schema, extension.parent.table))} one-to-one`);
  const required = rels.out.filter((r) => r !== extension && !r.optional && notSelf(r));
  const optional = rels.out.filter((r) => r !== extension && r.optional && notSelf(r));
  if (required.length > 0) parts.push(`${extension ? 'belongs to' : 'Belongs to'} ${names(required.map((r) => r.parent))}`);
  if (optional.length > 0) parts.push(`${parts.length > 0 ? 'optionally references' : 'Optionally references'} ${names(optional.map((r) => r.parent))}`);
  const self = rels.out.find((r) => !notSelf(r));
  if (self) parts.push(`${parts.length > 0 ? 'forms' : 'Forms'} a hierarchy through ${self.child.columns.map(code).join(', ')}`);
  const children = rels.in.filter((r) => tableKey(r.child) !== key);
  if (children.length > 0) {
    const n = new Set(children.map((r) => tableKey(r.child))).size;
    parts.push(`${parts.length > 0 ? 'referenced by' : 'Referenced by'} ${n === 1 ? '' : `${n} tables: `}${names(children.map((r) => r.child))}`);
  }
  if (parts.length === 0) return 'Stands alone: no foreign keys to or from other tables.';
  return `${parts.join('; ')}.`;
}
