/** Which checks an audit runs, in a stable order. */
import type { RuleSetting } from '../rules/run.js';
import { planDuplicates } from './checks/duplicates.js';
import { planEnumValues } from './checks/enum-values.js';
import { planExclusiveFlags } from './checks/exclusive-flags.js';
import { planInvariants } from './checks/invariants.js';
import { planNeverNull } from './checks/never-null.js';
import { planOrphans } from './checks/orphans.js';
import { planSecrets } from './checks/secrets.js';
import { AUDIT_RULE_IDS, type AuditCheck, type AuditRuleId, type PlanContext } from './types.js';

const PLANNERS: Record<AuditRuleId, (ctx: PlanContext) => AuditCheck[]> = {
  'orphaned-rows': planOrphans,
  'duplicate-values': planDuplicates,
  'unhashed-secret-values': planSecrets,
  'exclusive-flag-violation': planExclusiveFlags,
  'observed-enum-values': planEnumValues,
  'never-null-column': planNeverNull,
  'invariant-violation': planInvariants,
};

/** Every check of the rules not set to "off", rule by rule in contract order, then by label. */
export function planAudit(ctx: PlanContext, settings: Record<string, RuleSetting> = {}): AuditCheck[] {
  const out: AuditCheck[] = [];
  for (const id of AUDIT_RULE_IDS) {
    if (settings[id]?.level === 'off') continue;
    const checks = PLANNERS[id](ctx);
    // Invariants keep the config's order; the others sort by what they read.
    if (id !== 'invariant-violation') checks.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    out.push(...checks);
  }
  return out;
}
