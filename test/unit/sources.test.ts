import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { detectLayout, loadFileSource } from '../../src/sources/index.js';
import type { LoadedSource } from '../../src/sources/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const layouts = 'test/fixtures/layouts';
const load = (path: string, opts: { layout?: LoadedSource['layout'] & string } = {}) => loadFileSource(path, { cwd: root, ...opts });

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A scratch folder holding `files` (relative path → text). */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemasage-sources-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function loadError(path: string, opts: { cwd?: string; layout?: 'flyway' } = {}): Promise<SchemasageError> {
  try {
    await loadFileSource(path, { cwd: opts.cwd ?? root, ...(opts.layout ? { layout: opts.layout } : {}) });
  } catch (e) {
    expect(e).toBeInstanceOf(SchemasageError);
    return e as SchemasageError;
  }
  throw new Error(`expected ${path} to fail`);
}

const fileNames = (src: LoadedSource) => src.files.map((f) => f.path.slice(src.path.length + 1));
const firstWords = (src: LoadedSource) => src.statements.map((s) => s.sql.split(/\s+/).slice(0, 3).join(' '));

describe('layout detection and apply order', () => {
  it('Supabase: a project root resolves to supabase/migrations, in timestamp order, and needs the shim', async () => {
    const src = await load(`${layouts}/supabase`);
    expect(detectLayout(join(root, layouts, 'supabase'))).toBe('supabase');
    expect(src.kind).toBe('migrations');
    expect(src.layout).toBe('supabase');
    expect(src.path).toBe(`${layouts}/supabase/supabase/migrations`);
    expect(fileNames(src)).toEqual([
      '20240101120000_create_profiles.sql', '20240102093000_add_posts.sql', '20240215080000_rls_policies.sql',
    ]);
    expect(src.supabase).toBe(true);
    expect(src.statements[0]).toMatchObject({ file: `${layouts}/supabase/supabase/migrations/20240101120000_create_profiles.sql`, line: 2, column: 1, endLine: 6 });
  });

  it('Supabase: the migrations folder itself, and a folder of 14-digit timestamped files', async () => {
    expect((await load(`${layouts}/supabase/supabase/migrations`)).layout).toBe('supabase');
    const dir = scratch({ '20240301000000_b.sql': 'CREATE TABLE b (id int);', '20240201000000_a.sql': 'CREATE TABLE a (id int);' });
    const src = await loadFileSource(dir, { cwd: dir });
    expect(src.layout).toBe('supabase');
    expect(src.files.map((f) => f.path)).toEqual(['20240201000000_a.sql', '20240301000000_b.sql']);
  });

  it('Prisma: <timestamp>_name/migration.sql in folder order, migration_lock.toml ignored', async () => {
    const src = await load(`${layouts}/prisma`);
    expect(src.layout).toBe('prisma');
    expect(src.path).toBe(`${layouts}/prisma/migrations`);
    expect(fileNames(src)).toEqual(['20240101120000_init/migration.sql', '20240110083000_add_orders/migration.sql']);
    expect(firstWords(src)).toEqual(['CREATE TYPE "Role"', 'CREATE TABLE "User"', 'CREATE UNIQUE INDEX', 'CREATE TABLE "Order"', 'ALTER TABLE "Order"']);
    expect(src.notes).toEqual([]);
    expect(src.supabase).toBe(false);
  });

  it('Drizzle: files in journal order, split at statement-breakpoints, DO blocks kept whole', async () => {
    const src = await load(`${layouts}/drizzle`);
    expect(src.layout).toBe('drizzle');
    expect(fileNames(src)).toEqual(['0000_flat_wolverine.sql', '0001_bored_hulk.sql']);
    expect(src.statements.map((s) => [s.line, s.endLine])).toEqual([[1, 6], [1, 5], [7, 11], [13, 13]]);
    expect(src.statements[2]?.sql).toMatch(/^DO \$\$ BEGIN[\s\S]*END \$\$$/);
  });

  it('Drizzle: the journal order wins over file names, and files it does not list are skipped', async () => {
    const journal = { version: '7', dialect: 'postgresql', entries: [
      { idx: 0, version: '7', when: 1, tag: '0000_zesty_start', breakpoints: true },
      { idx: 1, version: '7', when: 2, tag: '0000_added_later', breakpoints: true },
    ] };
    const dir = scratch({
      'meta/_journal.json': JSON.stringify(journal),
      '0000_zesty_start.sql': 'CREATE TABLE first (id int);',
      '0000_added_later.sql': 'CREATE TABLE second (id int);',
      '0001_stale.sql': 'CREATE TABLE stale (id int);',
    });
    const src = await loadFileSource(dir, { cwd: dir });
    expect(src.files.map((f) => f.path)).toEqual(['0000_zesty_start.sql', '0000_added_later.sql']);
    expect(src.notes.map((n) => n.message)).toEqual(['0001_stale.sql skipped: not listed in meta/_journal.json']);
  });

  it('Drizzle: a journal entry without its file is an error naming both', async () => {
    const dir = scratch({ 'meta/_journal.json': JSON.stringify({ entries: [{ idx: 0, tag: '0000_gone' }] }), '0001_x.sql': 'SELECT 1;' });
    const err = await loadError(dir, { cwd: dir });
    expect(err.message).toContain('"0000_gone"');
    expect(err.message).toContain('0000_gone.sql does not exist');
  });

  it('Flyway: versions sort numerically (V1.2 before V1.10), repeatables last, undo files ignored', async () => {
    const src = await load(`${layouts}/flyway`);
    expect(src.layout).toBe('flyway');
    expect(fileNames(src)).toEqual([
      'V1__create_customers.sql', 'V1.2__create_orders.sql', 'V1.10__index_orders_customer.sql', 'R__customer_totals_view.sql',
    ]);
    expect(src.statements.some((s) => /DROP TABLE/i.test(s.sql))).toBe(false);
  });

  it('Flyway: underscore version separators and repeatables in name order', async () => {
    const dir = scratch({
      'R__b_view.sql': 'SELECT 1;', 'R__a_view.sql': 'SELECT 1;', 'V2__two.sql': 'SELECT 1;', 'V1_1__one_one.sql': 'SELECT 1;',
      'V1__one.sql': 'SELECT 1;', 'V10__ten.sql': 'SELECT 1;', 'notes.sql': 'SELECT 1;',
    });
    const src = await loadFileSource(dir, { cwd: dir });
    expect(src.files.map((f) => f.path)).toEqual(['V1__one.sql', 'V1_1__one_one.sql', 'V2__two.sql', 'V10__ten.sql', 'R__a_view.sql', 'R__b_view.sql']);
    expect(src.notes).toEqual([{ kind: 'skipped', message: 'notes.sql skipped: not named V<version>__name.sql or R__name.sql', location: null }]);
  });

  it('golang-migrate: only .up.sql files, by version; .down.sql ignored', async () => {
    const src = await load(`${layouts}/golang-migrate`);
    expect(src.layout).toBe('golang-migrate');
    expect(fileNames(src)).toEqual(['000001_create_users.up.sql', '000002_create_sessions.up.sql']);
    expect(src.statements.some((s) => /DROP TABLE/i.test(s.sql))).toBe(false);
    expect(src.notes).toEqual([]);
  });

  it('goose: only the Up section, with its real line numbers; StatementBegin/End bodies stay whole', async () => {
    const src = await load(`${layouts}/goose`);
    expect(src.layout).toBe('goose');
    expect(fileNames(src)).toEqual(['20240101120000_create_accounts.sql', '20240108150000_touch_updated_at.sql']);
    expect(src.statements.map((s) => [s.file.split('/').pop(), s.line, s.endLine])).toEqual([
      ['20240101120000_create_accounts.sql', 3, 3],
      ['20240101120000_create_accounts.sql', 5, 9],
      ['20240108150000_touch_updated_at.sql', 3, 9],
      ['20240108150000_touch_updated_at.sql', 12, 13],
    ]);
    expect(src.statements.some((s) => /^DROP/i.test(s.sql))).toBe(false);
    expect(src.statements[2]?.sql).toContain('NEW.updated_at := now();');
  });

  it('goose: what precedes the Up marker and follows the Down marker is dropped, columns intact', async () => {
    const dir = scratch({
      '00001_x.sql': '-- header\n-- +goose Up\n  CREATE TABLE x (id int);   CREATE TABLE y (id int);\n-- +goose Down\nDROP TABLE y;\n-- +goose Up\nCREATE TABLE z (id int);\n',
    });
    const src = await loadFileSource(dir, { cwd: dir });
    expect(src.statements.map((s) => [s.sql, s.line, s.column])).toEqual([
      ['CREATE TABLE x (id int)', 3, 3], ['CREATE TABLE y (id int)', 3, 30], ['CREATE TABLE z (id int)', 7, 1],
    ]);
  });

  it('dbmate: migrate:up kept, migrate:down ignored, lines preserved', async () => {
    const src = await load(`${layouts}/dbmate`);
    expect(src.layout).toBe('dbmate');
    expect(src.statements.map((s) => [s.file.split('/').pop(), s.line, s.endLine])).toEqual([
      ['20240101120000_create_projects.sql', 2, 5],
      ['20240103083000_create_tasks.sql', 2, 7],
    ]);
    expect(src.statements.some((s) => /^drop/i.test(s.sql))).toBe(false);
  });

  it('plain numbered files sort naturally (1, 2, 10)', async () => {
    const src = await load(`${layouts}/plain`);
    expect(src.layout).toBe('plain');
    expect(fileNames(src)).toEqual(['1_create_authors.sql', '2-create-books.sql', '10_index_books_author.sql']);
    expect(src.statements.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it('--layout overrides detection', async () => {
    const src = await load(`${layouts}/flyway`, { layout: 'plain' });
    expect(src.layout).toBe('plain');
    // Natural order of the raw names: R__ sorts before V, and the U undo file is no longer special.
    expect(fileNames(src)[0]).toBe('R__customer_totals_view.sql');
    expect(fileNames(src)).toContain('U1.2__create_orders.sql');
  });

  it('--layout naming a layout the folder does not hold is an error', async () => {
    const err = await loadError(`${layouts}/plain`, { layout: 'flyway' });
    expect(err.message).toBe(`no Flyway migrations (V<version>__name.sql) found in ${layouts}/plain`);
  });

  it('a folder of plain .sql files is not mistaken for Supabase (no auth references, mixed names)', async () => {
    const dir = scratch({ '20240201000000_a.sql': 'CREATE TABLE a (id int);', 'seed.sql': 'SELECT 1;' });
    const src = await loadFileSource(dir, { cwd: dir });
    expect(src.layout).toBe('plain');
    expect(src.supabase).toBe(false);
  });
});

describe('single SQL files', () => {
  it('pg_dump: meta-commands noted with file:line, COPY data skipped once per file, set_config kept', async () => {
    const src = await load(`${layouts}/sql/dump.sql`);
    expect(src.kind).toBe('sql');
    expect(src.layout).toBeNull();
    expect(src.notes).toEqual([
      {
        kind: 'meta-command', message: `skipped psql meta-command \\restrict at ${layouts}/sql/dump.sql:5`,
        location: { file: `${layouts}/sql/dump.sql`, line: 5, column: 1 },
      },
      {
        kind: 'meta-command', message: `skipped psql meta-command \\unrestrict at ${layouts}/sql/dump.sql:78`,
        location: { file: `${layouts}/sql/dump.sql`, line: 78, column: 1 },
      },
      {
        kind: 'skipped', message: `${layouts}/sql/dump.sql: 2 COPY data blocks skipped; schemasage reviews structure, not data`,
        location: { file: `${layouts}/sql/dump.sql`, line: 43, column: 1 },
      },
    ]);
    expect(src.statements.some((s) => /^COPY/i.test(s.sql) || s.sql.includes('DROP TABLE'))).toBe(false);
    expect(src.statements.some((s) => s.sql === "SELECT pg_catalog.set_config('search_path', '', false)")).toBe(true);
    // Statements after the data blocks keep their real lines.
    const fk = src.statements.find((s) => s.sql.includes('orders_customer_id_fkey'));
    expect(fk).toMatchObject({ line: 71, endLine: 72, column: 1 });
    // The \restrict key is a secret of sorts: never echoed.
    expect(JSON.stringify(src.notes)).not.toContain('hZ0bmB');
  });

  it('Rails structure.sql loads as plain SQL', async () => {
    const src = await load(`${layouts}/sql/structure.sql`);
    expect(src.notes).toEqual([]);
    expect(src.statements.filter((s) => s.sql.startsWith('CREATE TABLE')).map((s) => s.line)).toEqual([20, 32, 41]);
  });

  it('\\ir includes the file in place, relative to the including file, with its own locations', async () => {
    const src = await load(`${layouts}/sql/include/main.sql`);
    expect(src.statements.map((s) => [s.file.replace(`${layouts}/sql/include/`, ''), s.line, s.index])).toEqual([
      ['main.sql', 2, 0], ['parts/users.sql', 1, 1], ['parts/orders.sql', 2, 2], ['main.sql', 5, 3],
    ]);
    expect(src.files.map((f) => f.path.replace(`${layouts}/sql/include/`, ''))).toEqual(['main.sql', 'parts/users.sql', 'parts/orders.sql']);
    expect(src.notes.map((n) => n.message)).toEqual([`skipped psql meta-command \\set at ${layouts}/sql/include/parts/orders.sql:1`]);
  });

  it('\\i resolves against the working directory', async () => {
    const dir = scratch({ 'schema/all.sql': "\\i 'schema/part one.sql'\nSELECT 2;\n", 'schema/part one.sql': '\n\nSELECT 1;\n' });
    const src = await loadFileSource('schema/all.sql', { cwd: dir });
    expect(src.statements.map((s) => [s.file, s.line, s.sql])).toEqual([['schema/part one.sql', 3, 'SELECT 1'], ['schema/all.sql', 2, 'SELECT 2']]);
  });

  it('a missing include and an include cycle are errors at the include line', async () => {
    const dir = scratch({ 'a.sql': 'SELECT 1;\n  \\ir nope.sql\n', 'b.sql': '\\ir c.sql\n', 'c.sql': 'SELECT 1;\n\\ir b.sql\n' });
    const missing = await loadError('a.sql', { cwd: dir });
    expect(missing.message).toContain('cannot include nope.sql');
    expect(missing.location).toEqual({ file: 'a.sql', line: 2, column: 3 });
    const cycle = await loadError('b.sql', { cwd: dir });
    expect(cycle.message).toBe('include cycle: b.sql → c.sql → b.sql');
    expect(cycle.location).toEqual({ file: 'c.sql', line: 2, column: 1 });
  });

  it('a syntax error reports Postgres\'s message at file:line:column, counting multibyte text correctly', async () => {
    const dir = scratch({
      'bad.sql': "-- café ☕ and 😀 before\nINSERT INTO t VALUES ('naïve 😀');\nCREATE TABLE été (\n  id int,,\n  x int\n);\n",
    });
    const err = await loadError('bad.sql', { cwd: dir });
    expect(err.message).toBe('syntax error at or near ","');
    expect(err.location).toEqual({ file: 'bad.sql', line: 4, column: 10 });
    expect(err.format()).toBe('bad.sql:4:10: syntax error at or near ","');
  });

  it('a syntax error inside a migration folder names that migration', async () => {
    const dir = scratch({ 'migrations/001_ok.sql': 'CREATE TABLE a (id int);\n', 'migrations/002_bad.sql': '\n\nALTER TABLE a ADD COLUMN;\n' });
    const err = await loadError('migrations', { cwd: dir });
    expect(err.format()).toBe('migrations/002_bad.sql:3:25: syntax error at or near ";"');
  });

  it('supabase is set by SQL that uses auth.uid() or the API roles, and not by ordinary SQL', async () => {
    const dir = scratch({
      'rls.sql': 'CREATE TABLE notes (owner uuid);\nCREATE POLICY own ON notes USING (owner = auth.uid());\n',
      'grants.sql': 'CREATE TABLE t (id int);\nGRANT SELECT ON t TO anon, authenticated;\n',
      'plain.sql': "CREATE TABLE users (id int, authenticated boolean, auth_token text);\nCOMMENT ON TABLE users IS 'granted to anon';\n",
    });
    expect((await loadFileSource('rls.sql', { cwd: dir })).supabase).toBe(true);
    expect((await loadFileSource('grants.sql', { cwd: dir })).supabase).toBe(true);
    expect((await loadFileSource('plain.sql', { cwd: dir })).supabase).toBe(false);
  });

  it('contentHash follows paths and texts', async () => {
    const dir = scratch({ 'a.sql': 'SELECT 1;' });
    const h1 = (await loadFileSource('a.sql', { cwd: dir })).contentHash;
    expect((await loadFileSource('a.sql', { cwd: dir })).contentHash).toBe(h1);
    writeFileSync(join(dir, 'a.sql'), 'SELECT 2;');
    expect((await loadFileSource('a.sql', { cwd: dir })).contentHash).not.toBe(h1);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
  });

  it('paths outside the working directory are shown absolute', async () => {
    const dir = scratch({ 'a.sql': 'SELECT 1;' });
    const src = await loadFileSource(join(dir, 'a.sql'), { cwd: root });
    expect(src.path).toBe(join(dir, 'a.sql'));
    expect(src.statements[0]?.file).toBe(join(dir, 'a.sql'));
  });
});

describe('bad input', () => {
  it('a path that does not exist', async () => {
    const err = await loadError('no/such/migrations');
    expect(err.message).toBe('no such file or directory: no/such/migrations');
  });

  it('an empty folder says what it expected', async () => {
    const dir = scratch({});
    const err = await loadError(dir, { cwd: dir });
    expect(err.message).toBe('. is an empty folder: expected SQL migrations');
    expect(err.hint).toContain('Flyway (V<version>__name.sql');
  });

  it('a folder without SQL says what was looked for', async () => {
    const dir = scratch({ 'README.md': '# hi', 'src/index.ts': 'export {};' });
    const err = await loadError(dir, { cwd: dir });
    expect(err.message).toBe('no SQL migrations found in .');
    expect(err.hint).toContain('Supabase (supabase/migrations/<timestamp>_name.sql)');
    expect(err.hint).toContain('prisma/migrations');
    expect(detectLayout(dir)).toBeNull();
  });

  it('a file of a kind schemasage does not read', async () => {
    const dir = scratch({ 'schema.txt': 'CREATE TABLE t (id int);' });
    const err = await loadError('schema.txt', { cwd: dir });
    expect(err.message).toBe('schema.txt is not a source schemasage reads');
  });
});
