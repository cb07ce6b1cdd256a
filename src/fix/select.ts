/**
 * Which findings the migration fixes. Selectors (--rule, --capability, --finding) add up; without
 * any, every finding at --min-severity (default high) or above that has a fix. A selector that names
 * nothing is a usage error that lists what could have been chosen.
 */
import { CAPABILITIES } from '../capabilities/index.js';
import { closest, knownRuleIds } from '../config/schema.js';
import { SchemasageError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../result.js';

export interface SelectionFlags {
  rules?: string[];
  capabilities?: string[];
  findings?: string[];
  /** Only when given explicitly: selectors otherwise take findings of any severity. */
  minSeverity?: Severity;
}

export const DEFAULT_MIN_SEVERITY: Severity = 'high';

function atLeast(s: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(min);
}

function capabilityOf(f: Finding): string | null {
  return f.rule === 'missing-capability' && typeof f.details.capability === 'string' ? f.details.capability : null;
}

function available(findings: readonly Finding[]): string {
  const byRule = new Map<string, number>();
  for (const f of findings) if (f.fix && f.rule !== 'missing-capability') byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const caps = findings.map(capabilityOf).filter((c): c is string => c !== null);
  const rules = [...byRule].map(([r, n]) => `${r} (${n})`);
  const parts = [
    rules.length > 0 ? `rules with a fixable finding here: ${rules.join(', ')}` : 'no finding here has a fix',
    caps.length > 0 ? `missing capabilities: ${caps.join(', ')}` : 'no capability is missing',
  ];
  return parts.join('\n  ');
}

function usage(message: string, findings: readonly Finding[]): SchemasageError {
  return new SchemasageError(message, { hint: available(findings) });
}

export function selectFindings(findings: readonly Finding[], flags: SelectionFlags): Finding[] {
  const rules = flags.rules ?? [];
  const caps = flags.capabilities ?? [];
  const ids = flags.findings ?? [];
  if (rules.length === 0 && caps.length === 0 && ids.length === 0) {
    const min = flags.minSeverity ?? DEFAULT_MIN_SEVERITY;
    return findings.filter((f) => f.fix !== null && atLeast(f.severity, min));
  }

  const chosen = new Set<Finding>();
  const known = knownRuleIds();
  for (const rule of rules) {
    if (!known.includes(rule)) {
      const near = closest(rule, known);
      throw usage(`--rule ${rule}: no such rule${near ? ` (did you mean ${near}?)` : ''}`, findings);
    }
    const hits = findings.filter((f) => f.rule === rule);
    if (hits.length === 0) throw usage(`--rule ${rule}: the review has no finding of this rule`, findings);
    for (const f of hits) chosen.add(f);
  }
  const names = CAPABILITIES.map((c) => c.name as string);
  for (const cap of caps) {
    if (!names.includes(cap)) {
      const near = closest(cap, names);
      throw usage(`--capability ${cap}: no such capability${near ? ` (did you mean ${near}?)` : ''}; known: ${names.join(', ')}`, findings);
    }
    const hits = findings.filter((f) => capabilityOf(f) === cap);
    if (hits.length === 0) throw usage(`--capability ${cap}: the schema is not missing it (it has it, or nothing in it calls for it)`, findings);
    for (const f of hits) chosen.add(f);
  }
  for (const id of ids) {
    const f = findings.find((x) => x.id.toLowerCase() === id.toLowerCase() || x.fingerprint === id);
    if (!f) {
      const range = findings.length > 0 ? `the review's findings are ${findings.map((x) => x.id).join(', ')}` : 'the review has no findings';
      throw new SchemasageError(`--finding ${id}: no such finding; ${range}`, { hint: 'ids are those of `schemasage review` with the same config' });
    }
    chosen.add(f);
  }
  const min = flags.minSeverity;
  // Review order (severity, rule, objects): the first of two colliding fixes is the more severe.
  return findings.filter((f) => chosen.has(f) && (min === undefined || atLeast(f.severity, min)));
}
