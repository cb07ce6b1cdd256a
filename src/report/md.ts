/**
 * The review document. Each numbered part of PRODUCT.md "The review document (md)" is one
 * function returning its Markdown or null (nothing to say: the section is left out, never empty).
 * Sections 6 (missing elements) and 7 (drift, audit, migration review) slot in between findings
 * and the checklist when they exist.
 */
import type { Catalog } from '../catalog/model.js';
import { describeRef, formatBytes } from '../catalog/helpers.js';
import { SEVERITIES, type Finding, type ReviewResult, type Severity, type SuppressedBy, type SuppressedFinding } from '../result.js';
import {
  actionFor, CAPABILITY_PRIORITIES, capabilityLabel, capabilityPriority, objectNames, objectsPhrase, subjectPhrase, type CapabilityPriority,
} from './actions.js';
import { healthGrade } from './grade.js';
import { inventorySection } from './inventory.js';
import { dateOnly, engineLabel, formatLocation, sourceKindLabel } from './labels.js';
import { brief, cell, code, fenced, joinAnd, table } from './markdown.js';
import { MAX_DIAGRAM_TABLES, erDiagram } from './mermaid.js';
import { findStrengths } from './strengths.js';
import { renderDiffMarkdown } from './diff-md.js';

export interface MarkdownInput {
  result: ReviewResult;
  catalog: Catalog;
}

type Section = (input: MarkdownInput) => string | null;

const SEVERITY_NAMES: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const SECTION_TITLES: Record<Severity, string> = {
  critical: 'Critical findings', high: 'High findings', medium: 'Medium findings', low: 'Low findings', info: 'Observations (info)',
};
/** This many findings of one rule at one severity are shown as one block with a table, not N copies of the rationale. */
const GROUP_AT = 4;

/** What the schema lacks rather than what is wrong with it: rendered in "Missing elements", not among the findings. */
const CAPABILITY_RULE = 'missing-capability';
const isCapability = (f: Finding): boolean => f.rule === CAPABILITY_RULE;

const PRIORITY_NAMES: Record<CapabilityPriority, string> = { high: 'High priority', medium: 'Medium priority', low: 'Low priority' };

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/** Missing capabilities, highest priority first, in id order within a priority. */
function capabilities(result: ReviewResult): Finding[] {
  const rank = (f: Finding): number => CAPABILITY_PRIORITIES.indexOf(capabilityPriority(f));
  return result.findings.filter(isCapability).map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
}

// 1. Title, source, date, engine.
export function headerSection({ result }: MarkdownInput): string {
  const meta = [
    sourceKindLabel(result).replace(/^./, (ch) => ch.toUpperCase()),
    `reviewed ${dateOnly(result.generatedAt)}`,
    engineLabel(result.engine),
    `schemasage ${result.tool.version}`,
  ];
  const title = result.command === 'audit' ? 'Data audit' : result.command === 'check' ? 'Drift check' : 'Schema review';
  const out = [`# ${title}: ${result.source.path}`, '', meta.join(' · ')];
  if (result.notes.length > 0) {
    out.push('', '> **Loading notes**');
    for (const n of result.notes) {
      const where = n.location && !n.message.includes(`${n.location.file}:${n.location.line}`) ? ` (${code(formatLocation(n.location, false))})` : '';
      out.push(`> - ${n.message}${where}`);
    }
  }
  return out.join('\n');
}

