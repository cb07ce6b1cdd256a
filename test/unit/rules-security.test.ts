import { describe, expect, it } from 'vitest';
import type { Catalog, Grant, Table } from '../../src/catalog/model.js';
import tenantRlsNotScoped from '../../src/rules/tenancy/tenant-rls-not-scoped.js';
import { runRules } from '../../src/rules/run.js';
import type { Rule } from '../../src/rules/types.js';
import { rules } from '../../src/rules/security/index.js';
import exposedMaterializedView from '../../src/rules/security/exposed-materialized-view.js';
import extensionInPublic from '../../src/rules/security/extension-in-public.js';
import multiplePermissivePolicies from '../../src/rules/security/multiple-permissive-policies.js';
import piiUnclassified from '../../src/rules/security/pii-unclassified.js';
import plaintextSecret from '../../src/rules/security/plaintext-secret.js';
import rlsDisabled from '../../src/rules/security/rls-disabled.js';
import rlsEnabledNoPolicy from '../../src/rules/security/rls-enabled-no-policy.js';
import rlsPolicyPerRowAuthCall, { perRowCalls, wrapCalls } from '../../src/rules/security/rls-policy-per-row-auth-call.js';
import securityDefinerMutableSearchPath from '../../src/rules/security/security-definer-mutable-search-path.js';
import securityDefinerView from '../../src/rules/security/security-definer-view.js';
import { catalog, col, fk, fn, pk, policy, table, unique, view } from '../support/build.js';

function run(c: Catalog, rule: Rule, enable = false) {
  return runRules(c, [rule], enable ? { settings: { [rule.meta.id]: { level: rule.meta.severity, options: {} } } } : {});
}

function grant(tableName: string, grantee: string, privileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], schema = 'public'): Grant {
  return { schema, table: tableName, grantee, privileges };
}

const authUsers = table('users', [col('id', 'uuid'), col('email', 'character varying(255)')], { schema: 'auth', origin: 'shim', constraints: [pk(['id'])] });

describe('security registry', () => {
  it('registers exactly the contract ids, sorted', () => {
    expect(rules.map((r) => r.meta.id)).toEqual([
      'exposed-materialized-view', 'extension-in-public', 'multiple-permissive-policies', 'pii-unclassified', 'plaintext-secret',
      'rls-disabled', 'rls-enabled-no-policy', 'rls-policy-per-row-auth-call', 'security-definer-mutable-search-path',
      'security-definer-view',
    ]);
  });
});

describe('plaintext-secret', () => {
  it('is high for a password on a users table with no hash column, with a bcrypt fix and a pre-check', () => {
    const f = run(catalog({ tables: [table('users', [col('id', 'bigint'), col('email', 'text'), col('password', 'character varying(255)')], { constraints: [pk(['id'])] })] }), plaintextSecret);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'users', name: 'password' });
    expect(f[0]?.message).toContain('users.password');
    expect(f[0]?.message).toMatch(/secret names: password/);
    expect(f[0]?.message).toMatch(/no hash column beside it/);
    expect(f[0]?.fix?.sql).toContain("crypt(password, gen_salt('bf', 10))");
    expect(f[0]?.fix?.sql).toContain('ADD COLUMN password_hash text');
    expect(f[0]?.fix?.notes).toContain('RENAME COLUMN password TO password_hash');
  });

  it('is medium for an issued token and proposes a sha256 digest', () => {
    const f = run(catalog({ tables: [table('password_resets', [col('user_id', 'bigint'), col('token', 'text'), col('expires_at', 'timestamp with time zone')])] }), plaintextSecret);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.details.kind).toBe('issued-token');
    expect(f[0]?.fix?.sql).toContain("sha256(convert_to(token, 'UTF8'))");
  });

  it('proposes encryption for provider tokens that must be reused', () => {
    const f = run(catalog({ tables: [table('accounts', [col('provider', 'text'), col('access_token', 'text'), col('refresh_token', 'text')])] }), plaintextSecret);
    expect(f).toHaveLength(2);
    expect(f.every((x) => x.details.kind === 'reusable-secret')).toBe(true);
    expect(f[0]?.fix?.sql).toContain('pgp_sym_encrypt');
  });

  it('does not fire on hashes, metadata about secrets, comments saying hashed, or non-string types', () => {
    const c = catalog({
      tables: [table('users', [
        col('password_hash', 'text'), col('password_digest', 'character varying'), col('encrypted_password', 'text'),
        col('token_type', 'text'), col('password_changed_at', 'timestamp with time zone'), col('api_key_prefix', 'text'),
        col('otp_enabled', 'boolean'), col('pwd', 'text', { comment: 'bcrypt hash of the password' }), col('token_count', 'integer'),
      ])],
    });
    expect(run(c, plaintextSecret)).toEqual([]);
  });

  it('stays medium when a hash column sits beside the password', () => {
    const f = run(catalog({ tables: [table('users', [col('password', 'text'), col('password_hash', 'text')])] }), plaintextSecret);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`password_hash` beside it');
  });
});

