/**
 * The shape of schemasage.config.{json,yaml} (or `"schemasage"` in package.json), validated with
 * zod. Every problem becomes a ConfigIssue naming the key path and saying what is allowed; load.ts
 * adds the file and the line.
 */
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../result.js';
import { allRules } from '../rules/index.js';
import { globProblem, compileGlob } from './glob.js';

/** `["high", { … }]`, or just a level. */
export type RuleLevel = Severity | 'off';
export type RuleValue = RuleLevel | [Severity] | [Severity, Record<string, unknown>];

const LEVELS: readonly RuleLevel[] = ['off', ...SEVERITIES];

export const RULE_VALUE_EXPECTED = `expected ${LEVELS.map((l) => JSON.stringify(l)).join(' | ')} | [severity, options]`;

/**
 * Rule ids of the contract (PRODUCT.md) that do not run in `review` (migration and audit rules, run
 * by `diff` and `audit`), so a config may already set them. The review rules come from the registry.
 */
const NON_REVIEW_RULE_IDS: readonly string[] = [
  'index-not-concurrent', 'drop-index-not-concurrent', 'add-column-rewrites-table', 'add-required-column',
  'set-not-null-scans-table', 'column-type-change-rewrites', 'constraint-validates-immediately',
  'unique-constraint-not-concurrent', 'add-primary-key-locks', 'drop-table', 'drop-column', 'rename-breaks-clients',
  'missing-lock-timeout', 'concurrent-in-transaction', 'enum-value-change', 'truncate-table', 'vacuum-full-or-cluster',
  'data-change-in-schema-migration', 'irreversible-change',
  'orphaned-rows', 'duplicate-values', 'observed-enum-values', 'never-null-column', 'unhashed-secret-values',
  'exclusive-flag-violation', 'invariant-violation',
];

/** Every rule id a config may name, sorted. */
export function knownRuleIds(): string[] {
  return [...new Set([...allRules.map((r) => r.meta.id), ...NON_REVIEW_RULE_IDS])].sort();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRuleValue(v: unknown): v is RuleValue {
  if (typeof v === 'string') return (LEVELS as readonly string[]).includes(v);
  if (!Array.isArray(v) || v.length < 1 || v.length > 2) return false;
  return (SEVERITIES as readonly unknown[]).includes(v[0]) && (v.length === 1 || isPlainObject(v[1]));
}

const enumError = (values: readonly string[]) => ({
  errorMap: (_issue: z.ZodIssueOptionalMessage, ctx: { data: unknown }) => ({ message: `expected ${values.map((v) => JSON.stringify(v)).join(' | ')}${got(ctx.data)}` }),
});
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, enumError(values));

const NAMING = ['snake_case', 'camelCase', 'auto'] as const;
const PLURALITY = ['plural', 'singular', 'auto'] as const;
const VARCHAR = ['text', 'varchar'] as const;
const ENUM_STYLE = ['check', 'enum', 'either'] as const;
const ORMS = ['prisma', 'drizzle'] as const;
const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const;

const nonEmpty = (what: string) => z.string({ errorMap: (_i, ctx) => ({ message: `expected ${what}${got(ctx.data)}` }) }).min(1, `expected ${what}, got an empty string`);

export const stancesSchema = z
  .object({
    naming: oneOf(NAMING),
    tablePlurality: oneOf(PLURALITY),
    varchar: oneOf(VARCHAR),
    enumStyle: oneOf(ENUM_STYLE),
  })
  .partial()
  .strict();

export const ignoreEntrySchema = z
  .object({
    rule: nonEmpty('a rule id or a glob over rule ids (e.g. "rls-*")'),
    object: nonEmpty('a glob over schema.table.name, table.name or table (e.g. "audit.*" or "legacy_*.**")').optional(),
    reason: z.string({ errorMap: (_i, ctx) => ({ message: `expected a string${got(ctx.data)}` }) }).optional(),
  })
  .strict();

