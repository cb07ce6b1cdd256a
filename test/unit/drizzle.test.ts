/**
 * The pieces of the Drizzle source that need no child process: the text scan that finds where
 * tables, columns and extra-config entries are written, the pairing with drizzle-kit's names, the
 * layout of generated statements on the user's lines, schema globs, error messages, and the
 * Drizzle snippets that fixes carry.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Location, ModelLocations } from '../../src/catalog/model.js';
import type { Finding } from '../../src/result.js';
import { splitStatementsSync, ensureParser } from '../../src/sources/split.js';
import { expandSchemaPaths, findConfigFor, globToRegExp, isDrizzleConfig } from '../../src/sources/drizzle/files.js';
import { failureError, userFrame } from '../../src/sources/drizzle/index.js';
import { anchorStatements, locate } from '../../src/sources/drizzle/locate.js';
import { placeStatements } from '../../src/sources/drizzle/place.js';
import type { WorkerTable } from '../../src/sources/drizzle/protocol.js';
import { configFromText, maskCode, ScannedFile, tableCreators } from '../../src/sources/drizzle/scan.js';
import { builderFor, drizzleSnippet, pgTableFromSql } from '../../src/sources/drizzle/snippets.js';

const display = (abs: string) => abs.replace('/proj/', '');

const SCHEMA = `import { sql } from 'drizzle-orm';
import { index, pgPolicy, pgSchema, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

export const billing = pgSchema('billing');

// A comment with pgTable('decoy', { x: 1 }) in it, and a string below.
const note = "pgTable('decoy2'";

// schemasage-ignore money-as-float: legacy reports read it as float
export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text('email_address').notNull(),
    'display-name': text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    index().on(t.createdAt),
    pgPolicy('users_self', { using: sql\`\${t.id} = current_setting('app.user')::uuid\` }),
  ],
).enableRLS();

export const invoices = billing.table('invoices', (t) => ({
  id: t.uuid().primaryKey(),
  userId: t.uuid('user_id').references(() => users.id),
}));
`;

const COLUMNS = `import { timestamp } from 'drizzle-orm/pg-core';
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).$onUpdate(() => new Date()),
};
`;

const USERS: WorkerTable = {
  schema: 'public',
  name: 'users',
  exportNames: ['users'],
  columns: [
    { key: 'id', name: 'id', onUpdate: false },
    { key: 'email', name: 'email_address', onUpdate: false },
    { key: 'display-name', name: 'display-name', onUpdate: false },
    { key: 'createdAt', name: 'created_at', onUpdate: false },
    { key: 'updatedAt', name: 'updated_at', onUpdate: true },
  ],
  extras: [
    { kind: 'index', name: 'users_email_key' },
    { kind: 'index', name: 'users_created_at_index' },
    { kind: 'policy', name: 'users_self' },
  ],
};

const INVOICES: WorkerTable = {
  schema: 'billing',
  name: 'invoices',
  exportNames: ['invoices'],
  columns: [
    { key: 'id', name: 'id', onUpdate: false },
    { key: 'userId', name: 'user_id', onUpdate: false },
  ],
  extras: [],
};

function scanned(): ScannedFile[] {
  return [new ScannedFile('/proj/schema.ts', SCHEMA), new ScannedFile('/proj/columns.ts', COLUMNS)];
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i === -1) throw new Error(`${needle} not in text`);
  return text.slice(0, i).split('\n').length;
}

describe('Drizzle text scan', () => {
  it('blanks comments, strings and templates but keeps every offset and line', () => {
    const masked = maskCode(SCHEMA);
    expect(masked.length).toBe(SCHEMA.length);
    expect(masked.split('\n').length).toBe(SCHEMA.split('\n').length);
    expect(masked).not.toContain('decoy');
    expect(masked).not.toContain('current_setting');
    expect(masked).toContain("pgTable(");
  });

  it('finds table calls with their name, variable and arguments, not the ones in comments or strings', () => {
    const f = new ScannedFile('/proj/schema.ts', SCHEMA);
    const tables = f.calls.filter((c) => c.fn === 'pgTable' || c.fn === 'table');
    expect(tables.map((c) => [c.fn, c.owner, c.literal, c.variable])).toEqual([
      ['pgTable', null, 'users', 'users'],
      ['table', 'billing', 'invoices', 'invoices'],
    ]);
    const users = tables[0];
    expect(users?.args).toHaveLength(3);
    expect(f.pos(users?.start ?? 0)).toEqual({ line: lineOf(SCHEMA, 'pgTable(\n'), column: 22 });
  });

  it('reads column keys (quoted, spread) from an object literal and from a columns callback', () => {
    const f = new ScannedFile('/proj/schema.ts', SCHEMA);
    const [users, invoices] = f.calls.filter((c) => c.fn === 'pgTable' || c.fn === 'table');
    const keys = f.entries(f.objectIn(users?.args[1] ?? { start: 0, end: 0 }) ?? { start: 0, end: 0 });
    expect(keys.map((k) => [k.key, k.spread])).toEqual([['id', false], ['email', false], ['display-name', false], ['timestamps', true]]);
    const cb = f.entries(f.objectIn(invoices?.args[1] ?? { start: 0, end: 0 }) ?? { start: 0, end: 0 });
    expect(cb.map((k) => k.key)).toEqual(['id', 'userId']);
  });

  it('reads a schemasage-ignore comment above a declaration', () => {
    const f = new ScannedFile('/proj/schema.ts', SCHEMA);
    const users = f.calls.find((c) => c.literal === 'users');
    expect(f.ignoresBefore(users?.declStart ?? 0)).toEqual([{ rules: ['money-as-float'], reason: 'legacy reports read it as float' }]);
    const invoices = f.calls.find((c) => c.literal === 'invoices');
    expect(f.ignoresBefore(invoices?.declStart ?? 0)).toEqual([]);
  });

  it('knows pgTableCreator functions as table calls', () => {
    const text = `import { pgTableCreator, text } from 'drizzle-orm/pg-core';
const createTable = pgTableCreator((name) => \`app_\${name}\`);
export const posts = createTable('posts', { title: text() });
`;
    expect(tableCreators(text)).toEqual(['createTable']);
    const f = new ScannedFile('/proj/posts.ts', text, tableCreators(text));
    const located = locate([f], [{ schema: 'public', name: 'app_posts', exportNames: ['posts'], columns: [{ key: 'title', name: 'title', onUpdate: false }], extras: [] }], display);
    expect(located.locations.tables['public.app_posts']?.location).toEqual({ file: 'posts.ts', line: 3, column: 22 });
    expect(located.locations.tables['public.app_posts']?.columns.title?.location.line).toBe(3);
  });
});

describe('Drizzle locations', () => {
  it('points tables at their pgTable( call and columns at their keys, by Postgres name', () => {
    const located = locate(scanned(), [USERS, INVOICES], display);
    const users = located.locations.tables['public.users'];
    expect(users?.location).toEqual({ file: 'schema.ts', line: lineOf(SCHEMA, 'pgTable(\n'), column: 22 });
    expect(users?.name).toBe('users');
    expect(users?.columns.email_address).toEqual({ location: { file: 'schema.ts', line: lineOf(SCHEMA, "email: text('email_address')"), column: 5 }, name: 'email' });
    expect(users?.columns['display-name']?.location.line).toBe(lineOf(SCHEMA, "'display-name'"));
    // Spread columns point at the spread inside this table, where the user can see them.
    expect(users?.columns.created_at?.location.line).toBe(lineOf(SCHEMA, '...timestamps'));
    expect(users?.columns.updated_at?.name).toBe('updatedAt');
    expect(users?.indexes).toEqual({
      users_email_key: { file: 'schema.ts', line: lineOf(SCHEMA, "uniqueIndex('users_email_key')"), column: 5 },
      users_created_at_index: { file: 'schema.ts', line: lineOf(SCHEMA, 'index().on(t.createdAt)'), column: 5 },
    });
    const invoices = located.locations.tables['billing.invoices'];
    expect(invoices?.location.line).toBe(lineOf(SCHEMA, "billing.table('invoices'"));
    expect(invoices?.columns.user_id?.location.line).toBe(lineOf(SCHEMA, "userId: t.uuid('user_id')"));
    expect(located.unlocated).toEqual([]);
  });

  it('does not pair a table with a call of another name, and says which tables it could not find', () => {
    const other: WorkerTable = { ...INVOICES, name: 'payments', exportNames: ['payments'] };
    const located = locate(scanned(), [other], display);
    expect(located.locations.tables['billing.payments']).toBeUndefined();
    expect(located.unlocated).toEqual(['billing.payments']);
  });

  it('lays generated statements on the declaring lines, so statement locations are the user\'s', async () => {
    await ensureParser();
    const located = locate(scanned(), [USERS, INVOICES], display);
    const statements = [
      'CREATE SCHEMA "billing";\n',
      'CREATE TABLE "users" (\n\t"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,\n\t"email_address" text NOT NULL,\n\t"display-name" text,\n\t"created_at" timestamp with time zone DEFAULT now() NOT NULL,\n\t"updated_at" timestamp with time zone\n);\n',
      'CREATE TABLE "billing"."invoices" (\n\t"id" uuid PRIMARY KEY NOT NULL,\n\t"user_id" uuid\n);\n',
      'ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;',
      'ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;',
      'CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email_address");',
      'CREATE POLICY "users_self" ON "users" AS PERMISSIVE FOR ALL TO public USING ("users"."id" = current_setting(\'app.user\')::uuid);',
      'CREATE TYPE "public"."unknown_enum" AS ENUM(\'a\');',
    ];
    const files = placeStatements(anchorStatements(statements, located, display), 'schema.ts (drizzle-kit SQL)');
    const parsed = files.flatMap((f, i) => splitStatementsSync(f, i * 100));
    const at = (prefix: string) => {
      const s = parsed.find((p) => p.sql.startsWith(prefix));
      return s ? `${s.file}:${s.line}` : null;
    };
    expect(at('CREATE SCHEMA')).toBe(`schema.ts:${lineOf(SCHEMA, "pgSchema('billing')")}`);
    const create = parsed.find((p) => p.sql.startsWith('CREATE TABLE "users"'));
    expect(create?.line).toBe(lineOf(SCHEMA, 'pgTable(\n'));
    // The statement spans the whole declaration, so an ignore comment above it covers the columns.
    expect(create?.endLine).toBe(lineOf(SCHEMA, ').enableRLS()'));
    expect(create?.ignores).toEqual(['money-as-float']);
    expect(at('ALTER TABLE "users" ENABLE')).toBe(`schema.ts:${lineOf(SCHEMA, ').enableRLS()')}`);
    expect(at('ALTER TABLE "billing"."invoices" ADD CONSTRAINT')).toBe(`schema.ts:${lineOf(SCHEMA, "userId: t.uuid('user_id')")}`);
    expect(at('CREATE UNIQUE INDEX')).toBe(`schema.ts:${lineOf(SCHEMA, "uniqueIndex('users_email_key')")}`);
    expect(at('CREATE POLICY')).toBe(`schema.ts:${lineOf(SCHEMA, "pgPolicy('users_self'")}`);
    // Nothing declares it: it goes to the generated pseudo-file, not onto some unrelated line.
    expect(at('CREATE TYPE')).toMatch(/^schema\.ts \(drizzle-kit SQL\):\d+$/);
    // Every statement survives the layout, in order.
    expect(parsed.map((p) => p.sql.split(/\s/)[0])).toEqual(['CREATE', 'CREATE', 'CREATE', 'ALTER', 'ALTER', 'CREATE', 'CREATE', 'CREATE']);
  });

  it('starts a new text when a statement would have to go back up the file', () => {
    const files = placeStatements([
      { sql: 'CREATE TABLE b (x int);', at: { path: 'a.ts', line: 10, column: 3 } },
      { sql: 'CREATE TABLE a (x int);', at: { path: 'a.ts', line: 4, column: 1 } },
    ], 'gen');
    expect(files.map((f) => f.path)).toEqual(['a.ts', 'a.ts']);
    expect(files[0]?.text.split('\n')[9]).toBe('  CREATE TABLE b (x int);');
    expect(files[1]?.text.split('\n')[3]).toBe('CREATE TABLE a (x int);');
  });
});

describe('Drizzle schema paths', () => {
  it('matches globs the way drizzle-kit configs write them', () => {
    expect(globToRegExp('/p/src/db/*.ts').test('/p/src/db/schema.ts')).toBe(true);
    expect(globToRegExp('/p/src/db/*.ts').test('/p/src/db/sub/schema.ts')).toBe(false);
    expect(globToRegExp('/p/src/**/schema.ts').test('/p/src/a/b/schema.ts')).toBe(true);
    expect(globToRegExp('/p/src/**/schema.ts').test('/p/src/schema.ts')).toBe(true);
    expect(globToRegExp('/p/src/{auth,billing}.ts').test('/p/src/billing.ts')).toBe(true);
    expect(globToRegExp('/p/src/{auth,billing}.ts').test('/p/src/other.ts')).toBe(false);
  });

  it('expands files, folders (their own files) and globs, skipping declarations and non-modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemasage-drizzle-paths-'));
    mkdirSync(join(dir, 'src/db/schema/nested'), { recursive: true });
    for (const f of ['src/db/schema/a.ts', 'src/db/schema/b.mts', 'src/db/schema/types.d.ts', 'src/db/schema/README.md', 'src/db/schema/nested/c.ts', 'src/db/one.ts']) {
      writeFileSync(join(dir, f), '');
    }
    const rel = (ps: string[]) => ps.map((p) => p.slice(dir.length + 1));
    expect(rel(expandSchemaPaths(['./src/db/schema'], dir))).toEqual(['src/db/schema/a.ts', 'src/db/schema/b.mts']);
    expect(rel(expandSchemaPaths(['./src/db/**/*.ts'], dir))).toEqual(['src/db/one.ts', 'src/db/schema/a.ts', 'src/db/schema/nested/c.ts']);
    expect(rel(expandSchemaPaths(['./src/db/one.ts', './src/db/one.ts', './missing.ts'], dir))).toEqual(['src/db/one.ts']);
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'drizzle.config.ts'), '');
    expect(findConfigFor(join(dir, 'src/db/one.ts'))).toBe(join(dir, 'drizzle.config.ts'));
  });

  it('recognises drizzle config files by name', () => {
    expect(isDrizzleConfig('/p/drizzle.config.ts')).toBe(true);
    expect(isDrizzleConfig('/p/drizzle-prod.config.mjs')).toBe(true);
    expect(isDrizzleConfig('/p/src/db/schema.ts')).toBe(false);
    expect(isDrizzleConfig('/p/config.ts')).toBe(false);
  });
});