describe('rls-disabled', () => {
  it('is critical on Supabase for a public table, with a starter policy on the owner column', () => {
    const c = catalog({
      supabase: true,
      tables: [authUsers, table('todos', [col('id', 'bigint'), col('user_id', 'uuid')], { constraints: [pk(['id']), fk(['user_id'], 'users', ['id'], {}, 'auth')] })],
    });
    const f = run(c, rlsDisabled);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('critical');
    expect(f[0]?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'todos' }]);
    expect(f[0]?.message).toContain('`todos`');
    expect(f[0]?.message).toMatch(/anon key/);
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE todos ENABLE ROW LEVEL SECURITY;');
    expect(f[0]?.fix?.sql).toContain('-- CREATE POLICY todos_owner ON todos FOR ALL TO authenticated');
    expect(f[0]?.fix?.sql).toContain('(SELECT auth.uid())');
  });

  it('is high on plain Postgres only when other tables of the schema have RLS', () => {
    const c = catalog({ tables: [table('documents', [col('id', 'bigint')], { rlsEnabled: true }), table('attachments', [col('id', 'bigint')])] });
    const f = run(c, rlsDisabled);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.message).toContain('documents');
  });

  it('never fires on plain Postgres without any RLS, on partitions, or on Supabase tables whose grants were revoked', () => {
    expect(run(catalog({ tables: [table('a', [col('id', 'bigint')]), table('b', [col('id', 'bigint')])] }), rlsDisabled)).toEqual([]);
    const partitioned = catalog({
      tables: [
        table('m', [col('id', 'bigint')], { rlsEnabled: true, kind: 'partitioned table' }),
        table('m_2024', [col('id', 'bigint')], { partitionOf: { schema: 'public', table: 'm', bound: '' } }),
      ],
    });
    expect(run(partitioned, rlsDisabled)).toEqual([]);
    const revoked = catalog({
      supabase: true,
      tables: [table('open', [col('id', 'bigint')], { rlsEnabled: true }), table('internal_jobs', [col('id', 'bigint')], { schema: 'private' })],
      grants: [grant('open', 'anon'), grant('open', 'authenticated')],
    });
    expect(run(revoked, rlsDisabled)).toEqual([]);
  });
});