// 2. Summary: counts, grade, biggest risks.
export function summarySection({ result }: MarkdownInput): string {
  const s = result.summary;
  const computed = healthGrade(s.findings, s.tables);
  const grade = s.grade ?? computed.grade;
  const out = ['## Summary', ''];
  const capped = s.findings.critical > 0 && grade === 'D' && computed.score <= 3 ? ', capped at D by the critical findings' : '';
  out.push(`Health grade **${grade}**: ${computed.score} weighted findings per table across ${s.tables} ${s.tables === 1 ? 'table' : 'tables'} (critical 10, high 4, medium 1.5, low 0.3)${capped}.`, '');
  const rows = SEVERITIES.map((sev) => {
    const n = s.findings[sev];
    const rules = new Map<string, number>();
    for (const f of result.findings) if (f.severity === sev) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
    const ruleList = [...rules].map(([r, c]) => (c > 1 ? `${code(r)} ×${c}` : code(r))).join(', ');
    return [SEVERITY_NAMES[sev], String(n), n === 0 ? 'No findings at this severity' : ruleList];
  });
  out.push(table(['Severity', 'Findings', 'Rules'], rows, ['l', 'r', 'l']), '');
  if (s.suppressed > 0) {
    const list = result.suppressed ?? [];
    const how = list.length > 0 ? ` (${suppressedBreakdown(list)}); ${list.length === 1 ? 'it is' : 'they are'} listed in the appendix` : ' by configuration, inline comments or the baseline';
    out.push(`${s.suppressed} ${s.suppressed === 1 ? 'finding was' : 'findings were'} suppressed${how}.`, '');
  }
  const missing = capabilities(result);
  if (missing.length > 0) {
    const high = missing.filter((f) => capabilityPriority(f) === 'high').length;
    const names = joinAnd(missing.map((f) => `${capabilityLabel(f)} (${f.id})`));
    out.push(`**Missing elements:** ${missing.length}${high > 0 ? ` (${high} high priority)` : ''}: ${names}.`, '');
  }
  // A missing table is a gap, not a risk in what exists; those are listed on their own above.
  const design = result.findings.filter((f) => !isCapability(f));
  const risks = design.filter((f) => f.severity !== 'info').slice(0, 3);
  if (risks.length > 0) {
    out.push('**Biggest risks**', '');
    risks.forEach((f, i) => out.push(`${i + 1}. **${f.id}** ${f.title}${subjectPhrase(f) ? `: ${subjectPhrase(f)}` : ''}`));
  } else if (result.findings.length === 0) {
    out.push('No findings.');
  } else if (design.length === 0) {
    out.push('No findings in the existing design; the missing elements are below.');
  } else {
    out.push('Nothing above info: the findings below are observations.');
  }
  return out.join('\n').trimEnd();
}

// 3. Inventory.
export function inventory({ result, catalog }: MarkdownInput): string | null {
  const section = inventorySection(result, catalog);
  const tenancy = tenancySubsection(result);
  if (!tenancy) return section;
  if (!section) return ['## Inventory', '', tenancy].join('\n');
  // Next to row level security, where a reader looks for how rows are kept apart; extensions stay last.
  const at = section.indexOf('\n### Extensions');
  return at < 0 ? `${section}\n\n${tenancy}` : `${section.slice(0, at)}\n${tenancy}\n${section.slice(at)}`;
}

/** Which tenant key the tenancy rules used, where it came from, and how to change it. */
export function tenancySubsection(result: ReviewResult): string | null {
  const t = result.tenancy;
  if (!t) return null;
  const parent = t.parent ? ` → ${code(t.parent.replace(/^public\./, ''))}` : '';
  const out = ['### Tenancy', ''];
  if (t.source === 'config') {
    out.push(`Rows are scoped to a tenant by ${code(t.column)}${parent}, as configured (${code('tenantColumn')}). ${sentence(t.evidence)}`);
  } else {
    out.push(`Rows appear to be scoped to a tenant by ${code(t.column)}${parent}, inferred from the schema: ${sentence(t.evidence)} ` +
      `The tenancy findings judge scoping by this column; if the tenant key is another column, set ${code('tenantColumn')} in the configuration.`);
  }
  if (t.scoped > 0) {
    out.push('', t.carriers >= t.scoped
      ? `All ${t.scoped} tenant-owned ${t.scoped === 1 ? 'table carries' : 'tables carry'} it.`
      : `${t.carriers} of ${t.scoped} tenant-owned tables carry it; the tenancy findings name the others.`);
  }
  return out.join('\n');
}

