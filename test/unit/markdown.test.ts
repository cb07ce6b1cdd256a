import { describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { extractSqlBlocks } from '../../src/sources/design/fences.js';
import { designDocSql, stubsPath } from '../../src/sources/markdown.js';
import { splitStatements } from '../../src/sources/split.js';
import type { Statement } from '../../src/sources/types.js';

const md = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The statements the pipeline would apply, in order, from a doc's SQL files. */
async function applied(text: string): Promise<Statement[]> {
  const { sql } = await designDocSql(text, 'doc.md');
  const out: Statement[] = [];
  for (const f of sql) out.push(...(await splitStatements(f, out.length)));
  return out;
}

async function docError(text: string): Promise<SchemasageError> {
  try {
    await designDocSql(text, 'doc.md');
  } catch (e) {
    expect(e).toBeInstanceOf(SchemasageError);
    return e as SchemasageError;
  }
  throw new Error('expected the doc to be rejected');
}

const stubText = async (text: string) => (await designDocSql(text, 'doc.md')).sql.find((f) => f.path === stubsPath('doc.md'))?.text ?? '';

describe('SQL blocks of a Markdown design doc', () => {
  it('keeps SQL lines where they are, empties every other line and ends each block with `;`', () => {
    const doc = md('# Orders', '', 'Prose about orders.', '', '```sql', 'CREATE TABLE orders (', '  id bigint PRIMARY KEY', ')', '```', '', 'More prose.');
    const { text, blocks } = extractSqlBlocks(doc);
    const lines = text.split('\n');
    expect(blocks).toHaveLength(1);
    expect(lines.length).toBe(doc.split('\n').length);
    expect(lines.slice(0, 5)).toEqual(['', '', '', '', '']);
    expect(lines.slice(5, 8)).toEqual(['CREATE TABLE orders (', '  id bigint PRIMARY KEY', ')']);
    expect(lines[8]).toBe(';');
    expect(lines.slice(9).every((l) => l === '')).toBe(true);
  });

  it('reads ~~~ fences, info strings with attributes, the Postgres tags and blocks inside list items', () => {
    const doc = md(
      '~~~sql', 'CREATE TABLE a (id int);', '~~~',
      '```sql title="b.sql" {2}', 'CREATE TABLE b (id int);', '```',
      '```PostgreSQL', 'CREATE TABLE c (id int);', '```',
      '```pgsql', 'CREATE TABLE d (id int);', '```',
      '```postgres', 'CREATE TABLE e (id int);', '```',
      '1. Then:', '', '   ```sql', '   CREATE TABLE f (id int);', '   ```',
    );
    const { text, blocks } = extractSqlBlocks(doc);
    expect(blocks.map((b) => b.language)).toEqual(['sql', 'sql', 'postgresql', 'pgsql', 'postgres', 'sql']);
    // The list item's block keeps its indentation, so its column is the doc's.
    expect(text.split('\n')[18]).toBe('   CREATE TABLE f (id int);');
  });

  it('ignores blocks in other languages, untagged blocks, inline code, HTML comments and fences inside other blocks', () => {
    const doc = md(
      '```sqlite', 'CREATE TABLE a (id int);', '```',
      '```', 'CREATE TABLE b (id int);', '```',
      'Run ```sql SELECT 1``` to check.',
      '<!--', '```sql', 'CREATE TABLE c (id int);', '```', '-->',
      '````markdown', '```sql', 'CREATE TABLE d (id int);', '```', '````',
      '```json', '{"sql": true}', '```',
    );
    const { text, blocks, all } = extractSqlBlocks(doc);
    expect(blocks).toEqual([]);
    expect(text.trim()).toBe('');
    expect(all.map((b) => b.language)).toEqual(['sqlite', '', 'markdown', 'json']);
  });

  it('does not close a ~~~ block with ``` nor a ```` block with a shorter fence', () => {
    const doc = md('~~~sql', 'CREATE TABLE a (', '```', '  id int', ');', '~~~', '````sql', 'CREATE TABLE b (id int);', '```', '````');
    const { blocks, text } = extractSqlBlocks(doc);
    expect(blocks.map((b) => [b.openLine, b.closeLine])).toEqual([[1, 6], [7, 10]]);
    expect(text.split('\n')[2]).toBe('```');
  });

  it('turns block-quote markers into spaces, so quoted SQL parses at its own columns', () => {
    const doc = md('> Proposed:', '>', '> ```sql', '> CREATE TABLE q (id int);', '> ```', 'After the quote.');
    const { text, blocks } = extractSqlBlocks(doc);
    expect(blocks).toHaveLength(1);
    expect(text.split('\n')[3]).toBe('  CREATE TABLE q (id int);');
  });

  it('runs an unclosed block to the end of the doc', () => {
    const { blocks, text } = extractSqlBlocks(md('```sql', 'CREATE TABLE a (id int)'));
    expect(blocks[0]?.closeLine).toBeNull();
    expect(text).toContain('CREATE TABLE a (id int)');
    expect(text.trimEnd().endsWith(';')).toBe(true);
  });
});

describe('design doc statements', () => {
  it('keep their line and column in the .md, even when a block omits its final `;`', async () => {
    const doc = md('# Doc', '', '```sql', 'CREATE TABLE a (id int)', '```', '', '- item', '', '  ```sql', '  CREATE TABLE b (a_id int REFERENCES a (id))', '  ```');
    const st = await applied(doc);
    expect(st.map((s) => [s.file, s.line, s.column, s.sql.split(' (')[0]])).toEqual([
      ['doc.md', 4, 1, 'CREATE TABLE a'],
      ['doc.md', 10, 3, 'CREATE TABLE b'],
    ]);
  });

  it('sets aside queries and data changes with a note, and applies the schema around them', async () => {
    const doc = md('```sql', 'CREATE TABLE a (id int PRIMARY KEY);', "INSERT INTO a VALUES (1);", 'SELECT * FROM a WHERE id = $1;', 'EXPLAIN SELECT 1;', '```');
    const { notes } = await designDocSql(doc, 'doc.md');
    expect((await applied(doc)).map((s) => s.sql)).toEqual(['CREATE TABLE a (id int PRIMARY KEY)']);
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'skipped', message: expect.stringMatching(/skipped 3 statements in doc.md that are queries or data changes, not schema \(lines 3, 4, 5\)/) }));
  });

  it('rejects a doc without SQL blocks, saying which tags it looked for and what the doc has', async () => {
    const e = await docError(md('# Notes', '', '```ts', 'const x = 1;', '```', '```', 'orders 1──* items', '```'));
    expect(e.message).toBe('doc.md has no SQL code blocks');
    expect(e.hint).toMatch(/```sql, ```postgres, ```postgresql, ```pgsql/);
    expect(e.hint).toMatch(/2 fenced blocks are tagged ts, \(untagged\)/);
  });

  it('rejects a malformed block at its line and column in the doc', async () => {
    const e = await docError(md('# Doc', '', 'Prose.', '', '```sql', 'CREATE TABLE ok (id int);', 'CREATE TABLE broken (', '  id int,,', ');', '```'));
    expect(e.message).toMatch(/syntax error at or near ","/);
    expect(e.location).toEqual({ file: 'doc.md', line: 8, column: 10 });
  });

  it('rejects a doc whose SQL is only queries', async () => {
    const e = await docError(md('```sql', 'SELECT count(*) FROM orders;', '```'));
    expect(e.message).toMatch(/only queries and data changes \(1 statement\), no schema definitions/);
    expect(e.location).toEqual({ file: 'doc.md', line: 2, column: 1 });
  });
});

