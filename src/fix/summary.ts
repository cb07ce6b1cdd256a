/** The few lines `fix` prints on stderr: what the migration does, what it left out, how it was verified. */
import type { FixPlan, FixStep } from './types.js';

function ids(steps: readonly FixStep[]): string[] {
  return [...new Set(steps.map((s) => s.finding))];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatFixSummary(plan: FixPlan): string {
  const applied = plan.steps.filter((s) => s.status === 'applied');
  const fixes = ids(applied.filter((s) => s.capability === null));
  const caps = [...new Map(applied.filter((s) => s.capability !== null).map((s) => [s.finding, `${s.capability} (${s.finding})`])).values()];
  const skipped = plan.steps.filter((s) => s.status === 'skipped');
  const lines: string[] = [];
  if (plan.verified) {
    const parts: string[] = [];
    if (fixes.length > 0) parts.push(`fixes ${plural(fixes.length, 'finding')} (${fixes.join(', ')})`);
    if (caps.length > 0) parts.push(`adds ${caps.length === 1 ? 'capability' : 'capabilities'} ${caps.join(', ')}`);
    if (skipped.length > 0) parts.push(`skipped ${skipped.length}`);
    lines.push(parts.join('; '));
  } else if (plan.passes === 0) {
    lines.push('nothing to write: none of the selected fixes can be applied automatically');
  } else {
    lines.push('the fix could not be verified: nothing written');
  }
  for (const s of skipped) lines.push(`  skipped ${s.finding} ${s.rule}: ${s.reason ?? ''}`);
  if (plan.verified) {
    lines.push(`verified: applied in ${plan.verifiedIn}, ${plural(plan.gone.length, 'finding')} gone, no new high${plan.passes > 1 ? ` (${plan.passes} passes: failing fixes were taken out and the rest applied again from scratch)` : ''}`);
    if (plan.preChecks.length > 0) lines.push(`run the ${plural(plan.preChecks.length, 'pre-check')} in the file's header first: existing rows can make a step fail`);
  } else {
    // Failed steps and findings that stayed are named with the skipped ones above.
    const named = new Set(skipped.map((s) => s.finding));
    for (const r of plan.remaining) if (!named.has(r.id)) lines.push(`  still there after its fix: ${r.id} ${r.rule}: ${r.message}`);
    for (const r of plan.introduced) {
      if (skipped.some((s) => s.reason?.includes(`finding, ${r.rule}: `))) continue;
      lines.push(`  new after the fix, from the fixes together: ${r.severity} ${r.rule}: ${r.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
