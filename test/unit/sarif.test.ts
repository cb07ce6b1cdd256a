import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { ruleHelp } from '../../src/report/rule-help.js';
import { artifactLocation, pascalCase, renderSarif } from '../../src/report/sarif.js';
import type { Finding, ReviewResult, SuppressedFinding } from '../../src/result.js';
import { allRules, getRule } from '../../src/rules/index.js';
import { finding, resultFor, shopCatalog, shopFindings } from '../fixtures/report/shop.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string; markdown?: string };
  locations: Array<{
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } };
    logicalLocations?: Array<{ name?: string; fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification?: string; status?: string }>;
  properties: Record<string, unknown>;
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; category?: string; 'security-severity'?: string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion?: string; informationUri: string; rules: SarifRule[] } };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ level: string; message: { text: string } }> }>;
    originalUriBaseIds: Record<string, { uri?: string; description?: { text: string } }>;
    results: SarifResult[];
    columnKind: string;
  }>;
}

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url)), 'utf8')) as object;
// The official schema's `language` pattern is not valid in unicode mode (a stray `]`).
// A CommonJS module: under NodeNext the class is its `default` (which Node also sets on the function itself).
const Ajv = AjvDraft04.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
// The schema names formats; ajv only checks the ones it is given.
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/\s|\\/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

function valid(text: string): SarifLog {
  const log = JSON.parse(text) as SarifLog;
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  return log;
}

function sarif(result: ReviewResult = resultFor(shopFindings()), opts: Parameters<typeof renderSarif>[1] = {}): SarifLog {
  return valid(renderSarif(result, opts));
}

