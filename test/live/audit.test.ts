/**
 * `schemasage audit <postgres-url>` (and `review <url> --audit`) end to end, as a user runs it, on the
 * fixtures in test/fixtures/audit: production.sql plants schema drift and dirty data with known counts
 * and keys; expected.sql + clean.sql is the same application with sound data (nothing may fire).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRef } from '../../src/catalog/helpers.js';
import type { ObjectRef } from '../../src/result.js';
import { runCli, type CliRun } from '../support/cli.js';
import { createTempDb, pgAvailable, type TempDb } from '../support/pg.js';

const live = await pgAvailable();

const FIX = 'test/fixtures/audit';
const CONFIG = `${FIX}/schemasage.config.json`;
/**
 * Values planted in production.sql that must never be printed. (Bare 'hunter2' is not one: the rule's own
 * documentation, embedded in SARIF, uses it as an example.)
 */
const SECRET_MARKERS = ['hunter2-PLAINTEXT', 'PLAINTEXT', 'correct-horse-battery-staple', 'RAWKEY', 'sk_live_RAW'];
/** A Node stack frame in stderr means an unhandled crash, not a message for the user. */
const STACK = /\n\s+at .+:\d+:\d+\)?/;

interface Finding {
  id: string;
  rule: string;
  severity: string;
  category: string;
  message: string;
  objects: ObjectRef[];
  location: unknown;
  details: Record<string, unknown>;
  fix: { sql: string; notes?: string } | null;
}
interface CheckStatus {
  rule: string;
  label: string;
  objects: ObjectRef[];
  status: 'ok' | 'timeout' | 'error';
  sampled: boolean;
  findings: number;
  error?: string;
}
interface AuditJson {
  command: string;
  findings: Finding[];
  audit: Finding[];
  auditRun: {
    checks: CheckStatus[];
    statementTimeoutMs: number;
    sample: { percent: number; minRows: number; tables: string[] } | null;
    complete: boolean;
  };
  notes: Array<{ kind: string; message: string }>;
  summary: { findings: Record<string, number> };
}

/** `users.email`, `subscriptions.subscriptions_user_id_fkey`: the first object a finding is about. */
const head = (f: { objects: ObjectRef[] }) => describeRef(f.objects[0] as ObjectRef);
const byRule = (j: AuditJson, rule: string) => j.audit.filter((f) => f.rule === rule);
const one = (j: AuditJson, rule: string, object: string): Finding => {
  const hits = j.audit.filter((f) => f.rule === rule && head(f) === object);
  expect(hits, `${rule} on ${object}`).toHaveLength(1);
  return hits[0] as Finding;
};

function parse(r: CliRun): AuditJson {
  try {
    return JSON.parse(r.stdout) as AuditJson;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 400)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  }
}

/** Loads SQL through a client of its own and disconnects, so the load's table statistics are flushed. */
async function load(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pg_stat_user_tables write counters, read until two reads 700 ms apart agree (other backends flush theirs late). */
async function stableWriteStats(c: pg.Client): Promise<unknown[]> {
  const read = async () =>
    (await c.query(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, vacuum_count, analyze_count
                      FROM pg_stat_user_tables ORDER BY schemaname, relname`)).rows;
  let prev = await read();
  for (let i = 0; i < 12; i++) {
    await sleep(700);
    const next = await read();
    if (JSON.stringify(next) === JSON.stringify(prev)) return next;
    prev = next;
  }
  throw new Error('pg_stat_user_tables did not settle');
}

/** Everything an audit could change: table contents, write statistics, relations and their files, constraints, sequences, temp objects. */
async function snapshot(c: pg.Client) {
  const tables = (await c.query<{ t: string }>(`SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables ORDER BY 1`)).rows.map((r) => r.t);
  const contents: Record<string, unknown> = {};
  for (const t of tables) {
    contents[t] = (await c.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`)).rows[0];
  }
  const writes = await stableWriteStats(c);
  const relations = (await c.query(
    `SELECT n.nspname, c.relname, c.relkind, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast_)?temp' ORDER BY 1, 2`,
  )).rows;
  const constraints = (await c.query(
    `SELECT conrelid::regclass::text AS rel, conname, contype, convalidated FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  )).rows;
  const sequences = (await c.query(`SELECT sequencename, last_value FROM pg_sequences ORDER BY 1`)).rows;
  const schemas = (await c.query(`SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp' ORDER BY 1`)).rows;
  const tempObjects = (await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname ~ '^pg_(toast_)?temp'`,
  )).rows[0]?.n;
  const prepared = (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE database = current_database()`)).rows[0]?.n;
  return { contents, writes, relations, constraints, sequences, schemas, tempObjects, prepared };
}

/** A config file under os.tmpdir with the fixture's invariants plus `extra`. */
function tempConfig(dir: string, name: string, extra: Array<{ name: string; sql: string; message: string }>): string {
  const base = JSON.parse(readFileSync(CONFIG, 'utf8')) as { invariants: unknown[] };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ ...base, invariants: [...base.invariants, ...extra] }, null, 2));
  return file;
}

