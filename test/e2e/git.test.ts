/** `schemasage review <path>@<ref>` as a user runs it, in a git repository made by the test. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'schemasage-e2e-git-')));
const repo = join(tmp, 'repo');
// Annotations would go to stderr under GitHub Actions; these tests read stderr as the user's.
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache'), GIT_CEILING_DIRECTORIES: tmp, SCHEMASAGE_GITHUB_ANNOTATIONS: '0' };

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), text);
}

beforeAll(() => {
  mkdirSync(repo, { recursive: true });
  git('init', '-q');
  write(
    'supabase/migrations/20240101000000_init.sql',
    `create table accounts (id bigint generated always as identity primary key, name text not null);
create table orders (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  price double precision not null
);
create index orders_account_id_idx on orders (account_id);
`,
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  write(
    'supabase/migrations/20240201000000_invoices.sql',
    `create table invoices (id bigint generated always as identity primary key, total numeric(12, 2) not null);
alter table orders alter column price type numeric(12, 2);
`,
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'invoices');
  write('snapshots/before@HEAD.sql', 'create table from_disk (id bigint primary key);\n');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function reviewJson(arg: string) {
  const r = await runCli(['review', arg, '--format', 'json', '--fail-on', 'none'], { cwd: repo, env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    source: { path: string };
    summary: { tables: number };
    findings: Array<{ rule: string; location: { file: string; line: number } | null }>;
  };
}

describe('schemasage review <path>@<ref>', () => {
  it('reviews the migrations as they were at HEAD~1, pointing at the files at that ref', async () => {
    const json = await reviewJson('supabase/migrations@HEAD~1');
    expect(json.source.path).toBe('supabase/migrations@HEAD~1');
    expect(json.summary.tables).toBe(2);
    const money = json.findings.find((f) => f.rule === 'money-as-float');
    expect(money?.location).toMatchObject({ file: 'supabase/migrations/20240101000000_init.sql@HEAD~1', line: 5 });
  });

  it('reviews the newer migrations at HEAD', async () => {
    const json = await reviewJson('supabase/migrations@HEAD');
    expect(json.summary.tables).toBe(3);
    expect(json.findings.some((f) => f.rule === 'money-as-float')).toBe(false);
  });

  it('prints the ref in the text report', async () => {
    const r = await runCli(['review', 'supabase/migrations@HEAD~1', '--fail-on', 'none'], { cwd: repo, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/supabase\/migrations\/20240101000000_init\.sql@HEAD~1:5:\d+/);
  });

  it('exits 2 naming an unknown ref, without a stack trace', async () => {
    const r = await runCli(['review', 'supabase/migrations@release-9'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown git ref "release-9"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the path is not there at the ref', async () => {
    const r = await runCli(['review', 'supabase/migrations/20240201000000_invoices.sql@HEAD~1'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/20240201000000_invoices\.sql does not exist at HEAD~1/);
  });

  it('reads a file whose name contains @ as that file when it exists', async () => {
    const json = await reviewJson('snapshots/before@HEAD.sql');
    expect(json.source.path).toBe('snapshots/before@HEAD.sql');
    expect(json.summary.tables).toBe(1);
  });
});
