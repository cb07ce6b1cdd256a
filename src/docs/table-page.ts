/**
 * One page per table (`tables/<schema>.<table>.md`): purpose, columns with key markers,
 * constraints, indexes, relationships both ways with cardinality, policies, triggers, the review's
 * findings on it, and where it was defined.
 */
import type { Column, Constraint, Table } from '../catalog/model.js';
import { foreignKeys, primaryKey } from '../catalog/helpers.js';
import { cell, code, table } from '../report/markdown.js';
import { SEVERITIES } from '../result.js';
import { domainLink, linkPath, locationLink, MARKER, README, tableLink, tableOf, type DocsContext } from './context.js';
import type { DocsTable, Relation } from './model.js';
import { displayName } from './purpose.js';
import { isUniqueKey, junctionOf } from './relations.js';

function keyMarkers(t: Table, c: Column): string {
  const marks: string[] = [];
  if (primaryKey(t)?.columns.includes(c.name)) marks.push('PK');
  if (foreignKeys(t).some((k) => k.columns.includes(c.name))) marks.push('FK');
  if (!marks.includes('PK') && isUniqueKey(t, [c.name])) marks.push('UK');
  return marks.join(', ');
}

function defaultCell(c: Column): string {
  if (c.identity) return `identity (${c.identity})`;
  if (c.generated) return `generated: ${cell(code(c.generated))}`;
  return c.default ? cell(code(c.default)) : '';
}

function columnsSection(t: Table): string[] {
  const rows = t.columns.map((c) => [code(c.name), cell(code(c.type)), c.notNull ? 'no' : 'yes', defaultCell(c), keyMarkers(t, c), cell(c.comment ?? '')]);
  return ['## Columns', '', table(['Column', 'Type', 'Nullable', 'Default', 'Keys', 'Comment'], rows), ''];
}

const CONSTRAINT_ORDER: Record<Constraint['type'], number> = { 'primary key': 0, unique: 1, 'foreign key': 2, check: 3, exclusion: 4 };

function constraintDetail(ctx: DocsContext, from: string, c: Constraint): string {
  if (c.type === 'foreign key' && c.references) {
    const r = c.references;
    const actions = `ON DELETE ${r.onDelete.toUpperCase()}, ON UPDATE ${r.onUpdate.toUpperCase()}`;
    return `→ ${tableLink(ctx, from, r.schema, r.table)} (${r.columns.map(code).join(', ')}); ${actions}${r.match === 'full' ? '; MATCH FULL' : ''}`;
  }
  return cell(code(c.definition));
}

function constraintsSection(ctx: DocsContext, from: string, t: Table): string[] {
  const list = [...t.constraints].sort((a, b) => CONSTRAINT_ORDER[a.type] - CONSTRAINT_ORDER[b.type] || (a.name < b.name ? -1 : 1));
  if (list.length === 0) return [];
  const rows = list.map((c) => {
    const flags = [!c.validated ? 'NOT VALID' : null, c.deferrable ? (c.deferred ? 'deferrable, initially deferred' : 'deferrable') : null, c.inherited ? 'inherited' : null].filter((f): f is string => f !== null);
    return [code(c.name), c.type, cell(c.columns.map(code).join(', ')), `${constraintDetail(ctx, from, c)}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`];
  });
  return ['## Constraints', '', table(['Name', 'Type', 'Columns', 'Definition'], rows), ''];
}

function indexesSection(t: Table): string[] {
  if (t.indexes.length === 0) return [];
  const rows = [...t.indexes].sort((a, b) => (a.name < b.name ? -1 : 1)).map((i) => [
    code(i.name),
    cell(code(i.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, ''))),
    i.unique ? 'yes' : 'no',
    i.predicate ? cell(code(i.predicate)) : '',
    i.constraint ? code(i.constraint) : !i.valid ? '**invalid**' : '',
  ]);
  return ['## Indexes', '', table(['Name', 'Definition', 'Unique', 'Partial (WHERE)', 'Backs constraint'], rows), ''];
}

/** From the child's side a 1:N foreign key is many-to-one. */
const CHILD_SIDE: Record<Relation['cardinality'], string> = { '1:1': '1:1', '1:N': 'N:1', 'M:N': 'M:N' };

function relationshipsSection(ctx: DocsContext, from: string, key: string): string[] {
  const rels = ctx.relations.get(key);
  if (!rels || rels.out.length + rels.in.length + rels.manyToMany.length === 0) {
    return ['## Relationships', '', 'None: no foreign key leaves or reaches this table.', ''];
  }
  const out = ['## Relationships', ''];
  if (rels.out.length > 0) {
    out.push('**References** (this table\'s foreign keys):', '');
    out.push(table(['Cardinality', 'Table', 'Columns', 'Required', 'On delete'], rels.out.map((r) => [
      CHILD_SIDE[r.cardinality],
      tableLink(ctx, from, r.parent.schema, r.parent.table),
      `${r.child.columns.map(code).join(', ')} → ${r.parent.columns.map(code).join(', ')}`,
      r.optional ? 'no (nullable)' : 'yes',
      r.onDelete.toUpperCase(),
    ])), '');
  }
  if (rels.in.length > 0) {
    out.push('**Referenced by**:', '');
    out.push(table(['Cardinality', 'Table', 'Columns', 'Required', 'On delete'], rels.in.map((r) => [
      r.cardinality,
      tableLink(ctx, from, r.child.schema, r.child.table),
      `${r.child.columns.map(code).join(', ')} → ${r.parent.columns.map(code).join(', ')}`,
      r.optional ? 'no (nullable)' : 'yes',
      r.onDelete.toUpperCase(),
    ])), '');
  }
  if (rels.manyToMany.length > 0) {
    out.push('**Many-to-many**:', '');
    out.push(table(['With', 'Through', 'Columns'], rels.manyToMany.map((r) => {
      const self = `${r.parent.schema}.${r.parent.table}` === key;
      const other = self && `${r.child.schema}.${r.child.table}` !== key ? r.child : r.parent;
      const via = r.via as NonNullable<Relation['via']>;
      const cols = r.viaColumns ? `${r.viaColumns.parent.map(code).join(', ')} ↔ ${r.viaColumns.child.map(code).join(', ')}` : '';
      return [tableLink(ctx, from, other.schema, other.table), tableLink(ctx, from, via.schema, via.table), cols];
    })), '');
  }
  return out;
}

