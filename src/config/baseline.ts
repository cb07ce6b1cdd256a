/**
 * The baseline: fingerprints of findings a team has accepted for now, so CI fails only on new ones.
 * Written sorted (rule, object, fingerprint) so that regenerating it gives a readable diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describeRef } from '../catalog/helpers.js';
import { shownPath } from '../paths.js';
import { SchemasageError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../result.js';

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  /** The finding's subject, as reports name it (`orders.customer_id`). */
  object: string;
  severity: Severity;
}

export interface BaselineFile {
  schemaVersion: 1;
  tool: 'schemasage';
  generatedAt: string;
  findings: BaselineEntry[];
}

export interface LoadedBaseline {
  /** As shown to the user. */
  path: string;
  entries: BaselineEntry[];
  fingerprints: Set<string>;
}

const baselineSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.literal('schemasage').optional(),
  generatedAt: z.string().optional(),
  findings: z.array(
    z.object({
      fingerprint: z.string().min(1),
      rule: z.string().default(''),
      object: z.string().default(''),
      severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).default('info'),
    }),
  ),
});

const shown = shownPath;

/**
 * Reads a baseline. A missing file is an error when `required` (named by --baseline), else null
 * (a config's `baseline` before the first --write-baseline).
 */
export function readBaseline(file: string, opts: { cwd?: string; required: boolean }): LoadedBaseline | null {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const abs = resolve(cwd, file);
  const path = shown(abs, cwd);
  if (!existsSync(abs)) {
    if (opts.required) throw new SchemasageError(`baseline file not found: ${path}`, { hint: 'create it with --write-baseline' });
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SchemasageError(`${path}: invalid JSON in the baseline: ${(e as Error).message}`, { hint: 'regenerate it with --write-baseline' });
  }
  const parsed = baselineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
    throw new SchemasageError(`${path} is not a schemasage baseline: expected { "schemaVersion": 1, "findings": [{ "fingerprint", … }] }${where}`, {
      hint: 'regenerate it with --write-baseline',
    });
  }
  const entries = parsed.data.findings;
  return { path, entries, fingerprints: new Set(entries.map((e) => e.fingerprint)) };
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object) || a.fingerprint.localeCompare(b.fingerprint);
}

/** The baseline document for these findings. */
export function buildBaseline(findings: ReadonlyArray<Pick<Finding, 'fingerprint' | 'rule' | 'objects' | 'severity'>>, generatedAt: string = new Date().toISOString()): BaselineFile {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const first = f.objects[0];
    byFingerprint.set(f.fingerprint, { fingerprint: f.fingerprint, rule: f.rule, object: first ? describeRef(first) : '', severity: f.severity });
  }
  return { schemaVersion: 1, tool: 'schemasage', generatedAt, findings: [...byFingerprint.values()].sort(compareEntries) };
}

/** Writes the baseline for `findings` to `file` and returns what was written. */
export function writeBaseline(file: string, findings: ReadonlyArray<Pick<Finding, 'fingerprint' | 'rule' | 'objects' | 'severity'>>, opts: { cwd?: string } = {}): BaselineFile {
  const abs = resolve(opts.cwd ?? process.cwd(), file);
  const doc = buildBaseline(findings);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `${JSON.stringify(doc, null, 2)}\n`);
  return doc;
}
