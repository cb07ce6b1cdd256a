/** `<path>@<ref>` sources: a real git repository made in the test, real PGlite. */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { SchemasageError } from '../../src/errors.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';
import { loadAtRef, parseGitRef } from '../../src/sources/git.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'schemasage-git-test-')));
const repo = join(tmp, 'repo');
const outside = join(tmp, 'not-a-repo');

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
    // The repository must not depend on the machine's git config (default branch, hooks).
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

function write(rel: string, text: string): void {
  const abs = join(repo, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

const INIT = `create table accounts (
  id bigint generated always as identity primary key,
  name text not null
);
create table orders (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  price double precision not null
);
create index orders_account_id_idx on orders (account_id);
`;

const INVOICES = `create table invoices (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  total numeric(12, 2) not null
);
create index invoices_account_id_idx on invoices (account_id);
alter table orders alter column price type numeric(12, 2);
`;

let first = '';
const savedEnv = { ceiling: process.env.GIT_CEILING_DIRECTORIES, cache: process.env.SCHEMASAGE_CACHE_DIR };

beforeAll(() => {
  // Keeps git from finding a repository above the temp folder (the "not a repository" case).
  process.env.GIT_CEILING_DIRECTORIES = tmp;
  process.env.SCHEMASAGE_CACHE_DIR = join(tmp, 'cache');
  mkdirSync(repo, { recursive: true });
  mkdirSync(outside, { recursive: true });
  git('init', '-q');
  write('supabase/migrations/20240101000000_init.sql', INIT);
  write('db/legacy.sql', 'create table legacy_things (id bigint primary key, label text);\n');
  write('db/structure.sql', '\\connect app\ncreate table widgets (id bigint primary key, name text);\n');
  write('db/broken.sql', 'create table ok_table (id bigint primary key);\ncreate tabel nope (id int);\n');
  write('db/with-include.sql', '\\ir parts/tables.sql\n');
  write('db/parts/tables.sql', 'create table included_things (id bigint primary key);\n');
  write('app/package.json', '{ "name": "app", "private": true }\n');
  write('app/src/db/schema.ts', "export { money } from '../lib/columns';\n");
  write('app/src/lib/columns.ts', 'export const money = 1;\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  git('tag', 'v1');
  first = git('rev-parse', 'HEAD').trim();

  write('supabase/migrations/20240201000000_invoices.sql', INVOICES);
  rmSync(join(repo, 'db/legacy.sql'));
  git('add', '-A');
  git('commit', '-q', '-m', 'invoices');

  // Never committed: what only exists on disk.
  write('snap@HEAD/001_from_disk.sql', 'create table from_disk (id bigint primary key);\n');
  write('app/node_modules/left-pad/package.json', '{ "name": "left-pad" }\n');
});

afterAll(() => {
  for (const [key, value] of [['GIT_CEILING_DIRECTORIES', savedEnv.ceiling], ['SCHEMASAGE_CACHE_DIR', savedEnv.cache]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(tmp, { recursive: true, force: true });
});

const names = (c: Catalog) => c.tables.filter((t) => t.origin === 'user').map((t) => t.name).sort();
const load = (arg: string, cwd = repo) => loadCatalog(arg, { cwd, cache: false });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('parseGitRef', () => {
  it('splits at the last @', () => {
    expect(parseGitRef('supabase/migrations@origin/main', repo)).toEqual({ path: 'supabase/migrations', ref: 'origin/main' });
    expect(parseGitRef('a@b/schema.prisma@HEAD~1', repo)).toEqual({ path: 'a@b/schema.prisma', ref: 'HEAD~1' });
    expect(parseGitRef('@v1', repo)).toEqual({ path: '.', ref: 'v1' });
  });

  it('leaves postgres URLs, paths without a ref, and paths that exist on disk alone', () => {
    expect(parseGitRef('postgres://app:secret@db.internal:5432/app', repo)).toBeNull();
    expect(parseGitRef('postgresql://app@localhost/app', repo)).toBeNull();
    expect(parseGitRef('supabase/migrations', repo)).toBeNull();
    expect(parseGitRef('supabase/migrations@', repo)).toBeNull();
    expect(parseGitRef('snap@HEAD', repo)).toBeNull();
  });
});

describe('reading a migrations folder at a ref', () => {
  it('sees the schema as it was at HEAD~1, a tag or a commit, with findings located at the ref', async () => {
    for (const ref of ['HEAD~1', 'v1', first]) {
      const loaded = await load(`supabase/migrations@${ref}`);
      expect(names(loaded.catalog)).toEqual(['accounts', 'orders']);
      expect(loaded.source).toMatchObject({ kind: 'migrations', layout: 'supabase', path: `supabase/migrations@${ref}` });
    }
    const { result } = analyze(await load('supabase/migrations@HEAD~1'));
    const money = result.findings.find((f) => f.rule === 'money-as-float');
    expect(money?.location).toEqual({ file: 'supabase/migrations/20240101000000_init.sql@HEAD~1', line: 8, column: 3 });
    expect(result.notes.map((n) => n.message)).toContain(`supabase/migrations@HEAD~1 was read from commit ${first.slice(0, 12)}, not from the working tree`);
  });

  it('sees the newer schema at HEAD', async () => {
    const { catalog, result } = analyze(await load('supabase/migrations@HEAD'));
    expect(names(catalog)).toEqual(['accounts', 'invoices', 'orders']);
    expect(result.findings.some((f) => f.rule === 'money-as-float')).toBe(false);
    const invoices = catalog.tables.find((t) => t.name === 'invoices');
    expect(invoices?.provenance.created?.file).toBe('supabase/migrations/20240201000000_invoices.sql@HEAD');
  });

  it('reads the commit, not uncommitted edits in the working tree', async () => {
    const path = join(repo, 'supabase/migrations/20240301000000_wip.sql');
    writeFileSync(path, 'create table work_in_progress (id bigint primary key);\n');
    try {
      expect(names((await load('supabase/migrations@HEAD')).catalog)).not.toContain('work_in_progress');
      expect(names((await load('supabase/migrations')).catalog)).toContain('work_in_progress');
    } finally {
      rmSync(path);
    }
  });

  it('shows paths from a sub-folder of the repository the way the working tree shows them', async () => {
    const sub = join(repo, 'supabase');
    const loaded = await load('migrations@HEAD~1', sub);
    expect(loaded.source.path).toBe('migrations@HEAD~1');
    const orders = loaded.catalog.tables.find((t) => t.name === 'orders');
    expect(orders?.provenance.created?.file).toBe('migrations/20240101000000_init.sql@HEAD~1');
    // From outside the source's folder, paths are absolute, as for the working tree.
    const fromApp = await load('../supabase/migrations@HEAD~1', join(repo, 'app'));
    expect(fromApp.source.path).toBe(`${repo}/supabase/migrations@HEAD~1`);
  });

  it('answers from the cache when the ref holds what the working tree holds', async () => {
    await loadCatalog('supabase/migrations', { cwd: repo });
    const atHead = await loadCatalog('supabase/migrations@HEAD', { cwd: repo });
    expect(atHead.fromCache).toBe(true);
    const invoices = atHead.catalog.tables.find((t) => t.name === 'invoices');
    expect(invoices?.provenance.created?.file).toBe('supabase/migrations/20240201000000_invoices.sql@HEAD');
  });
});

describe('reading a SQL file at a ref', () => {
  it('reads a file deleted since the ref', async () => {
    expect(existsSync(join(repo, 'db/legacy.sql'))).toBe(false);
    const loaded = await load('db/legacy.sql@HEAD~1');
    expect(names(loaded.catalog)).toEqual(['legacy_things']);
    expect(loaded.source).toMatchObject({ kind: 'sql', path: 'db/legacy.sql@HEAD~1' });
  });

  it('follows \\ir includes inside the file’s folder', async () => {
    const loaded = await load('db/with-include.sql@HEAD');
    expect(names(loaded.catalog)).toEqual(['included_things']);
    expect(loaded.catalog.tables[0]?.provenance.created?.file).toBe('db/parts/tables.sql@HEAD');
  });

  it('names the file at the ref in notes', async () => {
    const loaded = await load('db/structure.sql@HEAD');
    expect(loaded.catalog.notes.map((n) => n.message)).toContain('skipped psql meta-command \\connect at db/structure.sql@HEAD:1');
  });

  it('reports a syntax error at the file and line at the ref', async () => {
    const err = await failure(load('db/broken.sql@HEAD'));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as SchemasageError).location).toMatchObject({ file: 'db/broken.sql@HEAD', line: 2 });
    expect((err as SchemasageError).format()).not.toContain(tmpdir());
  });
});

describe('what is not a git ref', () => {
  it('reads a path that exists on disk with an @ in its name as that path', async () => {
    const loaded = await load('snap@HEAD');
    expect(names(loaded.catalog)).toEqual(['from_disk']);
    expect(loaded.source.path).toBe('snap@HEAD');
    expect(loaded.catalog.notes.some((n) => /read from commit/.test(n.message))).toBe(false);
  });

  it('connects to a postgres URL with an @ in it, never asking git', async () => {
    const err = await failure(load('postgres://app:secret@127.0.0.1:1/app'));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toMatch(/could not connect/);
    expect((err as Error).message).not.toMatch(/git/);
  });
});

describe('errors', () => {
  it('names an unknown ref', async () => {
    const err = await failure(load('supabase/migrations@no-such-branch'));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toContain('unknown git ref "no-such-branch"');
  });

  it('says when the path does not exist at the ref', async () => {
    const err = await failure(load('supabase/migrations/20240201000000_invoices.sql@v1'));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toBe(`supabase/migrations/20240201000000_invoices.sql does not exist at v1 (commit ${first.slice(0, 12)})`);
  });

  it('says when the path is not in a git repository', async () => {
    writeFileSync(join(outside, 'schema.sql'), 'create table t (id int primary key);\n');
    const err = await failure(load('schema.sql@HEAD', outside));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toMatch(/is not in a git work tree, so "HEAD" cannot be read as a git ref/);
  });

  it('refuses a ref that git would take as an option', async () => {
    const err = await failure(load('supabase/migrations@--output=x'));
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toMatch(/is not a git ref/);
    expect(existsSync(join(repo, 'x'))).toBe(false);
  });
});

describe('the temporary checkout', () => {
  const fakeCatalog = { notes: [], database: '' } as unknown as Catalog;

  it('holds a script with its whole package and the working tree’s node_modules, then disappears', async () => {
    let seen: { cwd: string; path: string } | null = null;
    await loadAtRef({ path: 'app/src/db/schema.ts', ref: 'HEAD' }, repo, async (path, cwd) => {
      seen = { cwd, path };
      expect(readFileSync(join(cwd, path), 'utf8')).toContain("from '../lib/columns'");
      expect(existsSync(join(cwd, 'app/src/lib/columns.ts'))).toBe(true);
      expect(existsSync(join(cwd, 'app/package.json'))).toBe(true);
      expect(lstatSync(join(cwd, 'app/node_modules')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(cwd, 'app/node_modules/left-pad/package.json'))).toBe(true);
      // Only what was asked for (and its package) is copied out.
      expect(existsSync(join(cwd, 'supabase'))).toBe(false);
      return { catalog: structuredClone(fakeCatalog), source: { path }, timings: { loadMs: 0 } };
    });
    const checkout = (seen as { cwd: string } | null)?.cwd;
    expect(checkout).toBeTruthy();
    expect(existsSync(checkout as string)).toBe(false);
    // Removing the checkout removed the link, not the project's packages.
    expect(existsSync(join(repo, 'app/node_modules/left-pad/package.json'))).toBe(true);
  });

  it('is removed when loading fails', async () => {
    let cwdSeen = '';
    const err = await failure(
      loadAtRef({ path: 'db/legacy.sql', ref: 'HEAD~1' }, repo, async (_path, cwd) => {
        cwdSeen = cwd;
        throw new SchemasageError(`${join(cwd, 'db/legacy.sql')}: cannot read this`);
      }),
    );
    expect((err as Error).message).toBe('db/legacy.sql@HEAD~1: cannot read this');
    expect(cwdSeen).not.toBe('');
    expect(existsSync(cwdSeen)).toBe(false);
  });
});
