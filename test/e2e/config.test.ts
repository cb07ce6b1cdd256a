/**
 * Configuration and suppression through the CLI, as a team uses them: a config file next to the
 * schema, ignores, inline comments and a baseline in CI. Each run is a real process on a copy of
 * test/fixtures/config/shop.sql.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReviewResult } from '../../src/result.js';
import { runCli, type CliRun } from '../support/cli.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/config/shop.sql');
const tmp = mkdtempSync(join(tmpdir(), 'schemasage-e2e-config-'));
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };
let projects = 0;

/** A fresh project folder holding shop.sql and the given files. */
function project(files: Record<string, string> = {}): string {
  const d = join(tmp, `p${++projects}`);
  mkdirSync(d, { recursive: true });
  cpSync(FIXTURE, join(d, 'shop.sql'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd, env });
}

async function review(cwd: string, ...args: string[]): Promise<{ run: CliRun; result: ReviewResult }> {
  const run = await cli(cwd, 'review', 'shop.sql', '--format', 'json', ...args);
  expect(run.stderr).toBe('');
  return { run, result: JSON.parse(run.stdout) as ReviewResult };
}

const subject = (f: { rule: string; objects: Array<{ table?: string; name?: string }> }) => {
  const o = f.objects[0];
  return `${f.rule} ${o ? [o.table, o.name].filter(Boolean).join('.') : ''}`;
};
const prints = (fs: ReadonlyArray<{ fingerprint: string }>) => fs.map((f) => f.fingerprint).sort();

let plain: ReviewResult;

beforeAll(async () => {
  plain = (await review(project(), '--fail-on', 'none')).result;
});