/** Evidence strings are clauses; as a sentence they start upper-case and end with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const first = /^[a-z]/.test(trimmed) ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) : trimmed;
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

// 4. Strengths.
export function strengthsSection({ result, catalog }: MarkdownInput): string | null {
  const strengths = findStrengths(catalog, result.findings);
  if (strengths.length === 0) return null;
  return ['## Strengths', '', ...strengths.map((s) => `- **${s.title}.** ${s.evidence}`)].join('\n');
}

function objectsLine(f: Finding): string {
  const parts = [`**Rule** ${code(f.rule)}`];
  const names = objectNames(f);
  if (names.length > 0) {
    parts.push(`**${names.length === 1 ? 'Object' : 'Objects'}** ${names.map((n) => (/^\+\d+$/.test(n) ? n : code(n))).join(', ')}`);
  }
  if (f.location) parts.push(`**Location** ${code(formatLocation(f.location, false))}`);
  return parts.join(' · ');
}

function fixBlock(f: Finding): string[] {
  if (!f.fix) return [];
  const out: string[] = [];
  if (f.fix.sql.trim() !== '') out.push('**Fix**', '', fenced('sql', f.fix.sql), '');
  if (f.fix.notes) out.push(f.fix.notes, '');
  if (f.fix.orm?.prisma) out.push('In Prisma:', '', fenced('prisma', f.fix.orm.prisma), '');
  if (f.fix.orm?.drizzle) out.push('In Drizzle:', '', fenced('ts', f.fix.orm.drizzle), '');
  return out;
}

export function findingBlock(f: Finding): string[] {
  return [
    `### ${f.id} · ${f.title}`, '',
    objectsLine(f), '',
    f.message, '',
    ...(f.rationale ? [`**Why it matters.** ${f.rationale}`, ''] : []),
    ...fixBlock(f),
  ];
}

function idRange(group: Finding[]): string {
  const nums = group.map((f) => Number(f.id.slice(1)));
  const contiguous = nums.every((n, i) => i === 0 || n === (nums[i - 1] as number) + 1);
  const first = group[0] as Finding;
  const last = group[group.length - 1] as Finding;
  return contiguous ? `${first.id}–${last.id}` : group.map((f) => f.id).join(', ');
}

function groupedBlock(group: Finding[]): string[] {
  const first = group[0] as Finding;
  const sameTitle = group.every((f) => f.title === first.title);
  const out = [`### ${idRange(group)} · ${sameTitle ? first.title : first.rule} (${group.length})`, '', `**Rule** ${code(first.rule)}`, ''];
  if (first.rationale) out.push(`**Why it matters.** ${first.rationale}`, '');
  out.push(table(['ID', 'Object', 'Location', 'Finding'], group.map((f) => [
    f.id,
    objectsPhrase(f) ? code(objectsPhrase(f)) : '—',
    f.location ? code(formatLocation(f.location, false)) : '—',
    cell(f.message),
  ])), '');
  const fixes = group.filter((f) => f.fix && f.fix.sql.trim() !== '');
  if (fixes.length > 0) out.push('**Fix**', '', fenced('sql', fixes.map((f) => `-- ${f.id}\n${(f.fix?.sql ?? '').trim()}`).join('\n\n')), '');
  const notes = [...new Set(group.map((f) => f.fix?.notes).filter((n): n is string => Boolean(n)))];
  out.push(...notes.flatMap((n) => [n, '']));
  return out;
}

/** Consecutive findings of the same rule (the runner sorts by rule within a severity). */
function runsOfRule(findings: Finding[]): Finding[][] {
  const runs: Finding[][] = [];
  for (const f of findings) {
    const last = runs[runs.length - 1];
    if (last && (last[0] as Finding).rule === f.rule) last.push(f);
    else runs.push([f]);
  }
  return runs;
}

// 5. Findings by severity, one section per severity that has any.
export function findingsSections({ result }: MarkdownInput): string | null {
  const out: string[] = [];
  for (const severity of SEVERITIES) {
    const findings = result.findings.filter((f) => f.severity === severity && !isCapability(f));
    if (findings.length === 0) continue;
    out.push(`## ${SECTION_TITLES[severity]}`, '');
    for (const run of runsOfRule(findings)) {
      if (run.length >= GROUP_AT) out.push(...groupedBlock(run));
      else for (const f of run) out.push(...findingBlock(f));
    }
  }
  return out.length > 0 ? out.join('\n').trimEnd() : null;
}