describe('Drizzle config read without running it', () => {
  it('reads literal settings from defineConfig, ignoring the migrations table\'s schema', () => {
    expect(configFromText(`import 'dotenv/config';
import { defineConfig } from 'drizzle-kit';

if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is missing');

export default defineConfig({
  out: './drizzle',
  schema: ['./src/db/schema/*.ts', "./src/db/views.ts"],
  dialect: 'postgresql',
  casing: 'snake_case',
  schemaFilter: ['public', 'billing'],
  tablesFilter: '!_*',
  migrations: { schema: 'drizzle', table: '__migrations' },
  dbCredentials: { url: process.env.DATABASE_URL },
});
`)).toEqual({ dialect: 'postgresql', schema: ['./src/db/schema/*.ts', './src/db/views.ts'], casing: 'snake_case', schemaFilter: ['public', 'billing'], tablesFilter: ['!_*'] });
  });

  it('reads an exported object literal, directly or through a variable', () => {
    expect(configFromText("export default { dialect: 'postgresql', schema: './schema.ts' } satisfies Config;\n")?.schema).toEqual(['./schema.ts']);
    expect(configFromText("import type { Config } from 'drizzle-kit';\nconst config: Config = { schema: './db.ts', dialect: 'postgresql' };\nexport default config;\n")?.schema).toEqual(['./db.ts']);
  });

  it('gives up (so the config is run) when a setting is computed', () => {
    expect(configFromText("export default defineConfig({ schema: process.env.SCHEMA ?? './schema.ts', dialect: 'postgresql' });")).toBeNull();
    expect(configFromText("export default defineConfig({ schema: './schema.ts', casing: process.env.CASING });")).toBeNull();
    expect(configFromText("export default defineConfig({ ...base, schema: './schema.ts' });")).toBeNull();
    expect(configFromText("export default defineConfig({ schema: `${dir}/schema.ts` });")).toBeNull();
    expect(configFromText("export default defineConfig({ out: './drizzle' });")).toBeNull();
    expect(configFromText("export default { schema: ['./src/db'].map((d) => d + '/*.ts') };")).toBeNull();
  });
});