describe('suppression through the CLI', () => {
  it('honours the fixture\'s inline ignore and COMMENT ON marker without any config', async () => {
    expect((plain.suppressed ?? []).map((s) => `${s.by} ${subject(s)} ${s.reason}`).sort()).toEqual([
      'comment no-primary-key legacy_notes archive',
      'inline no-primary-key import_rows staging table, rows are replaced wholesale by the nightly import',
    ]);
    expect(plain.summary.suppressed).toBe(2);
    const planted = plain.findings.map(subject);
    expect(planted).toEqual(expect.arrayContaining([
      'unindexed-foreign-key orders.orders_customer_id_fkey', 'money-as-float orders.total',
      'timestamp-without-time-zone orders.placed_at', 'timestamp-without-time-zone legacy_notes.written_at',
    ]));
  });

  it('a rule turned off in schemasage.config.json removes exactly its findings, counted as suppressed', async () => {
    const d = project({ 'schemasage.config.json': JSON.stringify({ rules: { 'timestamp-without-time-zone': 'off' } }) });
    const { run, result } = await review(d, '--fail-on', 'none');
    expect(run.code).toBe(0);
    const named = plain.findings.filter((f) => f.rule === 'timestamp-without-time-zone');
    expect(named).toHaveLength(2);
    expect(prints(result.findings)).toEqual(prints(plain.findings.filter((f) => !named.includes(f))));
    expect(result.summary.suppressed).toBe(plain.summary.suppressed + 2);
    expect((result.suppressed ?? []).filter((s) => s.by === 'config').map(subject).sort()).toEqual(named.map(subject).sort());
  });

  it('an ignore entry in schemasage.config.yaml removes only the objects its glob names, and a stale one is noted', async () => {
    const d = project({
      'schemasage.config.yaml': [
        'ignore:',
        '  - rule: timestamp-without-time-zone',
        '    object: orders.*',
        '    reason: placed_at is the shop\'s local time by design',
        '  - rule: no-primary-key',
        '    object: customers',
        '',
      ].join('\n'),
    });
    const { result } = await review(d, '--fail-on', 'none');
    const ignored = (result.suppressed ?? []).filter((s) => s.by === 'ignore');
    expect(ignored.map((s) => `${subject(s)}: ${s.reason}`)).toEqual(['timestamp-without-time-zone orders.placed_at: placed_at is the shop\'s local time by design']);
    expect(result.findings.map(subject)).toContain('timestamp-without-time-zone legacy_notes.written_at');
    expect(result.findings).toHaveLength(plain.findings.length - 1);
    expect(result.summary.suppressed).toBe(plain.summary.suppressed + 1);
    expect(result.notes.filter((n) => n.kind === 'stale-ignore')).toEqual([{
      kind: 'stale-ignore',
      message: 'ignore[1] (rule "no-primary-key", object "customers") in schemasage.config.yaml matched no finding: the problem is fixed or the object was renamed; remove the entry or correct it',
      location: { file: 'schemasage.config.yaml', line: 5, column: 5 },
    }]);
  });

  it('the text report shows the suppressed count and the stale ignore', async () => {
    const d = project({ 'schemasage.config.json': JSON.stringify({ ignore: [{ rule: 'rls-*', object: 'nothing' }] }) });
    const run = await cli(d, 'review', 'shop.sql', '--fail-on', 'none');
    expect(run.stdout).toMatch(/· 2 suppressed\n/);
    const flat = run.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('ignore[0] (rule "rls-*", object "nothing") in schemasage.config.json matched no finding');
    expect(flat).toMatch(/\(schemasage\.config\.json:1:\d+\)/);
  });

  it('reads "schemasage" from package.json, and takes failOn and schemas as defaults that flags override', async () => {
    const d = project({ 'package.json': JSON.stringify({ name: 'shop', private: true, schemasage: { failOn: 'critical', schemas: ['public'] } }) });
    appendFileSync(join(d, 'shop.sql'), '\nCREATE SCHEMA archive;\nCREATE TABLE archive.dump (line text NOT NULL);\n');
    expect(plain.summary.findings.high).toBeGreaterThan(0);
    expect(plain.summary.findings.critical).toBe(0);
    const byConfig = await review(d);
    expect(byConfig.run.code).toBe(0);
    expect(byConfig.result.findings.some((f) => f.objects.some((o) => o.schema === 'archive'))).toBe(false);
    const byFlags = await review(d, '--fail-on', 'high', '--schema', 'archive');
    expect(byFlags.run.code).toBe(1);
    expect(byFlags.result.findings.map(subject)).toContain('no-primary-key dump');
    expect(byFlags.result.findings.some((f) => f.objects.some((o) => o.schema === 'public'))).toBe(false);
  });

  it('--config names the file to use instead of the one discovered', async () => {
    const d = project({
      'schemasage.config.json': JSON.stringify({ rules: { 'money-as-float': 'off' } }),
      'strict.yaml': 'rules:\n  money-as-float: critical\n',
    });
    const { result } = await review(d, '--config', 'strict.yaml', '--fail-on', 'none');
    expect(result.findings.filter((f) => f.rule === 'money-as-float').map((f) => `${f.id} ${f.severity}`)).toEqual(['C1 critical']);
  });
});

describe('bad configuration', () => {
  it('exits 2 naming the file, line, key and what is allowed, without a stack trace', async () => {
    const d = project({ 'schemasage.config.json': JSON.stringify({ rules: { 'unindexed-foreign-key': 'hgh' } }, null, 2) });
    const run = await cli(d, 'review', 'shop.sql');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'schemasage: error: schemasage.config.json:3:30: rules.unindexed-foreign-key: expected "off" | "critical" | "high" | "medium" | "low" | "info" | [severity, options]\n',
    );
  });

  it('exits 2 for an unknown rule id with the closest one, and for a YAML syntax error at its line', async () => {
    const unknown = await cli(project({ 'schemasage.config.yml': 'rules:\n  no-primary-keys: off\n' }), 'review', 'shop.sql');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('schemasage.config.yml:2:3: rules.no-primary-keys: unknown rule id; did you mean "no-primary-key"?');
    const syntax = await cli(project({ 'schemasage.config.yaml': 'rules:\n  no-primary-key: off\n   x: [\n' }), 'review', 'shop.sql');
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^schemasage: error: schemasage\.config\.yaml:\d+:\d+: invalid YAML: /);
    expect(syntax.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a missing --config or --baseline file', async () => {
    const d = project();
    expect(await cli(d, 'review', 'shop.sql', '--config', 'nope.json')).toMatchObject({ code: 2, stderr: 'schemasage: error: config file not found: nope.json\n' });
    const run = await cli(d, 'review', 'shop.sql', '--baseline', 'nope.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^schemasage: error: baseline file not found: nope\.json\n {2}hint: create it with --write-baseline\n$/);
  });
});

