/**
 * Drizzle sources: a schema module (`schema.ts`, `.js` …) or `drizzle.config.ts`. A child process
 * loads the modules and asks drizzle-kit's programmatic API for the DDL (see worker.ts); here the
 * user's files are scanned so every table, column, index and constraint points at the line that
 * declares it, and the generated statements are laid out on those lines.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadNote, Location } from '../../catalog/model.js';
import { cacheDir, cacheDisabled } from '../../engine/cache.js';
import { SUPABASE_SHIM_SCHEMAS } from '../../engine/shims/supabase.js';
import { SchemasageError } from '../../errors.js';
import type { GeneratedSource, SqlFile } from '../types.js';
import { findConfigFor, isDrizzleConfig } from './files.js';
import { anchorStatements, locate } from './locate.js';
import { placeStatements, type AnchoredStatement } from './place.js';
import type { WorkerFailure, WorkerRequest, WorkerResponse, WorkerSuccess } from './protocol.js';
import { configFromText, ScannedFile, tableCreators, type ConfigValues } from './scan.js';

export { drizzleSnippet } from './snippets.js';

/** How long a schema module may take to load before we give up on it (a client waiting on the network). */
export const DEFAULT_TIMEOUT_MS = 30_000;

function timeoutMs(): number {
  const v = Number(process.env.SCHEMASAGE_DRIZZLE_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_TIMEOUT_MS;
}

/** The compiled worker beside this file, or (running from the TypeScript sources) worker.ts through tsx. */
function workerCommand(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const js = join(dirname(here), 'worker.js');
  if (here.endsWith('.js') && existsSync(js)) return { file: js, execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return { file: join(dirname(here), 'worker.ts'), execArgv: ['--import', pathToFileURL(tsx).href] };
}

/** The user's project folder: where drizzle-kit would run (the nearest package.json), else the file's folder. */
function projectRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(file);
    dir = parent;
  }
}

