/**
 * The audit rule pages are fixtures too: each docs/rules/<audit rule>.md has a Bad block that, loaded
 * into a fresh PostgreSQL database, makes `schemasage audit` report the rule, and a Good block that it
 * examines and finds sound. invariant-violation's page carries its config in a ```json block under
 * "## Config", which is the config these tests audit with, so the page and the test cannot drift.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_RULES } from '../../src/audit/rules.js';
import { AUDIT_RULE_IDS, type AuditRuleId } from '../../src/audit/types.js';
import { runCli } from '../support/cli.js';
import { createTempDb, pgAvailable } from '../support/pg.js';

const live = await pgAvailable();

/** The body of `## heading` (up to the next `## `), or null. */
function section(md: string, heading: string): string | null {
  const chunk = md.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  return chunk === undefined ? null : chunk.slice(heading.length + 1);
}

/** The first ```lang block of a section. */
function fenced(md: string, heading: string, lang: 'sql' | 'json'): string | null {
  const body = section(md, heading);
  const m = body === null ? null : new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(body);
  return m ? (m[1] as string) : null;
}

const page = (id: AuditRuleId) => readFileSync(`docs/rules/${id}.md`, 'utf8');

/**
 * What each page's Bad example must produce: one finding per subject (the columns a finding names, or the
 * invariant), at the severity the page documents. Nothing else of the rule may fire.
 */
const BAD: Record<AuditRuleId, Record<string, string>> = {
  'orphaned-rows': { 'invoices.customer_id': 'high', 'orders.customer_id': 'high' },
  'duplicate-values': { 'users.email': 'high', 'users.username': 'high', 'user_roles.user_id user_roles.role_id': 'medium' },
  'observed-enum-values': { 'orders.status': 'medium' },
  'never-null-column': { 'customers.name customers.country': 'low' },
  'unhashed-secret-values': { 'users.password': 'critical', 'api_keys.key_hash': 'high' },
  'exclusive-flag-violation': { 'addresses.is_default addresses.user_id': 'high' },
  'invariant-violation': { 'order-total-matches-lines': 'high', 'every-order-has-lines': 'high' },
};

