/**
 * Migration rules against real PostgreSQL (PGlite): each docs page's Bad block, applied as a PR on
 * top of a small existing schema statement by statement, makes its rule fire; the Good block does not.
 * Each statement is judged against the catalog introspected just before it, as `schemasage diff` does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { introspect } from '../../src/catalog/introspect.js';
import { openPGlite } from '../../src/engine/pglite.js';
import type { EngineSession } from '../../src/engine/session.js';
import { migrationRules } from '../../src/migration/rules/index.js';
import { runMigrationRules } from '../../src/migration/run.js';
import type { MigrationContext } from '../../src/migration/types.js';
import type { DraftFinding } from '../../src/rules/run.js';
import { splitStatements } from '../../src/sources/split.js';

const BASE = `
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(100) NOT NULL,
  name text,
  legacy_code text,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL,
  status order_status NOT NULL DEFAULT 'pending',
  total_cents bigint NOT NULL
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE audit_events (code text, payload text);
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann');
INSERT INTO orders (user_id, total_cents) VALUES (1, 1200);
INSERT INTO audit_events VALUES ('a1', '{}');
`;

let session: EngineSession;

beforeAll(async () => {
  session = await openPGlite({ supabase: false, extensions: [] });
});
afterAll(async () => {
  await session.close();
});

async function snapshot(): Promise<Catalog> {
  return introspect(session, { engineKind: 'pglite', live: false });
}

async function resetToBase(): Promise<Catalog> {
  // a PR that left a failed transaction open must not leak into the next case
  await session.exec('ROLLBACK').catch(() => undefined);
  await session.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO PUBLIC');
  for (const s of await splitStatements({ path: 'base.sql', text: BASE }, 0)) await session.exec(s.sql);
  return snapshot();
}

/** Applies `sql` as a PR on top of BASE, one statement at a time, and runs the migration rules. */
async function reviewPr(sql: string, pgVersion = 15): Promise<{ findings: DraftFinding[]; errors: string[] }> {
  const base = await resetToBase();
  const baseTables = new Set(base.tables.map((t) => `${t.schema}.${t.name}`));
  const statements = await splitStatements({ path: 'migrations/0002_pr.sql', text: sql }, 0);
  const contexts: MigrationContext[] = [];
  const errors: string[] = [];
  let last = base;
  for (const [i, statement] of statements.entries()) {
    // after a failed statement inside BEGIN the session is aborted: keep judging against the last catalog
    const before = i === 0 ? base : await snapshot().catch(() => last);
    last = before;
    contexts.push({ statement, before, baseTables, inTransaction: false, pgVersion, previous: statements.slice(0, i), tableStats: () => null });
    try {
      await session.exec(statement.sql);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  await session.exec('ROLLBACK').catch(() => undefined);
  return { findings: runMigrationRules(contexts), errors };
}

function block(md: string, heading: 'Bad' | 'Good'): string | null {
  const section = md.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  const m = section ? /```sql\n([\s\S]*?)```/.exec(section) : null;
  return m ? (m[1] as string) : null;
}

describe('every migration rule has a docs page whose examples behave on real Postgres', () => {
  for (const rule of migrationRules) {
    const id = rule.meta.id;
    const md = readFileSync(`docs/rules/${id}.md`, 'utf8');
    it(`${id}: docs page has the format`, () => {
      expect(md.startsWith(`# ${id}\n`)).toBe(true);
      expect(md).toContain(`**Category:** migration · **Default severity:** ${rule.meta.severity} · **Enabled by default:** yes`);
      for (const h of ['## Why', '## Bad', '## Good', '## Fix']) expect(md).toContain(h);
    });
    it(`${id}: fires on the Bad example`, async () => {
      const { findings } = await reviewPr(block(md, 'Bad') ?? '');
      expect(findings.map((f) => f.rule)).toContain(id);
    });
    it(`${id}: quiet on the Good example, which Postgres accepts`, async () => {
      const { findings, errors } = await reviewPr(block(md, 'Good') ?? '');
      expect(errors).toEqual([]);
      expect(findings.filter((f) => f.rule === id)).toEqual([]);
    });
  }
});

describe('a realistic PR', () => {
  it('an additive PR (new tables with FKs and indexes) gets no lock warnings', async () => {
    const { findings, errors } = await reviewPr(`
CREATE TABLE refunds (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), reason text);
CREATE INDEX refunds_order_id_idx ON refunds (order_id);
ALTER TABLE refunds ADD COLUMN amount_cents bigint NOT NULL;
ALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount_cents > 0);`);
    expect(errors).toEqual([]);
    expect(findings).toEqual([]);
  });
  it('a risky PR gets each finding, and the varchar widening in it does not', async () => {
    const { findings } = await reviewPr(`
CREATE INDEX orders_user_id_idx ON orders (user_id);
ALTER TABLE users ADD COLUMN plan text NOT NULL;
ALTER TABLE orders ALTER COLUMN total_cents TYPE numeric(12,2);
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users ALTER COLUMN email TYPE varchar(255);`);
    const rules = findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['index-not-concurrent', 'add-required-column', 'column-type-change-rewrites', 'rename-breaks-clients', 'missing-lock-timeout']));
    expect(findings.filter((f) => f.rule === 'column-type-change-rewrites').map((f) => f.objects[0]?.name)).toEqual(['total_cents']);
    expect(findings.find((f) => f.rule === 'add-required-column')?.location).toEqual({ file: 'migrations/0002_pr.sql', line: 3, column: 1 });
  });
  it('fix SQL that Postgres can run: the CONCURRENTLY and NOT VALID forms apply to the base', async () => {
    const { findings } = await reviewPr('CREATE INDEX orders_user_id_idx ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);');
    await resetToBase();
    for (const f of findings.filter((x) => x.rule !== 'missing-lock-timeout')) {
      for (const s of await splitStatements({ path: 'fix.sql', text: f.fix?.sql ?? '' }, 0)) await session.exec(s.sql);
    }
    const after = await snapshot();
    const orders = after.tables.find((t) => t.name === 'orders');
    expect(orders?.indexes.map((i) => i.name)).toContain('orders_user_id_idx');
    expect(orders?.constraints.find((c) => c.name === 'orders_user_id_fkey')?.validated).toBe(true);
  });
});
