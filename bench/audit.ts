/**
 * The data-audit part of `npm run bench` (issue 6): each audit check's time against one sequential
 * count(*) scan of the tables it reads, both measured in the same run. Target: ≤ 2× a scan per table read.
 *
 *   npm run bench                                   the whole bench, this part included
 *   BENCH_ONLY=audit npm run bench                  only this part
 *   BENCH_AUDIT=0 npm run bench                     the bench without this part
 *   BENCH_AUDIT_ROWS=1000000                        rows of the big tables (default 10,000,000)
 *   BENCH_AUDIT_RUNS=3                              audit runs; each check's fastest is reported (default 2: the first warms the cache)
 *   BENCH_AUDIT_JSON=out.json                       also write the numbers as JSON
 *   SCHEMASAGE_TEST_PG_URL=postgres://…/postgres    the server (default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * The data lives in a database `schemasage_bench_audit_<rows>` on that server, generated server-side
 * with INSERT … SELECT generate_series (10M rows take a few minutes) and kept for the next run: a
 * COMMENT ON DATABASE marks it complete (a marker table would itself be audited). Drop the database to
 * regenerate. With no server reachable the part prints a loud "skipped" line and the bench goes on.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { planAudit, runAudit, type AuditCheck, type AuditCheckStatus } from '../src/audit/index.js';
import { defaultConfig } from '../src/config/load.js';
import { loadCatalog } from '../src/pipeline.js';

const TARGET = 2;
/** Bump when the generated schema or data changes, so an old database is regenerated. */
const DATA_VERSION = 1;

export interface AuditBenchSummary {
  status: 'ok' | 'skipped';
  /** One line for the bench's summary table. */
  line: string;
}

interface CheckRow {
  rule: string;
  label: string;
  reads: string[];
  ms: number;
  runsMs: number[];
  baselineMs: number;
  ratio: number;
  pass: boolean;
  findings: number;
  status: string;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'schemasage-bench' });
  await c.connect();
  return c;
}

/** A few spread-out row numbers in 1..n, for planted dirty rows (none adjacent, none the first or last). */
function spread(n: number, count: number, offset: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= count; i++) out.push(Math.max(3, Math.floor((n * i) / (count + 1)) + offset));
  return out;
}

