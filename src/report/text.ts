/**
 * The terminal report: findings grouped by severity (critical first), one line each with its
 * location so editors and terminals can jump to it, the message indented below, summary last
 * (the last thing on screen is the verdict). Fits a 100-column terminal.
 */
import { describeRef, formatBytes } from '../catalog/helpers.js';
import pc from 'picocolors';
import type { Catalog } from '../catalog/model.js';
import { SEVERITIES, type Finding, type ReviewResult, type Severity } from '../result.js';
import { CAPABILITY_PRIORITIES, capabilityLabel, capabilityPriority, objectNames } from './actions.js';
import { computeGrade } from './grade.js';
import { engineLabel, formatLocation, sourceKindLabel } from './labels.js';

const WIDTH = 100;
const MESSAGE_INDENT = '      ';

type Colors = ReturnType<typeof pc.createColors>;
type Paint = (s: string) => string;

function severityPaint(c: Colors): Record<Severity, Paint> {
  return {
    critical: (s) => c.bold(c.red(s)),
    high: (s) => c.red(s),
    medium: (s) => c.yellow(s),
    low: (s) => c.cyan(s),
    info: (s) => c.dim(s),
  };
}

/** Greedy word wrap; a single over-long word (a path, a SQL fragment) gets a line of its own. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line === '') line = word;
      else if (indent.length + line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(indent + line);
        line = word;
      }
    }
    if (line !== '') lines.push(indent + line);
  }
  return lines;
}

function objectsLabel(f: Finding): string {
  return objectNames(f, 1).join(' ');
}

function findingLines(f: Finding, idWidth: number, ruleWidth: number, c: Colors, paint: Paint): string[] {
  const id = paint(f.id.padEnd(idWidth));
  const rule = f.rule.padEnd(ruleWidth);
  const objects = objectsLabel(f);
  const where = f.location ? formatLocation(f.location, true) : '';
  const plain = `  ${f.id.padEnd(idWidth)}  ${rule}  ${objects}${where ? `  ${where}` : ''}`;
  const out: string[] = [];
  if (plain.length <= WIDTH || !where) {
    out.push(`  ${id}  ${c.bold(rule)}  ${objects}${where ? `  ${c.dim(where)}` : ''}`.trimEnd());
  } else {
    out.push(`  ${id}  ${c.bold(rule)}  ${objects}`.trimEnd());
    out.push(`${MESSAGE_INDENT}${c.dim(where)}`);
  }
  out.push(...wrap(f.message, WIDTH, MESSAGE_INDENT));
  return out;
}

/** Gaps rather than defects: one line each after the findings; the md report has their DDL. */
const CAPABILITY_RULE = 'missing-capability';

function missingLines(findings: readonly Finding[], idWidth: number, c: Colors): string[] {
  const rank = (f: Finding): number => CAPABILITY_PRIORITIES.indexOf(capabilityPriority(f));
  const missing = findings
    .filter((f) => f.rule === CAPABILITY_RULE)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
  if (missing.length === 0) return [];
  const out = [c.bold(`MISSING ELEMENTS (${missing.length})`)];
  for (const f of missing) {
    const p = capabilityPriority(f);
    const paint = p === 'high' ? c.yellow : p === 'medium' ? c.cyan : c.dim;
    const room = WIDTH - (idWidth + 12);
    const label = capabilityLabel(f);
    const shown = label.length <= room ? label : `${label.slice(0, room - 1)}…`;
    out.push(`  ${paint(f.id.padEnd(idWidth))}  ${paint(p.padEnd(6))}  ${shown}`.trimEnd());
  }
  out.push(...wrap('Counted in the summary at the severity their priority gives; the md report (--format md) has the reason and DDL for each.', WIDTH, '  ').map((l) => c.dim(l)), '');
  return out;
}