describe.skipIf(!live)('schemasage audit <postgres-url> on a drifted production with planted dirty data', () => {
  let prod: TempDb;
  let tmp: string;
  /** `audit <prod> --config <fixture> --format json`, run once and read by several tests. */
  let run: CliRun;
  let json: AuditJson;
  /** `check` loads expected.sql into PGlite, the slowest run here: started early, awaited by its test. */
  let checkRun: Promise<CliRun>;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'schemasage-audit-'));
    prod = await createTempDb('schemasage_audit');
    await load(prod.url, `${readFileSync(`${FIX}/production.sql`, 'utf8')}\nANALYZE;`);
    checkRun = runCli(['check', prod.url, '--expect', `${FIX}/expected.sql`, '--format', 'json', '--no-cache']);
    run = await runCli(['audit', prod.url, '--config', CONFIG, '--format', 'json']);
    json = parse(run);
  });
  afterAll(async () => {
    await prod?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('finds each planted problem with its rule, objects, exact counts and sample keys, and exits 1', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(json.command).toBe('audit');
    expect(json.findings).toEqual([]);
    expect(json.auditRun.complete).toBe(true);
    expect(json.auditRun.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(json.audit.map((f) => `${f.rule} ${head(f)}`).sort()).toEqual([
      'duplicate-values users.email',
      'exclusive-flag-violation themes.is_active',
      'invariant-violation invoice-total-matches-lines',
      'never-null-column users',
      'observed-enum-values invoices.status',
      'observed-enum-values subscriptions.status',
      'orphaned-rows projects.team_id',
      'orphaned-rows subscriptions.subscriptions_user_id_fkey',
      'unhashed-secret-values api_keys.key_hash',
      'unhashed-secret-values users.hashed_password',
    ]);
    expect(json.audit.map((f) => f.id)).toEqual(json.audit.map((_, i) => `A${i + 1}`));
    expect(json.audit.every((f) => f.category === 'audit' && f.location === null)).toBe(true);
    expect(json.summary.findings).toEqual({ critical: 1, high: 5, medium: 2, low: 2, info: 0 });

    // The NOT VALID foreign key: subscriptions 9001-9003 of users 990001-990003.
    const subs = one(json, 'orphaned-rows', 'subscriptions.subscriptions_user_id_fkey');
    expect(subs.severity).toBe('high');
    expect(subs.details).toMatchObject({
      child: 'subscriptions', columns: ['user_id'], parent: 'users', constraint: 'subscriptions_user_id_fkey', declared: true, orphans: 3,
    });
    expect(subs.details['sampleKeys']).toEqual(['9001', '9003']);
    expect(subs.details['missingValues']).toEqual(['990001', '990003']);
    expect(subs.message).toContain('3 rows');
    expect(subs.message).toContain('9001');
    expect(subs.fix?.sql).toContain('VALIDATE CONSTRAINT subscriptions_user_id_fkey');

    // The implied foreign key: projects.team_id with no constraint, projects 7001 and 7002.
    const projects = one(json, 'orphaned-rows', 'projects.team_id');
    expect(projects.details).toMatchObject({ child: 'projects', parent: 'teams', declared: false, constraint: null, orphans: 2 });
    expect(projects.details['sampleKeys']).toEqual(['7001', '7002']);
    expect(projects.details['missingValues']).toEqual(['880001', '880002']);
    expect(projects.fix?.sql).toMatch(/FOREIGN KEY \(team_id\) REFERENCES teams/);

    // UNIQUE (email) is case-sensitive: Bob.Smith in three spellings (1001-1003), Alice in two (1004-1005).
    const dup = one(json, 'duplicate-values', 'users.email');
    expect(dup.severity).toBe('high');
    expect(dup.details).toMatchObject({ why: 'case-sensitive', index: 'users_email_key', groups: 2, rows: 5, caseVariantGroups: 2 });
    expect(dup.details['sampleKeys']).toEqual(['1001 & 1003', '1004 & 1005']);
    expect(dup.message).toContain('1001 & 1003');
    expect(dup.fix?.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
    expect(dup.fix?.sql).toContain('lower(email)');
    for (const email of ['Bob.Smith', 'bob.smith', 'BOB.SMITH', 'Alice@Example', 'alice@example.com']) expect(run.stdout).not.toContain(email);

    // 'Active' beside 'active' makes the closed-set finding medium and normalises it in the fix.
    const subStatus = one(json, 'observed-enum-values', 'subscriptions.status');
    expect(subStatus.severity).toBe('medium');
    expect(subStatus.details['values']).toEqual(expect.arrayContaining([
      { value: 'active', rows: 178 }, { value: 'Active', rows: 3 }, { value: 'canceled', rows: 25 },
      { value: 'past_due', rows: 25 }, { value: 'trialing', rows: 25 },
    ]));
    expect(subStatus.details['values']).toHaveLength(5);
    expect(subStatus.details['variants']).toEqual([['active', 'Active']]);
    expect(subStatus.fix?.sql).toContain(`UPDATE subscriptions SET status = 'active' WHERE status = 'Active';`);
    expect(subStatus.fix?.sql).toMatch(/CHECK \(status IN \('active', 'canceled', 'past_due', 'trialing'\)\) NOT VALID/);

    // A clean closed set without CHECK: low, and the CHECK lists exactly the values held.
    const invStatus = one(json, 'observed-enum-values', 'invoices.status');
    expect(invStatus.severity).toBe('low');
    expect(invStatus.details['values']).toEqual(expect.arrayContaining([{ value: 'open', rows: 67 }, { value: 'void', rows: 67 }, { value: 'paid', rows: 66 }]));
    expect(invStatus.details['variants']).toEqual([]);

    // first_name is filled on all 308 users; last_name and theme_preference hold NULLs; no other table qualifies.
    const nn = one(json, 'never-null-column', 'users');
    expect(nn.severity).toBe('low');
    expect(nn.details).toMatchObject({ columns: ['first_name'], rows: 308 });
    expect(nn.fix?.sql).toContain('SET NOT NULL');

    // Two clear passwords (users 1006, 1007); the empty string of user 1008 is not counted.
    const pw = one(json, 'unhashed-secret-values', 'users.hashed_password');
    expect(pw.severity).toBe('critical');
    expect(pw.details).toMatchObject({ kind: 'password', namedHash: true, values: 308, notHashed: 2, empty: 1 });
    expect(pw.details['sampleKeys']).toEqual(['1006', '1007']);
    // Two raw API keys (9001, 9002) among 150 SHA-256 digests.
    const key = one(json, 'unhashed-secret-values', 'api_keys.key_hash');
    expect(key.severity).toBe('high');
    expect(key.details).toMatchObject({ kind: 'token', values: 152, notHashed: 2 });
    expect(key.details['sampleKeys']).toEqual(['9001', '9002']);
    // invitations.token_hash holds only digests: checked, nothing found.
    const tokenCheck = json.auditRun.checks.find((c) => c.rule === 'unhashed-secret-values' && c.label === 'invitations.token_hash');
    expect(tokenCheck).toMatchObject({ status: 'ok', findings: 0 });

    // User 42 has three active themes, user 77 two.
    const flag = one(json, 'exclusive-flag-violation', 'themes.is_active');
    expect(flag.severity).toBe('medium');
    expect(flag.details).toMatchObject({ flag: 'is_active', owner: ['user_id'], owners: 2, flaggedRows: 5, sampleOwners: ['42', '77'] });
    expect(flag.objects.map(describeRef)).toEqual(['themes.is_active', 'themes.user_id']);

    // One invariant fails (invoice 7's total), the other holds.
    const inv = byRule(json, 'invariant-violation');
    expect(inv).toHaveLength(1);
    expect(inv[0]?.details).toMatchObject({ invariant: 'invoice-total-matches-lines', returned: false });
    expect(inv[0]?.message).toContain("Every invoice's total_cents equals the sum of its lines");
    const holds = json.auditRun.checks.find((c) => c.label.includes('team-has-one-owner'));
    expect(holds).toMatchObject({ rule: 'invariant-violation', status: 'ok', findings: 0 });
  });

  it('reports the parent table of an orphan check as a table object (JSON contract, md Object column)', async () => {
    const subs = one(json, 'orphaned-rows', 'subscriptions.subscriptions_user_id_fkey');
    // Table refs elsewhere are { kind: 'table', schema, name } (tableRef); describeRef renders them by name.
    expect(subs.objects).toContainEqual({ kind: 'table', schema: 'public', name: 'users' });
    const md = await runCli(['audit', prod.url, '--config', CONFIG, '--format', 'md']);
    const row = md.stdout.split('\n').find((l) => l.includes('`orphaned-rows`') && l.includes('projects.team_id'));
    expect(row).toBeDefined();
    expect(row).toContain('teams');
    expect(row).not.toMatch(/, `/);
  });

  it('never prints a secret value, in any format', async () => {
    const formats = ['text', 'md', 'sarif'] as const;
    const runs = await Promise.all(formats.map((f) => runCli(['audit', prod.url, '--config', CONFIG, '--format', f, '--no-color'])));
    const all: Array<[string, CliRun]> = [['json', run], ...runs.map((r, i): [string, CliRun] => [formats[i] as string, r])];
    for (const [format, r] of all) {
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      // Each report does contain the findings (so the absence below is not vacuous).
      expect(r.stdout, format).toContain('users.hashed_password');
      expect(r.stdout, format).toContain('api_keys.key_hash');
      for (const marker of SECRET_MARKERS) {
        expect(r.stdout, `${format} stdout shows ${marker}`).not.toContain(marker);
        expect(r.stderr, `${format} stderr shows ${marker}`).not.toContain(marker);
      }
    }
    const sarif = JSON.parse(runs[2]?.stdout ?? '') as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toEqual(expect.arrayContaining(['unhashed-secret-values', 'orphaned-rows']));
  });

  it('leaves the database exactly as it was: contents, write statistics, relation files, constraints, no temp objects', async () => {
    const before = await snapshot(prod.client);
    expect(before.tempObjects).toBe(0);
    expect(Object.keys(before.contents)).toHaveLength(12);
    const [a, b] = await Promise.all([
      runCli(['audit', prod.url, '--config', CONFIG, '--format', 'json']),
      runCli(['review', prod.url, '--audit', '--config', CONFIG, '--format', 'json', '--no-cache']),
    ]);
    expect(a.code, a.stderr).toBe(1);
    expect(b.code, b.stderr).toBe(1);
    const after = await snapshot(prod.client);
    expect(after.contents).toEqual(before.contents);
    expect(after.writes).toEqual(before.writes);
    expect(after.relations).toEqual(before.relations);
    expect(after.constraints).toEqual(before.constraints);
    expect(after.sequences).toEqual(before.sequences);
    expect(after.schemas).toEqual(before.schemas);
    expect(after.tempObjects).toBe(0);
    expect(after.prepared).toBe(0);
    // The NOT VALID constraint is still not validated (no VALIDATE CONSTRAINT ran).
    expect(after.constraints).toContainEqual({ rel: 'subscriptions', conname: 'subscriptions_user_id_fkey', contype: 'f', convalidated: false });
  });

  it('--check-timeout: a slow invariant times out, the report says PARTIAL and names it, the other checks still find their problems, exit 1', async () => {
    const config = tempConfig(tmp, 'slow.json', [{ name: 'slow-invariant', sql: 'SELECT pg_sleep(2) IS NOT NULL', message: 'never answers in time' }]);
    const [jr, tr] = await Promise.all([
      runCli(['audit', prod.url, '--config', config, '--check-timeout', '300ms', '--format', 'json']),
      runCli(['audit', prod.url, '--config', config, '--check-timeout', '300ms', '--no-color']),
    ]);
    expect(jr.code, jr.stderr).toBe(1);
    expect(tr.code, tr.stderr).toBe(1);
    const j = parse(jr);
    expect(j.auditRun.complete).toBe(false);
    expect(j.auditRun.statementTimeoutMs).toBe(300);
    const slow = j.auditRun.checks.filter((c) => c.label.includes('slow-invariant'));
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ rule: 'invariant-violation', status: 'timeout', findings: 0 });
    const notes = j.notes.filter((n) => n.kind === 'audit-timeout');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.message).toContain('slow-invariant');
    // Every other check finished and found what it found without the timeout.
    const others = j.auditRun.checks.filter((c) => !c.label.includes('slow-invariant'));
    expect(others.length).toBe(json.auditRun.checks.length);
    expect(others.every((c) => c.status === 'ok')).toBe(true);
    expect(j.audit.map((f) => `${f.rule} ${head(f)}`)).toEqual(json.audit.map((f) => `${f.rule} ${head(f)}`));
    expect(one(j, 'orphaned-rows', 'subscriptions.subscriptions_user_id_fkey').details['orphans']).toBe(3);
    expect(tr.stdout).toContain('PARTIAL');
    expect(tr.stdout).toContain('slow-invariant');
    expect(tr.stdout).toContain('orphaned-rows');
  });

  it('an invariant Postgres rejects: the report is still printed, stderr names the invariant and the error, exit 2', async () => {
    const config = tempConfig(tmp, 'broken.json', [{ name: 'broken-invariant', sql: 'SELECT nope FROM missing_table', message: 'cannot run' }]);
    const r = await runCli(['audit', prod.url, '--config', config, '--format', 'json']);
    expect(r.code).toBe(2);
    const j = parse(r);
    expect(j.audit.length).toBe(json.audit.length);
    expect(j.auditRun.checks.find((c) => c.label.includes('broken-invariant'))).toMatchObject({ status: 'error' });
    expect(r.stderr).toContain('broken-invariant');
    expect(r.stderr).toContain('relation "missing_table" does not exist');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('review <url> --audit adds the audit to the review; a file source is refused with exit 2 and no stack trace', async () => {
    const [r, file] = await Promise.all([
      runCli(['review', prod.url, '--audit', '--config', CONFIG, '--format', 'json', '--no-cache']),
      runCli(['review', 'examples/shop.sql', '--audit', '--no-color']),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const j = parse(r);
    expect(j.command).toBe('review');
    // Review rules see the schema side of the same problems…
    expect(j.findings.map((f) => `${f.rule} ${head(f)}`)).toEqual(expect.arrayContaining(['missing-foreign-key projects.team_id']));
    // …and the audit the data side.
    expect(j.audit.map((f) => `${f.rule} ${head(f)}`).sort()).toEqual(json.audit.map((f) => `${f.rule} ${head(f)}`).sort());
    expect(j.auditRun.complete).toBe(true);
    for (const marker of SECRET_MARKERS) expect(r.stdout).not.toContain(marker);

    expect(file.code).toBe(2);
    expect(file.stderr).toContain('--audit');
    expect(file.stderr).toMatch(/live database/);
    expect(file.stderr).not.toMatch(STACK);
  });

  it('md output has a "## Data audit" section listing each finding with its fix SQL', async () => {
    const r = await runCli(['audit', prod.url, '--config', CONFIG, '--format', 'md']);
    expect(r.code).toBe(1);
    const md = r.stdout;
    const at = md.indexOf('## Data audit');
    expect(at).toBeGreaterThanOrEqual(0);
    const section = md.slice(at);
    for (const f of json.audit) {
      expect(section).toContain(`\`${f.rule}\``);
      expect(section).toContain(`### ${f.id} `);
      if (f.fix?.sql) expect(section, `${f.id} ${f.rule} fix`).toContain(f.fix.sql);
    }
    expect(section).toContain('```sql');
    expect(section).toContain('VALIDATE CONSTRAINT subscriptions_user_id_fkey');
  });

  it('check <url> --expect expected.sql reports the planted schema drift', async () => {
    const r = await checkRun;
    expect(r.code, r.stderr).toBe(1);
    const drift = (JSON.parse(r.stdout) as { drift: Array<{ kind: string; objects: ObjectRef[] }> }).drift.map((d) => `${d.kind} ${d.objects.map(describeRef).join(' → ')}`);
    expect(drift).toEqual(expect.arrayContaining([
      'extra-column users.theme_preference',
      'missing-index idx_users_created_at',
      'missing-index users_lower_email_key',
      'missing-index themes_user_id_is_active_key',
      'missing-constraint projects.projects_team_id_fkey',
      'missing-constraint subscriptions.subscriptions_status_check',
      'constraint-mismatch subscriptions.subscriptions_user_id_fkey',
    ]));
  });
});