// 6. Missing elements: what an application like this needs and the schema lacks, by priority, with DDL.
export function missingElementsSection({ result }: MarkdownInput): string | null {
  const missing = capabilities(result);
  if (missing.length === 0) return null;
  const out = [
    '## Missing elements', '',
    'What an application with this schema usually needs and this one does not have yet. Each comes with DDL that follows the schema\'s own conventions (id type, naming, timestamps, tenant column).', '',
  ];
  for (const priority of CAPABILITY_PRIORITIES) {
    const group = missing.filter((f) => capabilityPriority(f) === priority);
    if (group.length === 0) continue;
    out.push(`**${PRIORITY_NAMES[priority]}**`, '');
    for (const f of group) {
      const reason = typeof f.details['reason'] === 'string' && f.details['reason'] !== '' ? `: ${brief(f.details['reason'], 110)}` : '';
      out.push(`- **${f.id}** ${capabilityLabel(f)}${reason}`);
    }
    out.push('');
  }
  for (const f of missing) out.push(...capabilityBlock(f));
  return out.join('\n').trimEnd();
}

function capabilityBlock(f: Finding): string[] {
  const priority = capabilityPriority(f);
  const out = [`### ${f.id} · Missing: ${capabilityLabel(f)} (${priority} priority)`, ''];
  const proposed = typeof f.details['table'] === 'string' && f.details['table'] !== '' ? f.details['table'] : null;
  const meta = [`**Rule** ${code(f.rule)}`];
  if (typeof f.details['capability'] === 'string') meta.push(`**Capability** ${code(f.details['capability'])}`);
  if (proposed) meta.push(`**Proposed table** ${code(proposed)}`);
  if (f.location) meta.push(`**Evidence at** ${code(formatLocation(f.location, false))}`);
  out.push(meta.join(' · '), '');
  const reason = typeof f.details['reason'] === 'string' && f.details['reason'] !== '' ? f.details['reason'] : f.rationale;
  if (reason) out.push(`**Why it matters.** ${reason}`, '');
  const trigger = stringList(f.details['trigger']);
  const checked = stringList(f.details['checked']);
  // The message states the evidence and what was checked; the lists say it better when the rule provides them.
  if (trigger.length === 0 && checked.length === 0) out.push(f.message, '');
  if (trigger.length === 1) out.push(`**What implies it.** ${trigger[0] as string}`, '');
  else if (trigger.length > 1) out.push('**What implies it.**', '', ...trigger.map((t) => `- ${t}`), '');
  if (checked.length > 0) out.push(`**Checked for an equivalent, none found.** ${checked.map((c) => (/^[\w."]+$/.test(c) ? code(c) : c)).join('; ')}`, '');
  if (f.fix && f.fix.sql.trim() !== '') out.push('**DDL**', '', fenced('sql', f.fix.sql), '');
  if (f.fix?.notes) out.push(f.fix.notes, '');
  if (f.fix?.orm?.prisma) out.push('In Prisma:', '', fenced('prisma', f.fix.orm.prisma), '');
  if (f.fix?.orm?.drizzle) out.push('In Drizzle:', '', fenced('ts', f.fix.orm.drizzle), '');
  return out;
}