describe('rls-enabled-no-policy', () => {
  it('fires with a starter owner policy', () => {
    const c = catalog({ supabase: true, tables: [authUsers, table('notes', [col('id', 'bigint'), col('owner_id', 'uuid')], { rlsEnabled: true })] });
    const f = run(c, rlsEnabledNoPolicy);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`notes`');
    expect(f[0]?.fix?.sql).toContain('CREATE POLICY notes_owner ON notes FOR ALL TO authenticated');
    expect(f[0]?.fix?.sql).toContain('owner_id = (SELECT auth.uid())');
  });
  it('does not fire when a policy exists or RLS is off', () => {
    const c = catalog({ tables: [table('notes', [col('id', 'bigint')], { rlsEnabled: true, policies: [policy('p', 'notes', { using: 'true' })] }), table('other', [col('id', 'bigint')])] });
    expect(run(c, rlsEnabledNoPolicy)).toEqual([]);
  });

  describe('in a multi-tenant schema', () => {
    const orgPolicy = '(organization_id = ( SELECT app.current_org_id() AS current_org_id))';
    const currentOrg = fn('current_org_id', { schema: 'app', returns: 'uuid', language: 'sql', source: "SELECT nullif(current_setting('app.org_id', true), '')::uuid" });
    const uuidId = () => col('id', 'uuid');
    const org = () => col('organization_id', 'uuid', { notNull: true });
    const orgFk = () => fk(['organization_id'], 'organizations');
    /** organizations → memberships, projects (isolated by the schema's helper), invoices (RLS on, no policy) → invoice_lines. */
    function tenantCatalog(lines: Partial<Parameters<typeof table>[2]> = {}): Catalog {
      return catalog({
        functions: [currentOrg],
        tables: [
          table('organizations', [uuidId(), col('name', 'text')], { constraints: [pk(['id'])] }),
          table('users', [uuidId(), col('email', 'text')], { constraints: [pk(['id'])] }),
          table('memberships', [uuidId(), org(), col('user_id', 'uuid', { notNull: true })], {
            constraints: [pk(['id']), orgFk(), fk(['user_id'], 'users'), unique(['organization_id', 'user_id'])],
          }),
          table('projects', [uuidId(), org()], {
            constraints: [pk(['id']), orgFk()], rlsEnabled: true,
            policies: [policy('projects_org_isolation', 'projects', { using: orgPolicy, withCheck: orgPolicy })],
          }),
          table('invoices', [uuidId(), org(), col('created_by', 'uuid')], { constraints: [pk(['id']), orgFk(), fk(['created_by'], 'users')], rlsEnabled: true }),
          table('invoice_lines', [uuidId(), col('invoice_id', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['invoice_id'], 'invoices')], ...lines }),
        ],
      });
    }

    it("writes a tenant policy through the schema's own helper and naming, which tenant-rls-not-scoped accepts", () => {
      const c = tenantCatalog();
      const f = run(c, rlsEnabledNoPolicy);
      expect(f.map((x) => x.objects[0]?.name)).toEqual(['invoices']);
      const expr = 'organization_id = (SELECT app.current_org_id())';
      expect(f[0]?.fix?.sql).toBe(`CREATE POLICY invoices_org_isolation ON invoices\n  USING (${expr})\n  WITH CHECK (${expr});`);
      expect(f[0]?.fix?.sql).not.toContain('created_by');
      expect(f[0]?.details.tenantColumn).toBe('organization_id');
      // Applied, the policy isolates tenants: the tenancy rule has nothing to say about the table.
      const invoices = c.tables.find((x) => x.name === 'invoices') as Table;
      invoices.policies = [policy('invoices_org_isolation', 'invoices', { using: `(${expr})`, withCheck: `(${expr})` })];
      expect(run(c, tenantRlsNotScoped)).toEqual([]);
      invoices.policies = [policy('invoices_owner', 'invoices', { using: '(created_by = (current_setting(\'app.user_id\'::text))::uuid)' })];
      expect(run(c, tenantRlsNotScoped).map((x) => x.objects[0]?.name)).toEqual(['invoices']);
    });

    it('reaches the tenant through the referenced table when the table does not carry the key', () => {
      const f = run(tenantCatalog({ rlsEnabled: true }), rlsEnabledNoPolicy).find((x) => x.objects[0]?.name === 'invoice_lines');
      expect(f?.fix?.sql).toContain(
        'USING (EXISTS (SELECT 1 FROM invoices p WHERE p.id = invoice_lines.invoice_id AND p.organization_id = (SELECT app.current_org_id())))',
      );
    });
  });

  it("writes an owner policy, with no tenant check, in a single-tenant schema, reading the schema's user setting", () => {
    const using = "(author_id = (current_setting('app.current_user_id'::text))::bigint)";
    const c = catalog({
      tables: [
        table('users', [col('id', 'bigint'), col('email', 'text')], { constraints: [pk(['id'])] }),
        table('posts', [col('id', 'bigint'), col('author_id', 'bigint')], { constraints: [pk(['id']), fk(['author_id'], 'users')], rlsEnabled: true, policies: [policy('posts_author', 'posts', { using })] }),
        table('notes', [col('id', 'bigint'), col('user_id', 'bigint')], { constraints: [pk(['id']), fk(['user_id'], 'users')], rlsEnabled: true }),
      ],
    });
    const f = run(c, rlsEnabledNoPolicy);
    expect(f).toHaveLength(1);
    expect(f[0]?.fix?.sql).toBe("CREATE POLICY notes_owner ON notes\n  USING (user_id = (SELECT current_setting('app.current_user_id')::bigint));");
    expect(f[0]?.fix?.sql).not.toMatch(/EXISTS|tenant|organization/);
    expect(f[0]?.details.tenantColumn).toBeNull();
  });
});

