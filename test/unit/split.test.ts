import { describe, expect, it } from 'vitest';
import type { Node } from 'libpg-query';
import { SchemasageError } from '../../src/errors.js';
import { prepareSql } from '../../src/sources/preprocess.js';
import { nodeLocation, splitStatements } from '../../src/sources/split.js';

const split = (text: string, path = 'schema.sql') => splitStatements({ path, text }, 0);

async function parseError(text: string): Promise<SchemasageError> {
  try {
    await split(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemasageError);
    return e as SchemasageError;
  }
  throw new Error('expected a syntax error');
}

describe('splitStatements', () => {
  it('gives each statement its exact text and the line and column of its first token', async () => {
    const sql = 'CREATE TABLE a (id int);\n\n  -- the b table\n  CREATE TABLE b (\n    id int\n  ) ; /* trailing */ SELECT 1';
    const stmts = await split(sql);
    expect(stmts.map((s) => ({ sql: s.sql, line: s.line, column: s.column, endLine: s.endLine, index: s.index }))).toEqual([
      { sql: 'CREATE TABLE a (id int)', line: 1, column: 1, endLine: 1, index: 0 },
      { sql: 'CREATE TABLE b (\n    id int\n  )', line: 4, column: 3, endLine: 6, index: 1 },
      { sql: 'SELECT 1', line: 6, column: 22, endLine: 6, index: 2 },
    ]);
    expect(stmts[0]?.file).toBe('schema.sql');
    expect(Object.keys(stmts[0]?.ast as object)).toEqual(['CreateStmt']);
  });

  it('numbers statements from startIndex', async () => {
    const stmts = await splitStatements({ path: 'x.sql', text: 'SELECT 1; SELECT 2;' }, 7);
    expect(stmts.map((s) => s.index)).toEqual([7, 8]);
  });

  it('converts byte offsets after multibyte comments and string literals', async () => {
    const sql = "-- ünïcödé 😀 comment\nINSERT INTO t VALUES ('crème brûlée 🍮', 'ß');\n/* 日本語 */ CREATE TABLE \"tàble\" (naïve text);\nSELECT '😀😀';";
    const stmts = await split(sql);
    expect(stmts.map((s) => [s.sql, s.line, s.column])).toEqual([
      ["INSERT INTO t VALUES ('crème brûlée 🍮', 'ß')", 2, 1],
      ['CREATE TABLE "tàble" (naïve text)', 3, 11],
      ["SELECT '😀😀'", 4, 1],
    ]);
  });

  it('keeps a dollar-quoted body with semicolons as one statement', async () => {
    const sql = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  PERFORM 1;\n  RETURN 2;\nEND;\n$fn$;\nSELECT f();";
    const stmts = await split(sql);
    expect(stmts).toHaveLength(2);
    expect(stmts[0]?.endLine).toBe(6);
    expect(stmts[1]).toMatchObject({ sql: 'SELECT f()', line: 7 });
  });

  it('drops a trailing comment so that appending a semicolon stays safe', async () => {
    const stmts = await split('SELECT 1 -- one\n;\nSELECT 2 -- two');
    expect(stmts.map((s) => s.sql)).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('returns nothing for empty, blank or comment-only text', async () => {
    expect(await split('')).toEqual([]);
    expect(await split('  \n\t')).toEqual([]);
    expect(await split('-- nothing here\n/* nor here */\n;;')).toEqual([]);
  });

  it('reports syntax errors at the offending token, counting characters not bytes', async () => {
    const err = await parseError("-- 😀 é\nSELECT 'ü😀' ,, 1;");
    expect(err.message).toBe('syntax error at or near ","');
    expect(err.location).toEqual({ file: 'schema.sql', line: 2, column: 15 });
  });

  it('reports a statement cut short at the end of the input', async () => {
    const err = await parseError('CREATE TABLE ok (id int);\nCREATE TABLE broken (\n  id int');
    expect(err.message).toBe('syntax error at end of input');
    expect(err.location).toEqual({ file: 'schema.sql', line: 3, column: 9 });
  });

  it('reads -- schemasage-ignore comments directly before a statement', async () => {
    const sql = [
      'CREATE TABLE a (id int); -- schemasage-ignore no-primary-key: belongs to a, not b',
      '-- schemasage-ignore no-primary-key, rls-disabled: staging copy',
      '/* schemasage-ignore timestamp-without-time-zone */',
      'CREATE TABLE b (id int, at timestamp);',
      'CREATE TABLE c (id int);',
    ].join('\n');
    const stmts = await split(sql);
    expect(stmts.map((s) => s.ignores)).toEqual([[], ['no-primary-key', 'rls-disabled', 'timestamp-without-time-zone'], []]);
  });

  it('does not read ignore markers inside string literals or mentioned in prose', async () => {
    const stmts = await split("-- remember: schemasage ignores nothing here\nCOMMENT ON TABLE t IS '-- schemasage-ignore no-primary-key';\nCREATE TABLE t (id int);");
    expect(stmts.map((s) => s.ignores)).toEqual([[], []]);
  });

  it('nodeLocation points at a node inside the statement (column definitions)', async () => {
    const sql = "-- é😀\nSELECT 1;\nCREATE TABLE orders ( -- 'ünïcode'\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL\n);";
    const [, create] = await split(sql);
    const node = create?.ast as Node;
    if (!create || !('CreateStmt' in node)) throw new Error('expected CREATE TABLE');
    const cols = (node.CreateStmt.tableElts ?? []).flatMap((e) => ('ColumnDef' in e ? [e.ColumnDef] : []));
    expect(cols.map((c) => [c.colname, nodeLocation(create, c.location)])).toEqual([
      ['id', { file: 'schema.sql', line: 4, column: 3 }],
      ['customer_id', { file: 'schema.sql', line: 5, column: 3 }],
    ]);
    expect(nodeLocation(create, undefined)).toEqual({ file: 'schema.sql', line: 3, column: 1 });
  });

  it('splits 20,000 statements with exact locations (speed is measured in npm run bench, not here)', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) parts.push(`-- table ${i} é\nCREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());`);
    const text = parts.join('\n');
    await split('SELECT 1');
    const stmts = await split(prepareSql({ path: 'big.sql', text }).text);
    expect(stmts).toHaveLength(20_000);
    expect(stmts[19_999]).toMatchObject({ line: 40_000, column: 1, index: 19_999 });
  });
});

