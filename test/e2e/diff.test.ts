/** `schemasage diff` as a user runs it: exit codes, the PR comment, bad arguments. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const BASE = 'test/fixtures/diff/base/migrations';

describe('schemasage diff', () => {
  it('blocks a PR whose statement fails, exits 1, and still reviews the rest', async () => {
    const r = await runCli(['diff', BASE, 'test/fixtures/diff/failing-statement/migrations', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.command).toBe('diff');
    expect(json.summary.verdict).toBe('block');
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['statement-fails', 'concurrent-in-transaction', 'constraint-validates-immediately']));
    expect(json.rollback.verified).toBe(true);
  });

  it('approves an additive PR with exit 0 and writes a PR comment in Markdown', async () => {
    const r = await runCli(['diff', BASE, 'test/fixtures/diff/additive/migrations', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Migration review: ✅ Approve/);
    for (const heading of ['## Verdict', '## What the change does', '## Migration quality', '## Rollback']) expect(r.stdout).toContain(heading);
    expect(r.stdout).toContain('purely additive');
    expect(r.stdout).not.toContain('## Must fix before merging');
  });

  it('prints the verdict in the text report and exits by --fail-on', async () => {
    const r = await runCli(['diff', BASE, 'test/fixtures/diff/risky-busy-tables/migrations', '--fail-on', 'critical']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Verdict {2}block/m);
    const lenient = await runCli(['diff', BASE, 'test/fixtures/diff/risky-busy-tables/migrations', '--fail-on', 'none']);
    expect(lenient.code).toBe(0);
  });

  it('rejects a missing argument, a missing path and a bad --pg-version with exit 2', async () => {
    expect((await runCli(['diff', BASE])).code).toBe(2);
    const missing = await runCli(['diff', BASE, 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/dir');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const bad = await runCli(['diff', BASE, BASE, '--pg-version', 'nine']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--pg-version');
  });

  it('diffs a migrations folder against itself at a git ref: the files added since are the change', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'schemasage-diff-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
    git('init', '-q');
    cpSync(resolve(BASE), join(repo, 'migrations'), { recursive: true });
    git('add', '.');
    git('commit', '-qm', 'base');
    const pr = resolve('test/fixtures/diff/risky-busy-tables/migrations');
    const added = readdirSync(pr).filter((f) => !readdirSync(resolve(BASE)).includes(f));
    for (const f of added) cpSync(join(pr, f), join(repo, 'migrations', f));
    git('add', '.');
    git('commit', '-qm', 'pr');
    const r = await runCli(['diff', 'migrations@HEAD~1', 'migrations', '--format', 'json', '--fail-on', 'none'], { cwd: repo });
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json.notes[0].message).toContain(`${added[0]}`);
    expect(json.notes[0].message).toContain('on top of migrations@HEAD~1');
    expect(json.summary.verdict).toBe('block');
    expect(json.findings.map((f: { rule: string }) => f.rule)).toContain('add-required-column');
  });

  it('flags an unconcurrent index, a required column, a type change and a rename in one PR, but not the varchar widening beside them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemasage-diff-accept-'));
    cpSync(resolve(BASE), join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'migrations', '006_accept.sql'), [
      'CREATE INDEX tasks_due_on_idx ON tasks (due_on);',
      'ALTER TABLE tasks ADD COLUMN priority integer NOT NULL;',
      'ALTER TABLE attachments ALTER COLUMN size_bytes TYPE bigint;',
      'ALTER TABLE tasks RENAME COLUMN title TO summary;',
      'ALTER TABLE projects ALTER COLUMN name TYPE varchar(200);',
      '',
    ].join('\n'));
    const r = await runCli(['diff', resolve(BASE), join(dir, 'migrations'), '--format', 'json', '--fail-on', 'none']);
    const json = JSON.parse(r.stdout);
    const by = (rule: string) => json.findings.filter((f: { rule: string }) => f.rule === rule).map((f: { objects: Array<{ table?: string; name?: string }> }) => `${f.objects[0]?.table ?? ''}.${f.objects[0]?.name ?? ''}`);
    expect(by('index-not-concurrent')).toEqual(['tasks.tasks_due_on_idx']);
    expect(by('add-required-column')).toEqual(['tasks.priority']);
    expect(by('column-type-change-rewrites')).toEqual(['attachments.size_bytes']);
    expect(by('rename-breaks-clients')).toEqual(['tasks.title']);
    expect(json.rollback.verified).toBe(true);
  });

  it('diffs two schemas that are not migration folders through the migration generated between them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemasage-diff-state-'));
    writeFileSync(join(dir, 'before.sql'), [
      'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, nickname text);',
      'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total_cents integer NOT NULL, note varchar(50));',
      'CREATE INDEX orders_user_id_idx ON orders (user_id);',
    ].join('\n'));
    writeFileSync(join(dir, 'after.sql'), [
      'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);',
      'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total_cents bigint NOT NULL, note varchar(200));',
      'CREATE INDEX orders_user_id_idx ON orders (user_id);',
    ].join('\n'));
    const r = await runCli(['diff', 'before.sql', 'after.sql', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
    const json = JSON.parse(r.stdout);
    const rules = json.findings.map((f: { rule: string; objects: Array<{ name?: string }> }) => `${f.rule}:${f.objects[0]?.name}`);
    expect(rules).toEqual(expect.arrayContaining(['column-type-change-rewrites:total_cents', 'drop-column:nickname']));
    expect(rules.filter((x: string) => x.endsWith(':note'))).toEqual([]);
    expect(json.notes.map((n: { message: string }) => n.message).join('\n')).toContain('are schemas, not migration folders');
    expect(json.rollback.verified).toBe(true);
  });
});
