/**
 * Migration folder layouts: how to recognise each one and in which order its files apply.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LoadNote } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import type { Layout } from '../result.js';

export interface ResolvedMigrations {
  /** The directory the migrations were read from (may be a sub-folder of the one given). */
  dir: string;
  layout: Layout;
  /** Absolute paths in apply order. */
  files: string[];
  notes: LoadNote[];
}

const FLYWAY_VERSIONED = /^V(\d+(?:[._]\d+)*)__.+\.sql$/;
const FLYWAY_REPEATABLE = /^R__.+\.sql$/;
const FLYWAY_UNDO = /^U\d+(?:[._]\d+)*__.+\.sql$/;
const GOLANG_UP = /^(\d+)_.+\.up\.sql$/;
const DOWN_FILE = /\.down\.sql$/;
const TIMESTAMP14 = /^(\d{14})_.+\.sql$/;
const VERSIONED = /^(\d+)_.+\.sql$/;
const DRIZZLE_FILE = /^\d{4}_.+\.sql$/;
const GOOSE_UP = /^[ \t]*--[ \t]*\+goose[ \t]+up\b/im;
const DBMATE_UP = /^[ \t]*--[ \t]*migrate:up\b/im;
const DRIZZLE_BREAKPOINT = /^[ \t]*-->[ \t]*statement-breakpoint/m;

/** Where projects keep their migrations, tried when the folder given holds no SQL itself. */
const WELL_KNOWN_SUBDIRS = [
  'supabase/migrations', 'prisma/migrations', 'migrations', 'drizzle', 'db/migrations', 'db/migration', 'db/migrate',
  'database/migrations', 'sql/migrations', 'src/main/resources/db/migration', 'sql',
];

export const LAYOUT_HELP =
  'Supabase (supabase/migrations/<timestamp>_name.sql), Prisma (<timestamp>_name/migration.sql), ' +
  'Drizzle (<nnnn>_name.sql + meta/_journal.json), Flyway (V<version>__name.sql, R__name.sql), ' +
  'golang-migrate (<n>_name.up.sql), goose (-- +goose Up), dbmate (-- migrate:up) or numbered .sql files';

const LAYOUT_NAMES: Record<Layout, string> = {
  supabase: 'Supabase migrations (<timestamp>_name.sql)',
  prisma: 'Prisma migrations (<timestamp>_name/migration.sql)',
  drizzle: 'Drizzle migrations (<nnnn>_name.sql and meta/_journal.json)',
  flyway: 'Flyway migrations (V<version>__name.sql)',
  'golang-migrate': 'golang-migrate migrations (<n>_name.up.sql)',
  goose: 'goose migrations (<n>_name.sql)',
  dbmate: 'dbmate migrations (<n>_name.sql)',
  plain: '.sql files',
};

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sqlFileNames(dir: string): string[] {
  return entries(dir).filter((e) => !e.isDirectory() && e.name.toLowerCase().endsWith('.sql')).map((e) => e.name);
}

function prismaMigrationDirs(dir: string): string[] {
  return entries(dir).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql'))).map((e) => e.name);
}

/** Reads each file once; layout detection and loading share the text. */
export class FileCache {
  private readonly texts = new Map<string, string>();
  read(path: string): string {
    let text = this.texts.get(path);
    if (text === undefined) {
      text = readFileSync(path, 'utf8');
      this.texts.set(path, text);
    }
    return text;
  }
}

/** The layout of a folder's own files, without looking into sub-folders. */
function classify(dir: string, cache: FileCache): Layout | null {
  if (existsSync(join(dir, 'meta', '_journal.json'))) return 'drizzle';
  if (basename(dir) === 'migrations' && basename(dirname(dir)) === 'supabase' && sqlFileNames(dir).length > 0) return 'supabase';
  if (prismaMigrationDirs(dir).length > 0) return 'prisma';
  const names = sqlFileNames(dir);
  if (names.length === 0) return null;
  if (names.some((n) => FLYWAY_VERSIONED.test(n) || FLYWAY_REPEATABLE.test(n))) return 'flyway';
  if (names.some((n) => GOLANG_UP.test(n))) return 'golang-migrate';
  const texts = names.map((n) => cache.read(join(dir, n)));
  if (texts.some((t) => GOOSE_UP.test(t))) return 'goose';
  if (texts.some((t) => DBMATE_UP.test(t))) return 'dbmate';
  if (texts.some((t) => DRIZZLE_BREAKPOINT.test(t)) && names.every((n) => DRIZZLE_FILE.test(n))) return 'drizzle';
  if (names.every((n) => TIMESTAMP14.test(n))) return 'supabase';
  return 'plain';
}

