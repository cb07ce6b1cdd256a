/**
 * Section 3 of the review document: what the schema holds, grouped by domain. Only user objects
 * appear: the Supabase shim and extension-owned objects are the platform's, not the schema's.
 */
import type { Catalog, Table } from '../catalog/model.js';
import { foreignKeys, isPartition, primaryKey, userTables, userViews } from '../catalog/helpers.js';
import type { ReviewResult } from '../result.js';
import { groupDomains } from './domains.js';
import { brief, cell, code, joinAnd, table } from './markdown.js';

const MAX_LISTED = 50;

const label = (t: { schema: string; name: string }): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function primaryKeyCell(t: Table): string {
  const key = primaryKey(t);
  if (!key) return '**none**';
  if (key.columns.length === 1) {
    const column = t.columns.find((c) => c.name === key.columns[0]);
    const identity = column?.identity ? ', identity' : '';
    return `${code(key.columns[0] as string)} (${column?.type ?? '?'}${identity})`;
  }
  return key.columns.map(code).join(', ');
}

function referencesCell(t: Table, userKeys: Set<string>): string {
  const targets = new Set<string>();
  for (const k of foreignKeys(t)) {
    if (!k.references || !userKeys.has(`${k.references.schema}.${k.references.table}`)) continue;
    targets.add(label({ schema: k.references.schema, name: k.references.table }));
  }
  return targets.size > 0 ? [...targets].sort().map(code).join(', ') : '—';
}

function notesCell(t: Table, catalog: Catalog): string {
  const notes: string[] = [];
  if (t.comment) notes.push(cell(brief(t.comment)).replace(/\.$/, ''));
  if (t.kind === 'partitioned table') {
    const partitions = catalog.tables.filter((p) => p.partitionOf?.schema === t.schema && p.partitionOf.table === t.name).length;
    notes.push(`partitioned${t.partitionKey ? ` by ${cell(t.partitionKey)}` : ''}, ${plural(partitions, 'partition')}`);
  }
  if (t.kind === 'foreign table') notes.push('foreign table');
  if (t.persistence === 'unlogged') notes.push('unlogged');
  if (t.inherits.length > 0) notes.push(`inherits ${t.inherits.map((p) => code(label({ schema: p.schema, name: p.table }))).join(', ')}`);
  if (t.rlsEnabled) notes.push(t.policies.length > 0 ? `RLS on, ${plural(t.policies.length, 'policy', 'policies')}` : 'RLS on, no policies');
  else if (catalog.supabase && t.schema === 'public') notes.push('RLS off');
  if (t.rules.length > 0) notes.push(`${plural(t.rules.length, 'rewrite rule')}`);
  return notes.join('; ');
}

function domainsSubsection(catalog: Catalog): string[] {
  const live = catalog.live;
  const userKeys = new Set(userTables(catalog).map((t) => `${t.schema}.${t.name}`));
  const out: string[] = [];
  for (const domain of groupDomains(catalog)) {
    out.push(`### ${domain.name}`, '');
    if (domain.root) {
      const others = domain.tables.length - 1;
      out.push(others > 0 ? `${code(label(domain.root))} and ${plural(others, 'table')} around it.` : `${code(label(domain.root))}, referenced across the schema.`, '');
    } else {
      out.push('Tables outside any cluster of foreign keys or shared names.', '');
    }
    const header = ['Table', 'Columns', ...(live ? ['Rows (est.)'] : []), 'Primary key', 'References', 'Notes'];
    const align: Array<'l' | 'r'> = ['l', 'r', ...(live ? (['r'] as const) : []), 'l', 'l', 'l'];
    const rows = domain.tables.map((t) => [
      code(label(t)),
      String(t.columns.length),
      ...(live ? [t.stats && t.stats.rowEstimate >= 0 ? t.stats.rowEstimate.toLocaleString('en-US') : '—'] : []),
      primaryKeyCell(t),
      referencesCell(t, userKeys),
      notesCell(t, catalog),
    ]);
    out.push(table(header, rows, align), '');
  }
  return out;
}

function capped<T>(items: T[], render: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LISTED).map(render);
  if (items.length > MAX_LISTED) lines.push(`- … and ${items.length - MAX_LISTED} more`);
  return lines;
}

function enumsSubsection(catalog: Catalog): string[] {
  const enums = catalog.enums.filter((e) => e.origin === 'user');
  const domains = catalog.domains.filter((d) => d.origin === 'user');
  if (enums.length === 0 && domains.length === 0) return [];
  const out = ['### Enums and domains', ''];
  if (enums.length > 0) {
    out.push(table(['Enum', 'Values'], enums.map((e) => [code(label(e)), cell(e.values.join(', '))])), '');
  }
  if (domains.length > 0) {
    out.push(...capped(domains, (d) => `- ${code(label(d))}: ${d.baseType}${d.notNull ? ' NOT NULL' : ''}${d.checks.length > 0 ? `, ${d.checks.map((c) => code(c.definition)).join(', ')}` : ''}`), '');
  }
  return out;
}