/** check: the quick health counts of both schemas, sizes when live. */
function healthLines(result: ReviewResult, c: Colors): string[] {
  const h = result.health;
  if (!h) return [];
  const row = (label: string, a: number, e: number) => {
    const differs = a !== e;
    const text = `  ${label.padEnd(14)}${String(a).padStart(8)}${String(e).padStart(10)}`;
    return differs ? `${text}  ${c.yellow(a > e ? `+${a - e}` : `${a - e}`)}` : text;
  };
  const out = [c.bold('HEALTH            actual  expected'), row('tables', h.actual.tables, h.expected.tables), row('indexes', h.actual.indexes, h.expected.indexes),
    row('foreign keys', h.actual.foreignKeys, h.expected.foreignKeys), row('views', h.actual.views, h.expected.views)];
  if (h.actual.totalBytes !== null && h.actual.rowEstimate !== null) {
    out.push(`  size ${formatBytes(h.actual.totalBytes)} · about ${h.actual.rowEstimate.toLocaleString('en-US')} rows (estimates)`);
    if (h.largest.length > 0) out.push(...wrap(`largest: ${h.largest.map((t) => `${t.table} (${formatBytes(t.totalBytes)}, ~${t.rowEstimate.toLocaleString('en-US')} rows)`).join(', ')}`, WIDTH, '  '));
  }
  out.push('');
  return out;
}

/** The data audit: findings by severity, then the checks that did not finish. */
function auditLines(result: ReviewResult, c: Colors, paints: Record<Severity, Paint>): string[] {
  const audit = result.audit;
  const run = result.auditRun;
  if (!audit || !run) return [];
  const out: string[] = [c.bold(`DATA AUDIT (${audit.length} ${audit.length === 1 ? 'finding' : 'findings'}, ${run.checks.length} ${run.checks.length === 1 ? 'check' : 'checks'})`)];
  const idWidth = Math.max(2, ...audit.map((f) => f.id.length));
  for (const severity of SEVERITIES) {
    const group = audit.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    const ruleWidth = Math.min(30, Math.max(...group.map((f) => f.rule.length)));
    out.push(paints[severity](`  ${severity.toUpperCase()} (${group.length})`));
    for (const f of group) out.push(...findingLines(f, idWidth, ruleWidth, c, paints[severity]));
  }
  const unfinished = run.checks.filter((x) => x.status !== 'ok');
  if (audit.length === 0) out.push(c.green(unfinished.length > 0 ? '  The checks that finished found nothing.' : '  The data obeys every rule checked.'));
  if (unfinished.length > 0) {
    out.push(c.yellow(`  PARTIAL: ${unfinished.length} ${unfinished.length === 1 ? 'check' : 'checks'} did not finish`));
    for (const x of unfinished) out.push(...wrap(`${x.status === 'timeout' ? 'timed out' : 'failed'}: ${x.rule} on ${x.label} — ${x.error ?? ''}`, WIDTH, '    '));
  }
  out.push('');
  return out;
}