describe.skipIf(!live)('schemasage audit on sound data (must not fire)', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_audit_clean');
    await load(db.url, `${readFileSync(`${FIX}/expected.sql`, 'utf8')}\n${readFileSync(`${FIX}/clean.sql`, 'utf8')}\nANALYZE;`);
  });
  afterAll(async () => db?.drop());

  it('reports nothing on the designed schema with sound data, and on the same data under the loosened production constraints', async () => {
    const r = await runCli(['audit', db.url, '--config', CONFIG, '--format', 'json', '--fail-on', 'high']);
    expect(r.code, r.stderr).toBe(0);
    const j = parse(r);
    expect(j.audit).toEqual([]);
    expect(j.auditRun.complete).toBe(true);
    // The secret and invariant checks did run (and passed): argon2, scrypt, bcrypt and '' are not clear passwords.
    const ran = j.auditRun.checks.map((c) => `${c.rule} ${c.label}`);
    expect(ran).toEqual(expect.arrayContaining([
      'unhashed-secret-values users.hashed_password', 'unhashed-secret-values api_keys.key_hash', 'unhashed-secret-values invitations.token_hash',
      'invariant-violation invariant "invoice-total-matches-lines"', 'invariant-violation invariant "team-has-one-owner"',
    ]));
    expect(j.auditRun.checks.some((c) => c.rule === 'never-null-column' && c.label.startsWith('users '))).toBe(true);

    // Drop the enforcement production lacks, keep the sound data: every check is now planned, none may fire.
    await db.client.query(`
      DROP INDEX users_lower_email_key;
      ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
      ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_user_id_fkey;
      ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
      ALTER TABLE projects DROP CONSTRAINT projects_team_id_fkey;
      DROP INDEX themes_user_id_is_active_key;`);
    const loose = await runCli(['audit', db.url, '--config', CONFIG, '--format', 'json', '--fail-on', 'high']);
    expect(loose.code, loose.stderr).toBe(0);
    const l = parse(loose);
    const planned = new Set(l.auditRun.checks.map((c) => c.rule));
    for (const rule of ['orphaned-rows', 'duplicate-values', 'unhashed-secret-values', 'exclusive-flag-violation', 'invariant-violation', 'observed-enum-values']) {
      expect(planned.has(rule), `${rule} planned`).toBe(true);
    }
    expect(l.auditRun.checks.filter((c) => c.rule === 'orphaned-rows').map((c) => c.label).sort()).toEqual(['projects.team_id → teams', 'subscriptions.user_id → users']);
    expect(l.auditRun.checks.every((c) => c.status === 'ok')).toBe(true);
    // Only the closed-set listing of the now unchecked status column remains: low, no variants.
    expect(l.audit.map((f) => `${f.rule} ${f.severity} ${head(f)}`)).toEqual(['observed-enum-values low subscriptions.status']);
  });
});

