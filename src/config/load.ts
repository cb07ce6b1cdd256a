/**
 * Finding, reading and resolving the config. Discovery: `--config FILE`, else in each directory
 * from the source's own up to the repository root (the nearest directory holding `.git`) — or, outside
 * a repository, up to the current directory — the first of schemasage.config.json,
 * schemasage.config.yaml, schemasage.config.yml and a `"schemasage"` key in package.json. When the
 * source lies elsewhere (or is a database URL), the current directory is searched the same way.
 */
import { shownPath } from '../paths.js';
import { parseGitRef } from '../sources/git.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Location } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import type { Severity } from '../result.js';
import { getRule } from '../rules/index.js';
import type { RuleSetting } from '../rules/run.js';
import { DEFAULT_STANCES, type ReviewSettings } from '../rules/types.js';
import { formatPath, validateConfig, type ConfigFile, type ConfigIssue, type Invariant } from './schema.js';

export const CONFIG_FILE_NAMES: readonly string[] = ['schemasage.config.json', 'schemasage.config.yaml', 'schemasage.config.yml'];
export const PACKAGE_JSON_KEY = 'schemasage';
export const DEFAULT_BASELINE_FILE = 'schemasage-baseline.json';

/** An `ignore` entry, with where it was written so stale ones can be reported. */
export interface IgnoreEntry {
  /** Position in the `ignore` list. */
  index: number;
  /** Rule id, glob over rule ids, or `all`. */
  rule: string;
  /** Glob over schema.table.name / table.name / table; null = every object. */
  object: string | null;
  reason: string | null;
  /** Where the entry is written in the config file, when known. */
  location: Location | null;
}

/** A config with defaults applied, ready for the pipeline. */
export interface ResolvedConfig {
  /** The file read, as shown to the user (relative to cwd when inside it); null when there was none. */
  path: string | null;
  /** Per-rule levels and options for runRules. */
  settings: Record<string, RuleSetting>;
  /** Stances, tenant column, ORM for every rule's context. */
  review: ReviewSettings;
  ignores: IgnoreEntry[];
  /** Absolute path of the baseline file named in config, or null. */
  baseline: string | null;
  /** Defaults for --fail-on and --schema; flags override them. */
  failOn: Severity | 'none' | null;
  schemas: string[] | null;
  /** Data invariants for `audit` (validated here, run there). */
  invariants: Invariant[];
}

export interface LoadConfigOptions {
  /** `--config FILE`: read this file (it must exist) instead of searching. */
  file?: string;
  /** The source being reviewed; the search starts in its directory. */
  source?: string | null;
  cwd?: string;
}

/** Shown paths follow the sources' convention: relative to cwd when inside it, else absolute. */
const displayPath = shownPath;

function isInside(dir: string, parent: string): boolean {
  const rel = relative(parent, dir);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Where the upward search from `dir` stops: the repository root, else cwd when `dir` is inside it, else `dir`. */
function searchRoot(dir: string, cwd: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(resolve(d, '.git'))) return d;
    if (dirname(d) === d) break;
  }
  return isInside(dir, cwd) ? cwd : dir;
}

function directoriesUp(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; ; d = dirname(d)) {
    out.push(d);
    if (d === to || dirname(d) === d) break;
  }
  return out;
}

/** The directory a source lives in, when it is a path that exists (`path@ref` counts by its path). */
function sourceDirectory(source: string | null | undefined, cwd: string): string | null {
  if (!source || /^postgres(?:ql)?:\/\//i.test(source)) return null;
  // `supabase/migrations@origin/main`: the config beside the path applies to it at any ref.
  for (const candidate of [source, parseGitRef(source, cwd)?.path ?? source]) {
    const abs = resolve(cwd, candidate);
    if (existsSync(abs)) return statSync(abs).isDirectory() ? abs : dirname(abs);
  }
  return null;
}

function packageJsonHasConfig(path: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as unknown;
    return typeof pkg === 'object' && pkg !== null && PACKAGE_JSON_KEY in pkg;
  } catch {
    // A broken package.json is someone else's problem unless it is our config.
    return false;
  }
}