describe('Drizzle load errors', () => {
  it('names the user\'s file and line from a stack, skipping node_modules frames', () => {
    const stack = `Error: DATABASE_URL is not set
    at Object.<anonymous> (/work/main/node_modules/drizzle-orm/index.js:3:9)
    at requireEnv (${join(process.cwd(), 'test/fixtures/drizzle/throws/client.ts')}:5:21)`;
    expect(userFrame(stack, (a) => a.slice(process.cwd().length + 1))).toEqual({ file: 'test/fixtures/drizzle/throws/client.ts', line: 5, column: 21 });
    expect(userFrame('Error: x\n    at node:internal/main:1:1', (a) => a)).toBeNull();
  });

  it('says which module threw, where, and what to do', () => {
    const file = join(process.cwd(), 'test/fixtures/drizzle/throws/schema.ts');
    const err = failureError({ ok: false, kind: 'throws', message: 'DATABASE_URL is not set', file, stack: `Error: DATABASE_URL is not set\n    at ${file}:2:1`, hint: null }, (a) => a.slice(process.cwd().length + 1));
    expect(err.format()).toMatch(/^test\/fixtures\/drizzle\/throws\/schema\.ts:2:1: the Drizzle schema test\/fixtures\/drizzle\/throws\/schema\.ts threw while loading: DATABASE_URL is not set\n {2}hint: .*keep database clients/);
  });

  it('points a missing package at the line that imports it', () => {
    const file = join(process.cwd(), 'test/fixtures/drizzle/throws/client.ts');
    const err = failureError({ ok: false, kind: 'throws', message: "Cannot find module 'drizzle-orm/node-postgres'", file, stack: `Error: x\n    at ${file}:1:180`, hint: null }, (a) => a);
    expect(err.location).toEqual({ file, line: 1, column: 20 });
    expect(err.hint).toMatch(/drizzle-orm\/node-postgres, which is not installed/);
  });

  it('reports a parse error at its line without the transpiler\'s prefix', () => {
    const err = failureError({ ok: false, kind: 'throws', message: `ParseError: Unexpected token, expected ","  \n ${join(process.cwd(), 'test/fixtures/drizzle/throws/schema.ts')}:4:2`, file: null, stack: null, hint: null }, (a) => a);
    expect(err.message).toBe('the Drizzle schema the Drizzle schema could not be parsed: Unexpected token, expected ","');
    expect(err.location?.line).toBe(4);
  });
});