describe('prepareSql', () => {
  it('blanks removed text without moving anything that remains', () => {
    const text = '\\connect shop\nCREATE TABLE t (id int);\nCOPY t (id) FROM stdin;\n1\n2\n\\.\nSELECT 1;\n';
    const out = prepareSql({ path: 'd.sql', text });
    expect(out.text).toHaveLength(text.length);
    expect(out.text.split('\n').map((l) => l.trim())).toEqual(['', 'CREATE TABLE t (id int);', '', '', '', '', 'SELECT 1;', '']);
    expect(out.notes.map((n) => n.message)).toEqual([
      'skipped psql meta-command \\connect at d.sql:1',
      'd.sql: 1 COPY data block skipped; schemasage reviews structure, not data',
    ]);
  });

  it('ignores backslashes and markers inside strings and function bodies', () => {
    const text = "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$\n\\not a meta command\n-- +goose Down\nSELECT 'x'\n$$;\nSELECT '\n\\also not';\n";
    const out = prepareSql({ path: 'f.sql', text });
    expect(out.text).toBe(text);
    expect(out.notes).toEqual([]);
  });

  it('treats the COPY data of a dump as opaque, whatever it contains', () => {
    const text = "COPY t (a) FROM stdin;\nit's; $$ /* \"\n\\.\nCREATE TABLE after (id int);\n";
    const out = prepareSql({ path: 'd.sql', text });
    expect(out.text.trim()).toBe('CREATE TABLE after (id int);');
  });

  it('handles CRLF files: sections, meta-commands and COPY blocks, lines intact', async () => {
    const text = '-- +goose Up\r\nCREATE TABLE a (\r\n  id int\r\n);\r\n\\set x 1\r\nCOPY a (id) FROM stdin;\r\n1\r\n\\.\r\nSELECT 1;\r\n-- +goose Down\r\nDROP TABLE a;\r\n';
    const out = prepareSql({ path: 'c.sql', text });
    expect(out.notes.map((n) => n.location?.line)).toEqual([5, 6]);
    expect((await split(out.text)).map((s) => [s.sql, s.line, s.endLine])).toEqual([['CREATE TABLE a (\r\n  id int\r\n)', 2, 4], ['SELECT 1', 9, 9]]);
  });

  it('strips a byte-order mark', async () => {
    const out = prepareSql({ path: 'bom.sql', text: '\ufeffSELECT 1;' });
    expect((await split(out.text))[0]).toMatchObject({ sql: 'SELECT 1', column: 2 });
  });
});