/** Values the Bad examples store that the report must never contain. */
const NEVER_PRINTED: Partial<Record<AuditRuleId, string[]>> = {
  'duplicate-values': ['grace.hopper@navy.mil', 'Grace.Hopper@Navy.mil', 'ghopper', 'GHopper'],
  'unhashed-secret-values': ['hunter2', 'correct horse battery staple', 'sk_live_d4e5f6', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
};

interface Finding {
  id: string;
  rule: string;
  severity: string;
  category: string;
  message: string;
  location: unknown;
  objects: Array<{ kind: string; table?: string; name?: string }>;
}
interface Check { rule: string; label: string; status: string }
interface AuditJson {
  command: string;
  findings: unknown[];
  audit: Finding[];
  auditRun: { checks: Check[]; complete: boolean };
}

function subject(f: Finding): string {
  return f.objects
    .filter((o) => o.kind === 'column' || o.kind === 'statement')
    .map((o) => (o.kind === 'statement' ? (o.name as string) : `${o.table}.${o.name}`))
    .join(' ');
}

const work = mkdtempSync(join(tmpdir(), 'schemasage-audit-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The page's config for the audit (invariant-violation's `## Config`), written to a file; else none. */
function configArgs(id: AuditRuleId): string[] {
  const json = fenced(page(id), 'Config', 'json');
  if (json === null) return [];
  const file = join(work, `${id}.config.json`);
  writeFileSync(file, json);
  return ['--config', file];
}

/** A fresh database holding `sql`, audited through the CLI (from an empty folder, so no stray config is found). */
async function audit(id: AuditRuleId, sql: string): Promise<{ code: number | null; stdout: string; stderr: string; json: AuditJson }> {
  const db = await createTempDb('schemasage_auditdoc');
  try {
    await db.client.query(sql);
    const r = await runCli(['audit', db.url, '--format', 'json', '--no-color', ...configArgs(id)], { cwd: work });
    expect(r.stderr, r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as AuditJson;
    expect(json.command).toBe('audit');
    expect(json.findings).toEqual([]);
    // Every check finished: a partial report would prove nothing either way.
    expect(json.auditRun.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(json.auditRun.complete).toBe(true);
    // The exit code follows the default --fail-on high.
    expect(r.code).toBe(json.audit.some((f) => f.severity === 'critical' || f.severity === 'high') ? 1 : 0);
    return { ...r, json };
  } finally {
    await db.drop();
  }
}

describe('audit rule pages have the docs format', () => {
  for (const id of AUDIT_RULE_IDS) {
    it(`${id}: title, audit category, severity, sections`, () => {
      const md = page(id);
      const meta = AUDIT_RULES[id];
      expect(md.startsWith(`# ${id}\n\n**Category:** audit · **Default severity:** ${meta.severity} · **Enabled by default:** yes\n\n${meta.title}\n`)).toBe(true);
      for (const h of ['Why', 'Bad', 'Good', 'Fix', 'Options']) expect(section(md, h), `## ${h}`).not.toBeNull();
      expect(fenced(md, 'Bad', 'sql')).toBeTruthy();
      expect(fenced(md, 'Good', 'sql')).toBeTruthy();
      // How to turn the rule off is on the page.
      expect(section(md, 'Options')).toContain(`"${id}": "off"`);
    });
  }

  it('invariant-violation documents its config, with a predicate and a whole query', () => {
    const config = JSON.parse(fenced(page('invariant-violation'), 'Config', 'json') ?? 'null') as { invariants: Array<{ name: string; sql: string; message: string }> };
    expect(config.invariants.map((i) => i.name).sort()).toEqual(Object.keys(BAD['invariant-violation']).sort());
    expect(config.invariants.some((i) => /^NOT EXISTS/i.test(i.sql))).toBe(true);
    expect(config.invariants.some((i) => /^SELECT/i.test(i.sql))).toBe(true);
  });
});

describe.skipIf(!live)('audit rule pages: the examples behave on a live database (schemasage audit --format json)', () => {
  for (const id of AUDIT_RULE_IDS) {
    describe(id, () => {
      it('fires on the Bad example, once per documented case, at the documented severity', async () => {
        const md = page(id);
        const { stdout, json } = await audit(id, fenced(md, 'Bad', 'sql') ?? '');
        const fired = json.audit.filter((f) => f.rule === id);
        expect(fired.length).toBeGreaterThan(0);
        for (const f of json.audit) {
          expect(f.category).toBe('audit');
          expect(f.id).toMatch(/^A\d+$/);
          expect(f.location).toBeNull();
        }
        const got = Object.fromEntries(fired.map((f) => [subject(f), f.severity]));
        expect(got, fired.map((f) => f.message).join('\n')).toEqual(BAD[id]);
        expect(fired).toHaveLength(Object.keys(BAD[id]).length);
        for (const value of NEVER_PRINTED[id] ?? []) expect(stdout).not.toContain(value);
      });

      it('examines the Good example and stays quiet', async () => {
        const md = page(id);
        const { json } = await audit(id, fenced(md, 'Good', 'sql') ?? '');
        // Not vacuous: the Good example holds at least one candidate the rule checked and found sound.
        expect(json.auditRun.checks.filter((c) => c.rule === id).length).toBeGreaterThan(0);
        expect(json.audit.filter((f) => f.rule === id).map((f) => `${subject(f)}: ${f.message}`)).toEqual([]);
      });

    });
  }

  it('invariant-violation: every invariant of the page\'s config is evaluated on the Good example', async () => {
    const { json } = await audit('invariant-violation', fenced(page('invariant-violation'), 'Good', 'sql') ?? '');
    expect(json.auditRun.checks.filter((c) => c.rule === 'invariant-violation').map((c) => `${c.label} ${c.status}`).sort())
      .toEqual(Object.keys(BAD['invariant-violation']).map((n) => `invariant "${n}" ok`).sort());
  });
});