/** Finds the migrations folder (the one given, or a well-known one inside it) and its layout. */
function locate(dir: string, cache: FileCache): { dir: string; layout: Layout } | null {
  // A project root: its supabase/ or prisma/ migrations win over stray SQL files (seed.sql) beside them.
  for (const sub of ['supabase/migrations', 'prisma/migrations']) {
    const candidate = join(dir, sub);
    if (isDir(candidate)) {
      const layout = classify(candidate, cache);
      if (layout) return { dir: candidate, layout };
    }
  }
  const own = classify(dir, cache);
  if (own) return { dir, layout: own };
  for (const sub of WELL_KNOWN_SUBDIRS) {
    const candidate = join(dir, sub);
    if (!isDir(candidate)) continue;
    const layout = classify(candidate, cache);
    if (layout) return { dir: candidate, layout };
  }
  return null;
}

export function detectLayout(dir: string): Layout | null {
  return locate(dir, new FileCache())?.layout ?? null;
}

/** Compare two digit strings as numbers of any size. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Natural order: digit runs compare as numbers, so 2_x.sql comes before 10_x.sql. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i] as string;
    const y = rb[i] as string;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    const c = bothDigits ? compareDigits(x, y) : compareStrings(x.toLowerCase(), y.toLowerCase());
    if (c !== 0) return c;
  }
  return ra.length - rb.length || compareStrings(a, b);
}

function byVersion(pattern: RegExp): (a: string, b: string) => number {
  return (a, b) => compareDigits(pattern.exec(a)?.[1] ?? '0', pattern.exec(b)?.[1] ?? '0') || compareStrings(a, b);
}

function compareFlywayVersions(a: string, b: string): number {
  const pa = (FLYWAY_VERSIONED.exec(a)?.[1] ?? '0').split(/[._]/);
  const pb = (FLYWAY_VERSIONED.exec(b)?.[1] ?? '0').split(/[._]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = compareDigits(pa[i] ?? '0', pb[i] ?? '0');
    if (c !== 0) return c;
  }
  return compareStrings(a, b);
}

interface Ordered {
  files: string[];
  skipped: Array<{ name: string; reason: string }>;
}

function skip(names: string[], reason: string): Array<{ name: string; reason: string }> {
  return names.map((name) => ({ name, reason }));
}

function orderFiles(dir: string, layout: Layout): Ordered {
  const names = sqlFileNames(dir);
  switch (layout) {
    case 'prisma': {
      const dirs = prismaMigrationDirs(dir).sort(compareStrings);
      const others = entries(dir).filter((e) => e.isDirectory() && !dirs.includes(e.name)).map((e) => e.name);
      return {
        files: dirs.map((d) => join(d, 'migration.sql')),
        skipped: [...skip(others, 'no migration.sql inside'), ...skip(names, 'Prisma only applies <timestamp>_name/migration.sql')],
      };
    }
    case 'drizzle':
      return drizzleOrder(dir, names);
    case 'flyway': {
      const versioned = names.filter((n) => FLYWAY_VERSIONED.test(n)).sort(compareFlywayVersions);
      // Repeatables run after every versioned migration, ordered by description.
      const repeatable = names.filter((n) => FLYWAY_REPEATABLE.test(n)).sort(compareStrings);
      const other = names.filter((n) => !FLYWAY_VERSIONED.test(n) && !FLYWAY_REPEATABLE.test(n) && !FLYWAY_UNDO.test(n));
      return { files: [...versioned, ...repeatable], skipped: skip(other, 'not named V<version>__name.sql or R__name.sql') };
    }
    case 'golang-migrate': {
      const up = names.filter((n) => GOLANG_UP.test(n)).sort(byVersion(GOLANG_UP));
      return { files: up, skipped: skip(names.filter((n) => !GOLANG_UP.test(n) && !DOWN_FILE.test(n)), 'not named <n>_name.up.sql') };
    }
    case 'supabase':
    case 'goose':
    case 'dbmate': {
      const files = names.filter((n) => VERSIONED.test(n) && !DOWN_FILE.test(n)).sort(byVersion(VERSIONED));
      return { files, skipped: skip(names.filter((n) => !files.includes(n)), 'not named <version>_name.sql') };
    }
    case 'plain': {
      const files = names.filter((n) => !DOWN_FILE.test(n)).sort(naturalCompare);
      return { files, skipped: skip(names.filter((n) => DOWN_FILE.test(n)), 'a down migration') };
    }
  }
}

function drizzleOrder(dir: string, names: string[]): Ordered {
  const journalPath = join(dir, 'meta', '_journal.json');
  if (!existsSync(journalPath)) {
    return { files: names.filter((n) => DRIZZLE_FILE.test(n)).sort(compareStrings), skipped: skip(names.filter((n) => !DRIZZLE_FILE.test(n)), 'not named <nnnn>_name.sql') };
  }
  let journal: unknown;
  try {
    journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  } catch (e) {
    throw new SchemasageError(`cannot read the Drizzle journal ${journalPath}: ${(e as Error).message}`);
  }
  const list = (journal as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) throw new SchemasageError(`the Drizzle journal ${journalPath} has no "entries" list`);
  const tagged = list
    .map((e: unknown, i: number) => ({ tag: (e as { tag?: unknown } | null)?.tag, idx: (e as { idx?: unknown } | null)?.idx, i }))
    .filter((e): e is { tag: string; idx: unknown; i: number } => typeof e.tag === 'string');
  // drizzle-kit applies entries in journal order; idx is that order when present.
  tagged.sort((a, b) => (typeof a.idx === 'number' && typeof b.idx === 'number' ? a.idx - b.idx : 0) || a.i - b.i);
  const files = tagged.map((e) => `${e.tag}.sql`);
  for (const f of files) {
    if (!names.includes(f)) throw new SchemasageError(`the Drizzle journal ${journalPath} lists "${f.slice(0, -4)}" but ${join(dir, f)} does not exist`);
  }
  return { files, skipped: skip(names.filter((n) => !files.includes(n)), 'not listed in meta/_journal.json') };
}

/**
 * The migrations in `dir` in apply order. With `override`, that layout's ordering is used on the
 * folder (or on the first well-known sub-folder that has files in that layout).
 */
