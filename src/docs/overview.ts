/** The title and the opening paragraph of the docs: what the schema holds and where it was read from. */
import { basename } from 'node:path';
import type { Catalog } from '../catalog/model.js';
import { isPartition, userTables, userViews } from '../catalog/helpers.js';
import { engineLabel, sourceKindLabel } from '../report/labels.js';
import { SEVERITIES, type ReviewResult } from '../result.js';
import type { Relation } from './model.js';

/** Folder and file names that say how a schema is stored, not whose it is. */
const LAYOUT_SEGMENTS = new Set(['', '.', 'migrations', 'migration', 'supabase', 'prisma', 'drizzle', 'db', 'database', 'schema', 'schemas', 'sql', 'src', 'structure', 'dbml']);

/** `examples/supabase-app/supabase/migrations` → "supabase-app"; a live database → its name. */
export function projectName(result: ReviewResult, catalog: Catalog): string {
  if (result.source.kind === 'live') return catalog.database;
  const segments = result.source.path.split(/[\\/]+/).map((s) => s.replace(/\.(sql|prisma|dbml|md|ts|js|mjs|cjs)$/i, ''));
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] as string;
    if (!LAYOUT_SEGMENTS.has(s.toLowerCase()) && s !== '..') return s;
  }
  return basename(process.cwd());
}

export function defaultTitle(result: ReviewResult, catalog: Catalog): string {
  return `${projectName(result, catalog)} database schema`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
}

export function overviewOf(catalog: Catalog, result: ReviewResult, domains: number, relations: readonly Relation[]): string {
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const s = result.summary;
  const oneToOne = relations.filter((r) => r.cardinality === '1:1').length;
  const manyToMany = relations.filter((r) => r.cardinality === 'M:N').length;
  const fkCount = relations.length - manyToMany;
  const kinds = [oneToOne > 0 ? `${oneToOne} one-to-one` : null, manyToMany > 0 ? `${count(manyToMany, 'many-to-many link')} through ${manyToMany === 1 ? 'a junction table' : 'junction tables'}` : null].filter((x): x is string => x !== null);
  const holds = tables.length === 0 ? ['no tables'] : [`${count(tables.length, 'table')} in ${count(domains, 'domain')}`];
  const extras = [
    s.indexes > 0 ? count(s.indexes, 'index', 'indexes') : null,
    s.enums > 0 ? count(s.enums, 'enum') : null,
    userViews(catalog).length > 0 ? count(userViews(catalog).length, 'view') : null,
    s.functions > 0 ? count(s.functions, 'function') : null,
    s.policies > 0 ? `${count(s.policies, 'row level security policy', 'row level security policies')}` : null,
  ].filter((x): x is string => x !== null);
  let text = `The schema holds ${holds.join('')}`;
  if (fkCount > 0) text += `, linked by ${count(fkCount, 'foreign key')}${kinds.length > 0 ? ` (${joinAnd(kinds)})` : ''}`;
  text += extras.length > 0 ? `, with ${joinAnd(extras)}.` : '.';
  text += result.source.kind === 'live'
    ? ` It was read from the live database \`${result.source.path}\` (${engineLabel(result.engine)}).`
    : ` It was read from ${sourceKindLabel(result)} (\`${result.source.path}\`) as ${engineLabel(result.engine)} built it.`;
  const found = SEVERITIES.filter((sev) => s.findings[sev] > 0).map((sev) => `${s.findings[sev]} ${sev}`);
  text += found.length > 0
    ? ` The review found ${joinAnd(found)} ${found.length === 1 && s.findings[SEVERITIES.find((sev) => s.findings[sev] > 0) ?? 'info'] === 1 ? 'finding' : 'findings'}; each table's page lists its own (\`schemasage review\` has the fixes).`
    : ' The review found nothing to fix.';
  return text;
}