/** The statements that build the data set: tables, server-side generate_series loads, then keys and indexes. */
function generation(n: number): Array<[string, string]> {
  const orgs = Math.min(100_000, n);
  const teams = Math.min(100_000, n);
  const themes = Math.max(10, Math.floor(n / 5));
  const list = (xs: number[]) => xs.join(', ');
  const orphanOrg = spread(n, 5, 0);
  const orphanTeam = spread(n, 3, 11);
  const dupEmail = spread(n, 4, 23); // user g gets 'User<g+1>@…', which equals user g+1's address but for case
  const variantStatus = spread(n, 6, 37);
  const plaintext = spread(n, 7, 41);
  const doubleDefault = spread(themes, 3, 0).map((g) => g + (g % 2)); // even rows: their owner's second theme
  const dupLink = spread(n, 8, 53);
  return [
    ['tables', `
      CREATE TABLE orgs (id bigint PRIMARY KEY, name text NOT NULL);
      CREATE TABLE teams (id bigint PRIMARY KEY, org_id bigint NOT NULL, name text NOT NULL);
      CREATE TABLE roles (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
      CREATE TABLE users (
        id bigint PRIMARY KEY,
        org_id bigint NOT NULL,
        team_id bigint,
        email text NOT NULL,
        status text NOT NULL DEFAULT 'invited',
        display_name text,
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE themes (
        id bigint PRIMARY KEY,
        user_id bigint NOT NULL,
        name text NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        accent_color text
      );
      CREATE TABLE user_roles (
        id bigint PRIMARY KEY,
        user_id bigint NOT NULL,
        role_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );`],
    [`orgs (${orgs.toLocaleString('en-US')} rows)`, `INSERT INTO orgs SELECT g, 'Org ' || g FROM generate_series(1::bigint, ${orgs}) g`],
    [`teams (${teams.toLocaleString('en-US')} rows)`, `INSERT INTO teams SELECT g, 1 + g % ${orgs}, 'Team ' || g FROM generate_series(1::bigint, ${teams}) g`],
    ['roles (20 rows)', `INSERT INTO roles SELECT g, 'role_' || g FROM generate_series(1, 20) g`],
    [`users (${n.toLocaleString('en-US')} rows)`, `
      INSERT INTO users (id, org_id, team_id, email, status, display_name, password_hash, created_at)
      SELECT g,
        CASE WHEN g IN (${list(orphanOrg)}) THEN ${orgs} + g ELSE 1 + (g * 7919) % ${orgs} END,
        CASE WHEN g IN (${list(orphanTeam)}) THEN ${teams} + g ELSE 1 + (g * 104729) % ${teams} END,
        CASE WHEN g IN (${list(dupEmail)}) THEN 'User' || (g + 1) || '@example.com' ELSE 'user' || g || '@example.com' END,
        CASE WHEN g IN (${list(variantStatus)}) THEN 'Active' ELSE (ARRAY['active', 'active', 'active', 'invited', 'suspended', 'deleted'])[1 + g % 6] END,
        'User ' || g,
        CASE WHEN g IN (${list(plaintext)}) THEN 'hunter' || g ELSE '$2b$10$' || md5(g::text) || left(md5((g + 1)::text), 21) END,
        timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second'
      FROM generate_series(1::bigint, ${n}) g`],
    [`themes (${themes.toLocaleString('en-US')} rows)`, `
      INSERT INTO themes (id, user_id, name, is_default, accent_color)
      SELECT g, 1 + (g - 1) / 2, 'Theme ' || g, g % 2 = 1 OR g IN (${list(doubleDefault)}),
        CASE WHEN g % 3 = 0 THEN NULL ELSE '#' || lpad(to_hex(g % 16777216), 6, '0') END
      FROM generate_series(1::bigint, ${themes}) g`],
    [`user_roles (${n.toLocaleString('en-US')} rows)`, `
      INSERT INTO user_roles (id, user_id, role_id, created_at)
      SELECT g, u, 1 + u % 20, timestamptz '2021-01-01 00:00:00+00' + g * interval '1 second'
      FROM (SELECT g, CASE WHEN g IN (${list(dupLink)}) THEN g - 1 ELSE g END AS u FROM generate_series(1::bigint, ${n}) g) s`],
    ['indexes and foreign keys', `
      CREATE UNIQUE INDEX users_email_key ON users (email);
      CREATE INDEX themes_user_id_idx ON themes (user_id);
      CREATE INDEX user_roles_user_id_idx ON user_roles (user_id);
      CREATE INDEX user_roles_role_id_idx ON user_roles (role_id);
      ALTER TABLE teams ADD CONSTRAINT teams_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
      ALTER TABLE users ADD CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id) NOT VALID;
      ALTER TABLE themes ADD CONSTRAINT themes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
      ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
      ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id);`],
    ['VACUUM ANALYZE', 'VACUUM (ANALYZE)'],
  ];
}

