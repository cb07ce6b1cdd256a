/**
 * The migration review as a pull-request comment (seed 002): the verdict and why, the must-fix
 * list, the should-fix list, what the change does, the rollback, and the debt it did not cause.
 */
import { describeRef } from '../catalog/helpers.js';
import type { Finding, ReviewResult, Verdict } from '../result.js';
import { actionFor } from './actions.js';
import { dateOnly, engineLabel, formatLocation } from './labels.js';
import { cell, code, fenced, table } from './markdown.js';
import { findingBlock } from './md.js';

const VERDICT_LABEL: Record<Verdict, string> = {
  approve: '✅ Approve',
  'approve-with-comments': '💬 Approve with comments',
  'changes-requested': '🛠️ Changes requested',
  block: '⛔ Block',
};

function changesTable(result: ReviewResult): string[] {
  const changes = result.changes ?? [];
  if (changes.length === 0) return ['The change creates, alters and drops nothing in the schema.'];
  return [
    table(
      ['Change', 'Object', 'What', 'Where'],
      changes.map((c) => [c.action, code(describeRef(c.object)), cell(c.detail), c.location ? code(formatLocation(c.location, false)) : '—']),
    ),
  ];
}

function findingList(title: string, findings: Finding[], intro: string): string[] {
  if (findings.length === 0) return [];
  return [`## ${title}`, '', intro, '', ...findings.flatMap(findingBlock)];
}

export function renderDiffMarkdown(result: ReviewResult): string {
  const verdict = result.summary.verdict ?? 'approve';
  const mustFix = result.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const shouldFix = result.findings.filter((f) => f.severity === 'medium' || f.severity === 'low');
  const notes = result.findings.filter((f) => f.severity === 'info');
  const change = result.notes.find((n) => n.message.startsWith('the change: '));
  const out: string[] = [
    `# Migration review: ${VERDICT_LABEL[verdict]}`,
    '',
    [`${result.source.path}`, `reviewed ${dateOnly(result.generatedAt)}`, engineLabel(result.engine), `schemasage ${result.tool.version}`].join(' · '),
    '',
  ];
  if (change) out.push(`**Change.** ${change.message.slice('the change: '.length)}.`, '');
  out.push('## Verdict', '', `**${verdict}**`, '', ...(result.verdictReasons ?? []).map((r) => `- ${r}`), '');
  const c = result.summary.findings;
  out.push(
    table(['Critical', 'High', 'Medium', 'Low', 'Info'], [[String(c.critical), String(c.high), String(c.medium), String(c.low), String(c.info)]], ['r', 'r', 'r', 'r', 'r']),
    '',
  );
  out.push(...findingList('Must fix before merging', mustFix, 'Each of these fails the deploy, locks or rewrites a busy table, or breaks running clients.'));
  out.push(...findingList('Should fix', shouldFix, 'Worth fixing in this PR; none of them blocks the merge alone.'));
  out.push(...findingList('Notes', notes, 'Observations.'));
  out.push('## What the change does', '', ...changesTable(result), '');
  const m = result.migration;
  if (m) {
    const yes = (b: boolean) => (b ? 'yes' : 'no');
    out.push('## Migration quality', '');
    out.push(table(['Aspect', 'Assessment'], [
      ['Files', m.files.length > 0 ? m.files.map(code).join(', ') : '—'],
      ['Statements', `${m.statements}${m.failed > 0 ? `, **${m.failed} rejected by PostgreSQL**` : ', all apply'}`],
      ['Shape', m.additive ? 'purely additive (the safest kind): nothing existing is altered or dropped' : 'alters or drops existing objects: see the findings above'],
      ['Own transaction', m.transactions ? 'yes (CONCURRENTLY statements must stay outside it)' : 'no'],
      ['lock_timeout set', m.additive ? `${yes(m.lockTimeout)} (not needed for new objects)` : yes(m.lockTimeout)],
      ['CONCURRENTLY', String(m.concurrent)],
      ['Data changes', m.dataChanges === 0 ? 'none' : `${m.dataChanges} INSERT/UPDATE/DELETE statement${m.dataChanges === 1 ? '' : 's'}: backfills belong in batched jobs, not schema migrations`],
      ['Rollback', result.rollback ? (result.rollback.verified ? `generated and verified${result.rollback.irreversible.length > 0 ? `; ${result.rollback.irreversible.length} irreversible step${result.rollback.irreversible.length === 1 ? '' : 's'}` : ''}` : 'generated, not verified') : '—'],
    ]), '');
  }
  if (result.drift) {
    const dev = result.drift;
    out.push('## Alignment with the design', '');
    if (dev.length === 0) out.push('The changed tables match the design.', '');
    else {
      out.push(table(['Deviation', 'Object', 'Design', 'This change'], dev.map((d) => [d.kind, code(d.objects.map(describeRef).join(', ')), cell(d.expected), cell(d.actual)])), '');
    }
  }

  const rb = result.rollback;
  if (rb) {
    out.push('## Rollback', '');
    out.push(
      rb.verified
        ? 'Generated from the difference between the schema before and after the change, applied to the result in the engine, and checked: it gives back the schema before the change exactly.'
        : `Generated from the difference between the two schemas, but **not verified**: ${rb.problems.join('; ')}.`,
      '',
    );
    if (rb.irreversible.length > 0) {
      out.push('**Irreversible steps** (the schema comes back, the data does not):', '', ...rb.irreversible.map((i) => `- ${i}`), '');
    }
    out.push(rb.sql.trim() === '' ? 'Nothing to roll back.' : fenced('sql', rb.sql.trim()), '');
  }
  const debt = result.existingDebt;
  if (debt && debt.count > 0) {
    const b = debt.bySeverity;
    out.push('## Existing debt', '', `${debt.count} findings of the review rules were already in the schema before this change (${b.critical} critical, ${b.high} high, ${b.medium} medium, ${b.low} low): not this PR's to fix. Run \`schemasage review\` for the full list.`, '');
  }
  const tasks = [...mustFix, ...shouldFix];
  if (tasks.length > 0) out.push('## Checklist', '', ...tasks.map((f) => `- [ ] ${f.id} ${actionFor(f)} (${f.rule})${f.location ? ` — ${code(formatLocation(f.location, false))}` : ''}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}
