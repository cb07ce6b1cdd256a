/**
 * The calibration scorer: compares the findings of the default rule set on a corpus schema with a
 * human answer key (test/fixtures/calibration/<name>.expected.json) and counts true positives,
 * false positives and false negatives per schema and per rule. See docs/calibration.md.
 */
import type { Catalog } from '../../src/catalog/model.js';
import type { Finding, ObjectRef } from '../../src/result.js';
import type { Rule } from '../../src/rules/types.js';

/** One line of an answer key. `object` may list equivalent names for the same problem. */
export interface AnswerEntry {
  rule: string;
  object: string | string[];
  why: string;
}

export interface AnswerKey {
  description: string;
  /** Findings a senior reviewer would insist on: each one missing is a false negative. */
  expected: AnswerEntry[];
  /** Defensible either way: neither required nor counted as a false positive. */
  acceptable: AnswerEntry[];
  /**
   * Keyed before the tool was ever run on the schema, and never tuned against it afterwards: its
   * numbers are reported apart, as the honest measure (docs/calibration.md).
   */
  holdout?: boolean;
}

/** The capabilities `missing-capability` may report (PRODUCT.md); its findings are named by capability. */
export const CAPABILITIES: readonly string[] = [
  'refresh-tokens', 'password-reset', 'email-verification', 'oauth-accounts', 'sessions', 'system-settings', 'audit-log',
  'file-uploads', 'user-preferences', 'search-history', 'payment-records', 'webhook-idempotency', 'invitations',
];

/**
 * Rules the corpus does not judge even when enabled: documentation and classification stances, and
 * observations that are not defects (the brief of the corpus leaves them out).
 */
export const UNJUDGED_RULES: readonly string[] = ['missing-comment', 'isolated-table', 'varchar-n', 'pii-unclassified'];

/** `table`, `table.name` for objects that live in a table; the schema is prefixed unless it is `public`. */
export function objectKey(ref: ObjectRef): string {
  const schema = ref.schema && ref.schema !== 'public' ? `${ref.schema}.` : '';
  if (ref.kind === 'schema' || ref.kind === 'extension') return ref.name ?? '';
  if (ref.table !== undefined && ref.kind !== 'table' && ref.kind !== 'view') return `${schema}${ref.table}.${ref.name ?? ''}`;
  return `${schema}${ref.name ?? ''}`;
}

function tableKeyOf(ref: ObjectRef): string | null {
  const schema = ref.schema && ref.schema !== 'public' ? `${ref.schema}.` : '';
  if (ref.kind === 'table' || ref.kind === 'view') return `${schema}${ref.name ?? ''}`;
  if (ref.table !== undefined) return `${schema}${ref.table}`;
  return null;
}

/** Columns of the constraint or index `ref` names, so `orders.customer_id` also names `orders_customer_id_fkey`. */
function columnsOf(catalog: Catalog, ref: ObjectRef): string[] {
  if (ref.kind !== 'constraint' && ref.kind !== 'index') return [];
  const table = catalog.tables.find((t) => t.schema === (ref.schema ?? 'public') && t.name === ref.table);
  if (!table) return [];
  if (ref.kind === 'constraint') return table.constraints.find((c) => c.name === ref.name)?.columns ?? [];
  const index = table.indexes.find((i) => i.name === ref.name);
  return index ? index.keys.flatMap((k) => (k.column ? [k.column] : [])) : [];
}

export interface FindingNames {
  /** The finding's first object: the name the answer key should use. */
  primary: string;
  /** Everything else the finding names: its other objects, and the columns of a constraint or index it names. */
  secondary: Set<string>;
  /** Tables of every object, for `table.*` entries. */
  tables: Set<string>;
}

export function findingNames(finding: Finding, catalog: Catalog): FindingNames {
  const schemaPrefix = (ref: ObjectRef): string => (ref.schema && ref.schema !== 'public' ? `${ref.schema}.` : '');
  if (finding.rule === 'missing-capability') {
    const capability = String(finding.details.capability ?? '');
    return { primary: capability, secondary: new Set(), tables: new Set() };
  }
  const [first, ...rest] = finding.objects;
  const secondary = new Set<string>();
  const tables = new Set<string>();
  for (const ref of finding.objects) {
    const table = tableKeyOf(ref);
    if (table) tables.add(table);
    for (const column of columnsOf(catalog, ref)) secondary.add(`${schemaPrefix(ref)}${ref.table ?? ''}.${column}`);
  }
  for (const ref of rest) secondary.add(objectKey(ref));
  const primary = first ? objectKey(first) : '';
  secondary.delete(primary);
  return { primary, secondary, tables };
}

function names(entry: AnswerEntry): string[] {
  return Array.isArray(entry.object) ? entry.object : [entry.object];
}

/** `*` (any finding of the rule) and `table.*` (any finding naming that table) are for acceptable entries only. */
function wildcardMatches(entry: AnswerEntry, n: FindingNames): boolean {
  return names(entry).some((o) => o === '*' || (o.endsWith('.*') && n.tables.has(o.slice(0, -2))));
}

