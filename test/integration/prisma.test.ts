/**
 * Prisma schemas reviewed end to end through the pipeline: Prisma's own schema engine (WASM)
 * generates the DDL, real PGlite applies it, and findings point at the user's model and field lines.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { review } from '../../src/pipeline.js';
import type { Finding } from '../../src/result.js';
import { loadFileSource } from '../../src/sources/index.js';
import { ProbeDatabase, probeAdapterFactory } from '../../src/sources/prisma/adapter.js';
import { diffFromEmpty } from '../../src/sources/prisma/wasm.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = 'test/fixtures/prisma';
const SAAS = `${FIXTURES}/saas/schema`;

/** The 1-based line of the first line matching `pattern` after the line that starts `block` in a fixture. */
function lineOf(file: string, block: string, pattern: RegExp): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(block));
  expect(start, `${block} in ${file}`).toBeGreaterThanOrEqual(0);
  const at = lines.findIndex((l, i) => i > start && pattern.test(l));
  expect(at, `${pattern} after ${block} in ${file}`).toBeGreaterThan(start);
  return at + 1;
}

const where = (f: Finding | undefined) => (f?.location ? `${f.location.file}:${f.location.line}` : null);

async function expectError(path: string): Promise<SchemasageError> {
  try {
    await review(path, { cwd: ROOT, cache: false });
  } catch (e) {
    expect(e).toBeInstanceOf(SchemasageError);
    return e as SchemasageError;
  }
  throw new Error(`${path} loaded without an error`);
}

describe('a multi-file Prisma schema (66 models)', () => {
  let memo: ReturnType<typeof load> | null = null;
  const loaded = () => (memo ??= load());
  async function load() {
    const t = performance.now();
    const src = await loadFileSource(SAAS, { cwd: ROOT });
    const loadMs = performance.now() - t;
    const out = await review(SAAS, { cwd: ROOT, cache: false });
    // Measured, not asserted: the closing note of issue 4 reports it.
    console.log(`prisma saas (${out.result.summary.tables} tables): load ${loadMs.toFixed(0)} ms; review ${JSON.stringify(out.result.timings)}`);
    return { src, out };
  }

  it('loads every model, the implicit many-to-many tables and the enums', async () => {
    const { out } = await loaded();
    expect(out.result.source).toMatchObject({ kind: 'prisma', path: SAAS });
    expect(out.result.summary.tables).toBe(68);
    expect(out.result.summary.enums).toBe(9);
    const names = out.catalog.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['users', 'organizations', 'Task', 'invoices', '_LabelToTask', '_ProjectToTag']));
  });

  it('points findings at the field that declared the column, in the file that declared the model', async () => {
    const { out } = await loaded();
    const money = out.result.findings.find((f) => f.rule === 'money-as-float');
    expect(where(money)).toBe(`${SAAS}/billing.prisma:${lineOf(`${SAAS}/billing.prisma`, 'model Plan ', /monthlyPrice/)}`);
    const tz = out.result.findings.find((f) => f.rule === 'timestamp-without-time-zone' && f.objects[0]?.name === 'startedAt');
    expect(where(tz)).toBe(`${SAAS}/projects.prisma:${lineOf(`${SAAS}/projects.prisma`, 'model TimeEntry ', /startedAt/)}`);
    const usage = out.result.findings.find((f) => f.rule === 'timestamp-without-time-zone' && f.objects[0]?.table === 'usage_records');
    expect(where(usage)).toBe(`${SAAS}/billing.prisma:${lineOf(`${SAAS}/billing.prisma`, 'model UsageRecord ', /recordedAt/)}`);
  });

  it('points an unindexed foreign key at its relation field', async () => {
    const { out } = await loaded();
    const fks = out.result.findings.filter((f) => f.rule === 'unindexed-foreign-key');
    expect(fks.map((f) => f.details['constraint'])).toEqual(['Comment_authorId_fkey']);
    expect(where(fks[0])).toBe(`${SAAS}/projects.prisma:${lineOf(`${SAAS}/projects.prisma`, 'model Comment ', /^\s+author\s+User/)}`);
  });

  it('knows Prisma keeps @updatedAt current: updated-at-without-trigger is info', async () => {
    const { out } = await loaded();
    const updated = out.result.findings.filter((f) => f.rule === 'updated-at-without-trigger');
    expect(updated.length).toBeGreaterThanOrEqual(8);
    expect(new Set(updated.map((f) => f.severity))).toEqual(new Set(['info']));
  });

  it('never points into generated SQL: every location is a line of the user\'s .prisma files', async () => {
    const { out, src } = await loaded();
    const files = new Map(src.files.map((f) => [f.path, f.text.split('\n')]));
    for (const f of out.result.findings) {
      if (!f.location) continue;
      const lines = files.get(f.location.file);
      expect(lines, `${f.rule} at ${f.location.file}`).toBeDefined();
      expect((lines as string[])[f.location.line - 1]?.trim(), `${f.rule} at ${where(f)}`).not.toBe('');
    }
    const role = out.catalog.enums.find((e) => e.name === 'MemberRole');
    expect(role?.provenance.created).toEqual({ file: `${SAAS}/schema.prisma`, line: lineOf(`${SAAS}/schema.prisma`, '// Taskline', /^enum MemberRole/), column: 1 });
  });

  it('maps implicit many-to-many tables to their relation fields', async () => {
    const { out } = await loaded();
    const join = out.catalog.tables.find((t) => t.name === '_LabelToTask');
    expect(join?.columns.find((c) => c.name === 'A')?.provenance.created?.line).toBe(lineOf(`${SAAS}/projects.prisma`, 'model Label ', /^\s+tasks\s+Task\[\]/));
    expect(join?.columns.find((c) => c.name === 'B')?.provenance.created?.line).toBe(lineOf(`${SAAS}/projects.prisma`, 'model Task ', /^\s+labels\s+Label\[\]/));
  });

  it('honours a `/// schemasage-ignore` comment on a field', async () => {
    const { out } = await loaded();
    const line = lineOf(`${SAAS}/platform.prisma`, 'model Webhook ', /signingSecret/);
    expect(out.result.findings.some((f) => f.location?.line === line && f.rule === 'plaintext-secret')).toBe(false);
    expect(out.result.suppressed).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'plaintext-secret', by: 'inline', reason: expect.stringContaining('AES-GCM') as unknown }),
    ]));
  });

  it('reads the whole folder when given its one file with the datasource', async () => {
    const src = await loadFileSource(`${SAAS}/schema.prisma`, { cwd: ROOT });
    expect(src.files.map((f) => f.path)).toEqual([
      `${SAAS}/accounts.prisma`, `${SAAS}/billing.prisma`, `${SAAS}/platform.prisma`, `${SAAS}/projects.prisma`, `${SAAS}/schema.prisma`,
    ]);
    expect(Object.keys(src.locations?.tables ?? {})).toHaveLength(68);
  });
});

