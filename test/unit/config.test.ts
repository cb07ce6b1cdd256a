/**
 * Configuration and suppression: validation messages a user can act on, discovery, globs, and
 * each kind of suppression removing exactly the findings it names (counted, never lost).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { buildBaseline, readBaseline, writeBaseline, type LoadedBaseline } from '../../src/config/baseline.js';
import { globMatches, globProblem } from '../../src/config/glob.js';
import { defaultConfig, findConfigFile, loadConfig, readConfigFile, resolveConfig, type ResolvedConfig } from '../../src/config/load.js';
import type { ConfigFile } from '../../src/config/schema.js';
import { commentMarkers, inlineIgnoresOf, objectNames } from '../../src/config/suppress.js';
import { SchemasageError } from '../../src/errors.js';
import { analyze, type LoadedCatalog, type ReviewOutput } from '../../src/pipeline.js';
import type { Finding } from '../../src/result.js';
import { splitStatements } from '../../src/sources/split.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-config-'));
let dirs = 0;
function dir(files: Record<string, string> = {}): string {
  const d = join(tmp, `d${++dirs}`);
  mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

/** The message the CLI would print for a config file, or null when it is valid. */
function configError(name: string, text: string): string | null {
  const d = dir({ [name]: text });
  try {
    readConfigFile(join(d, name), d);
    return null;
  } catch (e) {
    if (!(e instanceof SchemasageError)) throw e;
    return e.format();
  }
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

describe('config validation', () => {
  it('names the file, line, key path and the allowed values for a bad rule level', () => {
    const msg = configError('schemasage.config.json', json({ rules: { 'unindexed-foreign-key': 'hgh' } }));
    expect(msg).toBe(
      'schemasage.config.json:3:30: rules.unindexed-foreign-key: expected "off" | "critical" | "high" | "medium" | "low" | "info" | [severity, options]',
    );
  });

  it('accepts every documented key and form', () => {
    const full: ConfigFile = {
      $schema: './node_modules/schemasage/schema.json',
      rules: { 'unindexed-foreign-key': 'critical', 'no-primary-key': 'off', 'varchar-n': ['low', { max: 255 }], 'orphaned-rows': 'high' },
      stances: { naming: 'snake_case', tablePlurality: 'plural', varchar: 'text', enumStyle: 'check' },
      tenantColumn: 'organization_id',
      orm: 'prisma',
      schemas: ['public', 'billing'],
      ignore: [{ rule: 'rls-*', object: 'audit.**', reason: 'internal schema' }, { rule: 'all', object: 'legacy_*' }],
      baseline: 'ci/schemasage-baseline.json',
      failOn: 'medium',
      invariants: [{ name: 'paid orders have a payment', sql: 'SELECT NOT EXISTS (SELECT 1 FROM orders)', message: 'a paid order has no payment' }],
    };
    expect(configError('schemasage.config.json', json(full))).toBeNull();
  });

  it('suggests the closest rule id for an unknown one', () => {
    const msg = configError('schemasage.config.json', json({ rules: { 'unindexed-foreign-keys': 'off' } }));
    expect(msg).toBe('schemasage.config.json:3:5: rules.unindexed-foreign-keys: unknown rule id; did you mean "unindexed-foreign-key"?');
  });

  it('lists the allowed keys for an unknown key, with the likely one', () => {
    const msg = configError('schemasage.config.yaml', 'tenantcolumn: org_id\nstances:\n  plural: yes\n');
    expect(msg).toContain('schemasage.config.yaml:1:1: tenantcolumn: unknown key; allowed: $schema, rules, stances, tenantColumn,');
    expect(msg).toContain('did you mean "tenantColumn"?');
    expect(msg).toContain('schemasage.config.yaml:3:3: stances.plural: unknown key; allowed: naming, tablePlurality, varchar, enumStyle');
  });

  it('says what a stance, failOn or orm may be', () => {
    const msg = configError('schemasage.config.yml', 'stances:\n  naming: kebab\nfailOn: severe\norm: typeorm\n') ?? '';
    expect(msg).toContain('stances.naming: expected "snake_case" | "camelCase" | "auto", got "kebab"');
    expect(msg).toContain('failOn: expected "critical" | "high" | "medium" | "low" | "info" | "none", got "severe"');
    expect(msg).toContain('orm: expected "prisma" | "drizzle", got "typeorm"');
  });

  it('rejects bad globs and rule globs that match no rule', () => {
    const msg = configError('schemasage.config.json', json({
      ignore: [
        { rule: 'nope-*' },
        { rule: 'no-primary-key', object: 'a..b' },
        { rule: 'no-primary-key', object: 'a.b.c.d' },
        { rule: 'no-primary-key', object: 'orders[0]' },
        { object: 'orders' },
      ],
    })) ?? '';
    expect(msg).toContain('ignore[0].rule: "nope-*" matches no rule id');
    expect(msg).toContain('ignore[1].object: bad glob "a..b": empty name part');
    expect(msg).toContain('ignore[2].object: bad glob "a.b.c.d": 4 parts can never match');
    expect(msg).toContain('ignore[3].object: bad glob "orders[0]": "[" is not supported');
    expect(msg).toContain('ignore[4].rule: required');
  });

  it('reports every problem at once, in file order', () => {
    const msg = configError('schemasage.config.json', json({ failOn: 'x', rules: { 'no-primary-keys': 'off' } })) ?? '';
    const lines = msg.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^schemasage\.config\.json:2:\d+: failOn:/);
    expect(lines[1]).toMatch(/^ {2}schemasage\.config\.json:4:\d+: rules\.no-primary-keys: unknown rule id/);
  });

  it('gives file:line:column for JSON and YAML syntax errors', () => {
    expect(configError('schemasage.config.json', '{\n  "rules": {\n    "no-primary-key": "off",\n  }\n}\n')).toMatch(/^schemasage\.config\.json:4:3: invalid JSON: /);
    expect(configError('schemasage.config.yaml', 'rules:\n  no-primary-key: off\n   bad: indent\n')).toMatch(/^schemasage\.config\.yaml:2:\d+: invalid YAML: /);
    expect(configError('schemasage.config.json', '{"rules": {}, "rules": {}}')).toMatch(/^schemasage\.config\.json:1:15: invalid JSON: duplicate key/);
  });

  it('reads the "schemasage" key of package.json and names its path', () => {
    const msg = configError('package.json', json({ name: 'app', schemasage: { rules: { 'no-primary-key': 'nope' } } }));
    expect(msg).toMatch(/^package\.json:5:25: schemasage\.rules\.no-primary-key: expected "off"/);
  });

  it('treats an empty YAML file as an empty config and a missing --config file as an error', () => {
    expect(configError('schemasage.config.yaml', '')).toBeNull();
    expect(() => loadConfig({ file: 'nope.json', cwd: dir() })).toThrow('config file not found: nope.json');
  });
});

