/**
 * `fix` of the rules whose SQL used to be rejected by verification in multi-tenant schemas with row
 * level security: missing-capability tables without RLS (a new rls-disabled), tenant-column-missing
 * cascading into financial rows (a new cascade-into-protected-data), rls-enabled-no-policy writing
 * an owner policy on a tenant table (a new tenant-rls-not-scoped). Real PGlite: the fix module
 * verifies the migration, and a fresh engine then shows the policies and the RESTRICT at work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.js';
import { applyStatements } from '../../src/engine/apply.js';
import { openPGlite } from '../../src/engine/pglite.js';
import type { EngineSession } from '../../src/engine/session.js';
import { fixSource, type FixOutput } from '../../src/fix/index.js';
import { splitStatements } from '../../src/sources/split.js';

const config = defaultConfig();

const TABLES = `
CREATE SCHEMA app;
CREATE FUNCTION app.current_org_id() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;

CREATE TABLE app.organizations (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
CREATE TABLE app.users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL UNIQUE, password_hash text NOT NULL);
CREATE TABLE app.memberships (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON app.memberships (user_id);
CREATE TABLE app.projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  name text NOT NULL
);
CREATE INDEX projects_organization_id_idx ON app.projects (organization_id);
CREATE TABLE app.invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE RESTRICT,
  number text NOT NULL,
  total_cents bigint NOT NULL,
  UNIQUE (organization_id, number)
);
CREATE TABLE app.invoice_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id uuid NOT NULL REFERENCES app.invoices (id) ON DELETE CASCADE,
  amount_cents bigint NOT NULL
);
CREATE INDEX invoice_lines_invoice_id_idx ON app.invoice_lines (invoice_id);
`;

/** Tenant isolation through the schema's own helper, and invoices whose policy was never written. */
const RLS = `
ALTER TABLE app.memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY memberships_org_isolation ON app.memberships
  USING (organization_id = (SELECT app.current_org_id())) WITH CHECK (organization_id = (SELECT app.current_org_id()));
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_org_isolation ON app.projects
  USING (organization_id = (SELECT app.current_org_id())) WITH CHECK (organization_id = (SELECT app.current_org_id()));
ALTER TABLE app.invoices ENABLE ROW LEVEL SECURITY;
`;

let dir = '';
const outputs = new Map<string, FixOutput>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schemasage-fix-f-'));
  writeFileSync(join(dir, 'rls.sql'), TABLES + RLS);
  writeFileSync(join(dir, 'plain.sql'), TABLES);
});
afterAll(() => {
  outputs.clear();
  rmSync(dir, { recursive: true, force: true });
});

async function fixed(file: string, selection: { rules?: string[]; capabilities?: string[] }): Promise<FixOutput> {
  const key = `${file} ${JSON.stringify(selection)}`;
  const hit = outputs.get(key);
  if (hit) return hit;
  const out = await fixSource(join(dir, file), { config, selection, cwd: dir });
  outputs.set(key, out);
  return out;
}

const ALL = { rules: ['rls-enabled-no-policy', 'tenant-column-missing'], capabilities: ['refresh-tokens', 'invitations'] };