/** The config file that applies to `source`, or null. Absolute path. */
export function findConfigFile(source: string | null | undefined, cwd: string = process.cwd()): string | null {
  const absCwd = resolve(cwd);
  const starts = [sourceDirectory(source, absCwd), absCwd].filter((d): d is string => d !== null);
  const seen = new Set<string>();
  for (const start of starts) {
    for (const dir of directoriesUp(start, searchRoot(start, absCwd))) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      for (const name of CONFIG_FILE_NAMES) {
        const p = resolve(dir, name);
        if (existsSync(p) && statSync(p).isFile()) return p;
      }
      const pkg = resolve(dir, 'package.json');
      if (existsSync(pkg) && packageJsonHasConfig(pkg)) return pkg;
    }
  }
  return null;
}

interface Parsed {
  value: unknown;
  /** Key path → line/column in the file. */
  locate: (path: ReadonlyArray<string | number>, atKey: boolean) => { line: number; column: number } | null;
  /** Keys are reported under this prefix (`schemasage.` in package.json). */
  prefix: string[];
}

/** `Unexpected token } in JSON at position 41` (Node 20) or `… (line 3 column 5)` (Node 22+) → where. */
function jsonErrorPosition(message: string, text: string): { line: number; column: number } {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /at position (\d+)/.exec(message);
  const offset = pos ? Number(pos[1]) : text.length;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function parseFile(text: string, shown: string, format: 'json' | 'yaml'): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      const at = jsonErrorPosition(message, text);
      const what = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/,? (?:in JSON )?at position \d+.*$/, '').replace(/ in JSON$/, '');
      throw new SchemasageError(`invalid JSON: ${what}`, { location: { file: shown, ...at } });
    }
  }
  const duplicate = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
  const syntax = format === 'yaml' ? doc.errors[0] : duplicate;
  if (syntax) {
    const at = syntax.linePos?.[0];
    const what = syntax.code === 'DUPLICATE_KEY' ? 'duplicate key (each key may appear once)' : syntax.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
    throw new SchemasageError(`invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${what}`, {
      location: { file: shown, line: at?.line ?? 1, column: at?.col ?? 1 },
    });
  }
  if (format === 'yaml') value = doc.toJS();
  return {
    value,
    prefix: [],
    locate(path, atKey) {
      let node: unknown = doc.contents;
      let key: unknown = null;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          key = pair.key;
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
          key = null;
          node = node.items[seg];
        } else {
          break;
        }
      }
      const target = (atKey && key ? key : node ?? key) as { range?: [number, number, number] } | null;
      if (!target?.range) return null;
      const pos = lineCounter.linePos(target.range[0]);
      return { line: pos.line, column: pos.col };
    },
  };
}

function issuesError(issues: ConfigIssue[], parsed: Parsed, shown: string): SchemasageError {
  const lines = issues.map((issue) => {
    const path = [...parsed.prefix, ...issue.path];
    const at = parsed.locate(path, issue.atKey ?? false);
    const where: Location | null = at ? { file: shown, ...at } : null;
    const text = path.length > 0 ? `${formatPath(path)}: ${issue.message}` : issue.message;
    return { where, text };
  });
  // In file order, as an editor would list them; unlocated ones last.
  lines.sort((a, b) => (a.where?.line ?? Infinity) - (b.where?.line ?? Infinity) || (a.where?.column ?? 0) - (b.where?.column ?? 0));
  const [first, ...rest] = lines;
  const tail = rest.map((l) => `\n  ${l.where ? `${l.where.file}:${l.where.line}:${l.where.column}` : shown}: ${l.text}`).join('');
  if (first?.where) return new SchemasageError(`${first.text}${tail}`, { location: first.where });
  return new SchemasageError(`${shown}: ${first?.text ?? 'invalid configuration'}${tail}`);
}

