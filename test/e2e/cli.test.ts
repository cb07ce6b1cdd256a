/** The CLI as a user runs it: real process, real files, exit codes and messages. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-e2e-'));
const cacheEnv = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };

describe('schemasage review', () => {
  it('reviews the bundled Supabase example and exits 1 on high findings', async () => {
    const r = await runCli(['review', 'examples/supabase-app'], { env: cacheEnv });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/unindexed-foreign-key/);
    expect(r.stdout).toMatch(/supabase\/migrations\/\d{14}_\w+\.sql:\d+/);
  });

  it('answers a second run on unchanged input from the cache', async () => {
    const first = await runCli(['review', 'examples/shop.sql', '--timings', '--fail-on', 'none'], { env: cacheEnv });
    expect(first.code).toBe(0);
    const second = await runCli(['review', 'examples/shop.sql', '--timings', '--fail-on', 'none'], { env: cacheEnv });
    expect(second.stderr).toMatch(/catalog from cache/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('writes the JSON contract', async () => {
    const out = join(tmp, 'r.json');
    const r = await runCli(['review', 'examples/shop.sql', '--format', 'json', '--out', out, '--fail-on', 'none'], { env: cacheEnv });
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.schemaVersion).toBe(1);
    expect(json.command).toBe('review');
    expect(json.source).toMatchObject({ kind: 'sql', layout: null });
    expect(json.findings[0]).toHaveProperty('fingerprint');
    expect(json.findings[0].id).toMatch(/^[CHMLI]1$/);
  });

  it('--fail-on none exits 0 and --fail-on critical exits by critical findings only', async () => {
    expect((await runCli(['review', 'examples/shop.sql', '--fail-on', 'none'], { env: cacheEnv })).code).toBe(0);
    const json = JSON.parse((await runCli(['review', 'examples/shop.sql', '--format', 'json', '--fail-on', 'none'], { env: cacheEnv })).stdout);
    const crit = await runCli(['review', 'examples/shop.sql', '--fail-on', 'critical'], { env: cacheEnv });
    expect(crit.code).toBe(json.summary.findings.critical > 0 ? 1 : 0);
  });

  it('reports a malformed statement as file:line:column with exit 2 and no stack trace', async () => {
    const file = join(tmp, 'broken.sql');
    writeFileSync(file, `-- a comment with é\nCREATE TABLE ok (id bigint PRIMARY KEY);\n\nCREATE TABLE broken (\n  id bigint PRIMARY KEY,\n  name text NOT NULL,,\n);\n`);
    const r = await runCli(['review', file], { env: cacheEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.sql:6:\d+: .*syntax error/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a statement Postgres rejects with its location', async () => {
    const file = join(tmp, 'rejected.sql');
    writeFileSync(file, `CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (\n  id bigint PRIMARY KEY,\n  a_id bigint REFERENCES missing_table (id)\n);\n`);
    const r = await runCli(['review', file], { env: cacheEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rejected\.sql:\d+:\d+: relation "missing_table" does not exist/);
  });

  it('gives one clear line and exit 2 for an unreachable database, without the password', async () => {
    const r = await runCli(['review', 'postgres://app:s3cret@127.0.0.1:1/app'], { env: cacheEnv });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/could not connect to .*127\.0\.0\.1:1/);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('rejects a missing path and unknown flags with exit 2', async () => {
    expect((await runCli(['review', 'no/such/dir'], { env: cacheEnv })).code).toBe(2);
    expect((await runCli(['review', 'examples/shop.sql', '--format', 'pdf'], { env: cacheEnv })).code).toBe(2);
  });

  it('refuses to overwrite the source with --out', async () => {
    const file = join(tmp, 'keep.sql');
    writeFileSync(file, 'CREATE TABLE k (id bigint PRIMARY KEY);\n');
    const r = await runCli(['review', file, '--out', file], { env: cacheEnv });
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('CREATE TABLE k (id bigint PRIMARY KEY);\n');
  });

  it('with no arguments reviews the source in the current folder', async () => {
    const r = await runCli(['--format', 'json', '--fail-on', 'none'], { cwd: join(process.cwd(), 'examples/supabase-app'), env: { ...cacheEnv, PGHOST: undefined, PGDATABASE: undefined } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).source.layout).toBe('supabase');
  });

  it('prints help with the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes/);
    expect(existsSync('README.md')).toBe(true);
  });

  it('writes SARIF 2.1.0 with locations in the reviewed file', async () => {
    const r = await runCli(['review', 'examples/shop.sql', '--format', 'sarif', '--fail-on', 'none'], { env: { ...cacheEnv, GITHUB_ACTIONS: undefined } });
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
    expect(results.length).toBeGreaterThan(10);
    const located = results.find((x) => x.locations[0]?.physicalLocation);
    expect(located?.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('examples/shop.sql');
    expect(located?.locations[0]?.physicalLocation?.region.startLine).toBeGreaterThan(0);
  });

  it('under GitHub Actions adds workflow annotations without corrupting a JSON report on stdout', async () => {
    const r = await runCli(['review', 'examples/shop.sql', '--format', 'json', '--fail-on', 'none'], { env: { ...cacheEnv, GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/^::(error|warning) file=examples\/shop\.sql,line=\d+,col=\d+,title=H1 /m);
    const text = await runCli(['review', 'examples/shop.sql', '--fail-on', 'none'], { env: { ...cacheEnv, GITHUB_ACTIONS: 'true' } });
    expect(text.stdout).toMatch(/^::warning file=examples\/shop\.sql/m);
    const quiet = await runCli(['review', 'examples/shop.sql', '--fail-on', 'none'], { env: { ...cacheEnv, GITHUB_ACTIONS: undefined } });
    expect(quiet.stdout).not.toMatch(/^::/m);
  });
});