describe('documented examples', () => {
  const blocks = (file: string, lang: string) =>
    [...readFileSync(join(import.meta.dirname, '../..', file), 'utf8').matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');

  it('the config examples in docs/configuration.md and README.md are valid', () => {
    const [full] = blocks('docs/configuration.md', 'json');
    const [yaml] = blocks('docs/configuration.md', 'yaml');
    const [readme] = blocks('README.md', 'json');
    expect(configError('schemasage.config.json', full ?? '')).toBeNull();
    expect(configError('schemasage.config.yaml', yaml ?? '')).toBeNull();
    expect(configError('schemasage.config.json', readme ?? '')).toBeNull();
    expect(Object.keys(JSON.parse(full ?? '{}') as object).sort()).toEqual(
      ['rules', 'stances', 'tenantColumn', 'orm', 'schemas', 'ignore', 'baseline', 'failOn', 'invariants'].sort(),
    );
  });
});

describe('config discovery', () => {
  it('finds the nearest config from the source folder upwards, json before yaml before package.json', () => {
    const d = dir({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'package.json': json({ name: 'app', schemasage: { failOn: 'low' } }),
      'db/schemasage.config.yaml': 'failOn: medium\n',
      'db/schemasage.config.json': json({ failOn: 'critical' }),
      'db/migrations/001_init.sql': 'CREATE TABLE t (id int);\n',
      'other/schema.sql': 'CREATE TABLE t (id int);\n',
    });
    expect(findConfigFile('db/migrations', d)).toBe(join(d, 'db/schemasage.config.json'));
    expect(findConfigFile('other/schema.sql', d)).toBe(join(d, 'package.json'));
    expect(loadConfig({ source: 'db/migrations/001_init.sql', cwd: d }).failOn).toBe('critical');
    expect(loadConfig({ source: 'other/schema.sql', cwd: d })).toMatchObject({ path: 'package.json', failOn: 'low' });
  });

  it('stops at the repository root and ignores a package.json without the key', () => {
    const outer = dir({ 'schemasage.config.json': json({ failOn: 'info' }) });
    const repo = join(outer, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'db'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), json({ name: 'app' }));
    writeFileSync(join(repo, 'db', 'schema.sql'), 'CREATE TABLE t (id int);\n');
    expect(findConfigFile('db/schema.sql', repo)).toBeNull();
    expect(loadConfig({ source: 'db/schema.sql', cwd: repo }).path).toBeNull();
  });

  it('remembers where each ignore entry is written, so a stale one can be pointed at', () => {
    const d = dir({ 'schemasage.config.yaml': 'failOn: low\nignore:\n  - rule: no-primary-key\n    object: a\n  - rule: rls-*\n' });
    expect(loadConfig({ cwd: d }).ignores.map((e) => e.location)).toEqual([
      { file: 'schemasage.config.yaml', line: 3, column: 5 },
      { file: 'schemasage.config.yaml', line: 5, column: 5 },
    ]);
  });

  it('searches the current folder for a database URL', () => {
    const d = dir({ 'schemasage.config.yml': 'schemas: [app]\n' });
    expect(loadConfig({ source: 'postgres://u@h/db', cwd: d }).schemas).toEqual(['app']);
  });
});