const run = (log: SarifLog) => log.runs[0] as SarifLog['runs'][number];
const resultOf = (log: SarifLog, id: string): SarifResult => {
  const r = run(log).results.find((x) => x.properties['id'] === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
};

describe('SARIF 2.1.0', () => {
  it('is one valid run from schemasage, through render() as well', () => {
    const log = sarif();
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const r = run(log);
    expect(r.tool.driver.name).toBe('schemasage');
    expect(r.tool.driver.version).toBe('0.1.0');
    expect(r.tool.driver.semanticVersion).toBe('0.1.0');
    expect(r.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(r.columnKind).toBe('utf16CodeUnits');
    expect(r.invocations[0]?.executionSuccessful).toBe(true);
    expect(Object.keys(r.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(render('sarif', { result: resultFor(shopFindings()), catalog: shopCatalog() }, { color: true })).toBe(renderSarif(resultFor(shopFindings())));
  });

  it('maps critical/high to error, medium to warning, low/info to note', () => {
    const log = sarif();
    expect(resultOf(log, 'C1').level).toBe('error');
    expect(resultOf(log, 'H1').level).toBe('error');
    expect(resultOf(log, 'M1').level).toBe('warning');
    expect(resultOf(log, 'L1').level).toBe('note');
    expect(resultOf(log, 'I1').level).toBe('note');
    const rule = (id: string) => run(log).tool.driver.rules.find((x) => x.id === id) as SarifRule;
    const expected = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
    for (const id of ['rls-disabled', 'unindexed-foreign-key', 'missing-comment']) {
      expect(rule(id).defaultConfiguration.level, id).toBe(expected[getRule(id)?.meta.severity ?? 'info']);
    }
  });

  it('points each result at its rule, in one descriptor per rule used', () => {
    const log = sarif();
    const rules = run(log).tool.driver.rules;
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.map((r) => r.id).sort()).toEqual([...new Set(shopFindings().map((f) => f.rule))].sort());
    for (const r of run(log).results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    const fk = rules.find((r) => r.id === 'unindexed-foreign-key') as SarifRule;
    expect(fk.name).toBe('UnindexedForeignKey');
    expect(fk.shortDescription.text).toBe(getRule('unindexed-foreign-key')?.meta.title);
    expect(fk.fullDescription.text).toBe(getRule('unindexed-foreign-key')?.meta.rationale);
    expect(fk.properties.tags).toEqual(['foreign-keys', 'postgresql', 'schema']);
    expect(fk.properties['security-severity']).toBeUndefined();
  });

  it('lists every rule when asked, so the log documents what was checked', () => {
    const log = sarif(resultFor([]), { rules: 'all' });
    expect(run(log).tool.driver.rules.map((r) => r.id)).toEqual(allRules.map((r) => r.meta.id));
  });

  it('gives security rules a security-severity that GitHub ranks by', () => {
    const rls = run(sarif()).tool.driver.rules.find((r) => r.id === 'rls-disabled') as SarifRule;
    expect(rls.properties.tags).toContain('security');
    const score = Number(rls.properties['security-severity']);
    expect(score).toBeGreaterThanOrEqual(getRule('rls-disabled')?.meta.severity === 'critical' ? 9 : 7);
    expect(score).toBeLessThanOrEqual(10);
  });

  it('carries the docs page as help: why and fix as text, the page as markdown, a link to it', () => {
    const f = finding('M1', 'money-as-float', 'medium', { category: 'types', objects: [{ kind: 'column', schema: 'public', table: 'payments', name: 'amount' }] });
    const rule = run(sarif(resultFor([f]))).tool.driver.rules[0] as SarifRule;
    expect(rule.help.text).toContain('binary fractions');
    expect(rule.help.text).toContain('How to fix:');
    expect(rule.help.text).not.toContain('```');
    expect(rule.help.markdown).toContain('## Why');
    expect(rule.help.markdown).toContain('## Bad\n```sql\nCREATE TABLE payments');
    expect(rule.help.markdown).not.toContain('**Category:**');
    expect(rule.helpUri).toBe('https://unpkg.com/schemasage@0.1.0/docs/rules/money-as-float.md');
  });

  it('falls back to the rationale when a rule has no docs page, without crashing', () => {
    expect(ruleHelp('no-such-rule', 'The rationale.')).toEqual({ text: 'The rationale.', markdown: 'The rationale.', fromDocs: false });
    expect(ruleHelp('../package', 'Safe.').fromDocs).toBe(false);
    const f = finding('M1', 'some-future-rule', 'medium', { title: 'Something odd', rationale: 'Odd things break.' });
    const rule = run(sarif(resultFor([f]))).tool.driver.rules[0] as SarifRule;
    expect(rule.help.text).toBe('Odd things break.');
    expect(rule.shortDescription.text).toBe('Something odd');
    expect(rule.helpUri).toBeUndefined();
  });

  it('locates results relative to %SRCROOT% with forward slashes, line and column', () => {
    const h1 = resultOf(sarif(), 'H1');
    expect(h1.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'supabase/migrations/20240101000000_init.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 64, startColumn: 3 },
    });
    expect(h1.locations[0]?.logicalLocations).toEqual([{ name: 'order_id', fullyQualifiedName: 'public.payments.order_id', kind: 'column' }]);
    expect(artifactLocation('db\\migrations\\001 init.sql')).toEqual({ uri: 'db/migrations/001%20init.sql', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('./schema.sql')).toEqual({ uri: 'schema.sql', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/repo/db/schema.sql', '/repo')).toEqual({ uri: 'db/schema.sql', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/elsewhere/schema.sql', '/repo')).toEqual({ uri: 'file:///elsewhere/schema.sql' });
  });

  it('names the root only when told it, so the log does not depend on the machine', () => {
    expect(run(sarif()).originalUriBaseIds['%SRCROOT%']?.uri).toBeUndefined();
    expect(run(sarif(resultFor(shopFindings()), { root: '/repo' })).originalUriBaseIds['%SRCROOT%']?.uri).toBe('file:///repo/');
  });

  it('gives a finding without a location a logical location, pinned to the file of a one-file source', () => {
    const unlocated = finding('M1', 'enum-like-without-check', 'medium', { objects: [{ kind: 'column', schema: 'public', table: 'orders', name: 'status' }] });
    const fromMigrations = resultOf(sarif(resultFor([unlocated])), 'M1');
    expect(fromMigrations.locations).toEqual([{ logicalLocations: [{ name: 'status', fullyQualifiedName: 'public.orders.status', kind: 'column' }] }]);
    const fromFile = resultOf(sarif(resultFor([unlocated], { source: { kind: 'sql', path: 'db/schema.sql', layout: null } })), 'M1');
    expect(fromFile.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'db/schema.sql', uriBaseId: '%SRCROOT%' } });
    expect(fromFile.locations[0]?.logicalLocations?.[0]?.kind).toBe('column');
    const pinned = resultOf(sarif(resultFor([unlocated]), { fallbackFile: 'supabase/migrations/20240101000000_init.sql' }), 'M1');
    expect(pinned.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('supabase/migrations/20240101000000_init.sql');
    const table = resultOf(sarif(resultFor([finding('L1', 'missing-comment', 'low', { objects: [{ kind: 'table', schema: 'billing', name: 'invoices' }] })])), 'L1');
    expect(table.locations[0]?.logicalLocations).toEqual([{ name: 'invoices', fullyQualifiedName: 'billing.invoices', kind: 'table' }]);
  });

  it('keys every result by the finding fingerprint and keeps the finding in properties', () => {
    const log = sarif();
    for (const f of shopFindings()) expect(resultOf(log, f.id).partialFingerprints).toEqual({ 'schemasage/v1': f.fingerprint });
    const c1 = resultOf(log, 'C1');
    expect(c1.message.text).toBe(shopFindings()[0]?.message);
    expect(c1.message.markdown).toContain('```sql\nALTER TABLE orders ENABLE ROW LEVEL SECURITY;');
    expect(c1.message.markdown).toContain('Takes an ACCESS EXCLUSIVE lock briefly.');
    expect(c1.properties).toMatchObject({ severity: 'critical', category: 'security', objects: [{ kind: 'table', schema: 'public', name: 'orders' }], details: {} });
    expect((c1.properties['fix'] as { sql: string }).sql).toContain('ENABLE ROW LEVEL SECURITY');
    expect(resultOf(log, 'I1').properties['fix']).toBeUndefined();
  });

  it('reports suppressed findings as suppressed results, in source or external, with the reason', () => {
    const suppressed: SuppressedFinding[] = [
      { rule: 'unindexed-foreign-key', severity: 'high', fingerprint: 'fp-inline', objects: [{ kind: 'column', schema: 'public', table: 'orders', name: 'user_id' }], location: { file: 'db/schema.sql', line: 9, column: 3 }, by: 'inline', reason: 'tiny table' },
      { rule: 'missing-comment', severity: 'low', fingerprint: 'fp-base', objects: [{ kind: 'table', schema: 'public', name: 'orders' }], location: null, by: 'baseline', reason: null },
      { rule: 'plaintext-secret', severity: 'high', fingerprint: 'fp-cfg', objects: [{ kind: 'column', schema: 'public', table: 'users', name: 'api_key' }], location: null, by: 'ignore', reason: 'hashed by the app' },
      { rule: 'pii-unclassified', severity: 'info', fingerprint: 'fp-cmt', objects: [{ kind: 'column', schema: 'public', table: 'users', name: 'email' }], location: null, by: 'comment', reason: null },
    ];
    const log = sarif(resultFor(shopFindings(), { suppressed, summary: { ...resultFor([]).summary, suppressed: 4 } }));
    const results = run(log).results.filter((r) => r.suppressions);
    expect(results).toHaveLength(4);
    const byFp = new Map(results.map((r) => [r.partialFingerprints['schemasage/v1'], r]));
    expect(byFp.get('fp-inline')?.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'tiny table', properties: { by: 'inline' } }]);
    expect(byFp.get('fp-inline')?.level).toBe('error');
    expect(byFp.get('fp-inline')?.message.text).toContain('suppressed by a schemasage-ignore comment: tiny table');
    expect(byFp.get('fp-base')?.suppressions?.[0]?.kind).toBe('external');
    expect(byFp.get('fp-base')?.suppressions?.[0]?.justification).toBeUndefined();
    expect(byFp.get('fp-cfg')?.suppressions?.[0]).toMatchObject({ kind: 'external', justification: 'hashed by the app' });
    expect(byFp.get('fp-cmt')?.suppressions?.[0]?.kind).toBe('inSource');
    // Their rules are described too, and each index resolves.
    const rules = run(log).tool.driver.rules;
    for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(rules.map((r) => r.id)).toContain('pii-unclassified');
    expect(run(log).results.filter((r) => !r.suppressions)).toHaveLength(shopFindings().length);
  });

  it('reports loading notes as tool notifications', () => {
    const notes = run(sarif()).invocations[0]?.toolExecutionNotifications ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 'warning', message: { text: 'Extension pg_cron is not available in PGlite; 1 statement skipped.' } });
  });

  it('is valid and empty for a clean schema', () => {
    const log = sarif(resultFor([], { notes: [] }));
    expect(run(log).results).toEqual([]);
    expect(run(log).tool.driver.rules).toEqual([]);
    expect(run(log).invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('is checked by a validator that does reject a broken log', () => {
    const log = JSON.parse(renderSarif(resultFor(shopFindings()))) as SarifLog;
    (run(log).results[0] as SarifResult).level = 'fatal';
    expect(validate(log)).toBe(false);
    const noUri = JSON.parse(renderSarif(resultFor(shopFindings()))) as { runs: Array<{ tool: { driver: { informationUri: string } } }> };
    (noUri.runs[0] as { tool: { driver: { informationUri: string } } }).tool.driver.informationUri = 'not a uri';
    expect(validate(noUri)).toBe(false);
  });

  it('is deterministic', () => {
    expect(renderSarif(resultFor(shopFindings()))).toBe(renderSarif(resultFor(shopFindings())));
  });

  it('spells rule names in PascalCase', () => {
    expect(pascalCase('unindexed-foreign-key')).toBe('UnindexedForeignKey');
    expect(pascalCase('timetz')).toBe('Timetz');
    expect(pascalCase('json-over-jsonb')).toBe('JsonOverJsonb');
  });

  it('is valid for findings with awkward text and paths', () => {
    const odd: Finding = finding('H1', 'plaintext-secret', 'high', {
      message: 'Line one\nline two with `code`, 100% and "quotes"',
      objects: [{ kind: 'column', schema: 'Weird Schema', table: 'Users', name: 'API Key' }],
      location: { file: 'db/my migrations/001#init?.sql', line: 1, column: 1 },
      details: { nested: { list: [1, 'two', null] } },
      fix: { sql: 'ALTER TABLE "Weird Schema"."Users" DROP COLUMN "API Key";', notes: '```not a fence```' },
    });
    const r = resultOf(sarif(resultFor([odd])), 'H1');
    expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('db/my%20migrations/001%23init%3F.sql');
    expect(r.properties['details']).toEqual({ nested: { list: [1, 'two', null] } });
  });
});
