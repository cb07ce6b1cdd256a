/**
 * `docs` on schemas loaded into real PostgreSQL (PGlite): relationships and their cardinality,
 * architecture decisions stated only when the schema shows them, the per-table pages, Mermaid
 * size limits on the large fixture, and the safety of writing into a directory.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { buildDocsModel, type DocsModel, type Relation, MARKER, writeDocs } from '../../src/docs/index.js';
import { renderDocsMarkdown, type MarkdownFile } from '../../src/docs/markdown.js';
import { SchemasageError } from '../../src/errors.js';
import { analyze, loadCatalog, type ReviewOutput } from '../../src/pipeline.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function reviewOf(sql: string): Promise<ReviewOutput> {
  const catalog: Catalog = await catalogFromSql(sql);
  return analyze({ catalog, source: { kind: 'sql', path: 'test.sql', layout: null }, timings: { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 }, fromCache: false }, 'docs');
}

function markdown(out: ReviewOutput, model: DocsModel): Map<string, string> {
  const files: MarkdownFile[] = renderDocsMarkdown(model, out.catalog, out.result, { outDir: join(tmp, 'unused'), cwd: process.cwd(), html: true, svg: true });
  return new Map(files.map((f) => [f.path, f.content]));
}

function mermaidBlocks(text: string): string[] {
  return [...text.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] as string);
}

const RELATIONS = `
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE profiles (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  bio text
);
CREATE TABLE posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES users (id),
  editor_id bigint REFERENCES users (id) ON DELETE SET NULL,
  title text NOT NULL
);
CREATE INDEX ON posts (author_id);
CREATE INDEX ON posts (editor_id);
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE post_tags (
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX ON post_tags (tag_id);
CREATE TABLE follows (
  follower_id bigint NOT NULL REFERENCES users (id),
  followee_id bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX ON follows (followee_id);
CREATE TABLE categories (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id bigint REFERENCES categories (id), name text NOT NULL);
CREATE INDEX ON categories (parent_id);
CREATE TABLE orders (shop_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (shop_id, id));
CREATE TABLE order_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id bigint NOT NULL,
  order_id bigint NOT NULL,
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, id) ON DELETE CASCADE
);
CREATE INDEX ON order_lines (shop_id, order_id);
-- Two FKs, but nullable and with a payload: an event, not a link table.
CREATE TABLE post_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id bigint REFERENCES posts (id),
  user_id bigint REFERENCES users (id),
  action text NOT NULL
);
-- A unique pair plus a surrogate id, but four more columns: an entity of its own.
CREATE TABLE reviews (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id bigint NOT NULL REFERENCES posts (id),
  user_id bigint NOT NULL REFERENCES users (id),
  rating int NOT NULL, body text, helpful int, created_at timestamptz,
  UNIQUE (post_id, user_id)
);
`;

describe('relations and cardinality', () => {
  let out: ReviewOutput;
  let model: DocsModel;
  beforeAll(async () => {
    out = await reviewOf(RELATIONS);
    model = buildDocsModel(out.catalog, out.result);
  });
  const fk = (child: string, columns: string[]): Relation | undefined =>
    model.relations.find((r) => r.cardinality !== 'M:N' && r.child.table === child && r.child.columns.join() === columns.join());
  const manyToMany = (via: string): Relation | undefined => model.relations.find((r) => r.cardinality === 'M:N' && r.via?.table === via);

  it('a unique NOT NULL FK is a required one-to-one', () => {
    expect(fk('profiles', ['user_id'])).toMatchObject({ cardinality: '1:1', optional: false, onDelete: 'cascade', parent: { table: 'users', columns: ['id'] } });
  });

  it('plain FKs are one-to-many, optional exactly when nullable', () => {
    expect(fk('posts', ['author_id'])).toMatchObject({ cardinality: '1:N', optional: false, onDelete: 'no action' });
    expect(fk('posts', ['editor_id'])).toMatchObject({ cardinality: '1:N', optional: true, onDelete: 'set null' });
  });

  it('a junction is M:N between the tables it links, and keeps its own two FKs', () => {
    expect(manyToMany('post_tags')).toMatchObject({
      parent: { table: 'posts' }, child: { table: 'tags' }, viaColumns: { parent: ['post_id'], child: ['tag_id'] },
    });
    expect(fk('post_tags', ['post_id'])?.cardinality).toBe('1:N');
    expect(fk('post_tags', ['tag_id'])?.cardinality).toBe('1:N');
    // Users following users: both ends are the same table.
    expect(manyToMany('follows')).toMatchObject({ parent: { table: 'users' }, child: { table: 'users' } });
  });

  it('tables with two FKs that are not link tables get no M:N', () => {
    expect(manyToMany('post_events')).toBeUndefined();
    expect(manyToMany('reviews')).toBeUndefined();
    expect(model.relations.filter((r) => r.cardinality === 'M:N')).toHaveLength(2);
    // reviews' FK columns are unique only as a pair: each FK alone is still 1:N.
    expect(fk('reviews', ['post_id'])?.cardinality).toBe('1:N');
  });

  it('self references and composite FKs', () => {
    expect(fk('categories', ['parent_id'])).toMatchObject({ cardinality: '1:N', optional: true, parent: { table: 'categories' } });
    expect(fk('order_lines', ['shop_id', 'order_id'])).toMatchObject({ cardinality: '1:N', optional: false, parent: { table: 'orders', columns: ['shop_id', 'id'] } });
  });

  it('the Mermaid diagram draws each FK with its cardinality', () => {
    const readme = markdown(out, model).get('README.md') as string;
    const [diagram] = mermaidBlocks(readme);
    expect(diagram).toContain('users ||--o| profiles : "user_id"');
    expect(diagram).toContain('users ||--o{ posts : "author_id"');
    expect(diagram).toContain('users |o--o{ posts : "editor_id"');
    expect(diagram).toContain('categories |o--o{ categories : "parent_id"');
    expect(diagram).toContain('orders ||--o{ order_lines : "shop_id, order_id"');
    expect(diagram).not.toMatch(/users \S+ posts : "author_id"\n[\s\S]*users \|\|--o\| posts/);
  });

  it('table pages list relationships from both ends', () => {
    const pages = markdown(out, model);
    const posts = pages.get('tables/public.posts.md') as string;
    expect(posts).toMatch(/\| N:1 \| \[`users`\]\(public\.users\.md\) \| `author_id` → `id` \| yes \| NO ACTION \|/);
    expect(posts).toMatch(/\| N:1 \| \[`users`\]\(public\.users\.md\) \| `editor_id` → `id` \| no \(nullable\) \| SET NULL \|/);
    expect(posts).toMatch(/\| \[`tags`\]\(public\.tags\.md\) \| \[`post_tags`\]\(public\.post_tags\.md\) \| `post_id` ↔ `tag_id` \|/);
    const users = pages.get('tables/public.users.md') as string;
    expect(users).toMatch(/\| 1:1 \| \[`profiles`\]\(public\.profiles\.md\) \|/);
    // reviews and post_events are not link tables: no many-to-many section on them.
    expect(pages.get('tables/public.reviews.md')).not.toContain('Many-to-many');
    expect(pages.get('tables/public.post_tags.md')).toContain('A junction table');
    expect(pages.get('tables/public.reviews.md')).not.toContain('A junction table');
  });
});

const SAAS = `
CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_live ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE TABLE memberships (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX ON memberships (user_id);
CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) <= 100),
  budget_cents bigint NOT NULL DEFAULT 0,
  currency char(3) NOT NULL DEFAULT 'EUR',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  UNIQUE (organization_id, name)
);
COMMENT ON TABLE projects IS 'A body of work an organization tracks. Owned by one organization.';
COMMENT ON COLUMN projects.budget_cents IS 'Planned spend in minor units';
CREATE TABLE invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  project_id uuid REFERENCES projects (id) ON DELETE SET NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  currency char(3) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON invoices (organization_id);
CREATE TABLE audit_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  action text NOT NULL
);
CREATE INDEX ON audit_events (organization_id);
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER invoices_set_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE ROLE app_user;
CREATE POLICY projects_tenant ON projects FOR SELECT TO app_user USING (organization_id = current_setting('app.org')::uuid);
CREATE POLICY invoices_tenant ON invoices FOR ALL TO app_user USING (organization_id = current_setting('app.org')::uuid) WITH CHECK (organization_id = current_setting('app.org')::uuid);
`;

const PLAIN = `
CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, full_name text NOT NULL);
CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors (id), title text NOT NULL, page_count int);
CREATE INDEX ON books (author_id);
CREATE TABLE shelves (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
`;

describe('architecture decisions', () => {
  let saas: DocsModel;
  let plain: DocsModel;
  let saasOut: ReviewOutput;
  beforeAll(async () => {
    saasOut = await reviewOf(SAAS);
    saas = buildDocsModel(saasOut.catalog, saasOut.result);
    const plainOut = await reviewOf(PLAIN);
    plain = buildDocsModel(plainOut.catalog, plainOut.result);
  });
  const topic = (m: DocsModel, t: string) => m.decisions.find((d) => d.topic === t);

  it('states only the decisions a schema shows', () => {
    expect(saas.decisions.map((d) => d.topic)).toEqual(['primary-keys', 'timestamps', 'soft-delete', 'multi-tenancy', 'rls', 'money', 'naming']);
    // No deleted_at, no tenant key, no RLS, no money, no created_at: nothing said about them.
    expect(plain.decisions.map((d) => d.topic)).toEqual(['primary-keys', 'naming']);
  });

  it('primary keys: the majority strategy, with the exceptions named', () => {
    const d = topic(saas, 'primary-keys');
    expect(d?.summary).toContain('4 of 6 tables use random UUID primary keys');
    expect(d?.summary).toContain('`gen_random_uuid()`');
    expect(d?.exceptions).toEqual(['audit_events']);
    expect(d?.summary).toContain('The junction table `memberships`');
    expect(topic(plain, 'primary-keys')?.summary).toContain('All 3 tables use `bigint` identity primary keys');
    expect(topic(plain, 'primary-keys')?.exceptions).toEqual([]);
  });

  it('timestamps: carriers, type, defaults, triggers and who lacks them', () => {
    const d = topic(saas, 'timestamps');
    expect(d?.summary).toContain('`created_at` on 4 of 6 tables');
    expect(d?.summary).toContain('timestamp columns are `timestamptz`');
    expect(d?.summary).toContain('BEFORE UPDATE triggers on 3 of 4 tables');
    expect(d?.exceptions).toEqual(expect.arrayContaining(['organizations', 'memberships', 'audit_events']));
    expect(d?.exceptions).not.toContain('projects');
  });

  it('soft delete: which tables, and the partial indexes over live rows', () => {
    const d = topic(saas, 'soft-delete');
    expect(d?.summary).toContain('Rows of 2 of 6 tables are soft-deleted');
    expect(d?.summary).toContain('1 partial index covers only live rows (`WHERE deleted_at IS NULL`)');
    // The UNIQUE (organization_id, name) on projects still counts deleted projects.
    expect(d?.exceptions).toEqual(['projects(organization_id, name)']);
  });

  it('multi-tenancy, RLS and money from structure', () => {
    expect(topic(saas, 'multi-tenancy')?.summary).toContain('through `organization_id`');
    expect(topic(saas, 'multi-tenancy')?.summary).toContain('Users join tenants through `memberships`');
    const rls = topic(saas, 'rls');
    expect(rls?.summary).toContain('enabled on 2 of 6 tables, with 2 policies for `app_user`');
    expect(rls?.exceptions).toEqual(expect.arrayContaining(['organizations', 'users', 'audit_events']));
    expect(rls?.exceptions).not.toContain('projects');
    const money = topic(saas, 'money');
    expect(money?.summary).toContain('integer minor units (cents) in both money columns');
    expect(money?.summary).toContain('Both tables with amounts carry a currency column');
    expect(money?.exceptions).toEqual([]);
  });

  it('the README writes every decision down with its evidence', () => {
    const readme = markdown(saasOut, saas).get('README.md') as string;
    expect(readme.startsWith(`${MARKER}\n# `)).toBe(true);
    expect(readme).toContain('### 3. Soft delete');
    expect(readme).toContain('Evidence: `projects.deleted_at timestamp with time zone`, `users.deleted_at timestamp with time zone`');
    expect(readme).toMatch(/\| \[`projects`\]\(tables\/public\.projects\.md\) \| \[[^\]]+\]\(domains\/[a-z0-9-]+\.md\) \| A body of work an organization tracks\. \|/);
  });

  it('per-table pages: columns with key markers, constraints, indexes, policies, triggers, findings, provenance', () => {
    const pages = markdown(saasOut, saas);
    const projects = pages.get('tables/public.projects.md') as string;
    expect(projects).toContain('A body of work an organization tracks. Owned by one organization.');
    expect(projects).toMatch(/Defined in `test\.sql:\d+`/);
    expect(projects).toMatch(/\| `id` \| `uuid` \| no \| `gen_random_uuid\(\)` \| PK \|/);
    expect(projects).toMatch(/\| `organization_id` \| `uuid` \| no \|  \| FK \|/);
    expect(projects).toMatch(/\| `budget_cents` \| `bigint` \| no \| `0` \|  \| Planned spend in minor units \|/);
    expect(projects).toMatch(/\| `deleted_at` \| `timestamp with time zone` \| yes \|/);
    expect(projects).toContain('`CHECK (char_length(name) <= 100)`');
    expect(projects).toMatch(/→ \[`organizations`\]\(public\.organizations\.md\) \(`id`\); ON DELETE CASCADE, ON UPDATE NO ACTION/);
    expect(projects).toContain('| `projects_tenant` | SELECT | permissive | app_user |');
    expect(projects).toContain('| `projects_set_updated_at` | BEFORE | UPDATE | FOR EACH ROW | `set_updated_at()` | yes |');
    expect(projects).toMatch(/\| 1:N \| \[`invoices`\]\(public\.invoices\.md\) \| `project_id` → `id` \| no \(nullable\) \| SET NULL \|/);
    // invoices.project_id has no index: the review's finding is listed on invoices, not on organizations.
    const finding = saasOut.result.findings.find((f) => f.rule === 'unindexed-foreign-key');
    expect(finding).toBeDefined();
    expect(pages.get('tables/public.invoices.md')).toContain(`| ${finding?.id} | ${finding?.severity} |`);
    expect(pages.get('tables/public.organizations.md')).not.toContain('unindexed-foreign-key');
    const users = pages.get('tables/public.users.md') as string;
    expect(users).toContain('| `users_email_live` | `public.users USING btree (lower(email)) WHERE (deleted_at IS NULL)` | yes | `deleted_at IS NULL` |');
    // No RLS on users: no policy section.
    expect(users).not.toContain('## Row level security');
    expect(pages.get('tables/public.audit_events.md')).not.toContain('## Triggers');
  });
});

describe('large schemas', () => {
  let files: Map<string, string>;
  let model: DocsModel;
  beforeAll(async () => {
    const loaded = await loadCatalog(resolve(import.meta.dirname, '../fixtures/large/schema.sql'));
    const out = analyze(loaded, 'docs');
    model = buildDocsModel(out.catalog, out.result);
    files = markdown(out, model);
  });

  it('keeps every Mermaid diagram within 40 entities, one per domain page', () => {
    const readme = files.get('README.md') as string;
    expect(model.tables.length).toBeGreaterThan(300);
    expect(mermaidBlocks(readme)).toEqual([]);
    for (const d of model.domains) expect(readme).toContain(`](domains/${d.slug}.md)`);
    let diagrams = 0;
    for (const d of model.domains) {
      const blocks = mermaidBlocks(files.get(`domains/${d.slug}.md`) as string);
      for (const b of blocks) {
        diagrams++;
        const entities = b.split('\n').filter((l) => /^ {2}[A-Za-z_][\w-]*( \{)?$/.test(l));
        expect(entities.length, d.name).toBeLessThanOrEqual(40);
      }
    }
    expect(diagrams).toBeGreaterThanOrEqual(12);
  });

  it('caps a domain of 60 tables at its 40 most connected and says so', async () => {
    const sql = ['CREATE TABLE warehouses (id int PRIMARY KEY);', 'CREATE TABLE racks (id int PRIMARY KEY, warehouse_id int NOT NULL REFERENCES warehouses (id));']
      .concat(Array.from({ length: 58 }, (_, i) => `CREATE TABLE item_${String(i).padStart(2, '0')}_slots (id int PRIMARY KEY, warehouse_id int NOT NULL REFERENCES warehouses (id));`))
      .join('\n');
    const out = await reviewOf(sql);
    const big = buildDocsModel(out.catalog, out.result);
    const pages = markdown(out, big);
    const domain = big.domains.find((d) => d.tables.length === 60);
    expect(domain).toBeDefined();
    const page = pages.get(`domains/${domain?.slug}.md`) as string;
    expect(page).toContain('Showing the 40 most connected of its 60 tables');
    const [diagram] = mermaidBlocks(page);
    expect(diagram?.split('\n').filter((l) => /^ {2}[A-Za-z_][\w-]*( \{)?$/.test(l))).toHaveLength(40);
    // The hub is the most connected: it stays, with the first of its equally connected neighbours.
    expect(diagram).toContain('warehouses ||--o{ item_00_slots : "warehouse_id"');
    expect(diagram).not.toContain('item_57_slots');
    expect(mermaidBlocks(pages.get('README.md') as string)).toEqual([]);
  });

  it('writes one page per table and names the planted table without a primary key', () => {
    expect([...files.keys()].filter((p) => p.startsWith('tables/'))).toHaveLength(model.tables.length);
    expect(model.decisions.find((d) => d.topic === 'primary-keys')?.summary).toContain('`legacy_import_rows` has no primary key');
  });
});

describe('writing the docs directory', () => {
  let small: ReviewOutput;
  let smaller: ReviewOutput;
  beforeAll(async () => {
    small = await reviewOf(PLAIN);
    smaller = await reviewOf(PLAIN.replace(/CREATE TABLE shelves[^;]*;/, ''));
  });
  const fresh = (name: string): string => {
    const dir = join(tmp, name);
    rmSync(dir, { recursive: true, force: true });
    return dir;
  };

  it('marks every file it writes', async () => {
    const dir = fresh('marks');
    const res = await writeDocs(small, { out: dir });
    expect(res.written).toEqual(expect.arrayContaining(['README.md', 'index.html', 'schema.svg', 'tables/public.books.md', 'tables/public.shelves.md']));
    for (const f of res.written) expect(readFileSync(join(dir, f), 'utf8').slice(0, 512)).toContain(MARKER);
    expect(readFileSync(join(dir, 'schema.svg'), 'utf8')).toContain('<svg');
  });

  it('refuses to overwrite a file it did not write, and writes nothing at all then', async () => {
    const dir = fresh('foreign');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'README.md'), '# Our handbook\n');
    const err = await writeDocs(small, { out: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toContain('README.md');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# Our handbook\n');
    expect(readdirSync(dir)).toEqual(['README.md']);
    // --force is the user's explicit say-so.
    await writeDocs(small, { out: dir, force: true });
    expect(readFileSync(join(dir, 'README.md'), 'utf8').startsWith(MARKER)).toBe(true);
  });

  it('removes stale generated pages, and only those', async () => {
    const dir = fresh('stale');
    await writeDocs(small, { out: dir, format: 'md' });
    expect(existsSync(join(dir, 'tables/public.shelves.md'))).toBe(true);
    writeFileSync(join(dir, 'tables/our-notes.md'), 'hand-written notes\n');
    const res = await writeDocs(smaller, { out: dir, format: 'md' });
    // shelves was the only table related to nothing: its "Other" domain page goes too.
    expect(res.removed).toEqual(['tables/public.shelves.md', 'domains/other.md']);
    expect(existsSync(join(dir, 'domains/other.md'))).toBe(false);
    expect(existsSync(join(dir, 'tables/public.shelves.md'))).toBe(false);
    expect(readFileSync(join(dir, 'tables/our-notes.md'), 'utf8')).toBe('hand-written notes\n');
    expect(existsSync(join(dir, 'tables/public.books.md'))).toBe(true);
    // --format md writes no HTML.
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('--format html writes the HTML and the diagram, and leaves Markdown pages alone', async () => {
    const dir = fresh('html-only');
    await writeDocs(small, { out: dir, format: 'md' });
    const res = await writeDocs(smaller, { out: dir, format: 'html' });
    expect(res.written).toEqual(['index.html', 'schema.svg']);
    expect(res.removed).toEqual([]);
    // The Markdown of the earlier run is not this run's business.
    expect(existsSync(join(dir, 'tables/public.shelves.md'))).toBe(true);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html.startsWith(`${MARKER}\n<!doctype html>`)).toBe(true);
    expect(html).toContain('books');
    expect(html).not.toContain('shelves');
  });

  it('refuses to write into the source folder', async () => {
    const src = fresh('src');
    mkdirSync(join(src, 'migrations'), { recursive: true });
    const err = await writeDocs(small, { out: join(src, 'migrations', 'docs'), protect: [join(src, 'migrations')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemasageError);
    expect((err as Error).message).toContain('inside the source');
    expect(existsSync(join(src, 'migrations', 'docs'))).toBe(false);
  });

  it('writes the same bytes for the same schema', async () => {
    const a = fresh('same-a');
    const b = fresh('same-b');
    const ra = await writeDocs(small, { out: a, format: 'md' });
    await writeDocs(small, { out: b, format: 'md' });
    for (const f of ra.written) expect(readFileSync(join(b, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
  });
});