describe('resolved config', () => {
  it('maps levels, options and stances; varchar: text turns varchar-n on unless rules says otherwise', () => {
    const c = resolveConfig({ rules: { 'no-primary-key': 'off', 'unindexed-foreign-key': ['critical', { minRows: 10 }] }, stances: { varchar: 'text' } }, { path: 'x.json', dir: '/p' });
    expect(c.settings['no-primary-key']).toEqual({ level: 'off', options: {} });
    expect(c.settings['unindexed-foreign-key']).toEqual({ level: 'critical', options: { minRows: 10 } });
    expect(c.settings['varchar-n']?.level).toBe('info');
    expect(c.review.stances).toEqual({ naming: 'auto', tablePlurality: 'auto', varchar: 'text', enumStyle: 'either' });
    expect(resolveConfig({ rules: { 'varchar-n': 'off' }, stances: { varchar: 'text' } }, { path: null, dir: '/p' }).settings['varchar-n']?.level).toBe('off');
    expect(resolveConfig({ baseline: 'ci/base.json' }, { path: null, dir: '/p' }).baseline).toBe('/p/ci/base.json');
  });
});

describe('globs', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders_archive', false],
    ['orders.*', 'orders.total', true],
    ['orders.*', 'orders', false],
    ['*.total', 'orders.total', true],
    ['*.total', 'public.orders.total', false],
    ['**.total', 'public.orders.total', true],
    ['**.total', 'total', true],
    ['audit.**', 'audit.events.at', true],
    ['audit.**', 'audit', true],
    ['audit.**', 'auditing.events', false],
    ['public.**.id', 'public.orders.id', true],
    ['public.**.id', 'public.id', true],
    ['legacy_*', 'legacy_notes', true],
    ['legacy_*', 'Legacy_notes', false],
    ['rls-*', 'rls-disabled', true],
    ['**', 'a.b.c', true],
  ])('%s against %s → %s', (glob, name, expected) => {
    expect(globProblem(glob, { maxParts: 3 })).toBeNull();
    expect(globMatches(glob, name)).toBe(expected);
  });

  it('names a finding object by schema.table.name, table.name and table', () => {
    expect(objectNames({ kind: 'column', schema: 'public', table: 'orders', name: 'total' })).toEqual(['public.orders.total', 'orders.total', 'orders']);
    expect(objectNames({ kind: 'index', schema: 'app', table: 'orders', name: 'orders_idx' })).toEqual(['app.orders.orders_idx', 'orders.orders_idx', 'orders', 'app.orders_idx', 'orders_idx']);
    expect(objectNames({ kind: 'table', schema: 'public', name: 'orders' })).toEqual(['public.orders', 'orders']);
  });
});