describe('rls-policy-per-row-auth-call', () => {
  it('finds bare calls and leaves wrapped ones (as pg_get_expr prints them)', () => {
    expect(perRowCalls('(user_id = auth.uid())').map((c) => c.text)).toEqual(['auth.uid()']);
    expect(perRowCalls('(user_id = ( SELECT auth.uid() AS uid))')).toEqual([]);
    expect(perRowCalls("(org = ( SELECT (auth.jwt() ->> 'org'::text)))")).toEqual([]);
    expect(perRowCalls("(org = current_setting('app.org'::text, true))").map((c) => c.text)).toEqual(["current_setting('app.org'::text, true)"]);
    expect(perRowCalls('(EXISTS ( SELECT 1\n   FROM members m\n  WHERE (m.user_id = auth.uid())))')).toHaveLength(1);
    // Inside calls in a scalar subquery's select list: once per statement (the form tenant fixes write).
    expect(perRowCalls("(user_id = ( SELECT (NULLIF(current_setting('app.user_id'::text, true), ''::text))::uuid AS uuid))")).toEqual([]);
    expect(perRowCalls("(user_id = NULLIF(current_setting('app.user_id'::text, true), ''::text)::uuid)")).toHaveLength(1);
    expect(perRowCalls('(team_id IN ( SELECT m.team_id FROM members m WHERE (m.user_id = auth.uid())))')).toHaveLength(1);
    expect(wrapCalls("((auth.jwt() ->> 'role'::text) = 'admin'::text)")).toBe("(((SELECT auth.jwt()) ->> 'role'::text) = 'admin'::text)");
  });
  it('fires with an ALTER POLICY that wraps the call', () => {
    const t = table('posts', [col('user_id', 'uuid')], {
      rlsEnabled: true,
      policies: [policy('Users read own posts', 'posts', { command: 'select', roles: ['authenticated'], using: '(user_id = auth.uid())' })],
    });
    const f = run(catalog({ tables: [t] }), rlsPolicyPerRowAuthCall);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects[0]).toEqual({ kind: 'policy', schema: 'public', table: 'posts', name: 'Users read own posts' });
    expect(f[0]?.message).toContain('`posts`');
    expect(f[0]?.fix?.sql).toBe('ALTER POLICY "Users read own posts" ON posts\n  USING ((user_id = (SELECT auth.uid())));');
  });
  it('does not fire on the wrapped form', () => {
    const t = table('posts', [col('user_id', 'uuid')], {
      rlsEnabled: true,
      policies: [policy('own', 'posts', { using: '(user_id = ( SELECT auth.uid() AS uid))', withCheck: '(user_id = ( SELECT auth.uid() AS uid))' })],
    });
    expect(run(catalog({ tables: [t] }), rlsPolicyPerRowAuthCall)).toEqual([]);
  });
});