function exactMatches(entry: AnswerEntry, n: FindingNames, tier: 'primary' | 'any'): boolean {
  return names(entry).some((o) => o === n.primary || (tier === 'any' && n.secondary.has(o)));
}

export interface ScoredFinding {
  rule: string;
  severity: Finding['severity'];
  object: string;
  message: string;
}

export interface Score {
  schema: string;
  holdout: boolean;
  tp: number;
  fp: number;
  fn: number;
  /** Findings that name an expected problem another finding already matched (neither TP nor FP). */
  duplicates: ScoredFinding[];
  acceptable: ScoredFinding[];
  truePositives: Array<ScoredFinding & { why: string }>;
  falsePositives: ScoredFinding[];
  falseNegatives: Array<{ rule: string; object: string; why: string }>;
  findings: number;
}

function scored(f: Finding, n: FindingNames): ScoredFinding {
  return { rule: f.rule, severity: f.severity, object: n.primary, message: f.message };
}

/**
 * Matches findings to the answer key one to one: first by the finding's first object, then by any
 * other name it carries (so a finding whose first object is a constraint still matches an entry
 * naming its column). Findings left over match acceptable entries, or are false positives.
 */
export function score(schema: string, key: AnswerKey, findings: readonly Finding[], catalog: Catalog): Score {
  const named = findings.map((f) => ({ f, n: findingNames(f, catalog) }));
  const claimed = new Map<AnswerEntry, Finding>();
  const matched = new Set<Finding>();
  for (const tier of ['primary', 'any'] as const) {
    for (const { f, n } of named) {
      if (matched.has(f)) continue;
      const entry = key.expected.find((e) => e.rule === f.rule && !claimed.has(e) && exactMatches(e, n, tier));
      if (entry) {
        claimed.set(entry, f);
        matched.add(f);
      }
    }
  }
  const out: Score = {
    schema, holdout: key.holdout === true, tp: claimed.size, fp: 0, fn: 0, duplicates: [], acceptable: [], truePositives: [], falsePositives: [], falseNegatives: [],
    findings: findings.length,
  };
  for (const { f, n } of named) {
    if (matched.has(f)) {
      const entry = [...claimed].find(([, hit]) => hit === f)?.[0];
      out.truePositives.push({ ...scored(f, n), why: entry?.why ?? '' });
      continue;
    }
    if (key.expected.some((e) => e.rule === f.rule && exactMatches(e, n, 'any'))) out.duplicates.push(scored(f, n));
    else if (key.acceptable.some((e) => e.rule === f.rule && (exactMatches(e, n, 'any') || wildcardMatches(e, n)))) out.acceptable.push(scored(f, n));
    else out.falsePositives.push(scored(f, n));
  }
  for (const e of key.expected) {
    if (!claimed.has(e)) out.falseNegatives.push({ rule: e.rule, object: names(e).join(' | '), why: e.why });
  }
  out.fp = out.falsePositives.length;
  out.fn = out.falseNegatives.length;
  return out;
}

/** Every name an answer key may use for an object of this catalog (user objects only). */
export function catalogNames(catalog: Catalog): Set<string> {
  const out = new Set<string>();
  const prefix = (schema: string): string => (schema === 'public' ? '' : `${schema}.`);
  for (const s of catalog.schemas) out.add(s.name);
  for (const t of catalog.tables) {
    const base = `${prefix(t.schema)}${t.name}`;
    out.add(base);
    for (const c of t.columns) out.add(`${base}.${c.name}`);
    for (const c of t.constraints) out.add(`${base}.${c.name}`);
    for (const i of t.indexes) out.add(`${base}.${i.name}`);
    for (const p of t.policies) out.add(`${base}.${p.name}`);
    for (const tr of t.triggers) out.add(`${base}.${tr.name}`);
    for (const r of t.rules) out.add(`${base}.${r}`);
  }
  for (const v of catalog.views) {
    const base = `${prefix(v.schema)}${v.name}`;
    out.add(base);
    for (const i of v.indexes) out.add(`${base}.${i.name}`);
  }
  for (const e of catalog.enums) out.add(`${prefix(e.schema)}${e.name}`);
  for (const f of catalog.functions) out.add(`${prefix(f.schema)}${f.name}`);
  for (const e of catalog.extensions) out.add(e.name);
  for (const s of catalog.sequences) out.add(`${prefix(s.schema)}${s.name}`);
  return out;
}

/**
 * Problems with an answer key: unknown or unjudged rules, objects the schema does not have,
 * wildcards among the expected entries, the same entry twice. Empty when the key is sound.
 */