export function renderText(input: { result: ReviewResult; catalog: Catalog }, opts: { color: boolean }): string {
  const { result } = input;
  const c = pc.createColors(opts.color);
  const paints = severityPaint(c);
  const lines: string[] = [];

  lines.push(`${c.bold('schemasage')} ${result.command}  ${result.source.path}`);
  lines.push(c.dim(`${sourceKindLabel(result)} · ${engineLabel(result.engine)}`));
  lines.push('');

  const idWidth = Math.max(2, ...result.findings.map((f) => f.id.length));
  for (const severity of SEVERITIES) {
    const group = result.findings.filter((f) => f.severity === severity && f.rule !== CAPABILITY_RULE);
    if (group.length === 0) continue;
    const ruleWidth = Math.min(30, Math.max(...group.map((f) => f.rule.length)));
    lines.push(paints[severity](`${severity.toUpperCase()} (${group.length})`));
    for (const f of group) lines.push(...findingLines(f, idWidth, ruleWidth, c, paints[severity]));
    lines.push('');
  }
  lines.push(...missingLines(result.findings, idWidth, c));
  lines.push(...healthLines(result, c));
  if (result.drift) {
    if (result.drift.length === 0) lines.push(c.green('No drift: the schema matches the expected one.'), '');
    else {
      lines.push(c.bold(`DRIFT (${result.drift.length})`));
      const kindWidth = Math.min(24, Math.max(...result.drift.map((d) => d.kind.length)));
      const rank = (sev: Severity) => SEVERITIES.indexOf(sev);
      for (const d of [...result.drift].sort((a, b) => rank(a.severity) - rank(b.severity))) {
        lines.push(`  ${paints[d.severity](d.severity.padEnd(8))} ${d.kind.padEnd(kindWidth)}  ${d.objects.map(describeRef).join(' → ')}`);
        lines.push(c.dim(`      expected ${d.expected} · actual ${d.actual}`));
      }
      lines.push('');
    }
  }
  lines.push(...auditLines(result, c, paints));
  if (result.findings.length === 0 && result.command !== 'check' && result.command !== 'audit') {
    lines.push(c.green('No findings.'));
    lines.push('');
  }

  // Unfinished audit checks are listed in the audit section already.
  const notes = result.notes.filter((n) => n.kind !== 'audit-timeout' && n.kind !== 'audit-error');
  if (notes.length > 0) {
    lines.push(c.bold('Notes'));
    for (const n of notes) {
      // Loaders often name the place in the message already; saying it twice is noise.
      const where = n.location && !n.message.includes(`${n.location.file}:${n.location.line}`) ? ` (${formatLocation(n.location, true)})` : '';
      const wrapped = wrap(`${n.message}${where}`, WIDTH, '    ');
      lines.push(`  - ${(wrapped[0] ?? '').trimStart()}`, ...wrapped.slice(1));
    }
    lines.push('');
  }

  const s = result.summary;
  const counts = SEVERITIES.map((sev) => {
    const text = `${s.findings[sev]} ${sev}`;
    return s.findings[sev] > 0 ? paints[sev](text) : c.dim(text);
  }).join(' · ');
  const suppressed = s.suppressed > 0 ? ` · ${s.suppressed} suppressed` : '';
  const grade = s.grade ?? computeGrade(s.findings, s.tables);
  lines.push(`${c.bold('Summary')}  ${counts}${suppressed}`);
  if (s.verdict) {
    // diff: the change, its rollback and the verdict instead of the schema's health grade.
    const changes = result.changes ?? [];
    const rb = result.rollback;
    lines.push(`         ${changes.length} ${changes.length === 1 ? 'change' : 'changes'} · rollback ${rb ? (rb.verified ? 'verified' : 'NOT verified') : '—'}${rb && rb.irreversible.length > 0 ? ` (${rb.irreversible.length} irreversible)` : ''}${result.existingDebt ? ` · ${result.existingDebt.count} existing findings not from this change` : ''}`);
    lines.push(`${c.bold('Verdict')}  ${c.bold(s.verdict)}${result.verdictReasons?.[0] ? `: ${result.verdictReasons[0]}` : ''}`);
    return `${lines.join('\n')}\n`;
  }
  if (result.command === 'audit' && result.auditRun) {
    const run = result.auditRun;
    const unfinished = run.checks.filter((x) => x.status !== 'ok').length;
    lines.push(`         ${run.checks.length} ${run.checks.length === 1 ? 'check' : 'checks'} · ${s.tables} ${s.tables === 1 ? 'table' : 'tables'}${unfinished > 0 ? ` · ${c.yellow(`${unfinished} unfinished: partial report`)}` : ''}${run.sample ? ` · sampled ${run.sample.percent}%` : ''}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `         ${s.tables} ${s.tables === 1 ? 'table' : 'tables'} · ${s.indexes} ${s.indexes === 1 ? 'index' : 'indexes'} · ` +
      `${s.foreignKeys} foreign ${s.foreignKeys === 1 ? 'key' : 'keys'} · ${result.command === 'check' ? `${(result.drift ?? []).length} differences` : `grade ${c.bold(grade)}`}`,
  );
  return `${lines.join('\n')}\n`;
}