describe('fix in a multi-tenant schema that uses row level security', () => {
  it('verifies every selected fix: each targeted finding gone, none taken out, no new high', async () => {
    const out = await fixed('rls.sql', ALL);
    const targeted = out.selected.map((f) => `${f.rule} ${String(f.details['capability'] ?? f.objects[0]?.name)}`).sort();
    expect(targeted).toEqual([
      'missing-capability invitations', 'missing-capability refresh-tokens', 'rls-enabled-no-policy invoices', 'tenant-column-missing invoice_lines',
    ]);
    expect(out.dropped.map((d) => `${d.finding.rule}: ${d.reason}`)).toEqual([]);
    expect(out.plan.verified).toBe(true);
    expect(out.plan.introduced).toEqual([]);
    expect(out.plan.gone.map((g) => g.fingerprint).sort()).toEqual(out.selected.map((f) => f.fingerprint).sort());
  });

  it("writes the tenant policies with the schema's helper and naming, RLS on the new tables, and RESTRICT into invoice lines", async () => {
    const sql = (await fixed('rls.sql', ALL)).plan.sql;
    const isolated = 'USING (organization_id = (SELECT app.current_org_id()))\n  WITH CHECK (organization_id = (SELECT app.current_org_id()));';
    expect(sql).toContain(`CREATE POLICY invoices_org_isolation ON app.invoices\n  ${isolated}`);
    expect(sql).toContain(`ALTER TABLE app.organization_invitations ENABLE ROW LEVEL SECURITY;\nCREATE POLICY organization_invitations_org_isolation ON app.organization_invitations\n  ${isolated}`);
    expect(sql).toContain('ALTER TABLE app.refresh_tokens ENABLE ROW LEVEL SECURITY;\nCREATE POLICY refresh_tokens_owner ON app.refresh_tokens');
    expect(sql).toContain('FOREIGN KEY (organization_id) REFERENCES app.organizations (id) ON DELETE RESTRICT NOT VALID;');
    expect(sql).not.toContain('CASCADE NOT VALID');
  });

  it('the written migration isolates tenants and users for a role without BYPASSRLS, and keeps invoice lines when a tenant is deleted', async () => {
    const out = await fixed('rls.sql', ALL);
    const session: EngineSession = await openPGlite({ supabase: false, extensions: [] });
    try {
      const statements = [
        ...(await splitStatements({ path: 'rls.sql', text: TABLES + RLS }, 0)),
        ...(await splitStatements({ path: 'fix.sql', text: out.plan.sql }, 1)),
      ];
      await applyStatements(session, statements);
      await session.exec(`
        INSERT INTO app.organizations (id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'A'), ('00000000-0000-0000-0000-00000000000b', 'B');
        INSERT INTO app.users (id, email, password_hash) VALUES ('00000000-0000-0000-0000-0000000000a1', 'a@x.test', 'h'), ('00000000-0000-0000-0000-0000000000b1', 'b@x.test', 'h');
        INSERT INTO app.invoices (id, organization_id, number, total_cents) VALUES
          ('00000000-0000-0000-0000-0000000001a1', '00000000-0000-0000-0000-00000000000a', 'A-1', 100),
          ('00000000-0000-0000-0000-0000000001b1', '00000000-0000-0000-0000-00000000000b', 'B-1', 200);
        INSERT INTO app.invoice_lines (invoice_id, organization_id, amount_cents) VALUES
          ('00000000-0000-0000-0000-0000000001a1', '00000000-0000-0000-0000-00000000000a', 100);
        INSERT INTO app.refresh_tokens (user_id, token_hash, expires_at) VALUES
          ('00000000-0000-0000-0000-0000000000a1', 'ha', now() + interval '1 day'), ('00000000-0000-0000-0000-0000000000b1', 'hb', now() + interval '1 day');
        INSERT INTO app.organization_invitations (organization_id, email, token_hash, expires_at) VALUES
          ('00000000-0000-0000-0000-00000000000a', 'new@a.test', 'ia', now() + interval '1 day'),
          ('00000000-0000-0000-0000-00000000000b', 'new@b.test', 'ib', now() + interval '1 day');
        CREATE ROLE api_user NOSUPERUSER NOBYPASSRLS;
        GRANT USAGE ON SCHEMA app TO api_user;
        GRANT SELECT ON ALL TABLES IN SCHEMA app TO api_user;
      `);
      const asApi = async (settings: Record<string, string>, query: string): Promise<string[]> => {
        await session.exec('SET ROLE api_user');
        try {
          for (const [k, v] of Object.entries(settings)) await session.query('SELECT set_config($1, $2, false)', [k, v]);
          return (await session.query<{ v: string }>(query)).map((r) => r.v);
        } finally {
          await session.exec("RESET ROLE; RESET ALL");
        }
      };
      const orgA = { 'app.org_id': '00000000-0000-0000-0000-00000000000a' };
      expect(await asApi(orgA, 'SELECT number AS v FROM app.invoices ORDER BY 1')).toEqual(['A-1']);
      expect(await asApi({ 'app.org_id': '00000000-0000-0000-0000-00000000000b' }, 'SELECT number AS v FROM app.invoices ORDER BY 1')).toEqual(['B-1']);
      expect(await asApi(orgA, 'SELECT email AS v FROM app.organization_invitations ORDER BY 1')).toEqual(['new@a.test']);
      expect(await asApi({ 'app.user_id': '00000000-0000-0000-0000-0000000000b1' }, 'SELECT token_hash AS v FROM app.refresh_tokens ORDER BY 1')).toEqual(['hb']);
      // Nobody set: the new policies show nothing rather than everything.
      expect(await asApi({}, 'SELECT token_hash AS v FROM app.refresh_tokens')).toEqual([]);

      // The tenant key on invoice lines must not delete them with their tenant.
      await session.exec(`UPDATE app.invoice_lines SET organization_id = '00000000-0000-0000-0000-00000000000b'`);
      await expect(session.exec(`DELETE FROM app.organizations WHERE id = '00000000-0000-0000-0000-00000000000b'`)).rejects.toThrow(/invoice_lines_organization_id_fkey|foreign key/);
    } finally {
      await session.close();
    }
  });
});

describe('fix in a schema without row level security', () => {
  it('adds the capabilities verified, with no row level security and no policy in them', async () => {
    const out = await fixed('plain.sql', { capabilities: ['refresh-tokens', 'invitations'] });
    expect(out.plan.verified).toBe(true);
    expect(out.dropped).toEqual([]);
    expect(out.plan.gone).toHaveLength(2);
    expect(out.plan.sql).toContain('CREATE TABLE app.refresh_tokens (');
    expect(out.plan.sql).not.toContain('ROW LEVEL SECURITY');
    expect(out.plan.sql).not.toContain('CREATE POLICY');
  });
});
