/** One measurement in a fresh process, so peak memory belongs to that measurement alone. Prints JSON. */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { loadCatalog, analyze } from '../src/pipeline.js';
import { render } from '../src/report/index.js';
import { openPGlite } from '../src/engine/pglite.js';
import type { Catalog } from '../src/catalog/model.js';
import { allRules } from '../src/rules/index.js';
import { runRules } from '../src/rules/run.js';

/** The catalog repeated `times` times, each copy in its own schema (FKs kept inside the copy). */
function scaleCatalog(c: Catalog, times: number): Catalog {
  const copies: Catalog[] = [];
  for (let i = 0; i < times; i++) {
    const copy = structuredClone(c);
    const rename = (schema: string) => (schema === 'public' ? `s${i}` : `${schema}_${i}`);
    for (const t of copy.tables) {
      t.schema = rename(t.schema);
      for (const k of t.constraints) if (k.references) k.references.schema = rename(k.references.schema);
      for (const x of t.indexes) x.schema = rename(x.schema);
      for (const p of t.policies) p.schema = rename(p.schema);
      for (const g of t.triggers) g.schema = rename(g.schema);
    }
    for (const v of copy.views) v.schema = rename(v.schema);
    for (const q of copy.sequences) q.schema = rename(q.schema);
    copies.push(copy);
  }
  const base = copies[0] as Catalog;
  return {
    ...base,
    schemas: copies.flatMap((x) => x.schemas),
    tables: copies.flatMap((x) => x.tables),
    views: copies.flatMap((x) => x.views),
    sequences: copies.flatMap((x) => x.sequences),
    enums: copies.flatMap((x) => x.enums),
    functions: copies.flatMap((x) => x.functions),
    grants: copies.flatMap((x) => x.grants),
  };
}

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
} else if (mode === 'analyze-scaled') {
  // PRODUCT: analysis of 10,000 tables under 1 s. The 1,000-table catalog (from the result cache the
  // CLI runs filled) is repeated 10× in separate schemas; the floor is one structuredClone of it.
  const loaded = await loadCatalog(file, {});
  const big = scaleCatalog(loaded.catalog, Number(process.env.BENCH_SCALE ?? 10));
  let t = performance.now();
  structuredClone(big);
  const cloneMs = performance.now() - t;
  t = performance.now();
  const out = analyze({ ...loaded, catalog: big });
  const analyzeMs = performance.now() - t;
  const perRule: Array<[string, number]> = [];
  for (const rule of allRules) {
    const r0 = performance.now();
    runRules(big, [rule]);
    perRule.push([rule.meta.id, performance.now() - r0]);
  }
  perRule.sort((a, b) => b[1] - a[1]);
  extra = { tables: big.tables.length, analyzeMs, cloneMs, findings: out.result.findings.length, slowest: perRule.slice(0, 6) };
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ mode, ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...extra }));
