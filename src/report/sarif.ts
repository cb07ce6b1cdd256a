/**
 * SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers). One run; the driver lists
 * the rules the results use (or every rule), each with its docs page as help; every finding is a
 * result keyed by its fingerprint so alerts survive line moves, and suppressed findings are
 * results with a suppression, so a dismissed alert stays dismissed rather than disappearing.
 */
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location } from '../catalog/model.js';
import { describeRef } from '../catalog/helpers.js';
import type { Finding, ObjectRef, ReviewResult, Severity, SuppressedBy, SuppressedFinding } from '../result.js';
import { allRules, getRule } from '../rules/index.js';
import { ruleHelp } from './rule-help.js';
import { fenced } from './markdown.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://www.npmjs.com/package/schemasage';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT_KEY = 'schemasage/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVELS: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/**
 * GitHub ranks alerts of rules tagged `security` by this score (critical ≥ 9.0, high 7.0–8.9,
 * medium 4.0–6.9, low below); it is the rule's default severity on that scale.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export interface SarifOptions {
  /** `used` (default): the rules that have results; `all`: every rule schemasage knows. */
  rules?: 'used' | 'all';
  /**
   * The directory `%SRCROOT%` stands for: absolute finding paths under it become relative, and it is
   * written into originalUriBaseIds. Left out by default so the log does not depend on the machine.
   */
  root?: string;
  /**
   * The file a finding without a location of its own is pinned to (GitHub code scanning rejects a result
   * without one). Default: the source when it is a single file; a migrations folder or live database has none.
   */
  fallbackFile?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface RuleInfo {
  id: string;
  title: string;
  rationale: string;
  category: string | null;
  severity: Severity;
}

/** `unindexed-foreign-key` → `UnindexedForeignKey` */
export function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function ruleInfo(id: string, example: Finding | SuppressedFinding | undefined): RuleInfo {
  const rule = getRule(id);
  if (rule) return { id, title: rule.meta.title, rationale: rule.meta.rationale, category: rule.meta.category, severity: rule.meta.severity };
  // A rule outside the registry (an audit or migration check, a future rule): describe it from its finding.
  const finding = example && 'title' in example ? example : undefined;
  return {
    id,
    title: finding?.title ?? id,
    rationale: finding?.rationale || finding?.title || id,
    category: finding?.category ?? null,
    severity: example?.severity ?? 'medium',
  };
}

function descriptor(info: RuleInfo, version: string): JsonObject {
  const help = ruleHelp(info.id, info.rationale);
  const security = info.category === 'security';
  // The category comes first; for security rules it is the `security` tag GitHub looks for.
  const tags = [...(info.category ? [info.category] : []), 'postgresql', 'schema'];
  const properties: JsonObject = { tags };
  if (info.category) properties['category'] = info.category;
  if (security) properties['security-severity'] = SECURITY_SEVERITY[info.severity];
  return {
    id: info.id,
    name: pascalCase(info.id),
    shortDescription: { text: info.title },
    fullDescription: { text: info.rationale || info.title },
    help: { text: help.text, markdown: help.markdown },
    ...(help.fromDocs ? { helpUri: `https://unpkg.com/schemasage@${encodeURIComponent(version)}/docs/rules/${info.id}.md` } : {}),
    defaultConfiguration: { level: SARIF_LEVELS[info.severity] },
    properties,
  };
}

function encodePath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/** A repository-relative URI under %SRCROOT% (forward slashes), or a file: URI for a path outside the root. */
export function artifactLocation(file: string, root?: string): JsonObject {
  const absolute = isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file);
  if (absolute) {
    const rel = root ? relative(root, file) : null;
    if (rel === null || rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(file).href };
    return { uri: encodePath(rel.replace(/\\/g, '/')), uriBaseId: SRCROOT };
  }
  return { uri: encodePath(file.replace(/\\/g, '/').replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT };
}

function region(loc: Location): JsonObject | null {
  if (!Number.isInteger(loc.line) || loc.line < 1) return null;
  return { startLine: loc.line, ...(Number.isInteger(loc.column) && loc.column >= 1 ? { startColumn: loc.column } : {}) };
}

function logicalLocation(o: ObjectRef): JsonObject {
  const fullyQualifiedName = [o.schema, o.kind === 'index' ? undefined : o.table, o.name].filter((p): p is string => Boolean(p)).join('.');
  return {
    ...(o.name ? { name: o.name } : {}),
    fullyQualifiedName: fullyQualifiedName || describeRef(o),
    kind: o.kind,
  };
}

function fallbackFile(result: ReviewResult, opts: SarifOptions): string | null {
  if (opts.fallbackFile) return opts.fallbackFile;
  return result.source.kind === 'live' || result.source.kind === 'migrations' ? null : result.source.path;
}

function locations(loc: Location | null, objects: ObjectRef[], result: ReviewResult, opts: SarifOptions): JsonObject[] {
  const root = opts.root;
  const logical = objects.slice(0, 10).map(logicalLocation);
  if (loc) {
    const r = region(loc);
    return [{ physicalLocation: { artifactLocation: artifactLocation(loc.file, root), ...(r ? { region: r } : {}) }, ...(logical.length > 0 ? { logicalLocations: logical } : {}) }];
  }
  const file = fallbackFile(result, opts);
  const located: JsonObject = {
    ...(file ? { physicalLocation: { artifactLocation: artifactLocation(file, root) } } : {}),
    ...(logical.length > 0 ? { logicalLocations: logical } : {}),
  };
  return Object.keys(located).length > 0 ? [located] : [];
}