describe('baseline', () => {
  it('--write-baseline records the current findings and exits 0; --baseline then passes until a new problem appears', async () => {
    const d = project();
    const write = await cli(d, 'review', 'shop.sql', '--write-baseline');
    expect(write.code).toBe(0);
    expect(write.stdout).toMatch(new RegExp(`^wrote schemasage-baseline\\.json: ${plain.findings.length} findings \\(`));
    expect(write.stdout).toContain('  timestamp-without-time-zone ×2\n');
    const doc = JSON.parse(readFileSync(join(d, 'schemasage-baseline.json'), 'utf8')) as { schemaVersion: number; tool: string; findings: Array<{ fingerprint: string; rule: string; object: string }> };
    expect(doc).toMatchObject({ schemaVersion: 1, tool: 'schemasage' });
    expect(doc.findings.map((f) => f.fingerprint).sort()).toEqual(prints(plain.findings));
    expect(doc.findings.map((f) => `${f.rule} ${f.object}`)).toEqual([...doc.findings.map((f) => `${f.rule} ${f.object}`)].sort());

    const clean = await review(d, '--baseline', 'schemasage-baseline.json');
    expect(clean.run.code).toBe(0);
    expect(clean.result.findings).toEqual([]);
    expect(clean.result.summary.findings).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
    expect(clean.result.summary.suppressed).toBe(plain.findings.length + plain.summary.suppressed);

    appendFileSync(join(d, 'shop.sql'), '\nCREATE TABLE refunds (order_id bigint NOT NULL REFERENCES orders (id), amount double precision NOT NULL);\n');
    const next = await review(d, '--baseline', 'schemasage-baseline.json');
    expect(next.run.code).toBe(1);
    expect(next.result.findings.length).toBeGreaterThan(0);
    expect(next.result.findings.every((f) => f.objects.some((o) => (o.table ?? o.name) === 'refunds'))).toBe(true);
    expect(next.result.findings.map(subject)).toEqual(expect.arrayContaining(['no-primary-key refunds', 'money-as-float refunds.amount']));
  });

  it('uses the config\'s baseline file, and notes entries that no longer match', async () => {
    const d = project({ 'schemasage.config.json': JSON.stringify({ baseline: 'ci/baseline.json' }) });
    const write = await cli(d, 'review', 'shop.sql', '--write-baseline');
    expect(write.code).toBe(0);
    expect(write.stdout).toMatch(/^wrote ci\/baseline\.json: /);
    expect(existsSync(join(d, 'ci', 'baseline.json'))).toBe(true);

    // Fix one planted problem: its baseline entry goes stale.
    writeFileSync(join(d, 'shop.sql'), readFileSync(join(d, 'shop.sql'), 'utf8').replace('placed_at timestamp NOT NULL', 'placed_at timestamptz NOT NULL'));
    const { run, result } = await review(d);
    expect(run.code).toBe(0);
    expect(result.findings).toEqual([]);
    expect(result.notes.filter((n) => n.kind === 'stale-baseline').map((n) => n.message)).toEqual([
      '1 baseline entry no longer matches a finding (fixed, or the objects were renamed); run with --write-baseline to refresh ci/baseline.json',
    ]);
  });
});