describe('COMMENT ON markers and inline comments', () => {
  it('reads rule lists and reasons', () => {
    expect(commentMarkers('Archive. @schemasage-ignore no-primary-key, rls-disabled: read-only copy')).toEqual([
      { rules: ['no-primary-key', 'rls-disabled'], reason: 'read-only copy' },
    ]);
    expect(commentMarkers('mentions schemasage-ignore without the @')).toEqual([]);
  });

  it('captures the reason of each -- schemasage-ignore comment with the statement lines', async () => {
    const sql = '-- schemasage-ignore no-primary-key: staging\n/* schemasage-ignore rls-disabled: internal */\nCREATE TABLE a (\n  x int\n);\n';
    const ignores = inlineIgnoresOf(await splitStatements({ path: 'a.sql', text: sql }, 0));
    expect(ignores).toEqual([
      { rules: ['no-primary-key'], reason: 'staging', file: 'a.sql', line: 3, endLine: 5 },
      { rules: ['rls-disabled'], reason: 'internal', file: 'a.sql', line: 3, endLine: 5 },
    ]);
  });
});

// ---- suppression, end to end over a real catalog ---------------------------------------------

const SHOP = `CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  total double precision NOT NULL,
  placed_at timestamp NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- schemasage-ignore unindexed-foreign-key: orders are never deleted through customers
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

-- schemasage-ignore no-primary-key: staging, replaced wholesale nightly
CREATE TABLE import_rows (line text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());

CREATE TABLE legacy_notes (body text NOT NULL, written_at timestamp NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
COMMENT ON TABLE legacy_notes IS 'Read-only archive. @schemasage-ignore no-primary-key: archive';

-- schemasage-ignore no-primary-keys: a typo
CREATE TABLE scratch (note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
COMMENT ON COLUMN orders.total IS 'Order total. @schemasage-ignore money-as-float: reporting copy, never used for charging';
`;

let catalog: Catalog;
let bare: Catalog;

beforeAll(async () => {
  catalog = await catalogFromSql(SHOP, { file: 'shop.sql' });
  catalog.inlineIgnores = inlineIgnoresOf(await splitStatements({ path: 'shop.sql', text: SHOP }, 0));
  // The same schema with no inline ignores and no COMMENT ON markers: what every finding would be.
  const plain = SHOP.replace(/-- schemasage-ignore[^\n]*\n/g, '').replace(/^COMMENT ON[^\n]*\n/gm, '');
  bare = await catalogFromSql(plain, { file: 'shop.sql' });
});

afterAll(closeEngines);

function run(c: Catalog, config: ResolvedConfig = defaultConfig(), baseline?: LoadedBaseline | null): ReviewOutput {
  const loaded: LoadedCatalog = {
    catalog: c,
    source: { kind: 'sql', path: 'shop.sql', layout: null },
    timings: { loadMs: 0, applyMs: 0, introspectMs: 0, analyzeMs: 0, renderMs: 0 },
    fromCache: false,
  };
  return analyze(loaded, 'review', { config, ...(baseline !== undefined ? { baseline } : {}) });
}

const cfg = (file: ConfigFile) => resolveConfig(file, { path: 'schemasage.config.json', dir: tmp });
const keys = (fs: ReadonlyArray<Pick<Finding, 'rule' | 'fingerprint'>>) => fs.map((f) => f.fingerprint).sort();
const subject = (f: Pick<Finding, 'objects'>) => {
  const o = f.objects[0];
  return o ? [o.table, o.name].filter(Boolean).join('.') : '';
};

