import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/model.js';
import { describeRef, locate } from '../catalog/helpers.js';
import { SEVERITIES, SEVERITY_PREFIX, type Finding, type ObjectRef, type Severity } from '../result.js';
import { DEFAULT_REVIEW_SETTINGS, type ReviewSettings, type Rule } from './types.js';

export interface RuleSetting {
  /** 'off' disables; a severity overrides the default. */
  level: Severity | 'off' | undefined;
  options: Record<string, unknown>;
}

export interface RunOptions {
  /** Per-rule settings from config. */
  settings?: Record<string, RuleSetting>;
  /** Stances and the tenant column (config); defaults to DEFAULT_REVIEW_SETTINGS. */
  review?: ReviewSettings;
}

function objectKey(o: ObjectRef): string {
  return [o.kind, o.schema ?? '', o.table ?? '', o.name ?? ''].join('/');
}

/** Stable across runs and unrelated edits: rule + the objects it names. */
export function fingerprint(rule: string, objects: ObjectRef[]): string {
  return createHash('sha256').update(`${rule}\n${objects.map(objectKey).join('\n')}`).digest('hex').slice(0, 16);
}

/** A finding before numbering: ids are given once suppression has decided which findings stay. */
export type DraftFinding = Omit<Finding, 'id'>;

export interface EvaluatedRules {
  /** Findings of the rules that run. */
  findings: DraftFinding[];
  /**
   * Findings of rules on by default that config set to "off": still computed, so the review can
   * count them as suppressed rather than lose them silently.
   */
  off: DraftFinding[];
}

/**
 * Runs rules over a catalog. Rules off by default (stances) run only when config gives them a
 * severity; live-only rules only on a live catalog.
 */
export function evaluateRules(catalog: Catalog, rules: readonly Rule[], opts: RunOptions = {}): EvaluatedRules {
  const out: EvaluatedRules = { findings: [], off: [] };
  for (const rule of rules) {
    const setting = opts.settings?.[rule.meta.id];
    const off = setting?.level === 'off';
    if (off && !rule.meta.enabledByDefault) continue;
    if (!rule.meta.enabledByDefault && setting?.level === undefined) continue;
    if (rule.meta.liveOnly && !catalog.live) continue;
    const severity = setting?.level === 'off' ? undefined : setting?.level;
    const into = off ? out.off : out.findings;
    for (const d of rule.check({ catalog, options: setting?.options ?? {}, review: opts.review ?? DEFAULT_REVIEW_SETTINGS })) {
      const first = d.objects[0];
      into.push({
        rule: rule.meta.id,
        severity: severity ?? d.severity ?? rule.meta.severity,
        category: rule.meta.category,
        title: d.title ?? rule.meta.title,
        message: d.message,
        rationale: rule.meta.rationale,
        objects: d.objects,
        location: d.location !== undefined ? d.location : first ? locate(catalog, first) : null,
        details: d.details ?? {},
        fix: d.fix ?? null,
        fingerprint: fingerprint(rule.meta.id, d.objects),
      });
    }
  }
  return out;
}

/**
 * Runs rules over a catalog and returns findings in a deterministic order (severity, then rule,
 * then object), numbered C1, H1, M1, … per severity. Rules set to "off" contribute nothing.
 */
export function runRules(catalog: Catalog, rules: readonly Rule[], opts: RunOptions = {}): Finding[] {
  return numberFindings(evaluateRules(catalog, rules, opts).findings);
}

type FindingOrderKey = Pick<Finding, 'severity' | 'rule' | 'objects' | 'fingerprint'>;

const objectKeys = new WeakMap<object, string>();

function objectsKey(f: FindingOrderKey): string {
  let k = objectKeys.get(f.objects);
  if (k === undefined) {
    k = f.objects.map(describeRef).join(',');
    objectKeys.set(f.objects, k);
  }
  return k;
}

/** Code-point order: the same on every machine and locale (localeCompare is not), and fast. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order findings are listed and numbered in: severity, rule, objects, fingerprint. */
export function compareFindings(a: FindingOrderKey, b: FindingOrderKey): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    cmp(a.rule, b.rule) ||
    cmp(objectsKey(a), objectsKey(b)) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

export function numberFindings(drafts: DraftFinding[]): Finding[] {
  const sorted = [...drafts].sort(compareFindings);
  const counters: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  return sorted.map((d) => ({ id: `${SEVERITY_PREFIX[d.severity]}${++counters[d.severity]}`, ...d }));
}