function viewsSubsection(catalog: Catalog): string[] {
  const views = userViews(catalog);
  if (views.length === 0) return [];
  const out = ['### Views', ''];
  out.push(...capped(views, (v) => {
    const parts = [v.materialized ? 'materialized view' : 'view', plural(v.columns.length, 'column')];
    if (v.materialized && v.indexes.length > 0) parts.push(plural(v.indexes.length, 'index', 'indexes'));
    if (!v.materialized && v.securityInvoker) parts.push('security_invoker');
    if (v.comment) parts.push(brief(v.comment));
    return `- ${code(label(v))}: ${parts.join(', ')}`;
  }), '');
  return out;
}

function functionsSubsection(catalog: Catalog): string[] {
  const fns = catalog.functions.filter((f) => f.origin === 'user');
  if (fns.length === 0) return [];
  const rows = fns.slice(0, MAX_LISTED).map((f) => {
    const pinned = f.config.some((c) => c.startsWith('search_path='));
    const security = f.securityDefiner ? `**definer**${pinned ? ', search_path pinned' : ''}` : 'invoker';
    return [code(`${label(f)}(${f.arguments})`), f.kind === 'function' ? f.language : `${f.kind}, ${f.language}`, cell(f.returns), security];
  });
  const out = ['### Functions', '', table(['Function', 'Language', 'Returns', 'Security'], rows), ''];
  if (fns.length > MAX_LISTED) out.push(`… and ${fns.length - MAX_LISTED} more.`, '');
  return out;
}

function triggersSubsection(tables: Table[]): string[] {
  const triggers = tables.flatMap((t) => t.triggers);
  if (triggers.length === 0) return [];
  const rows = triggers.slice(0, MAX_LISTED).map((tr) => [
    code(tr.name),
    code(label({ schema: tr.schema, name: tr.table })),
    `${tr.timing} ${tr.events.join(' or ')}, per ${tr.level}${tr.enabled ? '' : ' (disabled)'}`,
    code(`${label({ schema: tr.functionSchema, name: tr.functionName })}()`),
  ]);
  const out = ['### Triggers', '', table(['Trigger', 'Table', 'Fires', 'Function'], rows), ''];
  if (triggers.length > MAX_LISTED) out.push(`… and ${triggers.length - MAX_LISTED} more.`, '');
  return out;
}

function rlsSubsection(catalog: Catalog, tables: Table[]): string[] {
  if (tables.length === 0) return [];
  const on = tables.filter((t) => t.rlsEnabled);
  if (on.length === 0 && !catalog.supabase) return [];
  const policies = tables.reduce((n, t) => n + t.policies.length, 0);
  const out = ['### Row level security', ''];
  const lacking = tables.filter((t) => !t.rlsEnabled).map((t) => code(label(t)));
  let line = `RLS is enabled on ${on.length} of ${plural(tables.length, 'table')} (${plural(policies, 'policy', 'policies')}).`;
  if (lacking.length > 0 && lacking.length <= 20) line += ` Without it: ${joinAnd(lacking)}.`;
  else if (lacking.length > 20) line += ` ${lacking.length} tables have none, e.g. ${lacking.slice(0, 10).join(', ')}.`;
  const noPolicy = on.filter((t) => t.policies.length === 0).map((t) => code(label(t)));
  if (noPolicy.length > 0) line += ` Enabled but with no policy (every query sees nothing): ${joinAnd(noPolicy.slice(0, 20))}.`;
  out.push(line, '');
  return out;
}

function extensionsSubsection(catalog: Catalog): string[] {
  // plpgsql ships with every database; listing it says nothing about this schema.
  const exts = catalog.extensions.filter((e) => e.name !== 'plpgsql');
  if (exts.length === 0) return [];
  return ['### Extensions', '', ...exts.map((e) => `- ${code(e.name)} ${e.version} (schema ${code(e.schema)})`), ''];
}

export function inventorySection(result: ReviewResult, catalog: Catalog): string | null {
  const tables = userTables(catalog).filter((t) => !isPartition(t));
  const s = result.summary;
  const triggers = tables.reduce((n, t) => n + t.triggers.length, 0);
  const totals = [
    plural(s.tables, 'table'), plural(s.indexes, 'index', 'indexes'), plural(s.foreignKeys, 'foreign key'),
    ...(s.views > 0 ? [plural(s.views, 'view')] : []), ...(s.enums > 0 ? [plural(s.enums, 'enum')] : []),
    ...(s.functions > 0 ? [plural(s.functions, 'function')] : []), ...(triggers > 0 ? [plural(triggers, 'trigger')] : []),
    ...(s.policies > 0 ? [plural(s.policies, 'policy', 'policies')] : []),
  ];
  const body = [
    ...domainsSubsection(catalog),
    ...enumsSubsection(catalog),
    ...viewsSubsection(catalog),
    ...functionsSubsection(catalog),
    ...triggersSubsection(tables),
    ...rlsSubsection(catalog, tables),
    ...extensionsSubsection(catalog),
  ];
  if (tables.length === 0 && body.length === 0) return null;
  return ['## Inventory', '', `${joinAnd(totals)}.`, '', ...body].join('\n').trimEnd();
}
