/**
 * Suppression: each kind removes exactly the findings it names and records them, with who removed
 * them and why, so `summary.suppressed` can count them. Precedence when several apply: config
 * (rule off), `ignore` entries, inline `-- schemasage-ignore`, `@schemasage-ignore` in COMMENT ON,
 * the baseline.
 */
import type { Catalog, InlineIgnore, Location } from '../catalog/model.js';
import { findColumn, findTable } from '../catalog/helpers.js';
import type { ObjectRef, SuppressedBy, SuppressedFinding } from '../result.js';
import { compareFindings, type DraftFinding, type EvaluatedRules } from '../rules/run.js';
import type { Statement } from '../sources/types.js';
import type { LoadedBaseline } from './baseline.js';
import { globMatches } from './glob.js';
import type { IgnoreEntry, ResolvedConfig } from './load.js';
import { closest, formatPath, knownRuleIds } from './schema.js';

export interface ResultNote {
  kind: string;
  message: string;
  location: Location | null;
}

export interface SuppressionContext {
  catalog: Catalog;
  config: ResolvedConfig;
  baseline: LoadedBaseline | null;
}

export interface Suppressed {
  /** Findings that stay, in report order (not yet numbered). */
  kept: DraftFinding[];
  suppressed: SuppressedFinding[];
  /** Stale ignores and baseline entries, unknown rule ids in comments. */
  notes: ResultNote[];
}

/** The `-- schemasage-ignore` comments of a file source, for the catalog (and its cache entry). */
export function inlineIgnoresOf(statements: readonly Statement[]): InlineIgnore[] {
  const out: InlineIgnore[] = [];
  for (const s of statements) {
    const entries = s.ignoreEntries ?? (s.ignores.length > 0 ? [{ rules: s.ignores, reason: null }] : []);
    for (const e of entries) out.push({ rules: e.rules, reason: e.reason, file: s.file, line: s.line, endLine: s.endLine });
  }
  return out;
}

/**
 * The names an ignore `object` glob is matched against: `schema.table.name`, `table.name` and
 * `table` for objects on a table (an index also by `schema.name` and `name`); `schema.name` and
 * `name` for tables, views, types, functions and sequences.
 */
export function objectNames(ref: ObjectRef): string[] {
  const names: string[] = [];
  if (ref.table !== undefined) {
    if (ref.schema !== undefined && ref.name !== undefined) names.push(`${ref.schema}.${ref.table}.${ref.name}`);
    if (ref.name !== undefined) names.push(`${ref.table}.${ref.name}`);
    names.push(ref.table);
    if (ref.kind === 'index' && ref.name !== undefined) {
      if (ref.schema !== undefined) names.push(`${ref.schema}.${ref.name}`);
      names.push(ref.name);
    }
  } else if (ref.name !== undefined) {
    if (ref.schema !== undefined && ref.kind !== 'schema') names.push(`${ref.schema}.${ref.name}`);
    names.push(ref.name);
  }
  return names;
}

function ruleNamed(rules: readonly string[], rule: string): boolean {
  return rules.includes('all') || rules.includes(rule);
}

export function ignoreMatches(entry: Pick<IgnoreEntry, 'rule' | 'object'>, finding: Pick<DraftFinding, 'rule' | 'objects'>): boolean {
  if (entry.rule !== 'all' && !globMatches(entry.rule, finding.rule)) return false;
  if (entry.object === null) return true;
  const glob = entry.object;
  return finding.objects.some((o) => objectNames(o).some((n) => globMatches(glob, n)));
}

/**
 * An inline ignore covers a finding of a rule it names when the finding points into the statement
 * the comment precedes, or the finding's subject was created by that statement (an `ALTER TABLE …
 * ADD CONSTRAINT` whose finding points at the column).
 */
function inlineCovers(ig: InlineIgnore, finding: DraftFinding, catalog: Catalog): boolean {
  if (!ruleNamed(ig.rules, finding.rule)) return false;
  const inside = (l: Location | null | undefined) => l != null && l.file === ig.file && l.line >= ig.line && l.line <= ig.endLine;
  if (inside(finding.location)) return true;
  const subject = finding.objects[0];
  return subject !== undefined && inside(createdAt(catalog, subject));
}

function createdAt(catalog: Catalog, ref: ObjectRef): Location | undefined {
  const table = ref.schema !== undefined ? findTable(catalog, ref.schema, ref.table ?? ref.name ?? '') : undefined;
  switch (ref.kind) {
    case 'table':
      return table?.provenance.created;
    case 'column':
      return table && ref.name ? findColumn(table, ref.name)?.provenance.created : undefined;
    case 'constraint':
      return table?.constraints.find((c) => c.name === ref.name)?.provenance.created;
    case 'index':
      return table?.indexes.find((i) => i.name === ref.name)?.provenance.created;
    case 'policy':
      return table?.policies.find((p) => p.name === ref.name)?.provenance.created;
    case 'trigger':
      return table?.triggers.find((t) => t.name === ref.name)?.provenance.created;
    default:
      return undefined;
  }
}

