/** One measurement in a fresh process, so peak memory belongs to that measurement alone. Prints JSON. */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { loadCatalog, analyze } from '../src/pipeline.js';
import { render } from '../src/report/index.js';
import { openPGlite } from '../src/engine/pglite.js';

const [mode, file, statementsFile] = process.argv.slice(2) as [string, string, string];

async function applyAll(db: { exec(sql: string): Promise<unknown> }): Promise<void> {
  const statements = JSON.parse(readFileSync(statementsFile, 'utf8')) as string[];
  for (const s of statements) await db.exec(s);
}

const t0 = performance.now();
let extra: Record<string, unknown> = {};
if (mode === 'start-fresh') {
  const db = new PGlite();
  await db.waitReady;
  await db.close();
} else if (mode === 'start-template') {
  const s = await openPGlite({ supabase: false, extensions: [] });
  await s.close();
} else if (mode === 'baseline-fresh') {
  const db = new PGlite();
  await db.waitReady;
  await applyAll(db);
  await db.close();
} else if (mode === 'baseline-template') {
  const s = await openPGlite({ supabase: false, extensions: [] });
  await applyAll(s);
  await s.close();
} else if (mode === 'review') {
  const loaded = await loadCatalog(file, { cache: false });
  const out = analyze(loaded);
  const t = performance.now();
  render('md', out, { color: false });
  out.result.timings.renderMs = performance.now() - t;
  extra = {
    timings: out.result.timings,
    introspectionQueries: out.catalog.introspectionQueries,
    findings: out.result.findings.length,
    tables: out.result.summary.tables,
  };
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ mode, ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...extra }));