// check: seed 001's quick health check, both schemas side by side.
export function healthSection({ result }: MarkdownInput): string | null {
  const h = result.health;
  if (!h) return null;
  const row = (label: string, a: number, e: number) => [label, String(a), String(e), a === e ? '' : a > e ? `+${a - e}` : String(a - e)];
  const out = ['## Health', ''];
  out.push(table(['', 'Actual', 'Expected', 'Difference'], [
    row('Tables', h.actual.tables, h.expected.tables), row('Indexes', h.actual.indexes, h.expected.indexes),
    row('Foreign keys', h.actual.foreignKeys, h.expected.foreignKeys), row('Views', h.actual.views, h.expected.views),
  ], ['l', 'r', 'r', 'r']), '');
  if (h.actual.totalBytes !== null && h.actual.rowEstimate !== null) {
    out.push(`The actual database holds ${formatBytes(h.actual.totalBytes)} in its tables (indexes and TOAST included), about ${h.actual.rowEstimate.toLocaleString('en-US')} rows by the planner's estimates.`, '');
    if (h.largest.length > 0) out.push(table(['Largest tables', 'Size', 'Rows (estimate)'], h.largest.map((t) => [code(t.table), formatBytes(t.totalBytes), t.rowEstimate.toLocaleString('en-US')]), ['l', 'r', 'r']), '');
  }
  return out.join('\n').trimEnd();
}

// 7. Drift (--expect), data audit (--audit), migration review (diff).
export function driftSection({ result }: MarkdownInput): string | null {
  const drift = result.drift;
  if (!drift) return null;
  if (drift.length === 0) return ['## Drift', '', 'No drift: the schema matches the expected one.'].join('\n');
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const ordered = [...drift].sort((a, b) => rank(a.severity) - rank(b.severity));
  const out = ['## Drift', '', `${drift.length} difference${drift.length === 1 ? '' : 's'} from the expected schema. Names that differ only by auto-generated constraint or index naming are compared by meaning and are not listed.`, ''];
  out.push(table(['Severity', 'Kind', 'Object', 'Expected', 'Actual'], ordered.map((d) => [SEVERITY_NAMES[d.severity], d.kind, code(d.objects.map(describeRef).join(' → ')), cell(d.expected), cell(d.actual)])), '');
  const fixes = ordered.filter((d) => d.fix && d.fix.sql.trim() !== '');
  if (fixes.length > 0) {
    out.push('**SQL that brings the actual schema to the expected one** (lock-aware; review before running, data-losing steps are commented in the statements):', '');
    out.push(fenced('sql', fixes.map((d) => `-- ${d.kind}: ${d.objects.map(describeRef).join(' → ')}\n${(d.fix?.sql ?? '').trim()}`).join('\n\n')), '');
  }
  return out.join('\n').trimEnd();
}
export function auditSection({ result }: MarkdownInput): string | null {
  const audit = result.audit;
  const run = result.auditRun;
  if (!audit || !run) return null;
  const out = ['## Data audit', ''];
  const ok = run.checks.filter((c) => c.status === 'ok').length;
  const sample = run.sample
    ? ` Tables with at least ${run.sample.minRows.toLocaleString('en-US')} estimated rows were read through \`TABLESAMPLE SYSTEM (${run.sample.percent})\`${run.sample.tables.length > 0 ? ` (${run.sample.tables.map(code).join(', ')})` : ' (none was that large)'}; their counts are of the sample.`
    : '';
  out.push(
    `${run.checks.length} ${run.checks.length === 1 ? 'check' : 'checks'} ran inside a read-only transaction, each as one set-based query with a ${Math.round(run.statementTimeoutMs / 100) / 10} s statement timeout; ` +
      `${ok} finished.${sample} Results are counts and a few sample keys; secret values are never read back.`,
    '',
  );
  const unfinished = run.checks.filter((c) => c.status !== 'ok');
  if (unfinished.length > 0) {
    out.push(`**This audit is partial:** ${unfinished.length} ${unfinished.length === 1 ? 'check' : 'checks'} did not finish, so ${unfinished.length === 1 ? 'its' : 'their'} problems, if any, are not listed.`, '');
    out.push(table(['Check', 'On', 'Status', 'Why'], unfinished.map((c) => [code(c.rule), cell(c.label), c.status === 'timeout' ? 'timed out' : 'failed', cell(c.error ?? '')])), '');
  }
  if (audit.length === 0) {
    out.push(unfinished.length > 0 ? 'The checks that finished found nothing.' : 'The data obeys every rule checked.');
    return out.join('\n').trimEnd();
  }
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity);
  const ordered = [...audit].sort((a, b) => rank(a) - rank(b));
  out.push(table(['ID', 'Severity', 'Rule', 'Object', 'Title'], ordered.map((f) => [f.id, SEVERITY_NAMES[f.severity], code(f.rule), code(f.objects.slice(0, 3).map(describeRef).join(', ')), cell(f.title)])), '');
  for (const f of ordered) {
    out.push(`### ${f.id} · ${SEVERITY_NAMES[f.severity]} · ${f.title}`, '', `${code(f.rule)} on ${code(f.objects.slice(0, 3).map(describeRef).join(', '))}`, '', f.message, '');
    if (f.fix && f.fix.sql.trim() !== '') out.push(fenced('sql', f.fix.sql), '');
    if (f.fix?.notes) out.push(f.fix.notes, '');
  }
  return out.join('\n').trimEnd();
}
export function migrationSection(_input: MarkdownInput): string | null {
  return null;
}