function policiesSection(t: Table): string[] {
  if (!t.rlsEnabled && t.policies.length === 0) return [];
  const state = t.rlsEnabled ? `Row level security is **on**${t.rlsForced ? ' and forced for the owner' : ''}.` : 'Row level security is **off**: these policies have no effect until it is enabled.';
  const out = ['## Row level security', '', state, ''];
  if (t.policies.length === 0) {
    out.push('No policies: only the owner and roles that bypass RLS can read or write rows.', '');
    return out;
  }
  const rows = [...t.policies].sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => [
    code(p.name), p.command.toUpperCase(), p.permissive ? 'permissive' : 'restrictive', cell(p.roles.join(', ')), p.using ? cell(code(p.using)) : '', p.withCheck ? cell(code(p.withCheck)) : '',
  ]);
  out.push(table(['Policy', 'Command', 'Kind', 'Roles', 'USING', 'WITH CHECK'], rows), '');
  return out;
}

function triggersSection(t: Table): string[] {
  if (t.triggers.length === 0) return [];
  const rows = [...t.triggers].sort((a, b) => (a.name < b.name ? -1 : 1)).map((tr) => [
    code(tr.name), tr.timing.toUpperCase(), tr.events.map((e) => e.toUpperCase()).join(' OR '), `FOR EACH ${tr.level.toUpperCase()}`,
    code(`${tr.functionSchema === 'public' ? '' : `${tr.functionSchema}.`}${tr.functionName}()`), tr.enabled ? 'yes' : '**no**',
  ]);
  return ['## Triggers', '', table(['Trigger', 'Timing', 'Events', 'Level', 'Function', 'Enabled'], rows), ''];
}

function findingsSection(ctx: DocsContext, key: string): string[] {
  const list = [...(ctx.findings.get(key) ?? [])].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || Number(a.id.slice(1)) - Number(b.id.slice(1)));
  if (list.length === 0) return ['## Review findings', '', 'None: the review found nothing on this table.', ''];
  return ['## Review findings', '', `From \`schemasage review\` (ids as in that report; it has the fix SQL).`, '',
    table(['ID', 'Severity', 'Finding', 'Rule'], list.map((f) => [f.id, f.severity, cell(f.title), code(f.rule)])), ''];
}

function structureNotes(ctx: DocsContext, from: string, t: Table): string[] {
  const notes: string[] = [];
  if (t.kind === 'partitioned table') {
    const parts = ctx.catalog.tables.filter((p) => p.partitionOf?.schema === t.schema && p.partitionOf.table === t.name);
    notes.push(`Partitioned by ${code(t.partitionKey ?? '?')} into ${parts.length} ${parts.length === 1 ? 'partition' : 'partitions'}${parts.length > 0 ? `: ${parts.slice(0, 10).map((p) => `${code(displayName(p.schema, p.name))} (${code(p.partitionOf?.bound ?? '')})`).join(', ')}${parts.length > 10 ? ` and ${parts.length - 10} more` : ''}` : ''}.`);
  }
  if (t.kind === 'foreign table') notes.push('A foreign table: its rows live in another server.');
  if (t.persistence === 'unlogged') notes.push('Unlogged: not written to the WAL, emptied after a crash and not replicated.');
  if (t.inherits.length > 0) notes.push(`Inherits ${t.inherits.map((p) => tableLink(ctx, from, p.schema, p.table)).join(', ')}.`);
  if (t.rules.length > 0) notes.push(`Rewrite rules: ${t.rules.map(code).join(', ')}.`);
  const junction = junctionOf(t);
  if (junction) notes.push(`A junction table: its key is the pair of foreign keys (${[...junction.first.columns, ...junction.second.columns].map(code).join(', ')}).`);
  return notes;
}

export function renderTablePage(ctx: DocsContext, info: DocsTable, path: string): string {
  const t = tableOf(ctx, info.key) as Table;
  const from = path;
  const out = [MARKER, `# ${code(displayName(t.schema, t.name))}`, ''];
  out.push(`[← ${ctx.model.title}](${linkPath(from, README)}) · Domain: ${domainLink(ctx, from, info.domain)}`, '');
  if (t.comment && t.comment.trim() !== '') out.push(t.comment.trim(), '');
  else out.push(`_${info.purpose}_ (derived from its keys; add a \`COMMENT ON TABLE\` to say what it is for)`, '');
  const where: string[] = [];
  if (t.provenance.created) where.push(`Defined in ${locationLink(ctx, from, t.provenance.created)}`);
  if (t.provenance.altered) where.push(`last altered in ${locationLink(ctx, from, t.provenance.altered)}`);
  if (where.length > 0) out.push(`${where.join('; ')}.`, '');
  const notes = structureNotes(ctx, from, t);
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), '');
  out.push(...columnsSection(t), ...constraintsSection(ctx, from, t), ...indexesSection(t), ...relationshipsSection(ctx, from, info.key));
  out.push(...policiesSection(t), ...triggersSection(t), ...findingsSection(ctx, info.key));
  return `${out.join('\n').trimEnd()}\n`;
}
