/**
 * A prisma/ folder with schema.prisma and migrations/: the migrations are reviewed (what is
 * deployed) and every table or column the two disagree on is reported as a note.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadCatalog } from '../../src/pipeline.js';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  nickname  String?
  posts     Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}

model Tag {
  id   Int    @id @default(autoincrement())
  name String
}
`;

const MIGRATION = `CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL, "legacy" TEXT, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE TABLE "AuditEntry" ("id" SERIAL NOT NULL, CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id"));
`;

function project(schema: string, migration: string): string {
  const root = mkdtempSync(join(tmpdir(), 'schemasage-prisma-drift-'));
  mkdirSync(join(root, 'prisma/migrations/20240101000000_init'), { recursive: true });
  writeFileSync(join(root, 'prisma/schema.prisma'), schema);
  writeFileSync(join(root, 'prisma/migrations/20240101000000_init/migration.sql'), migration);
  writeFileSync(join(root, 'prisma/migrations/migration_lock.toml'), 'provider = "postgresql"\n');
  return root;
}

describe('schema.prisma beside prisma/migrations', () => {
  it('reviews the migrations and names each table and column the two disagree on', async () => {
    const root = project(SCHEMA, MIGRATION);
    const { result } = analyze(await loadCatalog('prisma/migrations', { cwd: root, cache: false }));
    expect(result.source.kind).toBe('migrations');
    expect(result.source.layout).toBe('prisma');
    const notes = result.notes.map((n) => n.message);
    expect(notes).toContainEqual(expect.stringMatching(/declares table `Tag` but the migrations do not create it/));
    expect(notes).toContainEqual(expect.stringMatching(/declares `User\.nickname` but the migrations do not create it/));
    expect(notes).toContainEqual(expect.stringMatching(/the migrations create `Post\.legacy`, which prisma\/schema\.prisma does not declare/));
    expect(notes).toContainEqual(expect.stringMatching(/the migrations create table `AuditEntry`, which prisma\/schema\.prisma does not declare/));
    const tagNote = result.notes.find((n) => n.message.includes('`Tag`'));
    expect(tagNote?.location).toMatchObject({ file: 'prisma/schema.prisma', line: 19 });
  });

  it('says they agree when they do', async () => {
    const agreeing = MIGRATION.replace(', "legacy" TEXT', '').replace('CREATE TABLE "AuditEntry" ("id" SERIAL NOT NULL, CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id"));\n', '');
    const schema = SCHEMA.replace('  nickname  String?\n', '').replace(/model Tag \{[^}]*\}\n/, '');
    const root = project(schema, agreeing);
    const { result } = analyze(await loadCatalog('prisma/migrations', { cwd: root, cache: false }));
    const drift = result.notes.filter((n) => n.message.includes('schema.prisma'));
    expect(drift.map((n) => n.message)).toEqual(['prisma/schema.prisma and the migrations agree on every table and column']);
  });
});
