/**
 * Prisma sources, piece by piece: the schema scanner, the text handed to Prisma 7's engine, which
 * files make up a schema, where Prisma's DDL is placed, and the Prisma snippets of fixes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/result.js';
import { readPrismaSchema, resolvePrismaFiles } from '../../src/sources/prisma/files.js';
import { placeDdl } from '../../src/sources/prisma/locate.js';
import { fieldList, scanPrismaFile } from '../../src/sources/prisma/scan.js';
import { prismaSnippet, prismaType } from '../../src/sources/prisma/snippets.js';
import { getDatamodel, knownPreviewFeatures } from '../../src/sources/prisma/wasm.js';
import { ensureParser, splitStatementsSync } from '../../src/sources/split.js';
import type { ModelLocations } from '../../src/sources/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-prisma-unit-'));
const display = (abs: string) => relative(tmp, abs);

function write(rel: string, text: string): string {
  const abs = join(tmp, rel);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, text);
  return abs;
}

beforeAll(async () => {
  await ensureParser();
});

describe('scanPrismaFile', () => {
  const text = [
    '// header',
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '}',
    '',
    '/// schemasage-ignore money-as-float: prices are display-only',
    'model Product {',
    '  id    String @id @default(cuid())',
    '  // schemasage-ignore char-n: ISO code',
    '  code  String @db.Char(3) @map("product_code")',
    '  price Float',
    '  tags  String[] @default(["a}b"])',
    '  @@index([code(sort: Desc), price],',
    '          map: "by_code")',
    '  @@map("products")',
    '}',
    '',
    'enum Color {',
    '  RED   @map("red")',
    '  GREEN',
    '}',
  ].join('\n');
  const blocks = scanPrismaFile('schema.prisma', text);

  it('finds blocks, fields and their lines, ignoring braces inside strings', () => {
    expect(blocks.map((b) => `${b.kind} ${b.name} ${b.location.line}-${b.endLine}`)).toEqual([
      'datasource db 2-5', 'model Product 8-17', 'enum Color 19-22',
    ]);
    const product = blocks[1];
    expect(product?.fields.map((f) => `${f.name}:${f.type}${f.list ? '[]' : ''}@${f.location.line}:${f.location.column}`)).toEqual([
      'id:String@9:3', 'code:String@11:3', 'price:Float@12:3', 'tags:String[]@13:3',
    ]);
    expect(product?.fields[1]?.attributes.map((a) => [a.name, a.args])).toEqual([['db.Char', '3'], ['map', '"product_code"']]);
  });

  it('reads a block attribute that continues on the next line', () => {
    const index = blocks[1]?.attributes.find((a) => a.name === 'index');
    expect(index?.location.line).toBe(14);
    expect(fieldList(index?.args ?? null)).toEqual(['code', 'price']);
    expect(index?.args).toContain('map: "by_code"');
  });

  it('collects schemasage-ignore comments above models and fields', () => {
    expect(blocks[1]?.ignores).toEqual([{ rules: ['money-as-float'], reason: 'prices are display-only', line: 7 }]);
    expect(blocks[1]?.fields[1]?.ignores).toEqual([{ rules: ['char-n'], reason: 'ISO code', line: 10 }]);
    expect(blocks[1]?.fields[2]?.ignores).toEqual([]);
  });

  it('reads datasource properties with their positions', () => {
    const ds = blocks[0];
    expect(ds?.properties.map((p) => [p.key, p.value, p.location.line])).toEqual([
      ['provider', '"postgresql"', 3], ['url', 'env("DATABASE_URL")', 4],
    ]);
  });
});

describe('the text given to Prisma 7', () => {
  const prisma6 = [
    'generator client {',
    '  provider        = "prisma-client-js"',
    '  previewFeatures = ["metrics", "postgresqlExtensions", "tracing"]',
    '}',
    'datasource db {',
    '  provider  = "postgresql"',
    '  url       = env("DATABASE_URL")',
    '  directUrl = env("DIRECT_URL")',
    '}',
    'model A {',
    '  id Int @id',
    '}',
  ].join('\n');

  it('blanks connection URLs and unknown preview features without moving any line or column', () => {
    const file = write('p6/schema.prisma', prisma6);
    const schema = readPrismaSchema([file], display, knownPreviewFeatures());
    const engine = schema.files[0]?.engineText ?? '';
    expect(engine).not.toMatch(/url|DATABASE_URL|DIRECT_URL|metrics|tracing/);
    expect(engine).toContain('["postgresqlExtensions"]');
    expect(engine.length).toBe(prisma6.length);
    expect(engine.split('\n').map((l) => l.length)).toEqual(prisma6.split('\n').map((l) => l.length));
    expect(schema.files[0]?.text).toBe(prisma6);
  });
});

describe('resolvePrismaFiles', () => {
  it('reads every .prisma file below a folder, in name order, skipping migrations', () => {
    write('multi/schema/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    write('multi/schema/users.prisma', 'model U {\n  id Int @id\n}\n');
    write('multi/schema/billing/invoices.prisma', 'model I {\n  id Int @id\n}\n');
    write('multi/schema/migrations/x.prisma', 'not a schema');
    expect(resolvePrismaFiles(join(tmp, 'multi/schema')).map(display)).toEqual([
      'multi/schema/billing/invoices.prisma', 'multi/schema/schema.prisma', 'multi/schema/users.prisma',
    ]);
  });

  it('takes one file of a multi-file schema together with its siblings', () => {
    expect(resolvePrismaFiles(join(tmp, 'multi/schema/users.prisma'))).toEqual(resolvePrismaFiles(join(tmp, 'multi/schema')));
  });

  it('reads a file alone when its siblings are schemas of their own', () => {
    write('independent/a.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    write('independent/b.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    expect(resolvePrismaFiles(join(tmp, 'independent/a.prisma')).map(display)).toEqual(['independent/a.prisma']);
  });
});

describe('placeDdl', () => {
  const text = [
    'datasource db {',
    '  provider = "postgresql"',
    '}',
    '',
    '// schemasage-ignore missing-timestamps: a lookup table',
    'model Author {',
    '  id    Int    @id',
    '  posts Post[]',
    '  @@map("authors")',
    '}',
    '',
    'model Post {',
    '  id       Int    @id',
    '  authorId Int    @map("author_id")',
    '  author   Author @relation(fields: [authorId], references: [id])',
    '  /// schemasage-ignore money-as-float: display only',
    '  price    Float',
    '  tags     Tag[]',
    '  @@index([authorId])',
    '}',
    '',
    'model Tag {',
    '  id    Int    @id',
    '  posts Post[]',
    '}',
  ].join('\n');
  const ddl = [
    'CREATE TABLE "authors" ("id" INTEGER NOT NULL, CONSTRAINT "authors_pkey" PRIMARY KEY ("id"));',
    'CREATE TABLE "Post" ("id" INTEGER NOT NULL, "author_id" INTEGER NOT NULL, "price" DOUBLE PRECISION NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));',
    'CREATE TABLE "Tag" ("id" INTEGER NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));',
    'CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL, CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A","B"));',
    'CREATE INDEX "Post_author_id_idx" ON "Post"("author_id");',
    'CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");',
    'ALTER TABLE "Post" ADD CONSTRAINT "Post_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
  ].join('\n');

  function placed() {
    const file = write('place/schema.prisma', text);
    const schema = readPrismaSchema([file], display, knownPreviewFeatures());
    const datamodel = getDatamodel(schema.files.map((f) => [f.path, f.engineText]));
    return placeDdl(ddl, schema, datamodel);
  }

  it('maps tables, columns, indexes and foreign keys to the model, field and attribute lines', () => {
    const { locations } = placed();
    const post = locations.tables['public.Post'];
    expect(post?.location.line).toBe(12);
    expect(post?.columns['author_id']).toEqual({ location: { file: 'place/schema.prisma', line: 14, column: 3 }, name: 'authorId' });
    expect(post?.indexes?.['Post_author_id_idx']?.line).toBe(19);
    expect(post?.constraints?.['Post_author_id_fkey']?.line).toBe(15);
    expect(post?.constraints?.['Post_pkey']?.line).toBe(13);
    expect(locations.tables['public.authors']?.name).toBe('Author');
  });

  it('places an implicit many-to-many table on its relation fields', () => {
    const { locations } = placed();
    const join = locations.tables['public._PostToTag'];
    expect(join?.columns['A']?.location.line).toBe(18);
    expect(join?.columns['B']?.location.line).toBe(24);
    expect(join?.indexes?.['_PostToTag_B_index']?.line).toBe(24);
  });

  it('lays the statements out on those lines, with the ignore comments before them', () => {
    const { sql } = placed();
    const statements = sql.flatMap((f, i) => splitStatementsSync(f, i * 100));
    const at = (re: RegExp) => statements.find((s) => re.test(s.sql));
    const authors = at(/CREATE TABLE "authors"/);
    expect([authors?.file, authors?.line, authors?.endLine]).toEqual(['place/schema.prisma', 6, 10]);
    expect(authors?.ignores).toEqual(['missing-timestamps']);
    expect(at(/ADD CONSTRAINT "Post_author_id_fkey"/)?.line).toBe(15);
    expect(at(/CREATE INDEX "Post_author_id_idx"/)?.line).toBe(19);
    // A plain column's ignore rides on a no-op statement placed on the field's line.
    const carrier = at(/COMMENT ON COLUMN "public"\."Post"\."price" IS NULL/);
    expect([carrier?.line, carrier?.ignoreEntries]).toEqual([17, [{ rules: ['money-as-float'], reason: 'display only' }]]);
  });
});

// ---- snippets ---------------------------------------------------------------------------------

const loc = (line: number) => ({ file: 'schema.prisma', line, column: 3 });

const LOCATIONS: ModelLocations = {
  tables: {
    'public.users': {
      location: loc(1), name: 'User',
      columns: { id: { location: loc(2), name: 'id' }, email: { location: loc(3), name: 'email' }, created_at: { location: loc(4), name: 'createdAt' } },
    },
    'public.Comment': {
      location: loc(10), name: 'Comment',
      columns: {
        id: { location: loc(11), name: 'id' }, authorId: { location: loc(12), name: 'authorId' }, external_uuid: { location: loc(13), name: 'externalUuid' },
        title: { location: loc(14), name: 'title' }, payload: { location: loc(15), name: 'payload' },
      },
    },
    'public.plans': {
      location: loc(20), name: 'Plan',
      columns: { monthly_price: { location: loc(21), name: 'monthlyPrice' }, country: { location: loc(22), name: 'country' } },
    },
    'public._CommentToTag': { location: loc(12), name: '_CommentToTag', columns: { A: { location: loc(12), name: 'Comment.tags' } } },
  },
};

function finding(rule: string, objects: Finding['objects'], details: Record<string, unknown>, fixSql = ''): Finding {
  return {
    id: 'M1', rule, severity: 'medium', category: 'types', title: '', message: '', rationale: '', objects,
    location: null, details, fix: { sql: fixSql }, fingerprint: 'x',
  };
}

const col = (table: string, name: string) => ({ kind: 'column' as const, schema: 'public', table, name });

describe('prismaType', () => {
  it('maps PostgreSQL types to Prisma scalars and native attributes', () => {
    expect(prismaType('timestamptz(3)')).toEqual({ scalar: 'DateTime', native: '@db.Timestamptz(3)', list: false });
    expect(prismaType('timestamp(6) without time zone')).toEqual({ scalar: 'DateTime', native: '@db.Timestamp(6)', list: false });
    expect(prismaType('numeric(12,2)')).toEqual({ scalar: 'Decimal', native: '@db.Decimal(12, 2)', list: false });
    expect(prismaType('text[]')).toEqual({ scalar: 'String', native: '', list: true });
    expect(prismaType('character varying(80)')).toEqual({ scalar: 'String', native: '@db.VarChar(80)', list: false });
    expect(prismaType('tsvector').scalar).toBe('Unsupported("tsvector")');
  });
});

describe('prismaSnippet', () => {
  it('timestamp-without-time-zone: @db.Timestamptz on the field, in the user\'s field name', () => {
    const s = prismaSnippet(finding('timestamp-without-time-zone', [col('users', 'created_at')], { column: 'created_at', suggestedType: 'timestamptz(3)' }), LOCATIONS);
    expect(s).toMatch(/^model User \{\n {2}createdAt DateTime @db\.Timestamptz\(3\)/);
    expect(s).toContain('--create-only');
  });

  it('unindexed-foreign-key: @@index with field names, and why Prisma\'s own index blocks writes', () => {
    const s = prismaSnippet(finding('unindexed-foreign-key', [{ kind: 'constraint', schema: 'public', table: 'Comment', name: 'Comment_authorId_fkey' }, col('Comment', 'authorId')], { columns: ['authorId'] }), LOCATIONS);
    expect(s).toMatch(/^model Comment \{\n {2}@@index\(\[authorId\]\)\n\}/);
    expect(s).toContain('CONCURRENTLY');
  });

  it('case-sensitive-unique: @db.Citext, keeping a field-level @unique, and the extension it needs', () => {
    const s = prismaSnippet(finding('case-sensitive-unique', [{ kind: 'index', schema: 'public', table: 'users', name: 'users_email_key' }, col('users', 'email')], { index: 'users_email_key', columns: ['email'] }), LOCATIONS);
    expect(s).toContain('email String @unique @db.Citext');
    expect(s).toContain('extensions = [citext]');
  });

  it('uuid-stored-as-text: @db.Uuid', () => {
    const s = prismaSnippet(finding('uuid-stored-as-text', [col('Comment', 'external_uuid')], { column: 'external_uuid', referencingColumns: [] }), LOCATIONS);
    expect(s).toContain('externalUuid String @db.Uuid');
  });

  it('missing-foreign-key: both sides of a named relation', () => {
    const s = prismaSnippet(finding('missing-foreign-key', [col('Comment', 'authorId')], { column: 'authorId', referencedTable: 'public.users', referencedColumn: 'id' }), LOCATIONS);
    expect(s).toContain('author User @relation("CommentAuthor", fields: [authorId], references: [id])');
    expect(s).toContain('model User {\n  comments Comment[] @relation("CommentAuthor")\n}');
  });

  it('money-as-float: Decimal @db.Decimal(12, 2), or BigInt cents mapped to the renamed column', () => {
    expect(prismaSnippet(finding('money-as-float', [col('plans', 'monthly_price')], { column: 'monthly_price', suggestedType: 'numeric(12,2)' }), LOCATIONS))
      .toContain('monthlyPrice Decimal @db.Decimal(12, 2)');
    expect(prismaSnippet(finding('money-as-float', [col('plans', 'monthly_price')], { column: 'monthly_price', suggestedType: 'bigint' }), LOCATIONS))
      .toContain('monthlyPriceCents BigInt @map("monthly_price_cents")');
  });

  it('json-over-jsonb, char-n, varchar-n: the field\'s new type', () => {
    expect(prismaSnippet(finding('json-over-jsonb', [col('Comment', 'payload')], { column: 'payload' }), LOCATIONS)).toContain('payload Json @db.JsonB');
    expect(prismaSnippet(finding('char-n', [col('plans', 'country')], { column: 'country' }), LOCATIONS)).toMatch(/country String \/\//);
    expect(prismaSnippet(finding('varchar-n', [col('Comment', 'title')], { column: 'title' }), LOCATIONS)).toMatch(/title String \/\//);
  });

  it('missing-capability: the proposed table as a model in the schema\'s naming, with its relation', () => {
    const sql = [
      'CREATE TABLE password_reset_tokens (',
      '  id text PRIMARY KEY,',
      '  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,',
      '  token_hash text NOT NULL UNIQUE,',
      '  expires_at timestamptz(3) NOT NULL,',
      '  used_at timestamptz(3),',
      "  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),",
      '  created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP',
      ');',
      'CREATE INDEX password_reset_tokens_user_id_idx ON password_reset_tokens (user_id);',
    ].join('\n');
    const s = prismaSnippet(finding('missing-capability', [{ kind: 'table', schema: 'public', name: 'password_reset_tokens' }], {}, sql), LOCATIONS) ?? '';
    expect(s).toMatch(/^model PasswordResetToken \{/);
    expect(s).toMatch(/id\s+String\s+@id @default\(cuid\(\)\)/);
    expect(s).toMatch(/user\s+User\s+@relation\(fields: \[userId\], references: \[id\], onDelete: Cascade\)/);
    expect(s).toMatch(/tokenHash\s+String\s+@unique @map\("token_hash"\)/);
    expect(s).toMatch(/usedAt\s+DateTime\?\s+@map\("used_at"\) @db\.Timestamptz\(3\)/);
    expect(s).toMatch(/attempts\s+Int\s+@default\(0\)/);
    expect(s).toMatch(/createdAt\s+DateTime\s+@default\(now\(\)\) @map\("created_at"\) @db\.Timestamptz\(3\)/);
    expect(s).toContain('  @@index([userId])\n  @@map("password_reset_tokens")\n}');
    expect(s).toContain('CHECK on attempts: (attempts >= 0)');
    expect(s).toContain('in model User: passwordResetTokens PasswordResetToken[]');
  });

  it('stays quiet for rules without a Prisma form, implicit join tables and tables that are not models', () => {
    expect(prismaSnippet(finding('rls-disabled', [{ kind: 'table', schema: 'public', name: 'users' }], {}), LOCATIONS)).toBeNull();
    expect(prismaSnippet(finding('json-over-jsonb', [col('_CommentToTag', 'A')], { column: 'A' }), LOCATIONS)).toBeNull();
    expect(prismaSnippet(finding('json-over-jsonb', [col('audit', 'payload')], { column: 'payload' }), LOCATIONS)).toBeNull();
  });
});