// ---- snippets ------------------------------------------------------------------------------------

function loc(line: number): Location {
  return { file: 'src/db/schema.ts', line, column: 3 };
}

const LOCATIONS: ModelLocations = {
  tables: {
    'public.users': { location: loc(5), name: 'users', columns: { id: { location: loc(6), name: 'id' }, created_at: { location: loc(9), name: 'createdAt' } } },
    'public.posts': {
      location: loc(20),
      name: 'posts',
      columns: {
        id: { location: loc(21), name: 'id' },
        author_id: { location: loc(22), name: 'authorId' },
        price: { location: loc(23), name: 'price' },
        meta: { location: loc(24), name: 'meta' },
        external_uuid: { location: loc(25), name: 'externalUuid' },
        published: { location: loc(26), name: 'published' },
      },
      indexes: { posts_author_dup_idx: loc(30) },
    },
  },
};

function finding(rule: string, objects: Finding['objects'], details: Record<string, unknown> = {}, sql = ''): Finding {
  return {
    id: 'M1', rule, severity: 'medium', category: 'types', title: '', message: '', rationale: '', objects, location: null, details,
    fix: sql ? { sql } : null, fingerprint: 'x',
  };
}

const col = (table: string, name: string) => ({ kind: 'column' as const, schema: 'public', table, name });