// 8. Checklist of fixes, highest severity first.
export function checklistSection({ result }: MarkdownInput): string | null {
  // Info findings are observations; only those that come with a fix are tasks.
  const tasks = result.findings.filter((f) => f.severity !== 'info' || f.fix !== null);
  if (tasks.length === 0) return null;
  const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity);
  const ordered = [...tasks].sort((a, b) => rank(a) - rank(b) || Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const task = (f: Finding): string => `- [ ] ${f.id} ${actionFor(f)} (${f.rule}${isCapability(f) ? `, ${capabilityPriority(f)} priority` : ''})`;
  return ['## Checklist', '', ...ordered.map(task)].join('\n');
}

// 9. Appendix: ER diagram, statistics, timings.
export function appendixSection({ result, catalog }: MarkdownInput): string {
  const out = ['## Appendix', ''];
  out.push(...suppressedSubsection(result.suppressed ?? []));
  const diagram = erDiagram(catalog);
  if (diagram.total > 0) {
    out.push('### ER diagram', '');
    if (diagram.shown < diagram.total) {
      out.push(`Showing the ${diagram.shown} most connected of ${diagram.total} tables (the diagram is capped at ${MAX_DIAGRAM_TABLES}).`, '');
    }
    out.push(fenced('mermaid', diagram.source), '');
  }

  const tables = catalog.tables.filter((t) => t.origin === 'user' && t.partitionOf === null);
  const constraints = tables.flatMap((t) => t.constraints);
  const s = result.summary;
  const stats: Array<[string, number]> = [
    ['Tables', s.tables],
    ['Columns', tables.reduce((n, t) => n + t.columns.length, 0)],
    ['Partitions', catalog.tables.filter((t) => t.origin === 'user' && t.partitionOf !== null).length],
    ['Indexes', s.indexes],
    ['Foreign keys', s.foreignKeys],
    ['Unique constraints', constraints.filter((c) => c.type === 'unique').length],
    ['Check constraints', constraints.filter((c) => c.type === 'check').length],
    ['Views', s.views],
    ['Enums', s.enums],
    ['Functions', s.functions],
    ['Triggers', tables.reduce((n, t) => n + t.triggers.length, 0)],
    ['Policies', s.policies],
    ['Sequences', catalog.sequences.filter((q) => q.origin === 'user').length],
  ];
  out.push('### Statistics', '', table(['Object', 'Count'], stats.filter(([name, n]) => n > 0 || name === 'Tables').map(([name, n]) => [name, String(n)]), ['l', 'r']), '');

  const t = result.timings;
  const phases: Array<[string, number]> = [['Load', t.loadMs], ['Apply', t.applyMs], ['Introspect', t.introspectMs], ['Analyze', t.analyzeMs], ['Render', t.renderMs]];
  if (phases.some(([, ms]) => ms > 0)) {
    // renderMs is only known after rendering: a 0 there means "not measured yet", not "free".
    const rows = phases.filter(([name, ms]) => name !== 'Render' || ms > 0).map(([name, ms]) => [name, `${Math.round(ms).toLocaleString('en-US')} ms`]);
    rows.push(['Total', `${Math.round(phases.reduce((n, [, ms]) => n + ms, 0)).toLocaleString('en-US')} ms`]);
    out.push('### Timings', '', table(['Phase', 'Time'], rows, ['l', 'r']), '');
    if (catalog.introspectionQueries > 0) out.push(`Introspection ran ${catalog.introspectionQueries} catalog queries.`, '');
  }
  return out.join('\n').trimEnd();
}