describe('multiple-permissive-policies', () => {
  it('groups overlaps per table and merges same-shape policies in one transaction', () => {
    const t = table('projects', [col('id', 'bigint')], {
      rlsEnabled: true,
      policies: [
        policy('members read', 'projects', { command: 'select', roles: ['authenticated'], using: '(is_member(id))' }),
        policy('admins read', 'projects', { command: 'select', roles: ['authenticated'], using: '(is_admin())' }),
      ],
    });
    const f = run(catalog({ tables: [t] }), multiplePermissivePolicies);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('authenticated/select: members read, admins read');
    expect(f[0]?.fix?.sql).toContain('DROP POLICY "members read" ON projects;');
    expect(f[0]?.fix?.sql).toContain('CREATE POLICY projects_select_authenticated ON projects AS PERMISSIVE FOR SELECT TO authenticated\n  USING (((is_member(id)))\n      OR ((is_admin())));');
    expect(f[0]?.fix?.sql?.startsWith('BEGIN;')).toBe(true);
  });

  it('counts a FOR ALL policy to public against a role policy, and is medium when one allows everything', () => {
    const t = table('posts', [col('id', 'bigint')], {
      rlsEnabled: true,
      policies: [
        policy('anyone reads', 'posts', { command: 'all', roles: ['public'], using: 'true' }),
        policy('anon reads published', 'posts', { command: 'select', roles: ['anon'], using: 'published' }),
      ],
    });
    const f = run(catalog({ tables: [t] }), multiplePermissivePolicies);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('anon/select');
    expect(f[0]?.message).toContain('`anyone reads` allows every row');
    expect(f[0]?.fix).toBeNull();
  });

  it('does not fire on different roles, different actions, or restrictive policies', () => {
    const t = table('posts', [col('id', 'bigint')], {
      rlsEnabled: true,
      policies: [
        policy('a', 'posts', { command: 'select', roles: ['anon'], using: 'published' }),
        policy('b', 'posts', { command: 'select', roles: ['authenticated'], using: 'true' }),
        policy('c', 'posts', { command: 'insert', roles: ['authenticated'], withCheck: 'true' }),
        policy('d', 'posts', { command: 'select', roles: ['authenticated'], permissive: false, using: 'not banned' }),
      ],
    });
    expect(run(catalog({ tables: [t] }), multiplePermissivePolicies)).toEqual([]);
  });
});

describe('security-definer-mutable-search-path', () => {
  it('fires with ALTER FUNCTION … SET search_path, pinning the schema when the body uses unqualified tables', () => {
    const c = catalog({ functions: [fn('grant_credits', { securityDefiner: true, arguments: 'p_user uuid, p_amount integer', returns: 'void', source: 'BEGIN UPDATE wallets SET credits = credits + p_amount WHERE user_id = p_user; END' })] });
    const f = run(c, securityDefinerMutableSearchPath);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.objects[0]).toEqual({ kind: 'function', schema: 'public', name: 'grant_credits' });
    expect(f[0]?.message).toContain('public.grant_credits');
    expect(f[0]?.message).toContain('wallets');
    expect(f[0]?.fix?.sql).toBe('ALTER FUNCTION grant_credits(p_user uuid, p_amount integer) SET search_path = pg_catalog, public, pg_temp;');
  });
  it("proposes search_path = '' when every name is qualified", () => {
    const c = catalog({ functions: [fn('whoami', { schema: 'api', securityDefiner: true, source: 'SELECT auth.uid()' })] });
    expect(run(c, securityDefinerMutableSearchPath)[0]?.fix?.sql).toBe("ALTER FUNCTION api.whoami() SET search_path = '';");
  });
  it('does not fire on invoker functions, pinned definers or extension functions', () => {
    const c = catalog({
      functions: [
        fn('a', { securityDefiner: false }),
        fn('b', { securityDefiner: true, config: ['search_path=""'] }),
        fn('c', { securityDefiner: true, origin: 'extension' }),
      ],
    });
    expect(run(c, securityDefinerMutableSearchPath)).toEqual([]);
  });
});

describe('security-definer-view', () => {
  const orders = table('orders', [col('id', 'bigint')], { rlsEnabled: true });
  it('fires when the view reads a table with RLS', () => {
    const c = catalog({ tables: [orders], views: [view('order_totals', { definition: ' SELECT count(*) AS n\n   FROM orders;' })] });
    const f = run(c, securityDefinerView);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.objects[0]).toEqual({ kind: 'view', schema: 'public', name: 'order_totals' });
    expect(f[0]?.message).toContain('`orders`');
    expect(f[0]?.fix?.sql).toBe('ALTER VIEW order_totals SET (security_invoker = true);');
  });
  it('is critical when a Supabase public view exposes auth.users', () => {
    const c = catalog({ supabase: true, tables: [authUsers], views: [view('profiles_v', { definition: ' SELECT users.email\n   FROM auth.users;' })] });
    expect(run(c, securityDefinerView)[0]?.severity).toBe('critical');
  });
  it('says security_invoker needs PostgreSQL 15 on older servers', () => {
    const c = catalog({ engine: { kind: 'postgres', serverVersion: '14.11', serverVersionNum: 140011 }, tables: [orders], views: [view('v', { definition: ' SELECT * FROM orders;' })], grants: [grant('v', 'authenticated', ['SELECT'])] });
    const f = run(c, securityDefinerView);
    expect(f[0]?.message).toMatch(/needs PostgreSQL 15/);
    expect(f[0]?.fix?.sql).toBe('REVOKE ALL ON v FROM authenticated;');
  });
  it('does not fire on security_invoker views or views over tables without RLS outside Supabase', () => {
    const c = catalog({
      tables: [orders, table('products', [col('id', 'bigint')])],
      views: [view('a', { definition: ' SELECT * FROM orders;', securityInvoker: true }), view('b', { definition: ' SELECT * FROM products;' })],
    });
    expect(run(c, securityDefinerView)).toEqual([]);
  });
});

