/**
 * The review document. Each numbered part of PRODUCT.md "The review document (md)" is one
 * function returning its Markdown or null (nothing to say: the section is left out, never empty).
 * Sections 6 (missing elements) and 7 (drift, audit, migration review) slot in between findings
 * and the checklist when they exist.
 */
import type { Catalog } from '../catalog/model.js';
import { SEVERITIES, type Finding, type ReviewResult, type Severity } from '../result.js';
import { actionFor, objectNames, objectsPhrase, subjectPhrase } from './actions.js';
import { healthGrade } from './grade.js';
import { inventorySection } from './inventory.js';
import { dateOnly, engineLabel, formatLocation, sourceKindLabel } from './labels.js';
import { cell, code, fenced, table } from './markdown.js';
import { MAX_DIAGRAM_TABLES, erDiagram } from './mermaid.js';
import { findStrengths } from './strengths.js';

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

// 1. Title, source, date, engine.
export function headerSection({ result }: MarkdownInput): string {
  const meta = [
    sourceKindLabel(result).replace(/^./, (ch) => ch.toUpperCase()),
    `reviewed ${dateOnly(result.generatedAt)}`,
    engineLabel(result.engine),
    `schemasage ${result.tool.version}`,
  ];
  const out = [`# Schema review: ${result.source.path}`, '', meta.join(' · ')];
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
    out.push(`${s.suppressed} ${s.suppressed === 1 ? 'finding was' : 'findings were'} suppressed by configuration, inline comments or the baseline.`, '');
  }
  const risks = result.findings.filter((f) => f.severity !== 'info').slice(0, 3);
  if (risks.length > 0) {
    out.push('**Biggest risks**', '');
    risks.forEach((f, i) => out.push(`${i + 1}. **${f.id}** ${f.title}${subjectPhrase(f) ? `: ${subjectPhrase(f)}` : ''}`));
  } else if (result.findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push('Nothing above info: the findings below are observations.');
  }
  return out.join('\n').trimEnd();
}

// 3. Inventory.
export function inventory({ result, catalog }: MarkdownInput): string | null {
  return inventorySection(result, catalog);
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

function findingBlock(f: Finding): string[] {
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
    const findings = result.findings.filter((f) => f.severity === severity);
    if (findings.length === 0) continue;
    out.push(`## ${SECTION_TITLES[severity]}`, '');
    for (const run of runsOfRule(findings)) {
      if (run.length >= GROUP_AT) out.push(...groupedBlock(run));
      else for (const f of run) out.push(...findingBlock(f));
    }
  }
  return out.length > 0 ? out.join('\n').trimEnd() : null;
}

// 6. Missing elements — comes with the capabilities catalogue.
export function missingElementsSection(_input: MarkdownInput): string | null {
  return null;
}

// 7. Drift (--expect), data audit (--audit), migration review (diff).
export function driftSection(_input: MarkdownInput): string | null {
  return null;
}
export function auditSection(_input: MarkdownInput): string | null {
  return null;
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
  return ['## Checklist', '', ...ordered.map((f) => `- [ ] ${f.id} ${actionFor(f)} (${f.rule})`)].join('\n');
}

// 9. Appendix: ER diagram, statistics, timings.
export function appendixSection({ result, catalog }: MarkdownInput): string {
  const out = ['## Appendix', ''];
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

/** The sections in document order. */
export const SECTIONS: readonly Section[] = [
  headerSection,
  summarySection,
  inventory,
  strengthsSection,
  findingsSections,
  missingElementsSection,
  driftSection,
  auditSection,
  migrationSection,
  checklistSection,
  appendixSection,
];

export function renderMarkdown(input: MarkdownInput): string {
  const parts = SECTIONS.map((section) => section(input)).filter((s): s is string => s !== null && s.trim() !== '');
  return `${parts.join('\n\n')}\n`;
}