function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

function messageMarkdown(f: Finding): string {
  const parts = [f.message];
  if (f.fix && f.fix.sql.trim() !== '') parts.push(`**Fix**\n\n${fenced('sql', f.fix.sql)}`);
  if (f.fix?.notes) parts.push(f.fix.notes);
  return parts.join('\n\n');
}

function findingResult(f: Finding, ruleIndex: number, result: ReviewResult, opts: SarifOptions): JsonObject {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: SARIF_LEVELS[f.severity],
    message: { text: f.message, markdown: messageMarkdown(f) },
    locations: locations(f.location, f.objects, result, opts),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      id: f.id,
      severity: f.severity,
      category: f.category,
      title: f.title,
      objects: toJson(f.objects),
      details: toJson(f.details),
      ...(f.fix ? { fix: toJson(f.fix) } : {}),
    },
  };
}

const SUPPRESSION_KIND: Record<SuppressedBy, 'inSource' | 'external'> = {
  config: 'external', ignore: 'external', baseline: 'external', inline: 'inSource', comment: 'inSource',
};
const SUPPRESSED_BY: Record<SuppressedBy, string> = {
  config: 'the rule is off in the configuration',
  ignore: 'an ignore entry in the configuration',
  inline: 'a schemasage-ignore comment',
  comment: 'a COMMENT ON … @schemasage-ignore marker',
  baseline: 'the baseline',
};

function suppressedResult(s: SuppressedFinding, ruleIndex: number, info: RuleInfo, result: ReviewResult, opts: SarifOptions): JsonObject {
  const objects = s.objects.map(describeRef).join(', ');
  return {
    ruleId: s.rule,
    ruleIndex,
    level: SARIF_LEVELS[s.severity],
    message: { text: `${info.title}${objects ? `: ${objects}` : ''} (suppressed by ${SUPPRESSED_BY[s.by]}${s.reason ? `: ${s.reason}` : ''}).` },
    locations: locations(s.location, s.objects, result, opts),
    partialFingerprints: { [FINGERPRINT_KEY]: s.fingerprint },
    suppressions: [{ kind: SUPPRESSION_KIND[s.by], status: 'accepted', ...(s.reason ? { justification: s.reason } : {}), properties: { by: s.by } }],
    properties: { severity: s.severity, ...(info.category ? { category: info.category } : {}), objects: toJson(s.objects) },
  };
}

const NOTE_LEVELS: Record<string, SarifLevel> = { 'missing-extension': 'warning', skipped: 'warning' };

export function buildSarif(result: ReviewResult, opts: SarifOptions = {}): JsonObject {
  const suppressed = result.suppressed ?? [];
  const examples = new Map<string, Finding | SuppressedFinding>();
  for (const x of [...result.findings, ...(result.audit ?? []), ...suppressed]) if (!examples.has(x.rule)) examples.set(x.rule, x);

  // Registry order first (stable across runs), then rules the registry does not know, by id.
  const registry = allRules.map((r) => r.meta.id);
  const ids = opts.rules === 'all'
    ? [...registry, ...[...examples.keys()].filter((id) => !registry.includes(id)).sort()]
    : [...registry.filter((id) => examples.has(id)), ...[...examples.keys()].filter((id) => !registry.includes(id)).sort()];
  const infos = ids.map((id) => ruleInfo(id, examples.get(id)));
  const index = new Map(ids.map((id, i) => [id, i]));
  const version = result.tool.version;

  const results: JsonObject[] = [
    ...[...result.findings, ...(result.audit ?? [])].map((f) => findingResult(f, index.get(f.rule) as number, result, opts)),
    ...suppressed.map((s) => suppressedResult(s, index.get(s.rule) as number, infos[index.get(s.rule) as number] as RuleInfo, result, opts)),
  ];

  const notifications = result.notes.map((n): JsonObject => ({
    level: NOTE_LEVELS[n.kind] ?? 'note',
    message: { text: n.message },
    ...(n.location ? { locations: locations(n.location, [], result, opts) } : {}),
    properties: { kind: n.kind },
  }));

  const srcroot: JsonObject = opts.root
    ? { uri: pathToFileURL(opts.root.endsWith('/') ? opts.root : `${opts.root}/`).href }
    : { description: { text: 'The directory schemasage ran in; finding paths are relative to it.' } };

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'schemasage',
          version,
          ...(/^\d+\.\d+\.\d+/.test(version) ? { semanticVersion: version } : {}),
          informationUri: INFORMATION_URI,
          rules: infos.map((info) => descriptor(info, version)),
        },
      },
      invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
      originalUriBaseIds: { [SRCROOT]: srcroot },
      results,
      columnKind: 'utf16CodeUnits',
      properties: {
        command: result.command,
        source: toJson(result.source),
        engine: toJson(result.engine),
        ...(result.summary.grade ? { grade: result.summary.grade } : {}),
        findings: toJson(result.summary.findings),
        suppressed: result.summary.suppressed,
      },
    }],
  };
}

export function renderSarif(result: ReviewResult, opts: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(result, opts), null, 2)}\n`;
}