describe('Drizzle snippets', () => {
  it('maps Postgres types to pg-core builders', () => {
    expect(builderFor('timestamptz', 'created_at')).toBe("timestamp('created_at', { withTimezone: true })");
    expect(builderFor('timestamptz(3)', 'at')).toBe("timestamp('at', { withTimezone: true, precision: 3 })");
    expect(builderFor('timestamp with time zone', 'at')).toBe("timestamp('at', { withTimezone: true })");
    expect(builderFor('numeric(12,2)', 'price')).toBe("numeric('price', { precision: 12, scale: 2 })");
    expect(builderFor('character varying(64)', 'slug')).toBe("varchar('slug', { length: 64 })");
    expect(builderFor('text[]', 'tags')).toBe("text('tags').array()");
    expect(builderFor('bigint', 'id')).toBe("bigint('id', { mode: 'number' })");
    expect(builderFor('tsvector', 'doc')).toBeNull();
  });

  it('timestamp-without-time-zone: timestamp(…, { withTimezone: true }) on the user\'s key, with where it is', () => {
    const s = drizzleSnippet(finding('timestamp-without-time-zone', [col('users', 'created_at')], { suggestedType: 'timestamptz' }), LOCATIONS);
    expect(s).toContain("createdAt: timestamp('created_at', { withTimezone: true }),");
    expect(s).toContain('users.createdAt (src/db/schema.ts:9)');
    expect(s).toMatch(/without a USING clause/);
  });

  it('money-as-float: numeric with mode number, or bigint cents under the new name', () => {
    const numeric = drizzleSnippet(finding('money-as-float', [col('posts', 'price')], { suggestedType: 'numeric(12,2)' }), LOCATIONS);
    expect(numeric).toContain("price: numeric('price', { mode: 'number', precision: 12, scale: 2 }),");
    const cents = drizzleSnippet(finding('money-as-float', [col('posts', 'price')], { suggestedType: 'bigint' }), LOCATIONS);
    expect(cents).toContain("priceCents: bigint('price_cents', { mode: 'number' }),");
  });

  it('json-over-jsonb and uuid-stored-as-text: jsonb(…) and uuid(…)', () => {
    expect(drizzleSnippet(finding('json-over-jsonb', [col('posts', 'meta')], { suggestedType: 'jsonb' }), LOCATIONS)).toContain("meta: jsonb('meta'),");
    const uuid = drizzleSnippet(finding('uuid-stored-as-text', [col('posts', 'external_uuid'), { kind: 'table', schema: 'public', name: 'posts' }], {
      referencingColumns: [],
    }, 'ALTER TABLE "posts" ALTER COLUMN "external_uuid" TYPE uuid USING "external_uuid"::uuid;\nALTER TABLE "posts" ALTER COLUMN "external_uuid" SET DEFAULT gen_random_uuid();'), LOCATIONS);
    expect(uuid).toContain("externalUuid: uuid('external_uuid').defaultRandom(),");
  });

  it('unindexed-foreign-key: an index(…).on(t.key) entry named as in the fix SQL', () => {
    const s = drizzleSnippet(finding('unindexed-foreign-key', [
      { kind: 'constraint', schema: 'public', table: 'posts', name: 'posts_author_id_fkey' }, col('posts', 'author_id'), { kind: 'table', schema: 'public', name: 'posts' },
    ], { columns: ['author_id'] }, 'CREATE INDEX CONCURRENTLY "posts_author_id_idx" ON "public"."posts" ("author_id");'), LOCATIONS);
    expect(s).toContain("index('posts_author_id_idx').on(t.authorId),");
    expect(s).toContain('posts (src/db/schema.ts:20)');
  });

  it('falls back to camelCased names for objects the locations do not know', () => {
    const s = drizzleSnippet(finding('json-over-jsonb', [col('audit_log', 'old_values')], { suggestedType: 'jsonb' }), LOCATIONS);
    expect(s).toContain("oldValues: jsonb('old_values'),");
    expect(s).toContain('// auditLog.oldValues:');
  });

  it('duplicate-index: removes the entry at its line; nothing when the schema does not declare it', () => {
    const idx = { kind: 'index' as const, schema: 'public', table: 'posts', name: 'posts_author_dup_idx' };
    expect(drizzleSnippet(finding('duplicate-index', [idx], { duplicate: 'posts_author_dup_idx' }), LOCATIONS)).toMatch(/remove the index\('posts_author_dup_idx'\) entry .*src\/db\/schema\.ts:30/);
    expect(drizzleSnippet(finding('duplicate-index', [{ ...idx, name: 'other' }], { duplicate: 'other' }), LOCATIONS)).toBeNull();
  });

  it('has nothing to say for rules it does not know', () => {
    expect(drizzleSnippet(finding('rls-policy-per-row-auth-call', [{ kind: 'policy', schema: 'public', table: 'posts', name: 'p' }]), LOCATIONS)).toBeNull();
  });

  it('missing-capability: a pgTable with references to the user\'s own tables, indexes and checks', () => {
    const sql = `CREATE TABLE "public"."password_reset_tokens" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "user_id" uuid NOT NULL REFERENCES "public"."users" ("id") ON DELETE CASCADE,
  "token_hash" text NOT NULL UNIQUE,
  "status" token_status NOT NULL DEFAULT 'pending'::token_status,
  "attempts" integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  "expires_at" timestamptz NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "password_reset_tokens_user_id_idx" ON "public"."password_reset_tokens" ("user_id");
CREATE UNIQUE INDEX "password_reset_tokens_pending_key" ON "public"."password_reset_tokens" ("user_id", lower(token_hash)) WHERE status = 'pending';
ALTER TABLE "public"."password_reset_tokens" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "password_reset_tokens_owner" ON "public"."password_reset_tokens" FOR ALL TO authenticated
  USING ("user_id" = (SELECT auth.uid())) WITH CHECK ("user_id" = (SELECT auth.uid()));`;
    const s = pgTableFromSql(sql, LOCATIONS);
    expect(s).toContain('export const passwordResetTokens = pgTable(');
    expect(s).toContain("id: uuid('id').primaryKey().defaultRandom(),");
    expect(s).toContain("userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),");
    expect(s).toContain("tokenHash: text('token_hash').notNull().unique(),");
    expect(s).toContain("status: tokenStatus('status').notNull().default('pending'),");
    expect(s).toContain("attempts: integer('attempts').notNull().default(0),");
    expect(s).toContain("check('password_reset_tokens_attempts_check', sql`attempts >= 0`),");
    expect(s).toContain("index('password_reset_tokens_user_id_idx').on(t.userId),");
    expect(s).toContain("uniqueIndex('password_reset_tokens_pending_key').on(t.userId, sql`lower(token_hash)`).where(sql`status = 'pending'`),");
    expect(s).toContain("pgPolicy('password_reset_tokens_owner', { for: 'all', to: 'authenticated', using: sql`\"user_id\" = (SELECT auth.uid())`, withCheck: sql`\"user_id\" = (SELECT auth.uid())` }),");
    // A policy enables RLS by itself in Drizzle; .enableRLS() is only for a table without one.
    expect(s).not.toContain('.enableRLS()');
    const viaFinding = drizzleSnippet({ ...finding('missing-capability', [], { capability: 'password-reset' }, sql) }, LOCATIONS);
    expect(viaFinding).toBe(s);
  });
});
