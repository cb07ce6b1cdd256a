/**
 * npm run bench — one run, ratios against baselines measured in the same run:
 *   review time of a generated N-table SQL file vs applying the same statements to PGlite with
 *   nothing else; introspection query count; peak memory; a second (cached) CLI run.
 * BENCH_TABLES overrides N (default 1000).
 * Then the data audit on a local PostgreSQL (bench/audit.ts): BENCH_ONLY=audit runs only that part, BENCH_AUDIT=0 skips it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSchema } from './generate.js';
import { auditBench } from './audit.js';

if (process.env.BENCH_ONLY === 'audit') {
  await auditBench();
  process.exit(0);
}

const N = Number(process.env.BENCH_TABLES ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'schemasage-bench-'));
const sqlFile = join(dir, `schema_${N}.sql`);
const stmtsFile = join(dir, 'statements.json');
const statements = generateSchema(N);
writeFileSync(sqlFile, `${statements.join('\n')}\n`);
writeFileSync(stmtsFile, JSON.stringify(statements));
const cacheDir = join(dir, 'cache');

interface ChildResult {
  ms: number; maxRssMb: number; timings?: Record<string, number>; introspectionQueries?: number; findings?: number; tables?: number;
  analyzeMs?: number; cloneMs?: number; slowest?: Array<[string, number]>;
}

function child(mode: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/child.ts', mode, sqlFile, stmtsFile], {
    env: { ...process.env, SCHEMASAGE_CACHE_DIR: cacheDir },
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as ChildResult;
}

function cli(): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['bin/schemasage.js', 'review', sqlFile, '--format', 'json', '--fail-on', 'none'], {
    env: { ...process.env, SCHEMASAGE_CACHE_DIR: cacheDir },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`schemasage review failed: ${r.stderr}`);
  return performance.now() - t;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`schemasage bench: ${N} tables, ${statements.length} statements (${sqlFile})`);
// Warm the PGlite template so the review measures steady state, as users see it from the second run on.
child('baseline-template');
const startFresh = child('start-fresh');
const startTemplate = child('start-template');
const fresh = child('baseline-fresh');
const floor = child('baseline-template');
const review = child('review');
const first = cli();
const cached = cli();
const scaled = child('analyze-scaled');

const rows: Array<[string, string]> = [
  ['PGlite start, fresh (initdb)', fmt(startFresh.ms)],
  ['PGlite start, from cached template', fmt(startTemplate.ms)],
  ['baseline: new PGlite() + apply statements one by one', fmt(fresh.ms)],
  ['engine floor: PGlite from cached template + apply', fmt(floor.ms)],
  ['review (load+apply+introspect+analyze+render md)', fmt(review.ms)],
  ['  phases', Object.entries(review.timings ?? {}).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')],
  ['ratio review / baseline (target ≤ 1.3)', (review.ms / fresh.ms).toFixed(2)],
  ['ratio review / engine floor', (review.ms / floor.ms).toFixed(2)],
  ['introspection queries', String(review.introspectionQueries)],
  ['findings', String(review.findings)],
  ['peak memory, review (target < 1.5 GB)', `${review.maxRssMb} MB`],
  ['peak memory, baseline', `${fresh.maxRssMb} MB`],
  ['CLI first run (cold result cache)', fmt(first)],
  ['CLI second run (cached, target < 1 s)', fmt(cached)],
  [`analysis of ${scaled.tables} tables (target < 1 s)`, `${fmt(scaled.analyzeMs ?? 0)}, ${scaled.findings} findings`],
  ['  ratio analysis / one structuredClone of that catalog', ((scaled.analyzeMs ?? 0) / (scaled.cloneMs ?? 1)).toFixed(2)],
  ['  slowest rules', (scaled.slowest ?? []).map(([id, ms]) => `${id} ${Math.round(ms)} ms`).join(', ')],
];
if (process.env.BENCH_AUDIT !== '0') rows.push(['data audit, check / scans of the tables it reads (target ≤ 2)', (await auditBench()).line]);
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
rmSync(dir, { recursive: true, force: true });
