/**
 * SARIF and GitHub annotations for real reviews of the bundled examples (loaded into PGlite):
 * the log validates against the official SARIF 2.1.0 schema, every result lands on a line that
 * exists in a file that exists, and the help comes from the docs pages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { review } from '../../src/pipeline.js';
import { renderGithubAnnotations } from '../../src/report/github.js';
import { renderSarif } from '../../src/report/sarif.js';
import { getRule } from '../../src/rules/index.js';

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url)), 'utf8')) as object;
// The official schema's `language` pattern is not valid in unicode mode (a stray `]`).
// A CommonJS module: under NodeNext the class is its `default` (which Node also sets on the function itself).
const Ajv = AjvDraft04.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/\s|\\/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

interface Log {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; help: { text: string; markdown: string }; helpUri?: string }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: Array<{ physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }>;
      partialFingerprints: Record<string, string>;
      properties: { id: string; severity: string };
    }>;
  }>;
}

const LEVELS: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

for (const source of ['examples/shop.sql', 'examples/supabase-app']) {
  describe(`SARIF for ${source}`, async () => {
    const { result } = await review(source, { cache: false });
    const text = renderSarif(result);
    const log = JSON.parse(text) as Log;
    const run = log.runs[0] as Log['runs'][number];

    it('validates against the SARIF 2.1.0 schema', () => {
      expect(validate(log) ? [] : validate.errors).toEqual([]);
      expect(result.findings.length).toBeGreaterThan(0);
      expect(run.results).toHaveLength(result.findings.length);
    });

    it('gives each finding its level, fingerprint and rule', () => {
      for (const [i, f] of result.findings.entries()) {
        const r = run.results[i] as Log['runs'][number]['results'][number];
        expect(r.properties.id).toBe(f.id);
        expect(r.level).toBe(LEVELS[f.severity]);
        expect(r.partialFingerprints['schemasage/v1']).toBe(f.fingerprint);
        expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(f.rule);
      }
    });

    it('places every located result on an existing line of an existing file, relative to the root', () => {
      for (const r of run.results) {
        const physical = r.locations[0]?.physicalLocation;
        if (!physical) continue;
        expect(physical.artifactLocation.uriBaseId).toBe('%SRCROOT%');
        const file = decodeURIComponent(physical.artifactLocation.uri);
        expect(file.startsWith(source), file).toBe(true);
        expect(existsSync(file), file).toBe(true);
        const lines = readFileSync(file, 'utf8').split('\n').length;
        expect(physical.region?.startLine ?? 1).toBeLessThanOrEqual(lines);
      }
      expect(run.results.filter((r) => r.locations[0]?.physicalLocation?.region).length).toBeGreaterThan(run.results.length / 2);
    });

    it('carries each rule\'s docs page as its help (the rationale while a page is still missing)', () => {
      for (const rule of run.tool.driver.rules) {
        const path = `docs/rules/${rule.id}.md`;
        if (!existsSync(path)) {
          expect(rule.help.text, rule.id).toBe(getRule(rule.id)?.meta.rationale);
          expect(rule.helpUri, rule.id).toBeUndefined();
          continue;
        }
        const page = readFileSync(path, 'utf8');
        const why = (page.split(/^## /m).find((s) => s.startsWith('Why\n')) ?? '').slice('Why\n'.length).trim();
        expect(rule.help.markdown, rule.id).toContain(why);
        expect(rule.help.text.length, rule.id).toBeGreaterThan(50);
        expect(rule.helpUri, rule.id).toMatch(new RegExp(`/docs/rules/${rule.id}\\.md$`));
      }
    });

    it('annotates every finding for GitHub, highest severity first', () => {
      const lines = renderGithubAnnotations(result).trimEnd().split('\n');
      expect(lines).toHaveLength(result.findings.length + 1);
      expect(lines[0]).toMatch(/^::notice title=schemasage::schemasage review: \d+ findings/);
      const levels = lines.slice(1).map((l) => /^::(error|warning|notice) /.exec(l)?.[1]);
      expect(levels.every((l) => l !== undefined)).toBe(true);
      const rank = ['error', 'warning', 'notice'];
      expect([...levels].sort((a, b) => rank.indexOf(a as string) - rank.indexOf(b as string))).toEqual(levels);
      for (const l of lines) expect(l).not.toMatch(/[\r\n]/);
    });
  });
}