describe('suppression', () => {
  it('inline ignores and COMMENT ON markers remove exactly the findings they name, with their reasons', () => {
    const all = run(bare).result;
    const out = run(catalog).result;
    const byKind = (by: string) => (out.suppressed ?? []).filter((s) => s.by === by).map((s) => `${s.rule} ${subject(s)} — ${s.reason}`);
    expect(byKind('inline').sort()).toEqual([
      'no-primary-key import_rows — staging, replaced wholesale nightly',
      // The comment precedes the ALTER TABLE that created the constraint the finding is about.
      'unindexed-foreign-key orders.orders_customer_fk — orders are never deleted through customers',
    ]);
    expect(byKind('comment').sort()).toEqual([
      'money-as-float orders.total — reporting copy, never used for charging',
      'no-primary-key legacy_notes — archive',
    ]);
    // Nothing else moved: kept + suppressed is every finding of the unsuppressed schema.
    expect([...keys(out.findings), ...keys(out.suppressed ?? [])].sort()).toEqual(keys(all.findings));
    expect(out.summary.suppressed).toBe(4);
    expect(out.findings.some((f) => f.rule === 'no-primary-key' && subject(f) === 'scratch')).toBe(true);
    expect(out.findings.some((f) => f.rule === 'timestamp-without-time-zone' && subject(f) === 'legacy_notes.written_at')).toBe(true);
  });

  it('counts severities of the kept findings only and renumbers them densely', () => {
    const out = run(catalog).result;
    for (const sev of ['critical', 'high', 'medium', 'low', 'info'] as const) {
      const ids = out.findings.filter((f) => f.severity === sev).map((f) => f.id);
      expect(out.summary.findings[sev]).toBe(ids.length);
      expect(ids).toEqual(ids.map((_, i) => `${sev[0]?.toUpperCase()}${i + 1}`));
    }
  });

  it('notes an inline ignore that names an unknown rule', () => {
    const notes = run(catalog).result.notes.filter((n) => n.kind === 'ignore');
    expect(notes).toEqual([
      { kind: 'ignore', message: 'schemasage-ignore names an unknown rule "no-primary-keys" (did you mean "no-primary-key"?); it suppresses nothing', location: { file: 'shop.sql', line: 25, column: 1 } },
    ]);
  });

  it('a rule set to "off" still counts its findings, as suppressed by config', () => {
    const before = run(bare).result;
    const out = run(bare, cfg({ rules: { 'timestamp-without-time-zone': 'off' } })).result;
    const named = before.findings.filter((f) => f.rule === 'timestamp-without-time-zone');
    expect(named.map(subject).sort()).toEqual(['legacy_notes.written_at', 'orders.placed_at']);
    expect(out.findings.filter((f) => f.rule === 'timestamp-without-time-zone')).toEqual([]);
    expect(keys(out.suppressed ?? [])).toEqual(keys(named));
    expect(out.suppressed?.every((s) => s.by === 'config' && s.reason === '"timestamp-without-time-zone" is "off" in schemasage.config.json')).toBe(true);
    expect(out.summary.suppressed).toBe(2);
    expect(out.findings).toHaveLength(before.findings.length - 2);
  });

  it('a stance rule left off is not run at all, and one given a severity runs at it', () => {
    expect(run(bare, cfg({ rules: { 'varchar-n': 'off' } })).result.summary.suppressed).toBe(0);
    const out = run(bare, cfg({ rules: { 'money-as-float': 'low' } })).result;
    expect(out.findings.filter((f) => f.rule === 'money-as-float').map((f) => f.severity)).toEqual(['low']);
  });

  it('an ignore entry removes only the findings of its rule on the objects its glob names', () => {
    const config = cfg({ ignore: [{ rule: 'timestamp-*', object: 'orders.*', reason: 'shop-local time by design' }] });
    const out = run(bare, config).result;
    expect((out.suppressed ?? []).map((s) => `${s.by} ${s.rule} ${subject(s)} ${s.reason}`)).toEqual(['ignore timestamp-without-time-zone orders.placed_at shop-local time by design']);
    expect(out.findings.some((f) => f.rule === 'timestamp-without-time-zone' && subject(f) === 'legacy_notes.written_at')).toBe(true);
    expect(out.notes.filter((n) => n.kind === 'stale-ignore')).toEqual([]);
  });

  it('a table glob covers findings on its columns and constraints', () => {
    const out = run(bare, cfg({ ignore: [{ rule: 'all', object: 'orders' }] })).result;
    const before = run(bare).result;
    const onOrders = before.findings.filter((f) => f.objects.some((o) => (o.table ?? o.name) === 'orders'));
    expect(onOrders.length).toBeGreaterThanOrEqual(2);
    expect(keys(out.suppressed ?? [])).toEqual(keys(onOrders));
  });

  it('reports an ignore entry that matched nothing', () => {
    const out = run(bare, cfg({ ignore: [{ rule: 'no-primary-key', object: 'orders' }] })).result;
    expect(out.summary.suppressed).toBe(0);
    expect(out.notes.filter((n) => n.kind === 'stale-ignore').map((n) => n.message)).toEqual([
      'ignore[0] (rule "no-primary-key", object "orders") in schemasage.config.json matched no finding: the problem is fixed or the object was renamed; remove the entry or correct it',
    ]);
  });

  it('the baseline suppresses the fingerprints it holds and notes entries that no longer match', () => {
    const before = run(bare).result;
    const accepted = before.findings.filter((f) => f.rule === 'timestamp-without-time-zone');
    const doc = buildBaseline([...accepted, { fingerprint: 'feedfacefeedface', rule: 'no-primary-key', objects: [{ kind: 'table', schema: 'public', name: 'gone' }], severity: 'high' }]);
    const baseline: LoadedBaseline = { path: 'schemasage-baseline.json', entries: doc.findings, fingerprints: new Set(doc.findings.map((e) => e.fingerprint)) };
    const out = run(bare, defaultConfig(), baseline).result;
    expect(keys(out.suppressed ?? [])).toEqual(keys(accepted));
    expect(out.suppressed?.every((s) => s.by === 'baseline')).toBe(true);
    expect(out.summary.suppressed).toBe(accepted.length);
    expect(out.notes.filter((n) => n.kind === 'stale-baseline').map((n) => n.message)).toEqual([
      '1 baseline entry no longer matches a finding (fixed, or the objects were renamed); run with --write-baseline to refresh schemasage-baseline.json',
    ]);
  });

  it('attributes a finding named by several suppressions to the first: config, ignore, inline, comment, baseline', () => {
    const out = run(catalog, cfg({ ignore: [{ rule: 'no-primary-key', object: 'legacy_notes', reason: 'from config' }] })).result;
    const legacy = out.suppressed?.find((s) => s.rule === 'no-primary-key' && subject(s) === 'legacy_notes');
    expect(legacy).toMatchObject({ by: 'ignore', reason: 'from config' });
  });

  it('uses the configured tenant column for the tenancy summary', () => {
    expect(run(bare, cfg({ tenantColumn: 'customer_id' })).result.tenancy).toMatchObject({ column: 'customer_id', source: 'config' });
  });

  it('accepts "tenantColumn": false and reports no tenancy', () => {
    expect(run(bare, cfg({ tenantColumn: false })).result.tenancy).toBeNull();
  });
});