export function resolveMigrations(dir: string, opts: { override?: Layout; cache: FileCache; display: (abs: string) => string }): ResolvedMigrations {
  const { cache, display } = opts;
  let found: { dir: string; layout: Layout } | null;
  if (opts.override) {
    const layout = opts.override;
    const candidates = [dir, ...WELL_KNOWN_SUBDIRS.map((s) => join(dir, s)).filter(isDir)];
    const hit = candidates.find((c) => orderFiles(c, layout).files.length > 0);
    if (!hit) throw new SchemasageError(`no ${LAYOUT_NAMES[layout]} found in ${display(dir)}`, { hint: `drop --layout to detect the layout, or point at the folder that holds the migrations` });
    found = { dir: hit, layout };
  } else {
    found = locate(dir, cache);
  }
  if (!found) {
    if (entries(dir).length === 0) {
      throw new SchemasageError(`${display(dir)} is an empty folder: expected SQL migrations`, { hint: `schemasage reads ${LAYOUT_HELP}` });
    }
    throw new SchemasageError(`no SQL migrations found in ${display(dir)}`, {
      hint: `looked for ${LAYOUT_HELP}, also in ${WELL_KNOWN_SUBDIRS.join(', ')}`,
    });
  }
  const ordered = orderFiles(found.dir, found.layout);
  const notes: LoadNote[] = ordered.skipped
    .filter((s) => !s.name.startsWith('.'))
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((s) => ({ kind: 'skipped' as const, message: `${display(join(found.dir, s.name))} skipped: ${s.reason}`, location: null }));
  if (ordered.files.length === 0) {
    throw new SchemasageError(`no ${LAYOUT_NAMES[found.layout]} found in ${display(found.dir)}`, { hint: `schemasage reads ${LAYOUT_HELP}` });
  }
  return { dir: found.dir, layout: found.layout, files: ordered.files.map((f) => join(found.dir, f)), notes };
}