/** Creates (or reuses) the data set; returns how long generation took, or null when reused. */
async function ensureDatabase(adminUrl: string, db: string, n: number, log: (s: string) => void): Promise<number | null> {
  const marker = `schemasage bench audit data v${DATA_VERSION}: ${n} rows, complete`;
  const admin = await connect(adminUrl);
  try {
    const r = await admin.query<{ c: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1`, [db]);
    if (r.rows.length > 0 && r.rows[0]?.c === marker) return null;
    if (r.rows.length > 0) {
      log(`  ${db} exists but is not marked complete for this version and size: regenerating`);
      await admin.query(`DROP DATABASE ${qi(db)} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${qi(db)}`);
  } finally {
    await admin.end();
  }
  const t0 = performance.now();
  const c = await connect(withDatabase(adminUrl, db));
  try {
    await c.query(`SET synchronous_commit = off; SET maintenance_work_mem = '256MB'`);
    for (const [what, sql] of generation(n)) {
      const t = performance.now();
      await c.query(sql);
      log(`  generated ${what} in ${fmtMs(performance.now() - t)}`);
    }
    await c.query(`COMMENT ON DATABASE ${qi(db)} IS '${marker}'`);
  } finally {
    await c.end();
  }
  return performance.now() - t0;
}

/** One sequential count(*) of each table: index, index-only and bitmap scans off, so the heap is read. */
async function scanOnce(url: string, tables: string[], into: Map<string, number[]>): Promise<void> {
  const c = await connect(url);
  try {
    await c.query('SET enable_indexonlyscan = off; SET enable_indexscan = off; SET enable_bitmapscan = off');
    for (const t of tables) {
      const s = performance.now();
      await c.query(`SELECT count(*) FROM ${t}`);
      into.set(t, [...(into.get(t) ?? []), performance.now() - s]);
    }
  } finally {
    await c.end();
  }
}

function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `  ${r.map((v, i) => (right[i] ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ')}`.trimEnd();
  return [line(header), `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`, ...rows.map(line)];
}

export async function auditBench(log: (s: string) => void = console.log): Promise<AuditBenchSummary> {
  const base = process.env.SCHEMASAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const n = Number(process.env.BENCH_AUDIT_ROWS ?? 10_000_000);
  const runs = Math.max(1, Number(process.env.BENCH_AUDIT_RUNS ?? 2));
  if (!Number.isInteger(n) || n < 100) throw new Error(`BENCH_AUDIT_ROWS must be an integer ≥ 100, got ${process.env.BENCH_AUDIT_ROWS}`);
  log(`\nschemasage bench, data audit: ${n.toLocaleString('en-US')} rows (BENCH_AUDIT_ROWS), target ≤ ${TARGET}× a sequential scan per table read`);

  const display = base.replace(/\/\/[^@/]*@/, '//');
  try {
    const c = await connect(base);
    await c.end();
  } catch (err) {
    const why = (err as Error).message;
    log('');
    log('  ****************************************************************************');
    log(`  *** data audit bench skipped: no PostgreSQL at ${display} (${why})`);
    log('  *** set SCHEMASAGE_TEST_PG_URL to a server to measure it');
    log('  ****************************************************************************');
    return { status: 'skipped', line: `SKIPPED: no PostgreSQL at ${display}` };
  }

  const db = `schemasage_bench_audit_${n}`;
  const url = withDatabase(base, db);
  const genMs = await ensureDatabase(base, db, n, log);
  log(genMs === null
    ? `  data: ${db} reused (generated earlier; DROP DATABASE ${db} to regenerate)`
    : `  data: ${db} generated in ${fmtMs(genMs)} (server-side INSERT … SELECT generate_series)`);

  const config = defaultConfig();
  const loaded = await loadCatalog(url, { cache: false });
  const catalog = loaded.catalog;

  // The plan, for what each check reads (the run reports times by rule and label, in plan order).
  const probe = await connect(url);
  let plan: AuditCheck[];
  let settings: Record<string, string>;
  try {
    const stats = await probe.query<{ s: string; t: string; c: string; n: number }>(
      `SELECT schemaname AS s, tablename AS t, attname AS c, n_distinct AS n FROM pg_stats
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND NOT inherited`);
    const distinct = new Map(stats.rows.map((r) => [`${r.s}.${r.t}.${r.c}`, Number(r.n)]));
    plan = planAudit({ catalog, review: config.review, invariants: config.invariants, configPath: config.path, sample: null, distinct }, config.settings);
    const s = await probe.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'work_mem', 'shared_buffers', 'server_version')`);
    settings = Object.fromEntries(s.rows.map((r) => [r.name, r.setting]));
  } finally {
    await probe.end();
  }
  const readsOf = (ch: AuditCheck) => ch.reads.map((r) => `${qi(r.schema)}.${qi(r.table)}`);
  const tables = [...new Set(plan.flatMap(readsOf))].sort();

  // The baseline scans are taken before each audit run and after the last (at least 3), so a change of
  // machine load during the run shows in both sides; each table's baseline is the median.
  const samples = new Map<string, number[]>();
  const walls: number[] = [];
  const perRun: AuditCheckStatus[][] = [];
  const load = [loadavg()[0] as number];
  for (let i = 0; i < runs; i++) {
    await scanOnce(url, tables, samples);
    const t = performance.now();
    const out = await runAudit(catalog, { url, config, checkTimeoutMs: 600_000 });
    walls.push(performance.now() - t);
    perRun.push(out.run.checks);
    log(`  audit run ${i + 1}/${runs}: ${out.run.checks.length} checks, ${out.findings.length} findings, ${fmtMs(walls[i] as number)}${out.run.complete ? '' : ' (INCOMPLETE)'}`);
  }
  do await scanOnce(url, tables, samples); while ((samples.get(tables[0] as string)?.length ?? 3) < 3);
  load.push(loadavg()[0] as number);
  const scans = new Map([...samples].map(([t, xs]) => [t, { ms: median(xs), runs: xs }]));
  const nScans = samples.get(tables[0] as string)?.length ?? 0;
  log(`  baseline: SELECT count(*) FROM <table> with enable_indexonlyscan, enable_indexscan and enable_bitmapscan off, i.e. a real`);
  log(`    sequential scan of the heap (parallel query as configured: max_parallel_workers_per_gather = ${settings['max_parallel_workers_per_gather']});`);
  log(`    median of ${nScans}, taken before each audit run and after the last`);
  for (const t of tables) {
    const s = scans.get(t);
    if (s) log(`    ${t.padEnd(24)} ${fmtMs(s.ms).padStart(8)}  (${s.runs.map((x) => Math.round(x)).join(', ')} ms)`);
  }
  const cores = availableParallelism();
  const busy = Math.max(...load) > cores;
  log(`  load average ${load.map((x) => x.toFixed(1)).join(' → ')} on ${cores} cores${busy ? ': THE MACHINE WAS BUSY, timings are noisy (the ratios compare like with like, but rerun on a quiet machine to trust them)' : ''}`);

  const first = perRun[0] ?? [];
  const rows: CheckRow[] = first.map((s, i) => {
    const ch = plan[i];
    if (!ch || ch.rule !== s.rule || ch.label !== s.label) throw new Error(`bench: audit run check ${i} (${s.rule} ${s.label}) does not match the plan (${ch?.rule} ${ch?.label})`);
    const times = perRun.map((r) => r[i]?.ms ?? Number.NaN);
    const ms = Math.min(...times);
    const reads = readsOf(ch);
    const baselineMs = reads.reduce((a, t) => a + (scans.get(t)?.ms ?? 0), 0);
    const ratio = ms / baselineMs;
    const statuses = perRun.map((r) => r[i]?.status ?? '?');
    const status = statuses.every((x) => x === 'ok') ? 'ok' : statuses.join('/');
    return { rule: s.rule, label: s.label, reads, ms, runsMs: times, baselineMs, ratio, pass: status === 'ok' && ratio <= TARGET, findings: s.findings, status };
  });
  const wall = Math.min(...walls);
  const allScans = tables.reduce((a, t) => a + (scans.get(t)?.ms ?? 0), 0);
  const sumChecks = rows.reduce((a, r) => a + r.ms, 0);

  log('');
  log(`  time: each check's fastest of ${runs} audit runs; scans: the sum of the median count(*) scan of each table the check reads`);
  const lines = table(
    ['rule', 'check', 'findings', 'time', 'scans', 'ratio', `≤ ${TARGET}×`],
    rows.map((r) => [r.rule, r.label, String(r.findings), fmtMs(r.ms), fmtMs(r.baselineMs), `${r.ratio.toFixed(2)}×`, r.pass ? '✓' : `✗${r.status === 'ok' ? '' : ` ${r.status}`}`]),
    [false, false, true, true, true, true, false],
  );
  for (const l of lines) log(l);
  const passed = rows.filter((r) => r.pass).length;
  log('');
  log(`  whole audit (wall, incl. connect + catalog statistics): ${fmtMs(wall)} vs one scan of each of the ${tables.length} tables read ${fmtMs(allScans)}: ${(wall / allScans).toFixed(2)}×` +
    ` (sum of check times ${fmtMs(sumChecks)}; ${rows.length} checks, ${(sumChecks / allScans).toFixed(2)}× one scan per table)`);
  log(`  ${passed}/${rows.length} checks within ${TARGET}× a scan per table read${passed === rows.length ? '' : `; over: ${rows.filter((r) => !r.pass).map((r) => `${r.rule} ${r.label} (${r.ratio.toFixed(2)}×)`).join(', ')}`}`);

  const jsonFile = process.env.BENCH_AUDIT_JSON;
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({
      rows: n, database: db, generatedMs: genMs, reused: genMs === null, target: TARGET, auditRuns: runs, settings,
      baseline: { method: 'SELECT count(*) with enable_indexonlyscan/indexscan/bitmapscan off, median of the scans taken before each audit run and after the last', tables: Object.fromEntries(scans) },
      loadAverage: load, cores,
      checks: rows, wallMs: walls, allScansMs: allScans, sumChecksMs: sumChecks, passed, total: rows.length,
    }, null, 2)}\n`);
    log(`  numbers written to ${jsonFile}`);
  }
  return {
    status: 'ok',
    line: `${passed}/${rows.length} checks ≤ ${TARGET}× (worst ${rows.length > 0 ? Math.max(...rows.map((r) => r.ratio)).toFixed(2) : '-'}×); audit ${fmtMs(wall)} vs ${fmtMs(allScans)} of scans (${(wall / allScans).toFixed(2)}×)`,
  };
}