const SUPPRESSED_BY: Record<SuppressedBy, string> = {
  config: 'rule off in config', ignore: 'config ignore', inline: 'inline comment', comment: 'COMMENT ON marker', baseline: 'baseline',
};
const SUPPRESSED_ORDER: readonly SuppressedBy[] = ['config', 'ignore', 'inline', 'comment', 'baseline'];
/** A baseline can hold thousands of accepted findings; the JSON output has them all. */
const MAX_SUPPRESSED_LISTED = 50;

/** "2 by inline comment, 1 by baseline" */
function suppressedBreakdown(list: readonly SuppressedFinding[]): string {
  return SUPPRESSED_ORDER.map((by) => [by, list.filter((x) => x.by === by).length] as const)
    .filter(([, n]) => n > 0)
    .map(([by, n]) => `${n} by ${SUPPRESSED_BY[by]}`)
    .join(', ');
}

function suppressedSubsection(list: readonly SuppressedFinding[]): string[] {
  if (list.length === 0) return [];
  const rank = (x: SuppressedFinding): number => SUPPRESSED_ORDER.indexOf(x.by) * 10 + SEVERITIES.indexOf(x.severity);
  const ordered = list.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i).map(({ x }) => x);
  const rows = ordered.slice(0, MAX_SUPPRESSED_LISTED).map((x) => [
    code(x.rule),
    SEVERITY_NAMES[x.severity],
    x.objects.length > 0 ? x.objects.slice(0, 3).map((o) => code(describeRef(o))).join(', ') + (x.objects.length > 3 ? ` +${x.objects.length - 3}` : '') : '—',
    x.location ? code(formatLocation(x.location, false)) : '—',
    SUPPRESSED_BY[x.by],
    x.reason ? cell(x.reason) : '—',
  ]);
  const out = ['### Suppressed findings', '', `Findings the team chose not to see (${suppressedBreakdown(list)}). They are not counted above; remove the suppression to bring one back.`, ''];
  out.push(table(['Rule', 'Severity', 'Object', 'Location', 'Suppressed by', 'Reason'], rows), '');
  if (list.length > MAX_SUPPRESSED_LISTED) out.push(`… and ${list.length - MAX_SUPPRESSED_LISTED} more; \`--format json\` lists them all.`, '');
  return out;
}

/** The sections in document order. */
export const SECTIONS: readonly Section[] = [
  headerSection,
  summarySection,
  inventory,
  strengthsSection,
  findingsSections,
  missingElementsSection,
  healthSection,
  driftSection,
  auditSection,
  migrationSection,
  checklistSection,
  appendixSection,
];

/** `schemasage audit` reports data, not design: the header, the audit, the appendix. */
const AUDIT_SECTIONS: readonly Section[] = [headerSection, auditSection, appendixSection];
/** `schemasage check` reports drift: the health counts of both schemas, then each difference with its fix. */
const CHECK_SECTIONS: readonly Section[] = [headerSection, healthSection, driftSection];

export function renderMarkdown(input: MarkdownInput): string {
  if (input.result.command === 'diff') return renderDiffMarkdown(input.result);
  if (input.result.command === 'audit' || input.result.command === 'check') {
    const parts = (input.result.command === 'audit' ? AUDIT_SECTIONS : CHECK_SECTIONS).map((section) => section(input)).filter((s): s is string => s !== null && s.trim() !== '');
    return `${parts.join('\n\n')}\n`;
  }
  const parts = SECTIONS.map((section) => section(input)).filter((s): s is string => s !== null && s.trim() !== '');
  return `${parts.join('\n\n')}\n`;
}
