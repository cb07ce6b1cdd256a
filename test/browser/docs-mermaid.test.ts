/**
 * Every ```mermaid block `docs` writes must render on GitHub: Mermaid itself, in a real browser,
 * parses each one (README and domain pages of the Supabase example, a Prisma schema and the large
 * fixture). A deliberately broken diagram proves the check can fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocsModel } from '../../src/docs/index.js';
import { renderDocsMarkdown } from '../../src/docs/markdown.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';
import { browserAvailable, launchBrowser, mermaidErrors } from '../support/browser.js';

const root = resolve(import.meta.dirname, '../..');

/** Names Mermaid's grammar could trip on: spaces, quotes, leading digits, keywords, its own words, case twins. */
const ODD_NAMES = `
CREATE SCHEMA "Sales Dept";
CREATE TABLE "Sales Dept"."Order Items" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "Note|x" text, "user" text, "a""quote" text);
CREATE TABLE "order" (id int PRIMARY KEY, item_id int NOT NULL UNIQUE REFERENCES "Sales Dept"."Order Items" (id), "select" text, "1col" int);
CREATE TABLE "Order" (id int PRIMARY KEY, "order" int REFERENCES "order" (id));
CREATE TABLE one (id int PRIMARY KEY, "to" int REFERENCES one (id));
CREATE TABLE "1st" (id int PRIMARY KEY, one_id int REFERENCES one (id), "zero-or-more" text);
CREATE TABLE erdiagram (id int PRIMARY KEY, "many" int REFERENCES "1st" (id));
CREATE TABLE "ümlaut tabelle" (id int PRIMARY KEY, erdiagram_id int REFERENCES erdiagram (id));
`;

/** `file: diagram` for every Mermaid block of the Markdown docs of a source. */
async function diagramsOf(source: string): Promise<Array<{ file: string; source: string }>> {
  const out = analyze(await loadCatalog(resolve(root, source)), 'docs');
  const model = buildDocsModel(out.catalog, out.result);
  const files = renderDocsMarkdown(model, out.catalog, out.result, { outDir: resolve(root, 'unused-docs-dir'), cwd: root, html: true, svg: true });
  return files.flatMap((f) => [...f.content.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => ({ file: `${source} → ${f.path}`, source: m[1] as string })));
}

describe.skipIf(!browserAvailable())('Mermaid in the generated docs', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const odd = join(mkdtempSync(join(tmpdir(), 'schemasage-mermaid-')), 'odd-names.sql');
  writeFileSync(odd, ODD_NAMES);
  afterAll(() => rmSync(dirname(odd), { recursive: true, force: true }));

  for (const source of ['examples/supabase-app', 'test/fixtures/prisma/saas/schema', 'test/fixtures/large/schema.sql', odd]) {
    it(`every diagram of ${source === odd ? 'a schema of odd names' : source} parses`, async () => {
      const diagrams = await diagramsOf(source);
      expect(diagrams.length).toBeGreaterThan(source.includes('large') ? 12 : 1);
      const errors = await mermaidErrors(browser, diagrams.map((d) => d.source));
      const failed = diagrams.map((d, i) => ({ file: d.file, error: errors[i] })).filter((d) => d.error !== null);
      expect(failed).toEqual([]);
    });
  }

  it('reports a broken diagram (the check can fail)', async () => {
    const [good] = await diagramsOf('examples/supabase-app');
    const valid = good?.source as string;
    // An unknown cardinality marker, and a comment with unescaped quotes (what a COMMENT ON COLUMN
    // copied verbatim would produce): both invalid erDiagram syntax.
    const broken = [valid.replace('||--o{', '||--x{'), valid.replace(/ PK$/m, ' PK "the "primary" key"')];
    expect(broken.every((b) => b !== valid)).toBe(true);
    const errors = await mermaidErrors(browser, [valid, ...broken]);
    expect(errors[0]).toBeNull();
    expect(errors[1]).toEqual(expect.any(String));
    expect(errors[2]).toEqual(expect.any(String));
  });
});