export const invariantSchema = z
  .object({
    name: nonEmpty('a name'),
    sql: nonEmpty('a SQL predicate that returns true when the data is sound'),
    message: nonEmpty('the message to report when it returns false'),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.record(z.custom<RuleValue>(isRuleValue, { message: RULE_VALUE_EXPECTED })).optional(),
    stances: stancesSchema.optional(),
    tenantColumn: z
      .custom<string | false>((v) => v === false || (typeof v === 'string' && v.length > 0), (v: unknown) => ({
        message: `expected a column name (e.g. "organization_id"), or false for a schema that is not multi-tenant${v === '' ? ', got an empty string' : got(v)}`,
      }))
      .optional(),
    orm: oneOf(ORMS).optional(),
    schemas: z.array(nonEmpty('a schema name')).min(1, 'expected at least one schema name').optional(),
    ignore: z.array(ignoreEntrySchema).optional(),
    baseline: nonEmpty('a file path').optional(),
    failOn: oneOf(FAIL_ON).optional(),
    invariants: z.array(invariantSchema).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type IgnoreEntryInput = z.infer<typeof ignoreEntrySchema>;
export type Invariant = z.infer<typeof invariantSchema>;

/** The top-level keys, for "allowed:" hints. */
export const CONFIG_KEYS: readonly string[] = Object.keys(configSchema.shape);

/** A problem with a config value: where (key path) and what is allowed. */
export interface ConfigIssue {
  path: Array<string | number>;
  message: string;
  /** Point at the key itself (an unknown key) rather than its value. */
  atKey?: boolean;
}

function got(data: unknown): string {
  if (data === undefined) return '';
  if (data === null) return ', got null';
  if (Array.isArray(data)) return ', got an array';
  if (typeof data === 'object') return ', got an object';
  if (typeof data === 'string') return `, got ${JSON.stringify(data)}`;
  return `, got ${String(data)}`;
}

function typeName(t: string): string {
  return t === 'object' ? 'an object' : t === 'array' ? 'an array' : t;
}

/** `a.b[2].c` — how key paths are written in messages. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** Edit distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] as number;
}

/** The closest candidate when it is close enough to be a typo, else null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : null;
}

const didYouMean = (word: string, candidates: readonly string[]) => {
  const c = closest(word, candidates);
  return c ? `; did you mean ${JSON.stringify(c)}?` : '';
};

function keysAt(path: ReadonlyArray<string | number>): readonly string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return CONFIG_KEYS;
  if (last === 'stances') return Object.keys(stancesSchema.shape);
  if (typeof last === 'number' && path[path.length - 2] === 'ignore') return Object.keys(ignoreEntrySchema.shape);
  if (typeof last === 'number' && path[path.length - 2] === 'invariants') return Object.keys(invariantSchema.shape);
  return [];
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(issue.path);
      for (const key of issue.keys) {
        out.push({
          path: [...issue.path, key],
          message: `unknown key${allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''}${didYouMean(key, allowed)}`,
          atKey: true,
        });
      }
    } else if (issue.code === 'invalid_type') {
      // zod's own wording ("Expected array, received string") is replaced; ours is kept.
      const own = /^Expected |^Required$/.test(issue.message) ? null : issue.message;
      const message = issue.received === 'undefined'
        ? `required${own ? `: ${own}` : ''}`
        : own ?? `expected ${typeName(issue.expected)}, got ${typeName(issue.received)}`;
      out.push({ path: issue.path, message });
    } else {
      out.push({ path: issue.path, message: issue.message });
    }
  }
  return out;
}

/**
 * Checks zod cannot express: known rule ids, globs that can match, unique invariant names. Run on
 * the raw value too, so one pass reports every problem.
 */
function semanticIssues(config: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const ids = knownRuleIds();
  if (isPlainObject(config['rules'])) {
    for (const id of Object.keys(config['rules'])) {
      if (!ids.includes(id)) out.push({ path: ['rules', id], message: `unknown rule id${didYouMean(id, ids)}`, atKey: true });
    }
  }
  const ignore = Array.isArray(config['ignore']) ? (config['ignore'] as unknown[]) : [];
  ignore.forEach((entry, i) => {
    if (!isPlainObject(entry)) return;
    const rule = entry['rule'];
    if (typeof rule === 'string' && rule !== '') {
      const ruleProblem = globProblem(rule, { maxParts: 1 });
      if (ruleProblem) {
        out.push({ path: ['ignore', i, 'rule'], message: ruleProblem });
      } else if (rule !== 'all' && !ids.some((id) => compileGlob(rule).test(id))) {
        out.push({ path: ['ignore', i, 'rule'], message: `${JSON.stringify(rule)} matches no rule id${didYouMean(rule, ids)}` });
      }
    }
    const object = entry['object'];
    if (typeof object === 'string' && object !== '') {
      const objectProblem = globProblem(object, { maxParts: 3 });
      if (objectProblem) out.push({ path: ['ignore', i, 'object'], message: objectProblem });
    }
  });
  const seen = new Set<string>();
  const invariants = Array.isArray(config['invariants']) ? (config['invariants'] as unknown[]) : [];
  invariants.forEach((inv, i) => {
    const name = isPlainObject(inv) ? inv['name'] : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name)) out.push({ path: ['invariants', i, 'name'], message: `duplicate invariant name ${JSON.stringify(name)}` });
    seen.add(name);
  });
  return out;
}

export type Validation = { ok: true; config: ConfigFile } | { ok: false; issues: ConfigIssue[] };

/** Validates parsed JSON/YAML. An empty document is an empty config. */
export function validateConfig(value: unknown): Validation {
  if (value === null || value === undefined) return { ok: true, config: {} };
  if (!isPlainObject(value)) {
    return { ok: false, issues: [{ path: [], message: `expected an object with keys ${CONFIG_KEYS.join(', ')}${got(value)}` }] };
  }
  const parsed = configSchema.safeParse(value);
  const issues = [...(parsed.success ? [] : zodIssues(parsed.error)), ...semanticIssues(value)];
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  return { ok: true, config: parsed.data };
}
