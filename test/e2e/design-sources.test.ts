/** DBML files and Markdown design docs through the real CLI: exit codes, locations and messages. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-e2e-design-'));
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };
const DBML = 'test/fixtures/dbml/ticketing.dbml';
const DOC = 'test/fixtures/markdown/billing-design.md';

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('schemasage review <file>.dbml', () => {
  it('reviews the design, points at DBML lines and exits 1 on high findings', async () => {
    const r = await runCli(['review', DBML], { env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DBML · PGlite/m);
    expect(r.stdout).toMatch(/money-as-float\s+ticket_types\.price\s+test\/fixtures\/dbml\/ticketing\.dbml:110:3/);
    expect(r.stdout).not.toMatch(/generated DDL/);
  });

  it('exits 0 with --fail-on none', async () => {
    expect((await runCli(['review', DBML, '--fail-on', 'none'], { env })).code).toBe(0);
  });

  it('reports invalid DBML as file:line:column with exit 2 and no stack trace', async () => {
    const file = write('broken.dbml', 'Table orders {\n  id bigint [pk]\n  total decimal(12,2) [not null\n}\n');
    const r = await runCli(['review', file], { env, cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^schemasage: error: broken\.dbml:4:1: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('schemasage review <doc>.md', () => {
  it('writes JSON whose findings all point into the design doc', async () => {
    const r = await runCli(['review', DOC, '--format', 'json'], { env });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { source: { kind: string }; findings: Array<{ rule: string; location: { file: string; line: number } | null }> };
    expect(json.source.kind).toBe('markdown');
    expect(json.findings.length).toBeGreaterThan(0);
    expect(json.findings.filter((f) => f.location && f.location.file !== DOC)).toEqual([]);
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: 'money-as-float', location: expect.objectContaining({ file: DOC, line: 78 }) }));
  });

  it('exits 0 on a doc that only references tables it leaves out and gets no high findings', async () => {
    const doc = write('tags.md', [
      '# Tags', '',
      '```sql',
      'CREATE TABLE post_tags (',
      '  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,',
      '  tag text NOT NULL,',
      '  PRIMARY KEY (post_id, tag)',
      ');',
      '```', '',
    ].join('\n'));
    const r = await runCli(['review', doc, '--fail-on', 'high'], { env, cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/references 1 table it does not define \(posts\)/);
  });

  it('rejects a doc without SQL blocks with exit 2 and says what it looked for', async () => {
    const doc = write('prose.md', '# Design\n\nJust prose.\n\n```bash\nnpm run migrate\n```\n');
    const r = await runCli(['review', doc], { env, cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/prose\.md has no SQL code blocks\n\s+hint: .*```sql.*tagged bash/);
  });

  it('reports a malformed block at its line and column in the .md with exit 2', async () => {
    const doc = write('malformed.md', '# Design\n\nThe orders table:\n\n```sql\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  total numeric(12,2) NOT NULL,,\n);\n```\n');
    const r = await runCli(['review', doc], { env, cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^schemasage: error: malformed\.md:8:32: syntax error at or near ","/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