describe('stubs for tables a design doc references but does not define', () => {
  it('creates the referenced table first, keyed on the referenced columns with the referencing column type', async () => {
    const doc = md('```sql', 'CREATE TABLE posts (', '  id bigint PRIMARY KEY,', '  author_id uuid NOT NULL REFERENCES users (id),', '  editor_id uuid REFERENCES users', ');', '```');
    const { sql, plan } = await designDocSql(doc, 'doc.md');
    expect(sql.map((f) => f.path)).toEqual(['doc.md (stubs for referenced tables)', 'doc.md']);
    expect(plan.stubs).toEqual([{ schema: 'public', name: 'users', columns: [{ name: 'id', type: 'uuid' }], keys: [['id']] }]);
    expect(sql[0]?.text).toContain('CREATE TABLE IF NOT EXISTS public.users (id uuid, PRIMARY KEY (id));');
  });

  it('types a stub key from a table-level or composite foreign key and adds UNIQUE for a second referenced column set', async () => {
    const doc = md(
      '```sql',
      'CREATE TABLE grants (',
      '  org_id integer NOT NULL,',
      '  user_id varchar(36) NOT NULL,',
      '  email text,',
      '  FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id),',
      '  FOREIGN KEY (email) REFERENCES accounts.people (email)',
      ');',
      'ALTER TABLE grants ADD CONSTRAINT grants_member_fk FOREIGN KEY (user_id) REFERENCES memberships (member_code);',
      '```',
    );
    const text = await stubText(doc);
    expect(text).toContain('CREATE SCHEMA IF NOT EXISTS accounts;');
    expect(text).toContain('CREATE TABLE IF NOT EXISTS public.memberships (org_id int4, user_id varchar(36), member_code varchar(36), PRIMARY KEY (org_id, user_id), UNIQUE (member_code));');
    expect(text).toContain('CREATE TABLE IF NOT EXISTS accounts.people (email text, PRIMARY KEY (email));');
  });

  it('gives an altered table the columns the doc touches, and not those it adds', async () => {
    const doc = md(
      '```sql',
      'ALTER TABLE accounts ADD COLUMN plan_id bigint, ALTER COLUMN email SET NOT NULL;',
      'ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12, 2);',
      'CREATE INDEX accounts_plan_idx ON accounts (plan_id, region);',
      "COMMENT ON COLUMN accounts.tier IS 'pricing tier';",
      '```',
    );
    const { plan } = await designDocSql(doc, 'doc.md');
    expect(plan.stubs).toEqual([{
      schema: 'public', name: 'accounts', keys: [],
      columns: [{ name: 'email', type: 'text' }, { name: 'balance', type: 'numeric(12, 2)' }, { name: 'region', type: 'text' }, { name: 'tier', type: 'text' }],
    }]);
  });

  it('types a key from a domain the doc defines by its base type (the domain does not exist yet when stubs run)', async () => {
    const doc = md('```sql', 'CREATE DOMAIN user_ref AS uuid;', 'CREATE TABLE notes (id int PRIMARY KEY, owner user_ref REFERENCES owners (id));', '```');
    expect(await stubText(doc)).toContain('public.owners (id uuid, PRIMARY KEY (id))');
  });

  it('makes no stub for tables the doc defines (later, in another schema on the search_path) or only touches with IF EXISTS, nor for CTE names', async () => {
    const doc = md(
      '```sql',
      'SET search_path = app, public;',
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      'CREATE TABLE app.customers (id bigint PRIMARY KEY);',
      'ALTER TABLE IF EXISTS legacy_orders ALTER COLUMN note SET NOT NULL;',
      'CREATE VIEW recent AS WITH r AS (SELECT * FROM orders) SELECT * FROM r;',
      '```',
    );
    const { plan } = await designDocSql(doc, 'doc.md');
    expect(plan.stubs).toEqual([]);
    expect(plan.schemas).toEqual(['app']);
  });

  it('applies a table after the section that defines what it references, keeping each statement at its line', async () => {
    const doc = md('## Orders', '```sql', '-- schemasage-ignore money-as-float: legacy', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total float);', '```', '## Customers', '```sql', 'CREATE TABLE customers (id bigint PRIMARY KEY);', '```');
    const st = await applied(doc);
    expect(st.map((s) => [s.line, s.sql.split(' (')[0]])).toEqual([[8, 'CREATE TABLE customers'], [4, 'CREATE TABLE orders']]);
    expect(st[1]?.ignores).toEqual(['money-as-float']);
    const { notes, plan } = await designDocSql(doc, 'doc.md');
    expect(plan.stubs).toEqual([]);
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'info', message: expect.stringMatching(/applied 1 statement \(first: CREATE TABLE orders \(id … at line 4\)/) }));
  });

  it('sets aside policies and triggers on a stub and views that read one, since their columns are unknown', async () => {
    const doc = md(
      '```sql',
      'CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint REFERENCES users (id));',
      'CREATE POLICY own ON users USING (id = current_setting(\'app.user\')::bigint);',
      'CREATE VIEW author_names AS SELECT u.name FROM users u;',
      "COMMENT ON VIEW author_names IS 'x';",
      'CREATE VIEW post_ids AS SELECT id FROM posts;',
      '```',
    );
    const { notes } = await designDocSql(doc, 'doc.md');
    const skipped = notes.filter((n) => n.kind === 'skipped').map((n) => n.message);
    expect(skipped).toEqual([
      'skipped CREATE POLICY own ON … at doc.md:3: it is on users, which the doc does not define',
      'skipped CREATE VIEW author_names AS … at doc.md:4: it reads users, which the doc does not define (its columns are unknown)',
    ]);
    expect((await applied(doc)).map((s) => s.sql.split(' ').slice(0, 3).join(' '))).toEqual([
      'SET check_function_bodies =', 'CREATE TABLE IF', 'CREATE TABLE posts', 'COMMENT ON VIEW', 'CREATE VIEW post_ids',
    ]);
  });

  it('sets aside a DROP of a table the doc never defines, but applies drops of its own objects and reads of the system catalogs', async () => {
    const doc = md(
      '```sql',
      'CREATE TABLE events (id bigint PRIMARY KEY, kind text);',
      'CREATE INDEX events_kind_idx ON events (kind);',
      'DROP INDEX events_kind_idx;',
      'DROP TABLE legacy_events;',
      'CREATE VIEW table_sizes AS SELECT c.relname FROM pg_class c JOIN information_schema.tables t ON t.table_name = c.relname;',
      '```',
    );
    const { plan, notes } = await designDocSql(doc, 'doc.md');
    expect(plan.stubs).toEqual([]);
    expect(notes.filter((n) => n.kind === 'skipped').map((n) => n.message)).toEqual(['skipped DROP TABLE legacy_events at doc.md:5: it drops legacy_events, which the doc does not define']);
    expect((await applied(doc)).map((s) => s.sql.split(' ').slice(0, 2).join(' '))).toEqual(['CREATE TABLE', 'CREATE INDEX', 'DROP INDEX', 'CREATE VIEW']);
  });

  it('creates schemas the doc uses but never creates; one it creates itself moves before the stubs that live in it', async () => {
    const doc = md('```sql', 'CREATE SCHEMA billing;', 'CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES billing.customers (id));', 'CREATE TABLE audit.events (id bigint PRIMARY KEY);', '```');
    const { plan } = await designDocSql(doc, 'doc.md');
    expect(plan.schemas.sort()).toEqual(['audit', 'billing']);
    const st = await applied(doc);
    expect(st.map((s) => s.sql)).toEqual([
      'SET check_function_bodies = off', 'CREATE SCHEMA IF NOT EXISTS audit', 'CREATE SCHEMA IF NOT EXISTS billing',
      'CREATE TABLE IF NOT EXISTS billing.customers (id int8, PRIMARY KEY (id))',
      'CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES billing.customers (id))',
      'CREATE TABLE audit.events (id bigint PRIMARY KEY)',
    ]);
  });
});