describe('extension-in-public', () => {
  it('fires for an extension in public', () => {
    const f = run(catalog({ extensions: [{ name: 'pg_trgm', schema: 'public', version: '1.6' }, { name: 'plpgsql', schema: 'pg_catalog', version: '1.0' }] }), extensionInPublic);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('pg_trgm');
    expect(f[0]?.fix?.sql).toBe('CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION pg_trgm SET SCHEMA extensions;');
  });
  it('does not fire for plpgsql or extensions elsewhere', () => {
    expect(run(catalog({ extensions: [{ name: 'plpgsql', schema: 'public', version: '1.0' }, { name: 'pgcrypto', schema: 'extensions', version: '1.3' }] }), extensionInPublic)).toEqual([]);
  });
});

describe('exposed-materialized-view', () => {
  it('fires for a matview granted to API roles, high when it reads an RLS table', () => {
    const c = catalog({
      tables: [table('orders', [col('id', 'bigint')], { rlsEnabled: true })],
      views: [view('daily_sales', { materialized: true, definition: ' SELECT count(*) AS n\n   FROM orders;' })],
      grants: [grant('daily_sales', 'anon', ['SELECT'])],
    });
    const f = run(c, exposedMaterializedView);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.message).toContain('daily_sales');
    expect(f[0]?.fix?.sql).toBe('REVOKE ALL ON daily_sales FROM anon;');
  });
  it('is medium on Supabase public without RLS evidence', () => {
    const c = catalog({ supabase: true, views: [view('stats', { materialized: true })] });
    const f = run(c, exposedMaterializedView);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.fix?.sql).toBe('REVOKE ALL ON stats FROM anon, authenticated;');
  });
  it('does not fire outside exposed schemas', () => {
    const c = catalog({ supabase: true, views: [view('stats', { materialized: true, schema: 'private' }), view('plain', {})] });
    expect(run(c, exposedMaterializedView)).toEqual([]);
  });
});

describe('pii-unclassified', () => {
  const t = () => table('customers', [
    col('email', 'text'), col('email_verified', 'boolean'), col('date_of_birth', 'date'), col('phone', 'text', { comment: 'PII: contact number' }),
    col('address_id', 'bigint'),
  ]);
  it('is off by default', () => {
    expect(piiUnclassified.meta.enabledByDefault).toBe(false);
    expect(run(catalog({ tables: [t()] }), piiUnclassified)).toEqual([]);
  });
  it('lists unclassified PII columns per table with COMMENT fixes', () => {
    const f = run(catalog({ tables: [t()] }), piiUnclassified, true);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('info');
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['email', 'date_of_birth', 'customers']);
    expect(f[0]?.fix?.sql).toContain("COMMENT ON COLUMN customers.email IS 'PII: email';");
  });
  it('does not fire when every PII column is classified', () => {
    const c = catalog({ tables: [table('customers', [col('email', 'text', { comment: 'Personal data (GDPR)' }), col('plan', 'text')])] });
    expect(run(c, piiUnclassified, true)).toEqual([]);
  });
});

describe('exposure on Supabase', () => {
  it('treats public as exposed when the catalog has no grants, and not when API grants were revoked everywhere', () => {
    const t = () => table('todos', [col('id', 'bigint')]);
    expect(run(catalog({ supabase: true, tables: [t()] }), rlsDisabled)[0]?.severity).toBe('critical');
    const hardened = catalog({ supabase: true, tables: [t()], grants: [grant('todos', 'service_role')] });
    expect(run(hardened, rlsDisabled)).toEqual([]);
  });
});
