/**
 * The acceptance bar for the bundled examples: every planted problem is found at the right
 * file:line, and none of the correct look-alikes is flagged. Expectations live beside the examples.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRef } from '../../src/catalog/helpers.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';
import type { Finding } from '../../src/result.js';

interface Expected {
  findings: Array<{ rule: string; object: string; file: string; line: number }>;
  mustNotFire: Array<{ rule: string; object: string; why: string }>;
}

/** The names a user might use for a finding's objects: `orders.customer_id`, `orders`, `idx_x`, `public.orders`. */
function names(f: Finding): Set<string> {
  const out = new Set<string>();
  for (const o of f.objects) {
    out.add(describeRef(o));
    if (o.name) out.add(o.name);
    if (o.table && o.name) out.add(`${o.table}.${o.name}`);
    if (o.schema && o.name) out.add(`${o.schema}.${o.name}`);
    if (o.schema && o.table && o.name) out.add(`${o.schema}.${o.table}.${o.name}`);
  }
  return out;
}

const cases = [
  { source: 'examples/supabase-app', expected: 'examples/supabase-app/EXPECTED.json', base: 'examples/supabase-app/' },
  { source: 'examples/shop.sql', expected: 'examples/shop.EXPECTED.json', base: 'examples/' },
];

for (const c of cases) {
  describe(c.source, async () => {
    const expected = JSON.parse(readFileSync(c.expected, 'utf8')) as Expected;
    const { result } = analyze(await loadCatalog(c.source, { cache: false }));

    for (const e of expected.findings) {
      it(`finds ${e.rule} on ${e.object} at ${e.file}:${e.line}`, () => {
        const hits = result.findings.filter((f) => f.rule === e.rule && names(f).has(e.object));
        expect(hits, `${e.rule} on ${e.object}; found ${e.rule} on: ${result.findings.filter((f) => f.rule === e.rule).map((f) => [...names(f)][0]).join(', ')}`).not.toHaveLength(0);
        const at = hits.map((f) => f.location && `${f.location.file.replace(/^.*?(?=supabase\/|shop\.sql)/, '')}:${f.location.line}`);
        expect(at).toContain(`${e.file}:${e.line}`);
      });
    }
    for (const n of expected.mustNotFire) {
      it(`does not flag ${n.object} with ${n.rule} (${n.why})`, () => {
        const hits = result.findings.filter((f) => f.rule === n.rule && names(f).has(n.object));
        expect(hits.map((f) => f.message)).toEqual([]);
      });
    }
  });
}