function runWorker(request: WorkerRequest, display: (abs: string) => string): Promise<WorkerResponse> {
  const { file, execArgv } = workerCommand();
  const limit = timeoutMs();
  const shown = display(request.entry);
  return new Promise((resolvePromise, reject) => {
    const child = fork(file, [JSON.stringify(request)], {
      cwd: request.config ? dirname(request.config) : projectRoot(request.entry),
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: process.env,
    });
    let stderr = '';
    let answered = false;
    // The module's own console output is not ours to print; keep the tail of stderr for a crash.
    child.stdout?.resume();
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    const timer = setTimeout(() => {
      if (answered) return;
      answered = true;
      child.kill('SIGKILL');
      reject(new SchemasageError(`loading the Drizzle schema ${shown} did not finish within ${limit % 1000 === 0 ? limit / 1000 : (limit / 1000).toFixed(1)} s`, {
        hint: 'schemasage runs the schema modules to read their tables, as drizzle-kit does; something they import waits (a database client connecting, a top-level await). Keep clients out of the schema files, or raise the limit with SCHEMASAGE_DRIZZLE_TIMEOUT_MS',
      }));
    }, limit);
    child.on('message', (msg: WorkerResponse) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      resolvePromise(msg);
    });
    child.on('error', (err) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      reject(new SchemasageError(`could not start the Drizzle loader for ${shown}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (answered) return;
      answered = true;
      const tail = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
      reject(new SchemasageError(
        `loading the Drizzle schema ${shown} ended the process (${signal ?? `exit code ${code}`}) before drizzle-kit could read it${tail ? `: ${tail}` : ''}`,
        { hint: 'a module the schema imports calls process.exit() or crashes; keep such code out of the schema files' },
      ));
    });
  });
}

// ---- errors ------------------------------------------------------------------------------------

const FRAME = /(?:\(|\s|^)((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^():\n]*?):(\d+):(\d+)\)?\s*$/gm;

/** The first `file:line:column` in a stack or message that lies in the user's own files. */
export function userFrame(text: string, display: (abs: string) => string): Location | null {
  for (const m of text.matchAll(FRAME)) {
    let file = m[1] as string;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (/[\\/]node_modules[\\/]/.test(file) || /[\\/]sources[\\/]drizzle[\\/]worker\.[jt]s$/.test(file)) continue;
    if (!existsSync(file)) continue;
    return { file: display(file), line: Number(m[2]), column: Number(m[3]) };
  }
  return null;
}

/** The line importing `specifier` in the module that failed (or the first user file that imports it). */
function importSite(f: WorkerFailure, specifier: string, display: (abs: string) => string): Location | null {
  const candidates = [...(f.stack ?? '').matchAll(FRAME)].map((m) => (m[1]?.startsWith('file://') ? fileURLToPath(m[1]) : m[1] ?? ''));
  if (f.file) candidates.push(f.file);
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:from\\s*|import\\s*\\(?\\s*|require\\s*\\(\\s*)(['"])${quoted}\\1`);
  for (const file of candidates) {
    if (!file || /[\\/]node_modules[\\/]/.test(file) || !existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => re.test(l));
    if (i !== -1) return { file: display(file), line: i + 1, column: (lines[i] as string).search(re) + 1 };
  }
  return null;
}

export function failureError(f: WorkerFailure, display: (abs: string) => string): SchemasageError {
  const shown = f.file ? display(f.file) : 'the Drizzle schema';
  const firstLine = (f.message.split('\n')[0] ?? '').trim();
  switch (f.kind) {
    case 'throws':
    case 'syntax': {
      const frame = userFrame(`${f.message}\n${f.stack ?? ''}`, display);
      const syntax = f.kind === 'syntax' || /^(ParseError|SyntaxError|TransformError)\b/.test(firstLine);
      const missing = /Cannot find (?:module|package) '([^']+)'/.exec(f.message);
      // A failed import's frame is in the transpiled text: point at the import itself instead.
      const location = missing ? importSite(f, missing[1] as string, display) ?? frame : frame;
      const what = syntax ? 'could not be parsed' : 'threw while loading';
      const isConfig = f.file !== null && isDrizzleConfig(f.file);
      return new SchemasageError(`the Drizzle ${isConfig ? 'config' : 'schema'} ${shown} ${what}: ${firstLine.replace(/^ParseError:\s*/, '')}`, {
        location,
        hint: missing
          ? `it imports ${missing[1]}, which is not installed where the module is; install the project's dependencies, or keep the schema files free of imports other than drizzle-orm`
          : syntax
            ? null
            : isConfig
              ? 'its schema (or casing, schemaFilter, tablesFilter) is computed, so schemasage runs the config to read it; write them as literals, or name the schema module instead of the config'
              : 'schemasage runs the schema modules to read their tables, as drizzle-kit does; keep database clients and environment checks out of them, or provide what they need',
      });
    }
    case 'drizzle-kit':
      return new SchemasageError(`drizzle-kit rejected the schema: ${firstLine.replace(/^(?:Warning|Error)\s+/, '')}`);
    default:
      return new SchemasageError(`${shown}: ${f.message}`, { hint: f.hint });
  }
}

// ---- loading -----------------------------------------------------------------------------------

const SUPABASE_ROLES = new Set(['anon', 'authenticated', 'service_role']);
const ROLE_KEYWORDS = new Set(['public', 'current_user', 'current_role', 'session_user']);

/**
 * Roles that policies grant to but the schema never creates (they live in the cluster, not in the
 * schema modules): a fresh database needs them for CREATE POLICY to succeed.
 */
function missingRoles(statements: readonly string[]): string[] {
  const created = new Set<string>();
  for (const s of statements) {
    const m = /^\s*CREATE ROLE "((?:[^"]|"")+)"/.exec(s);
    if (m) created.add((m[1] as string).replace(/""/g, '"'));
  }
  const out: string[] = [];
  for (const s of statements) {
    const m = /^\s*CREATE POLICY [\s\S]*? TO ([\s\S]+?)(?: USING| WITH CHECK|;|$)/.exec(s);
    if (!m) continue;
    for (const raw of (m[1] as string).split(',')) {
      const r = raw.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
      if (r === '' || ROLE_KEYWORDS.has(r.toLowerCase()) || SUPABASE_ROLES.has(r) || created.has(r) || out.includes(r)) continue;
      out.push(r);
    }
  }
  return out;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export async function loadDrizzle(absPath: string, display: (abs: string) => string, cwd: string): Promise<GeneratedSource> {
  const entry = resolve(absPath);
  const entryIsConfig = isDrizzleConfig(entry);
  let config: string | null = null;
  let values: ConfigValues | null = null;
  if (entryIsConfig) {
    // Settings written as literals are read from the text: the config (which often checks the
    // environment for database credentials) runs only when they are computed.
    config = entry;
    values = configFromText(readFileSync(entry, 'utf8'));
  } else {
    // Loading runs the file: refuse one that has nothing to do with Drizzle (a vite.config.ts, a script).
    if (!/drizzle|\bexport\s*(?:\*|\{[^}]*\})\s*from\b/.test(readFileSync(entry, 'utf8'))) {
      throw new SchemasageError(`${display(entry)} does not look like a Drizzle schema module: it neither imports drizzle-orm nor re-exports other modules`, {
        hint: 'schemasage reads .ts/.js files as Drizzle schemas and runs them to do so, as drizzle-kit does; give the schema module or drizzle.config.ts (or a .sql file or migrations folder)',
      });
    }
    // Named directly, a module is reviewed whole; its config matters only for `casing`, which
    // changes column names.
    const near = findConfigFor(entry);
    const text = near ? readFileSync(near, 'utf8') : '';
    if (near && /\bcasing\b/.test(text)) {
      config = near;
      values = configFromText(text);
    }
  }
  const request: WorkerRequest = {
    entry,
    config,
    values,
    entryIsConfig,
    cwd: resolve(cwd),
    fsCache: cacheDisabled() ? false : join(cacheDir(), 'jiti'),
  };
  const response = await runWorker(request, display);
  if (!response.ok) throw failureError(response, display);
  return fromWorker(response, entry, display);
}

