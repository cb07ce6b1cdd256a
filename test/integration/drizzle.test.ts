/**
 * Drizzle sources end to end through review(): the real worker process, jiti, drizzle-kit's API and
 * PGlite. Findings must point at the user's pgTable(/column/pgPolicy lines; projects with their own
 * drizzle-orm or with no node_modules at all must load; broken modules must fail with one clear message.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { review, type ReviewOutput } from '../../src/pipeline.js';
import type { Finding } from '../../src/result.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-drizzle-'));
// jiti's transpile cache goes under the schemasage cache: keep it out of the user's home.
process.env.SCHEMASAGE_CACHE_DIR = join(tmp, 'cache');

const APP = 'test/fixtures/drizzle/app';

function lineOf(file: string, needle: string): number {
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(needle);
  if (i === -1) throw new Error(`${needle} not in ${file}`);
  return text.slice(0, i).split('\n').length;
}

function findingOn(out: ReviewOutput, rule: string, object: string): Finding | undefined {
  return out.result.findings.find((f) => f.rule === rule && f.objects.some((o) => [o.name, `${o.table}.${o.name}`, `${o.schema}.${o.name}`].includes(object)));
}

function at(f: Finding | undefined): string | null {
  return f?.location ? `${f.location.file}:${f.location.line}` : null;
}

describe('the Drizzle fixture through drizzle.config.ts', () => {
  let out: ReviewOutput;
  beforeAll(async () => {
    out = await review(`${APP}/drizzle.config.ts`, { cache: false });
  });

  it('loads every table of every schema, with enums, policies and RLS', () => {
    expect(out.result.source).toMatchObject({ kind: 'drizzle', path: `${APP}/drizzle.config.ts` });
    const tables = out.catalog.tables.filter((t) => t.origin === 'user').map((t) => `${t.schema}.${t.name}`).sort();
    expect(tables).toEqual([
      'audit.events', 'billing.invoices', 'billing.plans', 'billing.subscriptions', 'public.comments', 'public.memberships',
      'public.organizations', 'public.projects', 'public.sessions', 'public.tags', 'public.task_tags', 'public.tasks', 'public.users',
    ]);
    expect(out.catalog.enums.map((e) => `${e.schema}.${e.name}`).sort()).toEqual(['billing.subscription_status', 'public.member_role', 'public.project_status']);
    const projects = out.catalog.tables.find((t) => t.name === 'projects');
    expect(projects?.policies.map((p) => p.name)).toEqual(['projects_org_isolation']);
    expect(projects?.rlsEnabled).toBe(true);
    // casing: 'snake_case' in the config named the keyless columns.
    expect(out.catalog.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name)).toEqual([
      'id', 'email', 'display_name', 'password_hash', 'email_verified_at', 'created_at', 'updated_at',
    ]);
  });

  it('points column findings at the column keys in the user\'s modules', () => {
    const billing = `${APP}/src/db/schema/billing.ts`;
    const projects = `${APP}/src/db/schema/projects.ts`;
    const auth = `${APP}/src/db/schema/auth.ts`;
    expect(at(findingOn(out, 'money-as-float', 'invoices.total'))).toBe(`${billing}:${lineOf(billing, 'total: doublePrecision()')}`);
    expect(at(findingOn(out, 'timestamp-without-time-zone', 'sessions.expires_at'))).toBe(`${auth}:${lineOf(auth, 'expiresAt: timestamp()')}`);
    expect(at(findingOn(out, 'unindexed-foreign-key', 'tasks_assignee_id_users_id_fk'))).toBe(`${projects}:${lineOf(projects, 'assigneeId: uuid()')}`);
    expect(at(findingOn(out, 'json-over-jsonb', 'events.payload'))).toBe(`${APP}/src/db/schema/audit.ts:${lineOf(`${APP}/src/db/schema/audit.ts`, 'payload: json()')}`);
  });

  it('points table findings at the pgTable( line and policy findings at the pgPolicy( line', () => {
    const projects = `${APP}/src/db/schema/projects.ts`;
    const auth = `${APP}/src/db/schema/auth.ts`;
    const noPolicy = findingOn(out, 'rls-enabled-no-policy', 'tasks');
    expect(at(noPolicy)).toBe(`${projects}:${lineOf(projects, "export const tasks = pgTable(")}`);
    expect(noPolicy?.location?.column).toBe('export const tasks = '.length + 1);
    expect(at(findingOn(out, 'rls-policy-per-row-auth-call', 'memberships_org_isolation'))).toBe(`${auth}:${lineOf(auth, "pgPolicy('memberships_org_isolation'")}`);
  });

  it('points spread columns (...timestamps) at the spread inside each table', () => {
    const f = out.result.findings.find((x) => x.rule === 'updated-at-without-trigger' && x.objects.some((o) => o.table === 'projects'));
    const projects = `${APP}/src/db/schema/projects.ts`;
    expect(at(f)).toBe(`${projects}:${lineOf(projects, '...timestamps')}`);
    // Drizzle's $onUpdate keeps it current: an observation, not a defect.
    expect(f?.severity).toBe('info');
  });

  it('honours a // schemasage-ignore comment above the table', () => {
    expect(findingOn(out, 'tenant-foreign-key-not-scoped', 'tasks_project_id_projects_id_fk')).toBeUndefined();
    expect(out.result.suppressed).toContainEqual(expect.objectContaining({
      rule: 'tenant-foreign-key-not-scoped', by: 'inline', reason: 'projects never move between organizations',
    }));
  });

  it('creates the role the policies name, and says so', () => {
    expect(out.result.notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/role app_user named by policies .* created for the review/));
  });

  it('keeps the model locations for ORM-aware fixes', () => {
    const invoices = out.catalog.modelLocations?.tables['billing.invoices'];
    expect(invoices?.name).toBe('invoices');
    expect(invoices?.columns.subscription_id?.name).toBe('subscriptionId');
    expect(invoices?.constraints?.invoices_total_nonnegative?.line).toBe(lineOf(`${APP}/src/db/schema/billing.ts`, "check('invoices_total_nonnegative'"));
  });
});

describe('a Drizzle schema module named directly', () => {
  it('reads the same schema from the re-exporting index, using the casing of the config beside it', async () => {
    const out = await review(`${APP}/src/db/schema/index.ts`, { cache: false });
    expect(out.result.source.kind).toBe('drizzle');
    expect(out.result.summary.tables).toBe(13);
    const billing = `${APP}/src/db/schema/billing.ts`;
    expect(at(findingOn(out, 'money-as-float', 'invoices.total'))).toBe(`${billing}:${lineOf(billing, 'total: doublePrecision()')}`);
    expect(out.catalog.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name)).toContain('password_hash');
  });
});

describe('projects on other machines', () => {
  it('works without node_modules, using schemasage\'s own drizzle-orm and drizzle-kit', async () => {
    const dir = join(tmp, 'bare');
    cpSync(APP, dir, { recursive: true });
    // A computed schema path: the config is run, and its drizzle-kit import must resolve too.
    writeFileSync(join(dir, 'drizzle.config.ts'), `import { defineConfig } from 'drizzle-kit';

const schemaDir = './src/db/schema';

export default defineConfig({ dialect: 'postgresql', schema: \`\${schemaDir}/*.ts\`, casing: 'snake_case' });
`);
    const out = await review('drizzle.config.ts', { cache: false, cwd: dir });
    expect(out.result.summary.tables).toBe(13);
    expect(at(findingOn(out, 'money-as-float', 'invoices.total'))).toBe(`src/db/schema/billing.ts:${lineOf(join(dir, 'src/db/schema/billing.ts'), 'total: doublePrecision()')}`);
  });

  it('works with the project\'s own copy of drizzle-orm', async () => {
    const dir = join(tmp, 'own');
    cpSync(APP, dir, { recursive: true });
    cpSync(resolve('node_modules/drizzle-orm'), join(dir, 'node_modules/drizzle-orm'), { recursive: true });
    const out = await review('drizzle.config.ts', { cache: false, cwd: dir });
    expect(out.result.summary.tables).toBe(13);
    expect(out.result.summary.enums).toBe(3);
    expect(out.result.summary.policies).toBe(2);
  });

  it('reviews only the config\'s schemaFilter/tablesFilter, creating the rest so references resolve', async () => {
    const dir = join(tmp, 'filtered');
    cpSync(APP, dir, { recursive: true });
    writeFileSync(join(dir, 'drizzle-public.config.ts'), `export default {
  dialect: 'postgresql',
  schema: ['./src/db/schema/*.ts'],
  casing: 'snake_case',
  schemaFilter: ['public'],
  tablesFilter: ['*', '!task_tags'],
};
`);
    const out = await review('drizzle-public.config.ts', { cache: false, cwd: dir });
    expect(out.result.summary.tables).toBe(8);
    const judged = new Set(out.result.findings.flatMap((f) => f.objects.map((o) => o.table ?? o.name)));
    expect(judged.has('invoices')).toBe(false);
    expect(judged.has('task_tags')).toBe(false);
    expect(out.result.notes.map((n) => n.message)).toContainEqual(expect.stringMatching(/5 tables outside the config's schemaFilter and tablesFilter were created .* not reviewed/));
  });

  it('does not run a config whose settings are literals, so its credential checks do not stop the review', async () => {
    const dir = join(tmp, 'strict-config');
    cpSync(APP, dir, { recursive: true });
    writeFileSync(join(dir, 'drizzle.config.ts'), `import { defineConfig } from 'drizzle-kit';

if (!process.env.SCHEMASAGE_TEST_UNSET_DATABASE_URL) throw new Error('DATABASE_URL is missing');

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/*.ts',
  casing: 'snake_case',
  dbCredentials: { url: process.env.SCHEMASAGE_TEST_UNSET_DATABASE_URL },
});
`);
    const out = await review('drizzle.config.ts', { cache: false, cwd: dir });
    expect(out.result.summary.tables).toBe(13);
    // A computed schema path has to be read by running the config: then its check does stop it.
    writeFileSync(join(dir, 'drizzle.config.ts'), `if (!process.env.SCHEMASAGE_TEST_UNSET_DATABASE_URL) throw new Error('DATABASE_URL is missing');
export default { dialect: 'postgresql', schema: ['./src/db/schema'].map((d) => d + '/*.ts') };
`);
    await expect(review('drizzle.config.ts', { cache: false, cwd: dir })).rejects.toThrow(
      'the Drizzle config drizzle.config.ts threw while loading: DATABASE_URL is missing',
    );
  });

  it('creates enums and schemas the modules use but forgot to export, and says so', async () => {
    const dir = join(tmp, 'unexported');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), `import { pgEnum, pgSchema, text, uuid } from 'drizzle-orm/pg-core';
const crm = pgSchema('crm');
const stage = pgEnum('deal_stage', ['lead', 'won', 'lost']);
export const deals = crm.table('deals', {
  id: uuid().primaryKey().defaultRandom(),
  title: text().notNull(),
  stage: stage().notNull(),
});
`);
    const out = await review('schema.ts', { cache: false, cwd: dir });
    expect(out.catalog.tables.map((t) => `${t.schema}.${t.name}`)).toContain('crm.deals');
    const notes = out.result.notes.map((n) => n.message).join('\n');
    expect(notes).toMatch(/schema crm is used by tables but not exported/);
    expect(notes).toMatch(/enum deal_stage is used by columns but not exported/);
  });
});

describe('Drizzle on Supabase', () => {
  it('leaves auth.users to the platform when the schema exports drizzle-orm/supabase\'s authUsers', async () => {
    const dir = join(tmp, 'supabase');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), `import { sql } from 'drizzle-orm';
import { pgPolicy, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { authenticatedRole, authUid, authUsers } from 'drizzle-orm/supabase';

export { authUsers };

export const profiles = pgTable(
  'profiles',
  {
    id: uuid()
      .primaryKey()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    bio: text(),
  },
  (t) => [pgPolicy('profiles_own', { for: 'all', to: authenticatedRole, using: sql\`\${t.id} = \${authUid}\` })],
);
`);
    const out = await review('schema.ts', { cache: false, cwd: dir });
    const profiles = out.catalog.tables.find((t) => t.name === 'profiles');
    expect(profiles?.constraints.find((c) => c.type === 'foreign key')?.references).toMatchObject({ schema: 'auth', table: 'users' });
    expect(profiles?.policies.map((p) => p.name)).toEqual(['profiles_own']);
    expect(out.catalog.tables.find((t) => t.schema === 'auth' && t.name === 'users')?.origin).toBe('shim');
    const notes = out.result.notes.map((n) => n.message).join('\n');
    expect(notes).toMatch(/exports objects in Supabase's own schema auth/);
    expect(notes).not.toMatch(/schema auth is used by tables/);
  });
});

describe('Drizzle modules that cannot be read', () => {
  afterEach(() => {
    delete process.env.SCHEMASAGE_DRIZZLE_TIMEOUT_MS;
  });

  async function failure(path: string, cwd?: string): Promise<SchemasageError> {
    try {
      await review(path, { cache: false, ...(cwd ? { cwd } : {}) });
    } catch (err) {
      if (err instanceof SchemasageError) return err;
      throw err;
    }
    throw new Error(`${path} loaded`);
  }

  it('a module that throws: one message naming the module and the line that threw', async () => {
    const err = await failure('test/fixtures/drizzle/throws/schema.ts');
    expect(err.message).toBe('the Drizzle schema test/fixtures/drizzle/throws/schema.ts threw while loading: SCHEMASAGE_TEST_UNSET_DATABASE_URL is not set');
    expect(err.location).toEqual({ file: 'test/fixtures/drizzle/throws/client.ts', line: lineOf('test/fixtures/drizzle/throws/client.ts', 'throw new Error'), column: 21 });
    expect(err.hint).toMatch(/keep database clients and environment checks out of them/);
  });

  it('a module with a syntax error: its file:line', async () => {
    const dir = join(tmp, 'syntax');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), "import { pgTable, text } from 'drizzle-orm/pg-core';\nexport const users = pgTable('users', {\n  id: text('id')\n  name: text('name'),\n});\n");
    const err = await failure('schema.ts', dir);
    expect(err.message).toMatch(/^the Drizzle schema schema\.ts could not be parsed: Unexpected token/);
    expect(err.location).toMatchObject({ file: 'schema.ts', line: 4 });
  });

  it('a module with no tables, and one with SQLite tables', async () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), "import { pgTable, text } from 'drizzle-orm/pg-core';\nconst users = pgTable('users', { id: text() });\nexport const count = 1;\n");
    expect((await failure('schema.ts', dir)).message).toMatch(/^schema\.ts: the module exports no tables/);
    writeFileSync(join(dir, 'lite.ts'), "import { sqliteTable, text } from 'drizzle-orm/sqlite-core';\nexport const users = sqliteTable('users', { id: text() });\n");
    expect((await failure('lite.ts', dir)).message).toMatch(/exports SQLiteTable tables, not PostgreSQL ones/);
  });

  it('a schema drizzle-kit itself rejects: its reason, not a silent exit', async () => {
    const dir = join(tmp, 'rejected');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), "import { pgTable, text, unique } from 'drizzle-orm/pg-core';\nexport const users = pgTable('users', {\n  email: text('email').unique('users_key'),\n  handle: text('handle'),\n}, (t) => [unique('users_key').on(t.handle)]);\n");
    const err = await failure('schema.ts', dir);
    expect(err.message).toMatch(/^drizzle-kit rejected the schema: We've found duplicated unique constraint names in users table/);
  });

  it('a .ts file that has nothing to do with Drizzle is not run', async () => {
    const dir = join(tmp, 'unrelated');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vite.config.ts'), "import { writeFileSync } from 'node:fs';\nwriteFileSync('ran.txt', 'x');\nexport default {};\n");
    const err = await failure('vite.config.ts', dir);
    expect(err.message).toBe('vite.config.ts does not look like a Drizzle schema module: it neither imports drizzle-orm nor re-exports other modules');
    expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
  });

  it('a config for another dialect, or whose schema matches nothing', async () => {
    const dir = join(tmp, 'configs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'drizzle.config.ts'), "export default { dialect: 'mysql', schema: './schema.ts' };\n");
    expect((await failure('drizzle.config.ts', dir)).message).toMatch(/dialect is 'mysql'; schemasage reviews PostgreSQL/);
    writeFileSync(join(dir, 'drizzle.config.ts'), "export default { dialect: 'postgresql', schema: './src/db/*.ts' };\n");
    expect((await failure('drizzle.config.ts', dir)).message).toMatch(/no schema files found for schema '\.\/src\/db\/\*\.ts'/);
  });

  it('a module that never finishes loading: stopped at the time limit', async () => {
    const dir = join(tmp, 'hang');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.ts'), "import { pgTable, text } from 'drizzle-orm/pg-core';\n// a client that waits for a database that is not there\nawait new Promise((resolve) => setTimeout(resolve, 600_000));\nexport const users = pgTable('users', { id: text() });\n");
    process.env.SCHEMASAGE_DRIZZLE_TIMEOUT_MS = '2000';
    const err = await failure('schema.ts', dir);
    expect(err.message).toBe('loading the Drizzle schema schema.ts did not finish within 2 s');
    expect(err.hint).toMatch(/SCHEMASAGE_DRIZZLE_TIMEOUT_MS/);
  });
});

describe('a large generated Drizzle schema', () => {
  it('reviews 300 tables in 6 modules with every table and column located', async () => {
    const dir = join(tmp, 'large');
    mkdirSync(join(dir, 'schema'), { recursive: true });
    const perFile = 50;
    for (let f = 0; f < 6; f++) {
      const lines = [
        "import { bigint, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';",
        ...(f > 0 ? ["import { t0 } from './part0.js';"] : []),
        `export const status${f} = pgEnum('status_${f}', ['draft', 'active', 'archived']);`,
      ];
      for (let i = f * perFile; i < (f + 1) * perFile; i++) {
        const parent = i % perFile === 0 ? (f > 0 ? 't0' : null) : `t${i - 1}`;
        lines.push(
          '',
          `export const t${i} = pgTable('table_${i}', {`,
          "  id: uuid('id').primaryKey().defaultRandom(),",
          ...(parent ? [`  parentId: uuid('parent_id').references(() => ${parent}.id),`] : []),
          "  name: text('name').notNull(),",
          "  slug: text('slug').notNull(),",
          `  status: status${f}('status').notNull().default('draft'),`,
          "  price: doublePrecision('price'),",
          "  quantity: integer('quantity').notNull().default(0),",
          "  views: bigint('views', { mode: 'number' }).notNull().default(0),",
          "  active: boolean('active').notNull().default(true),",
          "  meta: jsonb('meta'),",
          "  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
          "  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date()),",
          '}, (t) => [',
          `  uniqueIndex('table_${i}_slug_key').on(t.slug),`,
          `  index('table_${i}_status_created_idx').on(t.status, t.createdAt),`,
          ']);',
        );
      }
      writeFileSync(join(dir, 'schema', `part${f}.ts`), `${lines.join('\n')}\n`);
    }
    writeFileSync(join(dir, 'drizzle.config.ts'), "export default { dialect: 'postgresql', schema: './schema' };\n");

    const out = await review('drizzle.config.ts', { cache: false, cwd: dir });
    expect(out.result.summary.tables).toBe(300);
    expect(out.result.summary.enums).toBe(6);
    const locations = out.catalog.modelLocations?.tables ?? {};
    expect(Object.keys(locations)).toHaveLength(300);
    const t123 = locations['public.table_123'];
    const part2 = join(dir, 'schema/part2.ts');
    expect(t123?.location).toEqual({ file: 'schema/part2.ts', line: lineOf(part2, "pgTable('table_123'"), column: 'export const t123 = '.length + 1 });
    // Every float price is flagged at its own column line; every unindexed parent_id at its key.
    const prices = out.result.findings.filter((f) => f.rule === 'money-as-float');
    expect(prices).toHaveLength(300);
    expect(prices.every((f) => f.location !== null && /^schema\/part\d\.ts$/.test(f.location.file))).toBe(true);
    const fk = findingOn(out, 'unindexed-foreign-key', 'table_123_parent_id_table_122_id_fk');
    const text = readFileSync(part2, 'utf8').split('\n');
    expect(text[(fk?.location?.line ?? 0) - 1]).toContain("parentId: uuid('parent_id')");
  });
});
