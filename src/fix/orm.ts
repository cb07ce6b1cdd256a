/**
 * Prisma and Drizzle users change their schema file, not only the database: the fixed findings'
 * ORM snippets, grouped by the model (or table variable) they edit, in finding order.
 */
import type { ModelLocations } from '../catalog/model.js';
import type { Finding, SourceKind } from '../result.js';
import type { OrmEdits } from './types.js';

function ownerOf(f: Finding, locations: ModelLocations | undefined): string {
  for (const o of f.objects) {
    const table = o.kind === 'table' ? o.name : o.table;
    if (table === undefined) continue;
    const model = locations?.tables[`${o.schema ?? 'public'}.${table}`];
    if (model) return model.name;
  }
  // The snippet names its model itself (`model Post {`) when the finding's table is not one.
  const first = f.objects[0];
  return (first?.kind === 'table' ? first.name : first?.table) ?? 'schema';
}

export function ormEdits(kind: SourceKind, findings: readonly Finding[], locations: ModelLocations | undefined): OrmEdits | null {
  if (kind !== 'prisma' && kind !== 'drizzle') return null;
  const groups = new Map<string, OrmEdits['groups'][number]>();
  for (const f of findings) {
    const snippet = f.fix?.orm?.[kind];
    if (!snippet) continue;
    const owner = ownerOf(f, locations);
    const group = groups.get(owner) ?? { owner, edits: [] };
    group.edits.push({ finding: f.id, rule: f.rule, snippet: snippet.trimEnd() });
    groups.set(owner, group);
  }
  return { orm: kind, groups: [...groups.values()] };
}

/** The edits as text for the terminal: each model once, its edits under it. */
export function formatOrmEdits(edits: OrmEdits): string {
  const title = edits.orm === 'prisma' ? 'Prisma schema edits' : 'Drizzle schema edits';
  if (edits.groups.length === 0) return `${title}: none (the fixed findings need no change to the schema file)\n`;
  const lines = [`${title} (make them too, or the next generated migration undoes the fix):`];
  for (const g of edits.groups) {
    lines.push('', `  ${g.owner}`);
    for (const e of g.edits) {
      lines.push(`    ${e.finding} ${e.rule}:`);
      for (const l of e.snippet.split('\n')) lines.push(`      ${l}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}