describe('baseline file', () => {
  it('is written sorted by rule and object, and read back', () => {
    const d = dir();
    const findings = [
      { fingerprint: 'b', rule: 'timestamp-without-time-zone', objects: [{ kind: 'column' as const, schema: 'public', table: 'orders', name: 'placed_at' }], severity: 'medium' as const },
      { fingerprint: 'a', rule: 'no-primary-key', objects: [{ kind: 'table' as const, schema: 'public', name: 'scratch' }], severity: 'high' as const },
    ];
    writeBaseline(join(d, 'base.json'), findings);
    const doc = JSON.parse(readFileSync(join(d, 'base.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'generatedAt', 'findings']);
    expect(doc['findings']).toEqual([
      { fingerprint: 'a', rule: 'no-primary-key', object: 'scratch', severity: 'high' },
      { fingerprint: 'b', rule: 'timestamp-without-time-zone', object: 'orders.placed_at', severity: 'medium' },
    ]);
    expect([...(readBaseline('base.json', { cwd: d, required: true })?.fingerprints ?? [])]).toEqual(['a', 'b']);
  });

  it('is an error when named but missing or malformed, and optional when only the config names it', () => {
    const d = dir({ 'bad.json': '{"findings": 3}' });
    expect(() => readBaseline('missing.json', { cwd: d, required: true })).toThrow('baseline file not found: missing.json');
    expect(readBaseline('missing.json', { cwd: d, required: false })).toBeNull();
    expect(() => readBaseline('bad.json', { cwd: d, required: true })).toThrow(/bad\.json is not a schemasage baseline/);
  });
});