describe('a Prisma 6 schema', () => {
  const BLOG = `${FIXTURES}/blog.prisma`;

  it('loads with url/directUrl and preview features Prisma 7 no longer knows', async () => {
    const out = await review(BLOG, { cwd: ROOT, cache: false });
    expect(out.result.summary.tables).toBe(6);
    const fk = out.result.findings.find((f) => f.rule === 'unindexed-foreign-key');
    expect(fk?.details['constraint']).toBe('posts_author_id_fkey');
    expect(where(fk)).toBe(`${BLOG}:${lineOf(BLOG, 'model Post ', /^\s+author\s+User/)}`);
  });

  it('honours a `// schemasage-ignore` comment above a model for everything inside it', async () => {
    const out = await review(BLOG, { cwd: ROOT, cache: false });
    expect(out.result.findings.some((f) => f.rule === 'unindexed-foreign-key' && f.details['constraint'] === 'comments_author_id_fkey')).toBe(false);
    expect(out.result.suppressed).toEqual([
      expect.objectContaining({ rule: 'unindexed-foreign-key', by: 'inline', location: { file: BLOG, line: lineOf(BLOG, 'model Comment ', /^\s+author\s+User/), column: 3 } }),
    ]);
  });
});

describe('several PostgreSQL schemas, extensions and mapped index names', () => {
  const MULTI = `${FIXTURES}/multi-schema.prisma`;

  it('creates each model in its @@schema and points a named index at its @@index line', async () => {
    const out = await review(MULTI, { cwd: ROOT, cache: false });
    const tables = out.catalog.tables.map((t) => `${t.schema}.${t.name}`).sort();
    expect(tables).toEqual(['billing.invoices', 'identity.accounts']);
    const invoices = out.catalog.tables.find((t) => t.name === 'invoices');
    expect(invoices?.indexes.find((i) => i.name === 'invoices_by_account')?.provenance.created?.line).toBe(lineOf(MULTI, 'model Invoice ', /@@index/));
    expect(out.catalog.tables.find((t) => t.name === 'accounts')?.columns.find((c) => c.name === 'email')?.typeName).toBe('citext');
    const ext = out.result.findings.find((f) => f.rule === 'extension-in-public');
    expect(where(ext)).toBe(`${MULTI}:${lineOf(MULTI, 'datasource db', /extensions/)}`);
  });
});

