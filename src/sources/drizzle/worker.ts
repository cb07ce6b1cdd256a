/**
 * Child process: loads the user's Drizzle config and schema modules with jiti, asks drizzle-kit's
 * programmatic API for the DDL, and sends it back over IPC. Isolated because loading a schema
 * module runs its imports (database clients, env checks), which may hang, throw or exit.
 *
 * drizzle-orm is resolved from the user's project, and drizzle-kit is made to import that same
 * copy (an ESM resolve hook), so its `is()` checks see one set of classes; a project without
 * node_modules gets schemasage's own copy through a jiti alias.
 */
import { createRequire, register } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti, type Jiti } from 'jiti';
import { expandSchemaPaths, globToRegExp } from './files.js';
import type { ExtraKind, FailureKind, WorkerFailure, WorkerRequest, WorkerResponse, WorkerSuccess, WorkerTable } from './protocol.js';
import type { ConfigValues } from './scan.js';

type PgCore = typeof import('drizzle-orm/pg-core');
type Orm = typeof import('drizzle-orm');
type KitApi = typeof import('drizzle-kit/api');
type Snapshot = ReturnType<KitApi['generateDrizzleJson']>;

/** Redirects every `drizzle-orm` import (drizzle-kit's included) to the user's copy. */
const HOOK_SOURCE = `
let base;
export async function initialize(data) { base = data.base; }
export async function resolve(specifier, context, next) {
  if (base && (specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/'))) {
    return next(specifier, { ...context, parentURL: base });
  }
  return next(specifier, context);
}`;

class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly file: string | null = null,
    readonly hint: string | null = null,
    readonly originalStack: string | null = null,
  ) {
    super(message);
  }
}

// drizzle-orm's own keys (Table.Symbol.*), global symbols so any copy of drizzle-orm agrees.
const EXTRA_CONFIG_BUILDER = Symbol.for('drizzle:ExtraConfigBuilder');
const EXTRA_CONFIG_COLUMNS = Symbol.for('drizzle:ExtraConfigColumns');