const COMMENT_MARKER = /@schemasage-ignore[ \t]+([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)(?:[ \t]*:[ \t]*([^\n]*))?/g;

export interface CommentMarker {
  rules: string[];
  reason: string | null;
}

/** The `@schemasage-ignore rule-a, rule-b: reason` markers in a COMMENT ON text. */
export function commentMarkers(comment: string | null | undefined): CommentMarker[] {
  if (!comment || !comment.includes('@schemasage-ignore')) return [];
  const out: CommentMarker[] = [];
  for (const m of comment.matchAll(COMMENT_MARKER)) {
    const rules = (m[1] ?? '').split(',').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
    const reason = (m[2] ?? '').trim();
    out.push({ rules, reason: reason === '' ? null : reason });
  }
  return out;
}

/**
 * The comments that speak for an object: its own, and for anything on a table (column, constraint,
 * index, policy, trigger) the table's too. `what` names the comment for notes.
 */
function commentsFor(catalog: Catalog, ref: ObjectRef): Array<{ comment: string | null; what: string }> {
  const out: Array<{ comment: string | null; what: string }> = [];
  const schema = ref.schema ?? 'public';
  const tableName = ref.table ?? (ref.kind === 'table' ? ref.name : undefined);
  if (tableName !== undefined) {
    const table = findTable(catalog, schema, tableName);
    const view = table ? undefined : catalog.views.find((v) => v.schema === schema && v.name === tableName);
    if (table) out.push({ comment: table.comment, what: `table ${schema}.${tableName}` });
    if (view) out.push({ comment: view.comment, what: `view ${schema}.${tableName}` });
    if (ref.kind === 'column' && table && ref.name) out.push({ comment: findColumn(table, ref.name)?.comment ?? null, what: `column ${schema}.${tableName}.${ref.name}` });
    if (ref.kind === 'constraint' && table) out.push({ comment: table.constraints.find((c) => c.name === ref.name)?.comment ?? null, what: `constraint ${ref.name ?? ''}` });
    if (ref.kind === 'index') {
      const index = (table?.indexes ?? view?.indexes ?? []).find((i) => i.name === ref.name);
      out.push({ comment: index?.comment ?? null, what: `index ${schema}.${ref.name ?? ''}` });
    }
    return out;
  }
  switch (ref.kind) {
    case 'index': {
      const index = catalog.tables.flatMap((t) => (t.schema === schema ? t.indexes : [])).find((i) => i.name === ref.name);
      if (index) out.push(...commentsFor(catalog, { kind: 'index', schema, table: index.table, name: index.name }));
      break;
    }
    case 'view':
      out.push({ comment: catalog.views.find((v) => v.schema === schema && v.name === ref.name)?.comment ?? null, what: `view ${schema}.${ref.name ?? ''}` });
      break;
    case 'enum':
      out.push({ comment: catalog.enums.find((e) => e.schema === schema && e.name === ref.name)?.comment ?? null, what: `type ${schema}.${ref.name ?? ''}` });
      break;
    case 'function':
      for (const f of catalog.functions) if (f.schema === schema && f.name === ref.name) out.push({ comment: f.comment, what: `function ${schema}.${f.name}(${f.arguments})` });
      break;
    case 'schema':
      out.push({ comment: catalog.schemas.find((s) => s.name === ref.name)?.comment ?? null, what: `schema ${ref.name ?? ''}` });
      break;
    default:
      break;
  }
  return out;
}

function commentSuppression(catalog: Catalog, finding: DraftFinding): CommentMarker | null {
  for (const ref of finding.objects) {
    for (const { comment } of commentsFor(catalog, ref)) {
      const marker = commentMarkers(comment).find((m) => ruleNamed(m.rules, finding.rule));
      if (marker) return marker;
    }
  }
  return null;
}

function record(f: DraftFinding, by: SuppressedBy, reason: string | null): SuppressedFinding {
  return { rule: f.rule, severity: f.severity, fingerprint: f.fingerprint, objects: f.objects, location: f.location, by, reason };
}

function ignoreLabel(config: ResolvedConfig, e: IgnoreEntry): string {
  const parts = [`rule ${JSON.stringify(e.rule)}`, ...(e.object !== null ? [`object ${JSON.stringify(e.object)}`] : [])];
  return `${formatPath(['ignore', e.index])} (${parts.join(', ')}) in ${config.path ?? 'the configuration'}`;
}

/** Unknown rule ids in inline comments and COMMENT ON markers: a typo there silently ignores nothing. */
function unknownIdNotes(catalog: Catalog, ids: readonly string[]): ResultNote[] {
  const known = new Set(ids);
  const notes: ResultNote[] = [];
  const hint = (id: string) => {
    const c = closest(id, ids);
    return c ? ` (did you mean ${JSON.stringify(c)}?)` : '';
  };
  const seen = new Set<string>();
  for (const ig of catalog.inlineIgnores ?? []) {
    for (const id of ig.rules) {
      const key = `${ig.file}:${ig.line}:${id}`;
      if (id === 'all' || known.has(id) || seen.has(key)) continue;
      seen.add(key);
      notes.push({
        kind: 'ignore',
        message: `schemasage-ignore names an unknown rule "${id}"${hint(id)}; it suppresses nothing`,
        location: { file: ig.file, line: ig.line, column: 1 },
      });
    }
  }
  const commented: Array<{ comment: string | null; what: string }> = [];
  for (const t of catalog.tables) {
    if (t.origin !== 'user') continue;
    commented.push({ comment: t.comment, what: `table ${t.schema}.${t.name}` });
    for (const c of t.columns) commented.push({ comment: c.comment, what: `column ${t.schema}.${t.name}.${c.name}` });
    for (const c of t.constraints) commented.push({ comment: c.comment, what: `constraint ${c.name} on ${t.schema}.${t.name}` });
    for (const i of t.indexes) commented.push({ comment: i.comment, what: `index ${i.schema}.${i.name}` });
  }
  for (const v of catalog.views) if (v.origin === 'user') commented.push({ comment: v.comment, what: `view ${v.schema}.${v.name}` });
  for (const e of catalog.enums) if (e.origin === 'user') commented.push({ comment: e.comment, what: `type ${e.schema}.${e.name}` });
  for (const f of catalog.functions) if (f.origin === 'user') commented.push({ comment: f.comment, what: `function ${f.schema}.${f.name}` });
  for (const s of catalog.schemas) if (s.origin === 'user') commented.push({ comment: s.comment, what: `schema ${s.name}` });
  for (const { comment, what } of commented) {
    for (const m of commentMarkers(comment)) {
      for (const id of m.rules) {
        if (id === 'all' || known.has(id)) continue;
        notes.push({ kind: 'ignore', message: `@schemasage-ignore in the comment on ${what} names an unknown rule "${id}"${hint(id)}; it suppresses nothing`, location: null });
      }
    }
  }
  return notes;
}

/** Splits evaluated findings into kept and suppressed, and reports ignores and baseline entries that matched nothing. */
export function applySuppressions(evaluated: EvaluatedRules, ctx: SuppressionContext): Suppressed {
  const { catalog, config, baseline } = ctx;
  const suppressed: SuppressedFinding[] = [];
  const kept: DraftFinding[] = [];
  const offReason = (rule: string) => `"${rule}" is "off" in ${config.path ?? 'the configuration'}`;
  for (const f of evaluated.off) suppressed.push(record(f, 'config', offReason(f.rule)));

  const ignoreUsed = new Set<number>();
  const all = [...evaluated.findings, ...evaluated.off];
  for (const f of all) for (const e of config.ignores) if (ignoreMatches(e, f)) ignoreUsed.add(e.index);

  for (const f of evaluated.findings) {
    const entry = config.ignores.find((e) => ignoreMatches(e, f));
    if (entry) {
      suppressed.push(record(f, 'ignore', entry.reason));
      continue;
    }
    const inline = (catalog.inlineIgnores ?? []).find((ig) => inlineCovers(ig, f, catalog));
    if (inline) {
      suppressed.push(record(f, 'inline', inline.reason));
      continue;
    }
    const marker = commentSuppression(catalog, f);
    if (marker) {
      suppressed.push(record(f, 'comment', marker.reason));
      continue;
    }
    if (baseline?.fingerprints.has(f.fingerprint)) {
      suppressed.push(record(f, 'baseline', `accepted in ${baseline.path}`));
      continue;
    }
    kept.push(f);
  }

  const notes: ResultNote[] = [];
  for (const e of config.ignores) {
    if (ignoreUsed.has(e.index)) continue;
    notes.push({
      kind: 'stale-ignore',
      message: `${ignoreLabel(config, e)} matched no finding: the problem is fixed or the object was renamed; remove the entry or correct it`,
      location: e.location,
    });
  }
  if (baseline) {
    const present = new Set(all.map((f) => f.fingerprint));
    const stale = baseline.entries.filter((e) => !present.has(e.fingerprint)).length;
    if (stale > 0) {
      notes.push({
        kind: 'stale-baseline',
        message:
          `${stale} baseline ${stale === 1 ? 'entry no longer matches a finding' : 'entries no longer match a finding'} (fixed, or the objects were renamed); ` +
          `run with --write-baseline to refresh ${baseline.path}`,
        location: null,
      });
    }
  }
  notes.push(...unknownIdNotes(catalog, knownRuleIds()));

  suppressed.sort(compareFindings);
  return { kept, suppressed, notes };
}