export function validateAnswerKey(key: AnswerKey, catalog: Catalog, rules: readonly Rule[]): string[] {
  const problems: string[] = [];
  const known = catalogNames(catalog);
  const seen = new Set<string>();
  const check = (e: AnswerEntry, list: 'expected' | 'acceptable'): void => {
    const rule = rules.find((r) => r.meta.id === e.rule);
    const label = `${list} ${e.rule} ${names(e).join(' | ')}`;
    if (!rule) problems.push(`${label}: no such rule`);
    else if (!rule.meta.enabledByDefault || rule.meta.liveOnly || UNJUDGED_RULES.includes(e.rule)) problems.push(`${label}: rule is not judged by the corpus`);
    if (!e.why || e.why.trim().length < 5) problems.push(`${label}: say why`);
    if (seen.has(label)) problems.push(`${label}: listed twice`);
    seen.add(label);
    for (const o of names(e)) {
      const wildcard = o === '*' || o.endsWith('.*');
      if (wildcard && list === 'expected') problems.push(`${label}: wildcards only in acceptable`);
      if (wildcard) {
        if (o !== '*' && !known.has(o.slice(0, -2))) problems.push(`${label}: no table ${o.slice(0, -2)}`);
      } else if (e.rule === 'missing-capability') {
        if (!CAPABILITIES.includes(o)) problems.push(`${label}: unknown capability ${o}`);
      } else if (!known.has(o)) {
        problems.push(`${label}: the schema has no ${o}`);
      }
    }
  };
  for (const e of key.expected) check(e, 'expected');
  for (const e of key.acceptable) check(e, 'acceptable');
  for (const e of key.expected) {
    for (const a of key.acceptable) {
      if (a.rule === e.rule && names(a).some((o) => names(e).includes(o))) problems.push(`${e.rule} ${names(e).join(' | ')}: both expected and acceptable`);
    }
  }
  return problems;
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
}

export function tally(tp: number, fp: number, fn: number): Tally {
  return { tp, fp, fn, precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn) };
}

export interface Report {
  schemas: Array<{ schema: string; holdout: boolean } & Tally & { findings: number; acceptable: number; duplicates: number }>;
  rules: Array<{ rule: string } & Tally>;
  total: Tally;
  /** The same counts over the holdout schemas only; null when the corpus has none. */
  holdout: Tally | null;
  falsePositives: Array<ScoredFinding & { schema: string }>;
  falseNegatives: Array<{ schema: string; rule: string; object: string; why: string }>;
}

export function report(scores: readonly Score[]): Report {
  const byRule = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (rule: string, k: 'tp' | 'fp' | 'fn'): void => {
    const r = byRule.get(rule) ?? { tp: 0, fp: 0, fn: 0 };
    r[k]++;
    byRule.set(rule, r);
  };
  for (const s of scores) {
    for (const f of s.truePositives) bump(f.rule, 'tp');
    for (const f of s.falsePositives) bump(f.rule, 'fp');
    for (const f of s.falseNegatives) bump(f.rule, 'fn');
  }
  const sum = (k: 'tp' | 'fp' | 'fn', of: readonly Score[] = scores): number => of.reduce((n, s) => n + s[k], 0);
  const holdouts = scores.filter((s) => s.holdout);
  return {
    schemas: scores.map((s) => ({ schema: s.schema, holdout: s.holdout, ...tally(s.tp, s.fp, s.fn), findings: s.findings, acceptable: s.acceptable.length, duplicates: s.duplicates.length })),
    rules: [...byRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, r]) => ({ rule, ...tally(r.tp, r.fp, r.fn) })),
    total: tally(sum('tp'), sum('fp'), sum('fn')),
    holdout: holdouts.length === 0 ? null : tally(sum('tp', holdouts), sum('fp', holdouts), sum('fn', holdouts)),
    falsePositives: scores.flatMap((s) => s.falsePositives.map((f) => ({ schema: s.schema, ...f }))),
    falseNegatives: scores.flatMap((s) => s.falseNegatives.map((f) => ({ schema: s.schema, ...f }))),
  };
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The report as plain text tables, for the test output. */
export function formatReport(r: Report): string {
  const row = (name: string, t: Tally): string[] => [name, String(t.tp), String(t.fp), String(t.fn), pct(t.precision), pct(t.recall)];
  const head = ['', 'TP', 'FP', 'FN', 'precision', 'recall'];
  return [
    'Calibration: default rule set against the human answer keys',
    '',
    table(['schema', ...head.slice(1), 'acceptable'], [
      ...r.schemas.map((s) => [...row(s.holdout ? `${s.schema} (holdout)` : s.schema, s), String(s.acceptable)]),
      [...row('TOTAL', r.total), ''],
      ...(r.holdout ? [[...row('HOLDOUT', r.holdout), '']] : []),
    ]),
    '',
    table(['rule', ...head.slice(1)], r.rules.map((x) => row(x.rule, x))),
  ].join('\n');
}

/** False positives and false negatives, one per line, for a failure message the lead can triage. */
export function formatMisses(r: Report, limit = 400): string {
  const fps = r.falsePositives.map((f) => `  FP ${f.schema}: ${f.rule} on ${f.object} (${f.severity}) — ${f.message.slice(0, 160)}`);
  const fns = r.falseNegatives.map((f) => `  FN ${f.schema}: ${f.rule} on ${f.object} — ${f.why}`);
  const lines = [...fps, ...fns];
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`  … and ${lines.length - limit} more (test-results/calibration.json has all)`);
  return shown.join('\n');
}