const ANSI = /\u001b\[[0-9;]*m/g;

function send(msg: WorkerResponse): void {
  const done = () => process.exit(0);
  if (process.send) process.send(msg, undefined, {}, done);
  else {
    process.stdout.write(JSON.stringify(msg));
    done();
  }
}

function resolvesFrom(spec: string, fromFile: string): string | null {
  try {
    return createRequire(fromFile).resolve(spec);
  } catch {
    return null;
  }
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`;
  return String(err);
}

function stackOf(err: unknown): string | null {
  return err instanceof Error && typeof err.stack === 'string' ? err.stack : null;
}

/** Loads one user module; a throw becomes a Failure naming it. */
async function importModule(jiti: Jiti, file: string): Promise<Record<string, unknown>> {
  try {
    const ns = await jiti.import<Record<string, unknown>>(file);
    return ns ?? {};
  } catch (err) {
    const syntax = err instanceof SyntaxError || (err as { code?: string } | null)?.code === 'BABEL_PARSE_ERROR';
    throw new Failure(syntax ? 'syntax' : 'throws', errorText(err), file, null, stackOf(err));
  }
}

/** drizzle-kit reports schema errors with console.log and process.exit(1): turn them into a Failure. */
async function captureExit<T>(fn: () => T | Promise<T>): Promise<T> {
  const said: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, exit: process.exit };
  const capture = (...args: unknown[]) => {
    said.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  };
  console.log = capture;
  console.error = capture;
  console.warn = capture;
  process.exit = ((code?: number) => {
    const text = said.join('\n').replace(ANSI, '').replace(/\s+/g, ' ').trim();
    throw new Failure('drizzle-kit', text || `drizzle-kit stopped (exit ${code ?? 0})`);
  }) as typeof process.exit;
  try {
    return await fn();
  } finally {
    console.log = saved.log;
    console.error = saved.error;
    console.warn = saved.warn;
    process.exit = saved.exit;
  }
}

/** drizzle-kit's pull filter semantics: plain globs admit, `!glob` excludes, no match excludes. */
function tablesFilterOf(patterns: string[], toRegExp: (g: string) => RegExp): (name: string) => boolean {
  const filters = patterns.map((p) => (p.startsWith('!') ? { negate: true, re: toRegExp(p.slice(1)) } : { negate: false, re: toRegExp(p) }));
  return (name) => {
    if (filters.length === 0) return true;
    const flags: boolean[] = [];
    for (const f of filters) {
      if (f.negate) {
        if (f.re.test(name)) flags.push(false);
      } else if (f.re.test(name)) flags.push(true);
    }
    return flags.length > 0 && flags.every(Boolean);
  };
}

/** Runs a config whose settings are computed, and reads them from what it exports. */
async function runConfig(jiti: Jiti, path: string): Promise<ConfigValues> {
  const loaded = await importModule(jiti, path);
  const cfg = ((loaded as { default?: unknown }).default ?? loaded) as Record<string, unknown> | null;
  if (typeof cfg !== 'object' || cfg === null) throw new Failure('config', 'the config exports no object (expected `export default defineConfig({ … })`)', path);
  return {
    dialect: typeof cfg.dialect === 'string' ? cfg.dialect : null,
    schema: asList(cfg.schema),
    casing: typeof cfg.casing === 'string' ? cfg.casing : null,
    schemaFilter: asList(cfg.schemaFilter),
    tablesFilter: asList(cfg.tablesFilter),
  };
}

async function run(req: WorkerRequest): Promise<WorkerSuccess> {
  const t0 = performance.now();
  const anchor = req.entry;
  const own = createRequire(import.meta.url);
  const ownOrm = own.resolve('drizzle-orm');
  const userOrm = resolvesFrom('drizzle-orm', anchor);
  const alias: Record<string, string> = {};
  if (userOrm === null) alias['drizzle-orm'] = dirname(ownOrm);
  else if (userOrm !== ownOrm) register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, { data: { base: pathToFileURL(anchor).href } });
  if (resolvesFrom('drizzle-kit', anchor) === null) alias['drizzle-kit'] = dirname(own.resolve('drizzle-kit'));

  const jiti = createJiti(anchor, { fsCache: req.fsCache, moduleCache: true, tsconfigPaths: true, alias });
  const orm: Orm = await import('drizzle-orm');
  const pg: PgCore = await import('drizzle-orm/pg-core');
  const notes: string[] = [];

  // ---- config ----
  let casing: string | null = null;
  let schemaFiles: string[] = [];
  let schemaFilter: string[] = [];
  let tablesFilter: string[] = [];
  const settings = req.values ?? (req.config ? await runConfig(jiti, req.config) : null);
  if (req.config && settings) {
    if (settings.dialect !== null && settings.dialect !== 'postgresql') {
      throw new Failure('dialect', `the config's dialect is '${settings.dialect}'; schemasage reviews PostgreSQL schemas (dialect: 'postgresql')`, req.config);
    }
    if (settings.casing === 'snake_case' || settings.casing === 'camelCase') casing = settings.casing;
    if (req.entryIsConfig) {
      const entries = settings.schema;
      if (entries.length === 0) throw new Failure('config', 'the config has no `schema` (the path, glob or list of schema files)', req.config);
      schemaFiles = expandSchemaPaths(entries, dirname(req.config));
      if (schemaFiles.length === 0 && req.cwd !== dirname(req.config)) schemaFiles = expandSchemaPaths(entries, req.cwd);
      if (schemaFiles.length === 0) {
        throw new Failure('no-files', `no schema files found for schema ${entries.map((e) => `'${e}'`).join(', ')} (relative to ${dirname(req.config)})`, req.config,
          'a file path needs its extension (./src/db/schema.ts); a folder contributes the .ts/.js files directly inside it; globs such as ./src/db/*.ts work');
      }
      schemaFilter = settings.schemaFilter;
      tablesFilter = settings.tablesFilter;
    }
  }
  if (!req.entryIsConfig) schemaFiles = [req.entry];

  // ---- schema modules ----
  const exportNames = new Map<unknown, string[]>();
  for (const file of schemaFiles) {
    const ns = await importModule(jiti, file);
    for (const [key, value] of Object.entries(ns)) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
      const names = exportNames.get(value);
      if (names) {
        if (!names.includes(key)) names.push(key);
      } else exportNames.set(value, [key]);
    }
  }
  const loadMs = performance.now() - t0;

  const values = [...exportNames.keys()];
  const tables = values.filter((v): v is InstanceType<PgCore['PgTable']> => orm.is(v, pg.PgTable));
  if (tables.length === 0) {
    const kinds = new Set<string>();
    for (const v of values) {
      if (orm.is(v, orm.Table)) {
        const kind = (v as unknown as { constructor?: Record<symbol, unknown> }).constructor?.[orm.entityKind];
        if (typeof kind === 'string') kinds.add(kind);
      }
    }
    const shown = schemaFiles.length === 1 ? 'the module exports' : `the ${schemaFiles.length} schema modules export`;
    if (kinds.size > 0) {
      throw new Failure('dialect', `${shown} ${[...kinds].join(', ')} tables, not PostgreSQL ones (pgTable); schemasage reviews PostgreSQL schemas`, schemaFiles[0] ?? null);
    }
    throw new Failure('no-tables', `${shown} no tables: drizzle-kit finds only exported pgTable(…) values (and enums, schemas, views)`, schemaFiles[0] ?? null,
      'export the tables (export const users = pgTable(…)), or point schemasage at the module that does, or at drizzle.config.ts');
  }

  // drizzle-kit creates only exported enums and schemas; a fresh database would reject the
  // generated DDL without them, so add them and say so.
  const imports: Record<string, unknown> = {};
  values.forEach((v, i) => {
    imports[`e${i}`] = v;
  });
  const exportedSchemas = new Set(values.filter((v) => orm.is(v, pg.PgSchema)).map((s) => (s as InstanceType<PgCore['PgSchema']>).schemaName));
  const exportedEnums = new Set(values.filter((v) => pg.isPgEnum(v)));
  const addedEnums: string[] = [];
  const addedSchemas: string[] = [];
  let extra = 0;
  for (const t of tables) {
    const cfg = pg.getTableConfig(t);
    if (cfg.schema && cfg.schema !== 'public' && !exportedSchemas.has(cfg.schema)) {
      exportedSchemas.add(cfg.schema);
      imports[`s${extra++}`] = pg.pgSchema(cfg.schema);
      addedSchemas.push(cfg.schema);
    }
    for (const col of cfg.columns) {
      let c: unknown = col;
      while (orm.is(c, pg.PgArray)) c = (c as InstanceType<PgCore['PgArray']>).baseColumn;
      const e = (c as { enum?: unknown }).enum;
      if (e !== undefined && pg.isPgEnum(e) && !exportedEnums.has(e)) {
        exportedEnums.add(e);
        imports[`n${extra++}`] = e;
        addedEnums.push(`${e.schema ? `${e.schema}.` : ''}${e.enumName}`);
      }
    }
  }
  // ---- drizzle-kit ----
  const t1 = performance.now();
  const kit: KitApi = await import('drizzle-kit/api');
  const kitCasing = casing === 'snake_case' || casing === 'camelCase' ? casing : undefined;
  const { snapshot, statements } = await captureExit(async () => {
    const cur = kit.generateDrizzleJson(imports, undefined, undefined, kitCasing);
    const empty = kit.generateDrizzleJson({}, undefined, undefined, kitCasing);
    return { snapshot: cur, statements: await kit.generateMigration(empty, cur) };
  });
  const generateMs = performance.now() - t1;

  const inScope = tablesFilterOf(tablesFilter, globToRegExp);
  const outOfScope: WorkerSuccess['outOfScope'] = [];
  const described: WorkerTable[] = [];
  for (const t of tables) {
    const info = describeTable(orm, pg, t, snapshot, exportNames.get(t) ?? []);
    if (!info) continue;
    described.push(info);
    if ((schemaFilter.length > 0 && !schemaFilter.includes(info.schema)) || !inScope(info.name)) outOfScope.push({ schema: info.schema, name: info.name });
  }
  if (outOfScope.length > 0) {
    notes.push(`${outOfScope.length} table${outOfScope.length === 1 ? '' : 's'} outside the config's ${[schemaFilter.length > 0 ? 'schemaFilter' : null, tablesFilter.length > 0 ? 'tablesFilter' : null].filter(Boolean).join(' and ')} ${outOfScope.length === 1 ? 'was' : 'were'} created so references resolve, but not reviewed: ${outOfScope.slice(0, 8).map((t) => `${t.schema}.${t.name}`).join(', ')}${outOfScope.length > 8 ? ', …' : ''}`);
  }

  const files = Object.keys(jiti.cache).filter((f) => !/[\\/]node_modules[\\/]/.test(f) && /\.(ts|mts|cts|js|mjs|cjs|tsx|jsx)$/i.test(f));
  const ordered = [...(req.config ? [req.config] : []), ...schemaFiles, ...files];
  return {
    ok: true,
    statements,
    files: ordered.filter((f, i) => ordered.indexOf(f) === i),
    schemaFiles,
    tables: described,
    outOfScope,
    added: { schemas: addedSchemas, enums: addedEnums },
    notes,
    casing,
    timings: { loadMs, generateMs },
  };
}