describe.skipIf(!live)('schemasage audit --sample on a large table', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_audit_sample');
    await load(db.url, `${readFileSync(`${FIX}/expected.sql`, 'utf8')}\n${readFileSync(`${FIX}/clean.sql`, 'utf8')}
      CREATE TABLE webhook_events (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        status text NOT NULL,
        payload jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO webhook_events (status, payload)
      SELECT (ARRAY['pending', 'processed', 'failed'])[1 + i % 3], jsonb_build_object('n', i) FROM generate_series(1, 25000) AS i;
      ANALYZE;`);
  });
  afterAll(async () => db?.drop());

  it('--sample 10 --sample-min-rows 1000 reads only the large table through TABLESAMPLE, and says so', async () => {
    const r = await runCli(['audit', db.url, '--config', CONFIG, '--sample', '10', '--sample-min-rows', '1000', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = parse(r);
    expect(j.auditRun.sample).toEqual({ percent: 10, minRows: 1000, tables: ['public.webhook_events'] });
    const onBig = (c: { objects: ObjectRef[] }) => c.objects.some((o) => o.table === 'webhook_events' || (o.kind === 'table' && o.name === 'webhook_events'));
    const big = j.auditRun.checks.filter(onBig);
    expect(big.map((c) => c.rule).sort()).toEqual(['never-null-column', 'observed-enum-values']);
    expect(big.every((c) => c.sampled && c.status === 'ok')).toBe(true);
    const small = j.auditRun.checks.filter((c) => !onBig(c));
    expect(small.length).toBeGreaterThan(5);
    expect(small.every((c) => !c.sampled)).toBe(true);
    // The findings are all on the sampled table and say they come from a sample.
    expect(j.audit.map((f) => `${f.rule} ${head(f)}`).sort()).toEqual(['never-null-column webhook_events', 'observed-enum-values webhook_events.status']);
    for (const f of j.audit) {
      expect(f.details['sampled']).toBe(true);
      expect(f.message).toContain('10% TABLESAMPLE');
    }
    expect(one(j, 'never-null-column', 'webhook_events').severity).toBe('info');
    expect(one(j, 'never-null-column', 'webhook_events').details['columns']).toEqual(['payload']);
    expect((one(j, 'observed-enum-values', 'webhook_events.status').details['values'] as Array<{ value: string }>).map((v) => v.value).sort())
      .toEqual(['failed', 'pending', 'processed']);
    expect(j.notes.some((n) => n.message.includes('TABLESAMPLE SYSTEM (10%)') && n.message.includes('public.webhook_events'))).toBe(true);
  });
});

describe.skipIf(!live)('audit reads the table it names, whatever the search_path', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await createTempDb('schemasage_audit_path');
    // A role whose search_path puts another schema's `users` first must not make the audit read that one.
    await db.client.query(`
      CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
      INSERT INTO public.users VALUES (1, 'Bob@example.com'), (2, 'bob@example.com'), (3, 'carol@example.com');
      CREATE SCHEMA other;
      CREATE TABLE other.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
      INSERT INTO other.users VALUES (1, 'dave@example.com');
      ALTER DATABASE ${db.name} SET search_path = other, public;`);
  });
  afterAll(async () => db?.drop());

  it('finds the case-duplicates of public.users with other.users first on the search_path', async () => {
    const r = await runCli(['audit', db.url, '--format', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { audit: Array<{ rule: string; objects: ObjectRef[]; details: Record<string, unknown> }> };
    const dups = j.audit.filter((f) => f.rule === 'duplicate-values');
    expect(dups.map((f) => `${f.objects[0]?.schema}.${f.objects[0]?.table}`)).toEqual(['public.users']);
    expect(dups[0]?.details['sampleKeys']).toEqual(['1 & 2']);
  });
});