interface ReadConfig {
  config: ConfigFile;
  /** Where a key path of the config is written (for notes that point into the file). */
  locate: (path: ReadonlyArray<string | number>) => Location | null;
}

function readConfig(file: string, cwd: string): ReadConfig {
  const abs = resolve(cwd, file);
  const shown = displayPath(abs, resolve(cwd));
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new SchemasageError(`config file not found: ${shown}`);
  const text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  const ext = extname(abs).toLowerCase();
  const parsed = parseFile(text, shown, ext === '.json' ? 'json' : 'yaml');
  let value = parsed.value;
  if (basename(abs) === 'package.json') {
    const pkg = value as Record<string, unknown> | null;
    if (typeof pkg !== 'object' || pkg === null || !(PACKAGE_JSON_KEY in pkg)) {
      throw new SchemasageError(`${shown} has no "${PACKAGE_JSON_KEY}" key to read the configuration from`);
    }
    value = pkg[PACKAGE_JSON_KEY];
    parsed.prefix = [PACKAGE_JSON_KEY];
  }
  const result = validateConfig(value);
  if (!result.ok) throw issuesError(result.issues, parsed, shown);
  return {
    config: result.config,
    locate: (path) => {
      const at = parsed.locate([...parsed.prefix, ...path], false);
      return at ? { file: shown, ...at } : null;
    },
  };
}

/** Reads and validates one config file. Throws SchemasageError (exit 2) naming the file, key path and line. */
export function readConfigFile(file: string, cwd: string = process.cwd()): ConfigFile {
  return readConfig(file, cwd).config;
}

/** Applies defaults and stances: `stances.varchar: "text"` turns varchar-n on unless `rules` says otherwise. */
export function resolveConfig(
  file: ConfigFile,
  where: { path: string | null; dir: string; locate?: (path: ReadonlyArray<string | number>) => Location | null },
): ResolvedConfig {
  const settings: Record<string, RuleSetting> = {};
  for (const [id, value] of Object.entries(file.rules ?? {})) {
    if (typeof value === 'string') settings[id] = { level: value, options: {} };
    else settings[id] = { level: value[0], options: value[1] ?? {} };
  }
  const stances = { ...DEFAULT_STANCES, ...file.stances };
  if (stances.varchar === 'text' && settings['varchar-n'] === undefined) {
    settings['varchar-n'] = { level: getRule('varchar-n')?.meta.severity ?? 'info', options: {} };
  }
  return {
    path: where.path,
    settings,
    review: { stances, tenantColumn: file.tenantColumn ?? null, orm: file.orm ?? null },
    ignores: (file.ignore ?? []).map((e, index) => ({
      index, rule: e.rule, object: e.object ?? null, reason: e.reason ?? null, location: where.locate?.(['ignore', index]) ?? null,
    })),
    baseline: file.baseline ? resolve(where.dir, file.baseline) : null,
    failOn: file.failOn ?? null,
    schemas: file.schemas ?? null,
    invariants: file.invariants ?? [],
  };
}

/** Defaults only: what a review uses with no config file. */
export function defaultConfig(cwd: string = process.cwd()): ResolvedConfig {
  return resolveConfig({}, { path: null, dir: resolve(cwd) });
}

/**
 * The config for reviewing `source`: the file given, else the one discovered, else defaults.
 * Throws SchemasageError for a missing `--config` file or an invalid config.
 */
export function loadConfig(opts: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const abs = opts.file !== undefined ? resolve(cwd, opts.file) : findConfigFile(opts.source, cwd);
  if (abs === null) return defaultConfig(cwd);
  const { config, locate } = readConfig(abs, cwd);
  return resolveConfig(config, { path: displayPath(abs, cwd), dir: dirname(abs), locate });
}