/** The snapshot entry of one table, paired with its JS keys and extra-config entries. */
function describeTable(orm: Orm, pg: PgCore, t: InstanceType<PgCore['PgTable']>, snapshot: Snapshot, exportNames: string[]): WorkerTable | null {
  const cfg = pg.getTableConfig(t);
  const schema = cfg.schema ?? 'public';
  const snap = snapshot.tables[`${schema}.${cfg.name}`];
  if (!snap) return null;
  const keys = Object.keys(orm.getTableColumns(t));
  const names = Object.keys(snap.columns);
  const columnsByKey = orm.getTableColumns(t);
  const columns = keys.map((key, i) => ({
    key,
    name: names[i] ?? key,
    onUpdate: typeof (columnsByKey[key] as { onUpdateFn?: unknown } | undefined)?.onUpdateFn === 'function',
  }));

  // Extra-config entries in source order; drizzle-kit names them in the same order per kind,
  // after the column-level ones (inline .references() and .unique()).
  const kinds: ExtraKind[] = [];
  const builder = (t as unknown as Record<symbol, unknown>)[EXTRA_CONFIG_BUILDER];
  if (typeof builder === 'function') {
    const built: unknown = builder((t as unknown as Record<symbol, unknown>)[EXTRA_CONFIG_COLUMNS]);
    const entries: unknown[] = Array.isArray(built) ? built.flat(1) : built && typeof built === 'object' ? Object.values(built) : [];
    for (const b of entries) {
      if (orm.is(b, pg.IndexBuilder)) kinds.push('index');
      else if (orm.is(b, pg.CheckBuilder)) kinds.push('check');
      else if (orm.is(b, pg.UniqueConstraintBuilder)) kinds.push('unique');
      else if (orm.is(b, pg.PrimaryKeyBuilder)) kinds.push('primary-key');
      else if (orm.is(b, pg.ForeignKeyBuilder)) kinds.push('foreign-key');
      else if (orm.is(b, pg.PgPolicy)) kinds.push('policy');
    }
  }
  const count = (k: ExtraKind) => kinds.filter((x) => x === k).length;
  const last = (names: string[], n: number) => (n === 0 ? [] : names.slice(-n));
  const namesOf: Record<ExtraKind, string[]> = {
    index: Object.keys(snap.indexes),
    check: Object.keys(snap.checkConstraints ?? {}),
    unique: last(Object.keys(snap.uniqueConstraints ?? {}), count('unique')),
    'primary-key': Object.keys(snap.compositePrimaryKeys ?? {}),
    'foreign-key': last(Object.keys(snap.foreignKeys), count('foreign-key')),
    policy: Object.keys(snap.policies ?? {}),
  };
  const used: Record<ExtraKind, number> = { index: 0, check: 0, unique: 0, 'primary-key': 0, 'foreign-key': 0, policy: 0 };
  const extras = kinds.map((kind) => {
    const available = namesOf[kind];
    const fits = kind === 'unique' || kind === 'foreign-key' || kind === 'policy' ? available.length >= count(kind) : available.length === count(kind);
    const name = fits ? available[used[kind]] ?? null : null;
    used[kind]++;
    return { kind, name };
  });
  return { schema, name: cfg.name, exportNames, columns, extras };
}

function failureOf(err: unknown): WorkerFailure {
  if (err instanceof Failure) {
    return { ok: false, kind: err.kind, message: err.message, file: err.file, stack: err.originalStack, hint: err.hint };
  }
  return { ok: false, kind: 'throws', message: errorText(err), file: null, stack: stackOf(err), hint: null };
}

const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
process.setSourceMapsEnabled(true);
// The review was abandoned (timeout, Ctrl-C): do not leave the user's code running.
process.on('disconnect', () => process.exit(0));
run(request).then(send, (err: unknown) => send(failureOf(err)));