describe('a schema without a datasource block', () => {
  it('is reviewed as PostgreSQL, with a note, and its view blocks are named as not reviewed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemasage-prisma-nods-'));
    writeFileSync(join(dir, 'models.prisma'), [
      'generator client {',
      '  provider        = "prisma-client-js"',
      '  previewFeatures = ["views"]',
      '}',
      '',
      'model Author {',
      '  id    Int    @id @default(autoincrement())',
      '  email String @unique',
      '}',
      '',
      'view AuthorStats {',
      '  authorId Int @unique',
      '  posts    Int',
      '}',
      '',
    ].join('\n'));
    const out = await review(dir, { cwd: dir, cache: false });
    expect(out.result.summary.tables).toBe(1);
    expect(out.result.notes.map((n) => n.message)).toEqual(expect.arrayContaining([
      expect.stringContaining('has no datasource block: reviewed as provider = "postgresql"') as unknown,
      expect.stringContaining('Prisma views (AuthorStats) are not created by Prisma Migrate') as unknown,
    ]));
  });
});

describe('Prisma schema errors', () => {
  it('a typo\'d type: Prisma\'s message at the field\'s file:line:column', async () => {
    const e = await expectError(`${FIXTURES}/errors/typo.prisma`);
    expect(e.format()).toMatch(/^test\/fixtures\/prisma\/errors\/typo\.prisma:8:9: Type "Strin" is neither a built-in type/);
  });

  it('a relation to a model that does not exist', async () => {
    const e = await expectError(`${FIXTURES}/errors/unknown-model.prisma`);
    expect(e.format()).toMatch(/^test\/fixtures\/prisma\/errors\/unknown-model\.prisma:9:12: Type "Author" is neither a built-in type/);
  });

  it('counts columns as editors do after non-ASCII text', async () => {
    const e = await expectError(`${FIXTURES}/errors/after-unicode.prisma`);
    expect(e.format()).toMatch(/^test\/fixtures\/prisma\/errors\/after-unicode\.prisma:10:9: Type "Decmal"/);
  });

  it('a provider other than PostgreSQL', async () => {
    const e = await expectError(`${FIXTURES}/errors/mysql.prisma`);
    expect(e.format()).toMatch(/^test\/fixtures\/prisma\/errors\/mysql\.prisma:2:3: the datasource provider is "mysql": schemasage reviews PostgreSQL schemas/);
  });
});

describe('the database Prisma\'s engine connects to', () => {
  const schema: Array<[string, string]> = [['s.prisma', 'datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n}\n']];

  it('is a real PGlite the first time, and remembered answers afterwards', async () => {
    const before = process.env['SCHEMASAGE_CACHE_DIR'];
    process.env['SCHEMASAGE_CACHE_DIR'] = mkdtempSync(join(tmpdir(), 'schemasage-prisma-probe-'));
    try {
      const first = new ProbeDatabase();
      const ddl = await diffFromEmpty(schema, probeAdapterFactory(first)).finally(() => first.close());
      expect(first.started).toBe(true);
      expect(ddl).toMatch(/CREATE TABLE "A"/);
      const second = new ProbeDatabase();
      expect(await diffFromEmpty(schema, probeAdapterFactory(second)).finally(() => second.close())).toBe(ddl);
      expect(second.started).toBe(false);
    } finally {
      if (before === undefined) delete process.env['SCHEMASAGE_CACHE_DIR'];
      else process.env['SCHEMASAGE_CACHE_DIR'] = before;
    }
  });
});