const SUPABASE_REFERENCE = /"auth"\s*\.\s*"users"|\bTO\s+(?:"?[\w$]+"?\s*,\s*)*"?(?:anon|authenticated|service_role)\b/i;

/** A statement that creates or changes an object in a schema the Supabase platform owns. */
function inPlatformSchema(sql: string): string | null {
  const m = /^\s*(?:CREATE SCHEMA (?:IF NOT EXISTS )?"([^"]+)"|(?:CREATE TABLE|ALTER TABLE|CREATE TYPE|CREATE SEQUENCE|CREATE (?:MATERIALIZED )?VIEW) (?:IF NOT EXISTS )?"([^"]+)"\.|CREATE (?:UNIQUE )?INDEX "[^"]+" ON "([^"]+)"\.|CREATE POLICY "[^"]+" ON "([^"]+)"\.)/.exec(sql);
  const schema = m ? m[1] ?? m[2] ?? m[3] ?? m[4] : undefined;
  return schema !== undefined && SUPABASE_SHIM_SCHEMAS.includes(schema) ? schema : null;
}

/** Turns the worker's answer into a GeneratedSource: the user's files, placed DDL, locations. */
export function fromWorker(response: WorkerSuccess, entry: string, display: (abs: string) => string): GeneratedSource {
  // drizzle-orm/supabase's authUsers, once exported, makes drizzle-kit create auth.users itself;
  // on Supabase the platform (here: the shim) provides it, so those statements are left out.
  const supabase = response.statements.some((st) => SUPABASE_REFERENCE.test(st));
  const platform = new Set<string>();
  let statements = response.statements;
  let tables = response.tables;
  if (supabase) {
    statements = statements.filter((st) => {
      const schema = inPlatformSchema(st);
      if (schema) platform.add(schema);
      return schema === null;
    });
    tables = tables.filter((t) => !SUPABASE_SHIM_SCHEMAS.includes(t.schema));
  }
  const files: SqlFile[] = [];
  const texts = new Map<string, string>();
  for (const f of response.files) {
    try {
      const text = readFileSync(f, 'utf8');
      texts.set(f, text);
      files.push({ path: display(f), text });
    } catch {
      // a module that vanished after loading: nothing to point at
    }
  }
  const creators = [...new Set([...texts.values()].flatMap(tableCreators))];
  const scanned = [...texts].map(([path, text]) => new ScannedFile(path, text, creators));
  const located = locate(scanned, tables, display);

  const notes: LoadNote[] = [];
  const note = (message: string) => notes.push({ kind: 'info', message: `Drizzle: ${message}`, location: null });
  const schemas = response.added.schemas.filter((x) => !(supabase && SUPABASE_SHIM_SCHEMAS.includes(x)));
  const enums = response.added.enums;
  if (schemas.length > 0) {
    note(`schema${schemas.length === 1 ? '' : 's'} ${schemas.join(', ')} ${schemas.length === 1 ? 'is' : 'are'} used by tables but not exported from the schema modules, so drizzle-kit generate does not create ${schemas.length === 1 ? 'it' : 'them'}; reviewed as if exported (export the pgSchema(…) value, or create the schema in a migration)`);
  }
  if (enums.length > 0) {
    note(`enum${enums.length === 1 ? '' : 's'} ${enums.join(', ')} ${enums.length === 1 ? 'is' : 'are'} used by columns but not exported, so drizzle-kit generate does not create ${enums.length === 1 ? 'it' : 'them'} and the migration fails on a fresh database; reviewed as if exported (export the pgEnum)`);
  }
  response.notes.forEach(note);
  const roles = missingRoles(statements);
  if (platform.size > 0) {
    note(`the schema exports objects in Supabase's own schema${platform.size === 1 ? '' : 's'} ${[...platform].join(', ')} (such as drizzle-orm/supabase's authUsers); Supabase provides them, so they were not created from the schema`);
  }
  const preamble: AnchoredStatement[] = roles.map((r) => ({
    sql: `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(r)}) THEN CREATE ROLE "${r.replace(/"/g, '""')}" NOLOGIN; END IF; END $$;`,
    at: null,
  }));
  if (roles.length > 0) {
    note(`role${roles.length === 1 ? '' : 's'} ${roles.join(', ')} named by policies ${roles.length === 1 ? 'is' : 'are'} not created by the schema (roles live in the cluster); created for the review`);
  }
  if (located.unlocated.length > 0) {
    const n = located.unlocated.length;
    note(`could not find where ${n === 1 ? 'table' : 'tables'} ${located.unlocated.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''} ${n === 1 ? 'is' : 'are'} declared; findings on ${n === 1 ? 'it' : 'them'} point at drizzle-kit's SQL`);
  }
  const anchored = [...preamble, ...anchorStatements(statements, located, display)];
  const fallback = `${display(entry)} (drizzle-kit SQL)`;
  const sql = placeStatements(anchored, fallback);
  return {
    kind: 'drizzle',
    files,
    sql,
    locations: located.locations,
    notes,
    orm: 'drizzle',
    ...(supabase ? { supabase: true } : {}),
    ...(response.outOfScope.length > 0 ? { stubs: response.outOfScope } : {}),
  };
}
