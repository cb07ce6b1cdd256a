import { describe, expect, it } from 'vitest';
import type { Catalog, Constraint, Table } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import { DEFAULT_REVIEW_SETTINGS, type Rule } from '../../src/rules/types.js';
import { rules } from '../../src/rules/tenancy/index.js';
import { inferTenant, type TenantInfo } from '../../src/rules/tenancy/tenant.js';
import { tenantPolicyStyle } from '../../src/rules/tenancy/shared.js';
import tenantColumnMissing from '../../src/rules/tenancy/tenant-column-missing.js';
import tenantColumnNullable from '../../src/rules/tenancy/tenant-column-nullable.js';
import tenantForeignKeyNotScoped from '../../src/rules/tenancy/tenant-foreign-key-not-scoped.js';
import tenantRlsNotScoped from '../../src/rules/tenancy/tenant-rls-not-scoped.js';
import tenantUniqueNotScoped from '../../src/rules/tenancy/tenant-unique-not-scoped.js';
import { catalog, check, col, fk, fn, idx, pk, policy, table, unique } from '../support/build.js';

function run(c: Catalog, rule: Rule, tenantColumn: string | null | false = null) {
  return runRules(c, [rule], { review: { ...DEFAULT_REVIEW_SETTINGS, tenantColumn } });
}

const id = () => col('id', 'uuid', { default: 'gen_random_uuid()' });
const org = (extra: Partial<Parameters<typeof col>[2]> = {}) => col('organization_id', 'uuid', { notNull: true, ...extra });
const orgFk = (extra: Partial<Constraint> = {}) => fk(['organization_id'], 'organizations', ['id'], { name: 'fk_organization_id', ...extra });

const organizations = () => table('organizations', [id(), col('name', 'text')], { constraints: [pk(['id'])] });
const users = () => table('users', [id(), col('email', 'text', { notNull: true }), col('password_hash', 'text')], {
  constraints: [pk(['id']), unique(['email'], 'users_email_key')],
});
const memberships = () => table('memberships', [id(), org(), col('user_id', 'uuid', { notNull: true })], {
  constraints: [pk(['id']), orgFk(), fk(['user_id'], 'users'), unique(['organization_id', 'user_id'])],
});
const projects = (extra: { columns?: ReturnType<typeof col>[]; constraints?: Constraint[]; spec?: Partial<Table> } = {}) =>
  table('projects', [id(), org(), col('name', 'text'), ...(extra.columns ?? [])], {
    constraints: [pk(['id']), orgFk(), unique(['organization_id', 'id'], 'projects_organization_id_id_key'), ...(extra.constraints ?? [])],
    ...extra.spec,
  });
const tasks = (extra: { columns?: ReturnType<typeof col>[]; constraints?: Constraint[]; spec?: Partial<Table> } = {}) =>
  table('tasks', [id(), org(), col('project_id', 'uuid', { notNull: true }), ...(extra.columns ?? [])], {
    constraints: [pk(['id']), orgFk(), fk(['organization_id', 'project_id'], 'projects', ['organization_id', 'id'], { name: 'tasks_project_fkey' }), ...(extra.constraints ?? [])],
    ...extra.spec,
  });

/** A clean multi-tenant schema: every rule stays quiet on it. */
function saas(extra: Table[] = [], replace: Record<string, Table> = {}): Catalog {
  const base = [organizations(), users(), memberships(), projects(), tasks()];
  return catalog({ tables: [...base.map((t) => replace[t.name] ?? t), ...extra] });
}

describe('tenancy registry', () => {
  it('registers the five contract ids in the tenancy category with their default severities', () => {
    expect(rules.map((r) => [r.meta.id, r.meta.severity, r.meta.enabledByDefault])).toEqual([
      ['tenant-column-missing', 'high', true],
      ['tenant-column-nullable', 'medium', true],
      ['tenant-foreign-key-not-scoped', 'medium', true],
      ['tenant-rls-not-scoped', 'high', true],
      ['tenant-unique-not-scoped', 'medium', true],
    ]);
    for (const r of rules) {
      expect(r.meta.category).toBe('tenancy');
      expect(r.meta.title).not.toBe('TODO');
    }
  });

  it('stays quiet on a clean multi-tenant schema', () => {
    expect(runRules(saas(), rules)).toEqual([]);
  });
});

describe('inferTenant', () => {
  it('infers the key from the FK graph, with the membership and global users table', () => {
    const t = inferTenant(saas(), null);
    expect(t?.column).toBe('organization_id');
    expect(t?.source).toBe('inferred');
    expect(t?.parent).toEqual({ schema: 'public', table: 'organizations' });
    expect(t?.parentKey).toEqual({ column: 'id', type: 'uuid' });
    expect(t?.carriers.map((x) => x.name)).toEqual(['memberships', 'projects', 'tasks']);
    expect(t?.scoped.map((x) => x.name)).toEqual(['memberships', 'projects', 'tasks']);
    expect(t?.global.map((x) => x.name)).toEqual(['organizations', 'users']);
    expect(t?.membership?.table.name).toBe('memberships');
    expect(t?.evidence).toBe('`organization_id` references `organizations` and is carried by 3 of the 3 tables reachable from it');
  });

  it('is memoized per catalog', () => {
    const c = saas();
    expect(inferTenant(c, null)).toBe(inferTenant(c, null));
  });

  it('finds no tenancy in a schema with a single team_id', () => {
    const c = catalog({
      tables: [
        table('teams', [id()], { constraints: [pk(['id'])] }),
        table('players', [id(), col('team_id', 'uuid')], { constraints: [pk(['id']), fk(['team_id'], 'teams')] }),
        table('games', [id(), col('player_id', 'uuid')], { constraints: [pk(['id']), fk(['player_id'], 'players')] }),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
    expect(runRules(c, rules)).toEqual([]);
  });

  it('finds no tenancy when the column is a minority pattern among the tables reachable from its parent', () => {
    const child = (name: string, parent: string) => table(name, [id(), col(`${parent.slice(0, -1)}_id`, 'uuid')], { constraints: [pk(['id']), fk([`${parent.slice(0, -1)}_id`], parent)] });
    const c = catalog({
      tables: [
        organizations(),
        table('apples', [id(), org()], { constraints: [pk(['id']), orgFk()] }),
        table('pears', [id(), org()], { constraints: [pk(['id']), orgFk()] }),
        child('seeds', 'apples'), child('stems', 'apples'), child('leaves', 'pears'),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
  });

  it('needs a referenced parent: a column without a foreign key is not inferred', () => {
    const c = catalog({
      tables: [
        table('projects', [id(), col('tenant_id', 'uuid')], { constraints: [pk(['id'])] }),
        table('tasks', [id(), col('tenant_id', 'uuid')], { constraints: [pk(['id'])] }),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
  });

  it('does not take a table of people (a login column) for a tenant', () => {
    const c = catalog({
      tables: [
        table('accounts', [id(), col('email', 'text'), col('password_digest', 'text')], { constraints: [pk(['id'])] }),
        table('orders', [id(), col('account_id', 'uuid')], { constraints: [pk(['id']), fk(['account_id'], 'accounts')] }),
        table('addresses', [id(), col('account_id', 'uuid')], { constraints: [pk(['id']), fk(['account_id'], 'accounts')] }),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
  });

  it('keeps the users table global even when it points at tenant data, and does not walk through it', () => {
    const c = saas([
      table('sessions', [id(), col('user_id', 'uuid')], { constraints: [pk(['id']), fk(['user_id'], 'users')] }),
    ], {
      users: table('users', [id(), col('email', 'text'), col('last_project_id', 'uuid')], { constraints: [pk(['id']), fk(['last_project_id'], 'projects')] }),
    });
    const t = inferTenant(c, null);
    expect(t?.scoped.map((x) => x.name)).toEqual(['memberships', 'projects', 'tasks']);
    expect(run(c, tenantColumnMissing)).toEqual([]);
  });

  it('prefers the key most tables carry', () => {
    const c = saas([
      table('teams', [id(), org()], { constraints: [pk(['id']), orgFk()] }),
      table('team_docs', [id(), org(), col('team_id', 'uuid')], { constraints: [pk(['id']), orgFk(), fk(['team_id'], 'teams')] }),
      table('team_notes', [id(), org(), col('team_id', 'uuid')], { constraints: [pk(['id']), orgFk(), fk(['team_id'], 'teams')] }),
    ]);
    expect(inferTenant(c, null)?.column).toBe('organization_id');
  });

  it('matches camelCase columns and PascalCase tables', () => {
    const c = catalog({
      tables: [
        table('Workspace', [col('id', 'text')], { constraints: [pk(['id'])] }),
        table('Board', [col('id', 'text'), col('workspaceId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['workspaceId'], 'Workspace')] }),
        table('Card', [col('id', 'text'), col('workspaceId', 'text', { notNull: true }), col('boardId', 'text')], { constraints: [pk(['id']), fk(['workspaceId'], 'Workspace'), fk(['boardId'], 'Board')] }),
        table('Comment', [col('id', 'text'), col('cardId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['cardId'], 'Card')] }),
      ],
    });
    const t = inferTenant(c, null);
    expect(t?.column).toBe('workspaceId');
    expect(t?.evidence).toBe('`workspaceId` references `Workspace` and is carried by 2 of the 3 tables reachable from it');
    const f = run(c, tenantColumnMissing);
    expect(f.map((x) => x.objects[0]?.name)).toEqual(['Comment']);
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE "Comment" ADD COLUMN "workspaceId" text;');
    expect(f[0]?.fix?.sql).toContain('SET "workspaceId" = "Card"."workspaceId"');
  });

  it('takes a configured column as given, infers its parent, and matches its snake_case spelling to camelCase', () => {
    const c = catalog({
      tables: [
        table('clubs', [id()], { constraints: [pk(['id'])] }),
        table('events', [id(), col('clubId', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['clubId'], 'clubs')] }),
        table('tickets', [id(), col('eventId', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['eventId'], 'events')] }),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
    const t = inferTenant(c, 'club_id');
    expect(t?.column).toBe('clubId');
    expect(t?.source).toBe('config');
    expect(t?.parent).toEqual({ schema: 'public', table: 'clubs' });
    expect(t?.evidence).toBe('`clubId` is set as the tenant column in the configuration; it references `clubs` and is carried by 1 of the 2 tables reachable from it');
    const f = run(c, tenantColumnMissing, 'club_id');
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.message).toContain('`tickets` belongs to a tenant');
    expect(f[0]?.message).toContain('set as the tenant column in the configuration');
  });

  it('says so when the configured column exists nowhere, and then reports nothing', () => {
    const c = saas();
    const t = inferTenant(c, 'tenant_id');
    expect(t?.evidence).toBe('`tenant_id` is set as the tenant column in the configuration, but no table has a column of that name');
    expect(runRules(c, rules, { review: { ...DEFAULT_REVIEW_SETTINGS, tenantColumn: 'tenant_id' } })).toEqual([]);
  });

  it('ignores shim and extension tables and judges partitions through their parent', () => {
    const c = saas([
      table('users', [id(), col('organization_id', 'uuid')], { schema: 'auth', origin: 'shim' }),
      table('tasks_2024', [id(), col('project_id', 'uuid')], { partitionOf: { schema: 'public', table: 'tasks', bound: '' }, constraints: [fk(['project_id'], 'projects')] }),
    ]);
    expect(inferTenant(c, null)?.scoped.map((x) => x.name)).toEqual(['memberships', 'projects', 'tasks']);
    expect(runRules(c, rules)).toEqual([]);
  });
});

describe('inferTenant from structure (a `<parent>_id` outside the name list)', () => {
  const people = () => table('users', [id(), col('email', 'text', { notNull: true }), col('password_hash', 'text')], { constraints: [pk(['id'])] });
  /** A table that belongs to `parent` through `<parent>_id`, optionally with more columns and keys. */
  const owned = (name: string, parent: string, extra: { columns?: ReturnType<typeof col>[]; constraints?: Constraint[]; spec?: Partial<Table> } = {}, column = `${parent.replace(/s$/, '')}_id`) => {
    return table(name, [id(), col(column, 'uuid', { notNull: true }), ...(extra.columns ?? [])], {
      constraints: [pk(['id']), fk([column], parent), ...(extra.constraints ?? [])],
      ...extra.spec,
    });
  };
  const child = (name: string, parentColumn: string, parent: string) =>
    table(name, [id(), col(parentColumn, 'uuid', { notNull: true })], { constraints: [pk(['id']), fk([parentColumn], parent)] });
  const clinicMemberships = () => table('clinic_memberships', [col('clinic_id', 'uuid'), col('user_id', 'uuid'), col('role', 'text')], {
    constraints: [pk(['clinic_id', 'user_id']), fk(['clinic_id'], 'clinics'), fk(['user_id'], 'users')],
  });
  /** A practice-management schema: clinics own patients, visits, rooms, invoices; staff belong to clinics. */
  function practice(extra: Table[] = [], replace: Record<string, Table> = {}): Catalog {
    const base = [
      table('clinics', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
      people(),
      clinicMemberships(),
      owned('patients', 'clinics'),
      owned('rooms', 'clinics'),
      owned('visits', 'clinics', { columns: [col('patient_id', 'uuid')], constraints: [fk(['patient_id'], 'patients')] }),
      owned('invoices', 'clinics', { columns: [col('visit_id', 'uuid')], constraints: [fk(['visit_id'], 'visits')] }),
      child('invoice_lines', 'invoice_id', 'invoices'),
      table('payers', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
    ];
    return catalog({ tables: [...base.map((t) => replace[t.name] ?? t), ...extra] });
  }

  it('infers clinic_id when a membership table links users to clinics, and says so', () => {
    const t = inferTenant(practice(), null);
    expect(t?.column).toBe('clinic_id');
    expect(t?.source).toBe('inferred');
    expect(t?.parent).toEqual({ schema: 'public', table: 'clinics' });
    expect(t?.signals).toEqual(['membership', 'tenant-name']);
    expect(t?.membership?.table.name).toBe('clinic_memberships');
    expect(t?.carriers.map((x) => x.name)).toEqual(['clinic_memberships', 'patients', 'rooms', 'visits', 'invoices']);
    expect(t?.scoped.map((x) => x.name)).toEqual(['clinic_memberships', 'patients', 'rooms', 'visits', 'invoices', 'invoice_lines']);
    expect(t?.global.map((x) => x.name)).toEqual(['clinics', 'users']);
    expect(t?.evidence).toBe('`clinic_id` references `clinics`, is carried by 5 of the 6 tables reachable from it, and `clinic_memberships` links users to clinics');
  });

  it('then runs the tenancy rules on it: the line items that reach a clinic only through invoices', () => {
    const c = practice();
    const f = run(c, tenantColumnMissing);
    expect(f.map((x) => [x.objects[0]?.name, x.severity])).toEqual([['invoice_lines', 'high']]);
    expect(f[0]?.message).toContain('`clinic_id` references `clinics`, is carried by 5 of the 6 tables reachable from it, and `clinic_memberships` links users to clinics');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE invoice_lines ADD COLUMN clinic_id uuid;');
  });

  it('is confirmed by row level security that compares the key with current_setting(), directly or through a function', () => {
    // `branches` is not named like a tenant and there is no membership table: only the policy confirms it.
    const branches = (policies: ReturnType<typeof policy>[], functions: ReturnType<typeof fn>[] = []) => catalog({
      functions,
      tables: [
        table('branches', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
        owned('loans', 'branches', { spec: { rlsEnabled: true, policies } }, 'branch_id'),
        owned('borrowers', 'branches', {}, 'branch_id'),
        owned('tellers', 'branches', {}, 'branch_id'),
        child('repayments', 'loan_id', 'loans'),
      ],
    });
    const direct = inferTenant(branches([policy('loans_branch', 'loans', { using: "(branch_id = (current_setting('app.branch_id'::text))::uuid)" })]), null);
    expect(direct?.column).toBe('branch_id');
    expect(direct?.signals).toEqual(['policy']);
    expect(direct?.evidence).toBe("`branch_id` references `branches`, is carried by 3 of the 4 tables reachable from it, and row level security on `loans` compares it with `current_setting('app.branch_id')`");

    const viaFunction = inferTenant(branches(
      [policy('loans_branch', 'loans', { using: '(branch_id = ( SELECT current_branch() AS current_branch))' })],
      [fn('current_branch', { returns: 'uuid', language: 'sql', source: "select nullif(current_setting('app.branch_id', true), '')::uuid" })],
    ), null);
    expect(viaFunction?.column).toBe('branch_id');
    expect(viaFunction?.evidence).toContain("row level security on `loans` compares it with `current_branch()`, which reads `current_setting('app.branch_id')`");

    const viaJwt = inferTenant(branches([policy('loans_branch', 'loans', { using: "(branch_id = ((auth.jwt() ->> 'branch_id'::text))::uuid)" })]), null);
    expect(viaJwt?.evidence).toContain("compares it with `the JWT claim 'branch_id'`");

    // A membership subquery through a table that links branches to users.
    const staffed = catalog({
      tables: [
        ...branches([policy('loans_branch', 'loans', { using: '(branch_id IN ( SELECT branch_staff.branch_id FROM branch_staff WHERE (branch_staff.user_id = auth.uid())))' })]).tables,
        people(),
        table('branch_staff', [id(), col('branch_id', 'uuid', { notNull: true }), col('user_id', 'uuid', { notNull: true })], {
          constraints: [pk(['id']), fk(['branch_id'], 'branches'), fk(['user_id'], 'users')],
        }),
      ],
    });
    expect(inferTenant(staffed, null)?.signals).toEqual(['policy']);
    expect(inferTenant(staffed, null)?.evidence).toContain('row level security on `loans` checks it through `branch_staff`');

    // Without any policy, nothing confirms `branch_id`.
    expect(inferTenant(branches([]), null)).toBeNull();
  });

  it('takes `<parent>_users` for a membership table when it is unique on (key, user), not otherwise', () => {
    const clinicUsers = (keys: Constraint[]) => table('clinic_users', [id(), col('clinic_id', 'uuid', { notNull: true }), col('user_id', 'uuid', { notNull: true })], {
      constraints: [pk(['id']), fk(['clinic_id'], 'clinics'), fk(['user_id'], 'users'), ...keys],
    });
    const unique_ = inferTenant(practice([], { clinic_memberships: clinicUsers([unique(['clinic_id', 'user_id'])]) }), null);
    expect(unique_?.signals).toEqual(['membership', 'tenant-name']);
    expect(unique_?.evidence).toContain('`clinic_users` links users to clinics');
    // Not unique: only the name of `clinics` confirms the key now.
    const loose = inferTenant(practice([], { clinic_memberships: clinicUsers([]) }), null);
    expect(loose?.signals).toEqual(['tenant-name']);
    expect(loose?.evidence).toContain('`clinics` is named like a tenant');
  });

  it('is confirmed by a tenant-like parent name alone, and matches camelCase keys and PascalCase tables', () => {
    const c = catalog({
      tables: [
        table('School', [col('id', 'text'), col('name', 'text')], { constraints: [pk(['id'])] }),
        table('Course', [col('id', 'text'), col('schoolId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['schoolId'], 'School')] }),
        table('Pupil', [col('id', 'text'), col('schoolId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['schoolId'], 'School')] }),
        table('Term', [col('id', 'text'), col('schoolId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['schoolId'], 'School')] }),
        table('Grade', [col('id', 'text'), col('courseId', 'text', { notNull: true })], { constraints: [pk(['id']), fk(['courseId'], 'Course')] }),
      ],
    });
    const t = inferTenant(c, null);
    expect(t?.column).toBe('schoolId');
    expect(t?.signals).toEqual(['tenant-name']);
    expect(t?.evidence).toBe('`schoolId` references `School`, is carried by 3 of the 4 tables reachable from it, and `School` is named like a tenant (tenant names: school, clinic, store, shop, agency, club, …)');
    expect(run(c, tenantColumnMissing).map((x) => x.objects[0]?.name)).toEqual(['Grade']);
  });

  it('gives the names in the list priority over a structural key', () => {
    const c = practice([
      table('organizations', [id()], { constraints: [pk(['id'])] }),
      table('org_settings', [id(), org()], { constraints: [pk(['id']), orgFk()] }),
      table('org_invoices', [id(), org()], { constraints: [pk(['id']), orgFk()] }),
    ]);
    expect(inferTenant(c, null)?.column).toBe('organization_id');
  });

  it('does not take a shop\'s customers for tenants, even when five tables reference them', () => {
    const c = catalog({
      tables: [
        table('customers', [id(), col('email', 'text', { notNull: true })], { constraints: [pk(['id'])] }),
        owned('orders', 'customers'),
        owned('addresses', 'customers'),
        owned('carts', 'customers'),
        owned('wishlists', 'customers'),
        owned('customer_notes', 'customers'),
        child('order_items', 'order_id', 'orders'),
        child('shipments', 'order_id', 'orders'),
        child('refunds', 'order_id', 'orders'),
        child('payments', 'order_id', 'orders'),
        table('customer_members', [col('customer_id', 'uuid'), col('user_id', 'uuid')], {
          constraints: [pk(['customer_id', 'user_id']), fk(['customer_id'], 'customers'), fk(['user_id'], 'users')],
        }),
        people(),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
    expect(runRules(c, rules)).toEqual([]);
  });

  it('does not take order_id or project_id for a tenant key without a membership, a policy or a tenant-like name', () => {
    const projects = catalog({
      tables: [
        table('projects', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
        people(),
        owned('tasks', 'projects'),
        owned('milestones', 'projects'),
        owned('project_files', 'projects'),
        owned('releases', 'projects'),
        child('task_comments', 'task_id', 'tasks'),
        // Unique on (project, user), but a favourite is not a membership.
        table('favorites', [col('project_id', 'uuid'), col('user_id', 'uuid')], {
          constraints: [pk(['project_id', 'user_id']), fk(['project_id'], 'projects'), fk(['user_id'], 'users')],
        }),
      ],
    });
    expect(inferTenant(projects, null)).toBeNull();
    // A policy keyed on the session's user does not confirm project_id either.
    const withUserPolicy = catalog({
      tables: projects.tables.map((t) => (t.name === 'tasks'
        ? { ...t, rlsEnabled: true, policies: [policy('tasks_mine', 'tasks', { using: "(project_id IN ( SELECT projects.id FROM projects WHERE (projects.owner_id = (current_setting('app.user_id'::text))::uuid)))" })] }
        : t)),
    });
    expect(inferTenant(withUserPolicy, null)).toBeNull();
    expect(runRules(withUserPolicy, rules)).toEqual([]);
    // What the signal changes: with a members table, projects are the tenants of this schema.
    const withMembers = catalog({
      tables: [...projects.tables, table('project_members', [id(), col('project_id', 'uuid', { notNull: true }), col('user_id', 'uuid', { notNull: true })], {
        constraints: [pk(['id']), fk(['project_id'], 'projects'), fk(['user_id'], 'users')],
      })],
    });
    expect(inferTenant(withMembers, null)?.evidence).toBe('`project_id` references `projects`, is carried by 6 of the 7 tables reachable from it, and `project_members` links users to projects');
  });

  it('never takes users for tenants, however many tables carry user_id', () => {
    const c = catalog({
      tables: [
        table('users', [id(), col('email', 'text')], { constraints: [pk(['id'])] }),
        ...['posts', 'likes', 'follows', 'notifications', 'settings'].map((n) => owned(n, 'users')),
        table('user_memberships', [id(), col('user_id', 'uuid'), col('member_id', 'uuid')], { constraints: [pk(['id']), fk(['user_id'], 'users'), fk(['member_id'], 'users')] }),
      ],
    });
    expect(inferTenant(c, null)).toBeNull();
  });

  it('needs three tables besides the membership table, and most of the schema behind the parent', () => {
    // A book club: members and a chat per club beside a global catalogue of books and reviews.
    const club = (extra: Table[]) => catalog({
      tables: [
        table('clubs', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
        people(),
        table('club_members', [col('club_id', 'uuid'), col('user_id', 'uuid')], { constraints: [pk(['club_id', 'user_id']), fk(['club_id'], 'clubs'), fk(['user_id'], 'users')] }),
        owned('club_books', 'clubs'),
        owned('messages', 'clubs'),
        ...extra,
      ],
    });
    expect(inferTenant(club([]), null)).toBeNull();
    const catalogue = ['books', 'authors', 'publishers', 'genres', 'reviews', 'quotes', 'editions'].map((n) => table(n, [id()], { constraints: [pk(['id'])] }));
    expect(inferTenant(club([owned('meetings', 'clubs'), ...catalogue]), null)).toBeNull();
    expect(inferTenant(club([owned('meetings', 'clubs')]), null)?.column).toBe('club_id');
  });

  it('wants the column named after the table it references', () => {
    const c = practice([], {
      rooms: table('rooms', [id(), col('home_clinic_id', 'uuid')], { constraints: [pk(['id']), fk(['home_clinic_id'], 'clinics')] }),
    });
    expect(inferTenant(c, null)?.column).toBe('clinic_id');
    // `clinic_id → sites`: the same graph, but the key is not named after its parent.
    const misnamed = catalog({
      tables: practice().tables.map((t) => (t.name === 'clinics'
        ? { ...t, name: 'sites' }
        : { ...t, constraints: t.constraints.map((k) => (k.references?.table === 'clinics' ? { ...k, references: { ...k.references, table: 'sites' } } : k)) })),
    });
    expect(misnamed.tables.filter((t) => t.constraints.some((k) => k.references?.table === 'sites'))).toHaveLength(5);
    expect(inferTenant(misnamed, null)).toBeNull();
  });
});

describe('"tenantColumn": false', () => {
  it('turns inference off: a schema the team says is not multi-tenant gets no tenancy findings', () => {
    const c = saas([table('comments', [id(), col('task_id', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['task_id'], 'tasks')] })]);
    expect(inferTenant(c, null)?.column).toBe('organization_id');
    expect(run(c, tenantColumnMissing)).not.toEqual([]);
    expect(inferTenant(c, false)).toBeNull();
    for (const rule of rules) expect(run(c, rule, false)).toEqual([]);
  });
});

describe('tenant-column-missing', () => {
  const comments = () => table('comments', [id(), col('task_id', 'uuid', { notNull: true }), col('body', 'text')], { constraints: [pk(['id']), fk(['task_id'], 'tasks', ['id'], { name: 'comments_task_id_fkey' })] });

  it('fires on a table that reaches the tenant only through joins, with a backfill from the nearest carrier', () => {
    const f = run(saas([comments()]), tenantColumnMissing);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'comments' }]);
    expect(f[0]?.message).toContain('`comments` belongs to a tenant');
    expect(f[0]?.message).toContain('comments.task_id → tasks.organization_id');
    expect(f[0]?.message).toContain('Tenant key inferred from the foreign-key graph: `organization_id` references `organizations`');
    const sql = f[0]?.fix?.sql ?? '';
    expect(sql).toContain('ALTER TABLE comments ADD COLUMN organization_id uuid;');
    expect(sql).toContain('UPDATE comments\nSET organization_id = tasks.organization_id\nFROM tasks\nWHERE tasks.id = comments.task_id\n  AND comments.organization_id IS NULL;');
    expect(sql).toContain('CHECK (organization_id IS NOT NULL) NOT VALID');
    expect(sql).toContain('ALTER TABLE comments ALTER COLUMN organization_id SET NOT NULL;');
    expect(sql).toContain('ADD CONSTRAINT comments_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) NOT VALID;');
    expect(sql).toContain('VALIDATE CONSTRAINT comments_organization_id_fkey;');
    expect(sql).toContain('CREATE INDEX CONCURRENTLY comments_organization_id_idx ON comments (organization_id);');
    expect(f[0]?.fix?.notes).toContain('LIMIT 10000');
    expect(f[0]?.fix?.notes).toContain('SELECT count(*) FROM comments WHERE organization_id IS NULL;');
  });

  it('is medium, not high, when row level security already isolates the table through a join', () => {
    const scopedByJoin = table('comments', [id(), col('task_id', 'uuid', { notNull: true }), col('body', 'text')], {
      constraints: [pk(['id']), fk(['task_id'], 'tasks', ['id'], { name: 'comments_task_id_fkey' })],
      rlsEnabled: true,
      policies: [policy('members read comments', 'comments', {
        command: 'select',
        using: 'EXISTS (SELECT 1 FROM tasks t JOIN memberships m ON m.organization_id = t.organization_id WHERE t.id = comments.task_id AND m.user_id = auth.uid())',
      })],
    });
    const f = run(saas([scopedByJoin]), tenantColumnMissing);
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0]?.message).toContain('do isolate tenants through those joins');
    const open = table('comments', [id(), col('task_id', 'uuid', { notNull: true })], {
      constraints: [pk(['id']), fk(['task_id'], 'tasks', ['id'])], rlsEnabled: true, policies: [policy('anyone', 'comments', { command: 'select', using: 'true' })],
    });
    expect(run(saas([open]), tenantColumnMissing).map((x) => x.severity)).toEqual(['high']);
  });

  it('joins through several hops and mirrors the ON DELETE the other tenant keys use', () => {
    const reactions = table('reactions', [id(), col('comment_id', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['comment_id'], 'comments')] });
    const c = saas([comments(), reactions]);
    for (const t of c.tables) {
      for (const k of t.constraints) if (k.name === 'fk_organization_id' && k.references) k.references.onDelete = 'cascade';
    }
    const f = run(c, tenantColumnMissing).find((x) => x.objects[0]?.name === 'reactions');
    expect(f?.fix?.sql).toContain('UPDATE reactions\nSET organization_id = tasks.organization_id\nFROM comments\n  JOIN tasks ON tasks.id = comments.task_id\nWHERE comments.id = reactions.comment_id');
    expect(f?.fix?.sql).toContain('REFERENCES organizations (id) ON DELETE CASCADE NOT VALID');
  });

  it('adds the key to financial records ON DELETE RESTRICT even where the other tenant keys cascade', () => {
    const invoices = table('invoices', [id(), org(), col('total_cents', 'bigint', { notNull: true })], { constraints: [pk(['id']), orgFk()] });
    const lines = table('invoice_lines', [id(), col('invoice_id', 'uuid', { notNull: true }), col('amount_cents', 'bigint', { notNull: true })], {
      constraints: [pk(['id']), fk(['invoice_id'], 'invoices', ['id'], { name: 'invoice_lines_invoice_id_fkey' })],
    });
    const c = saas([comments(), invoices, lines]);
    for (const t of c.tables) {
      for (const k of t.constraints) if (k.name === 'fk_organization_id' && k.references) k.references.onDelete = 'cascade';
    }
    const f = run(c, tenantColumnMissing);
    const byTable = (name: string) => f.find((x) => x.objects[0]?.name === name);
    expect(byTable('invoice_lines')?.fix?.sql).toContain('FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT NOT VALID;');
    expect(byTable('invoice_lines')?.fix?.sql).not.toContain('CASCADE');
    expect(byTable('invoice_lines')?.fix?.notes).toContain('cascade-into-protected-data');
    // Ordinary rows still follow their siblings.
    expect(byTable('comments')?.fix?.sql).toContain('REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;');
    expect(byTable('comments')?.fix?.notes).not.toContain('cascade-into-protected-data');
  });

  it('warns when the only path to the tenant goes through a nullable foreign key', () => {
    const notes = table('notes', [id(), col('task_id', 'uuid')], { constraints: [pk(['id']), fk(['task_id'], 'tasks')] });
    const f = run(saas([notes]), tenantColumnMissing);
    expect(f[0]?.fix?.notes).toMatch(/nullable foreign key/);
  });

  it('does not fire on a child that holds the tenant key under another name through a composite foreign key', () => {
    const child = table('task_links', [id(), col('org', 'uuid', { notNull: true }), col('task_id', 'uuid', { notNull: true })], {
      constraints: [pk(['id']), fk(['org', 'task_id'], 'tasks', ['organization_id', 'id'])],
    });
    expect(run(saas([child]), tenantColumnMissing)).toEqual([]);
  });

  it('does not fire on a table that references the tenant directly under another column name', () => {
    const billing = table('billing_contacts', [id(), col('billed_org', 'uuid', { notNull: true })], { constraints: [pk(['id']), fk(['billed_org'], 'organizations')] });
    expect(run(saas([billing]), tenantColumnMissing)).toEqual([]);
  });

  it('does not fire on global tables: lookups, the tenant itself, users and what hangs off users', () => {
    const c = saas([
      table('plans', [id(), col('name', 'text')], { constraints: [pk(['id'])] }),
      table('password_resets', [id(), col('user_id', 'uuid')], { constraints: [pk(['id']), fk(['user_id'], 'users')] }),
    ]);
    expect(run(c, tenantColumnMissing)).toEqual([]);
  });
});

describe('tenantPolicyStyle: how new policies check the tenant', () => {
  it('without tenant policies to copy, checks membership for the caller the schema names', () => {
    const c = saas();
    const style = tenantPolicyStyle(c, inferTenant(c, null) as TenantInfo);
    expect(style.fromSchema).toBe(false);
    expect(style.suffix).toBe('_tenant_isolation');
    expect(style.check('organization_id', 'uuid')).toBe(
      "organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = NULLIF((SELECT current_setting('app.user_id', true)), '')::uuid)",
    );
  });

  it("copies the setting the schema's tenant policies compare the key with, missing_ok and all, and their name suffix", () => {
    const using = "(organization_id = (current_setting('app.org'::text, true))::uuid)";
    const c = saas([], { projects: projects({ spec: { rlsEnabled: true, policies: [policy('projects_by_org', 'projects', { using })] } }) });
    const style = tenantPolicyStyle(c, inferTenant(c, null) as TenantInfo);
    expect(style.fromSchema).toBe(true);
    expect(style.suffix).toBe('_by_org');
    expect(style.check('organization_id', 'uuid')).toBe("organization_id = NULLIF((SELECT current_setting('app.org', true)), '')::uuid");
  });
});

describe('tenant-column-nullable', () => {
  it('fires on a nullable tenant key with a lock-aware NOT NULL and a pre-check', () => {
    const c = saas([], { projects: projects({ spec: {} }) });
    const p = c.tables.find((t) => t.name === 'projects') as Table;
    (p.columns.find((x) => x.name === 'organization_id') as ReturnType<typeof col>).notNull = false;
    const f = run(c, tenantColumnNullable);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects).toEqual([{ kind: 'column', schema: 'public', table: 'projects', name: 'organization_id' }]);
    expect(f[0]?.message).toContain('`projects.organization_id` is nullable');
    expect(f[0]?.fix?.sql).toBe([
      'ALTER TABLE projects ADD CONSTRAINT projects_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;',
      'ALTER TABLE projects VALIDATE CONSTRAINT projects_organization_id_not_null;',
      'ALTER TABLE projects ALTER COLUMN organization_id SET NOT NULL;',
      'ALTER TABLE projects DROP CONSTRAINT projects_organization_id_not_null;',
    ].join('\n'));
    expect(f[0]?.fix?.notes).toContain('SELECT count(*) FROM projects WHERE organization_id IS NULL;');
  });

  it('says that ON DELETE SET NULL orphans rows', () => {
    const p = table('projects', [id(), col('organization_id', 'uuid'), col('name', 'text')], {
      constraints: [pk(['id']), orgFk({ references: { schema: 'public', table: 'organizations', columns: ['id'], onDelete: 'set null', onUpdate: 'no action', match: 'simple' } })],
    });
    const f = run(saas([], { projects: p }), tenantColumnNullable);
    expect(f[0]?.message).toContain('ON DELETE SET NULL');
    expect(f[0]?.fix?.notes).toContain('CASCADE or RESTRICT');
  });

  it('does not fire on NOT NULL keys or on keys a validated CHECK already forbids NULL in', () => {
    const p = table('projects', [id(), col('organization_id', 'uuid'), col('name', 'text')], {
      constraints: [pk(['id']), orgFk(), check('projects_org_nn', 'CHECK ((organization_id IS NOT NULL))', ['organization_id'])],
    });
    expect(run(saas(), tenantColumnNullable)).toEqual([]);
    expect(run(saas([], { projects: p }), tenantColumnNullable)).toEqual([]);
  });
});

describe('tenant-unique-not-scoped', () => {
  it('fires on UNIQUE (slug) and replaces it with UNIQUE (organization_id, slug) built concurrently', () => {
    const p = projects({ columns: [col('slug', 'text')], constraints: [unique(['slug'], 'projects_slug_key')] });
    const f = run(saas([], { projects: p }), tenantUniqueNotScoped);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects).toEqual([{ kind: 'constraint', schema: 'public', table: 'projects', name: 'projects_slug_key' }]);
    expect(f[0]?.message).toContain('two tenants cannot both use the same `slug`');
    expect(f[0]?.fix?.sql).toBe([
      'CREATE UNIQUE INDEX CONCURRENTLY projects_organization_id_slug_key ON projects (organization_id, slug);',
      'ALTER TABLE projects DROP CONSTRAINT projects_slug_key, ADD CONSTRAINT projects_organization_id_slug_key UNIQUE USING INDEX projects_organization_id_slug_key;',
    ].join('\n'));
    expect(f[0]?.fix?.notes).toContain('ON CONFLICT (organization_id, slug)');
  });

  it('gives the Prisma and Drizzle edit when the schema is ORM-managed', () => {
    const p = projects({ columns: [col('slug', 'text')], constraints: [unique(['slug'], 'projects_slug_key')] });
    const c = saas([], { projects: p });
    const prisma = runRules(c, [tenantUniqueNotScoped], { review: { ...DEFAULT_REVIEW_SETTINGS, orm: 'prisma' } });
    expect(prisma[0]?.fix?.orm?.prisma).toContain('@@unique([organization_id, slug])');
    const drizzle = runRules(c, [tenantUniqueNotScoped], { review: { ...DEFAULT_REVIEW_SETTINGS, orm: 'drizzle' } });
    expect(drizzle[0]?.fix?.orm?.drizzle).toContain('unique().on(t.organization_id, t.slug)');
    expect(run(c, tenantUniqueNotScoped)[0]?.fix?.orm).toBeUndefined();
  });

  it('keeps the predicate of a partial unique index and drops the old index concurrently', () => {
    const p = projects({ columns: [col('name_lower', 'text'), col('deleted_at', 'timestamp with time zone')], spec: {
      indexes: [idx('projects_name_live', ['name_lower'], { unique: true, predicate: '(deleted_at IS NULL)' })],
    } });
    const f = run(saas([], { projects: p }), tenantUniqueNotScoped);
    expect(f[0]?.fix?.sql).toBe([
      'CREATE UNIQUE INDEX CONCURRENTLY projects_organization_id_name_lower_key ON projects (organization_id, name_lower) WHERE (deleted_at IS NULL);',
      'DROP INDEX CONCURRENTLY projects_name_live;',
    ].join('\n'));
  });

  it('fires on an expression index that does not mention the tenant key, not on one that does', () => {
    const bad = projects({ spec: { indexes: [idx('projects_lower_name', [{ expression: 'lower(name)' }], { unique: true })] } });
    expect(run(saas([], { projects: bad }), tenantUniqueNotScoped)).toHaveLength(1);
    const good = projects({ spec: { indexes: [idx('projects_lower_name', ['organization_id', { expression: 'lower(name)' }], { unique: true })] } });
    expect(run(saas([], { projects: good }), tenantUniqueNotScoped)).toEqual([]);
  });

  it('skips surrogate keys, provider ids, tokens and hashes, keys scoped through a tenant-owned parent, and login emails', () => {
    const t = tasks({
      columns: [col('public_id', 'uuid'), col('seq', 'bigint', { identity: 'always' }), col('stripe_customer_id', 'text'), col('share_token', 'text'), col('slug', 'text'), col('storage_path', 'text')],
      constraints: [unique(['storage_path'], 'tasks_storage_path_key'),
        unique(['public_id'], 'tasks_public_id_key'), unique(['seq'], 'tasks_seq_key'), unique(['stripe_customer_id'], 'tasks_stripe_key'),
        unique(['share_token'], 'tasks_share_token_key'), unique(['project_id', 'slug'], 'tasks_project_slug_key'),
      ],
    });
    const members = table('members', [id(), org(), col('email', 'text')], { constraints: [pk(['id']), orgFk(), unique(['email'], 'members_email_key')] });
    expect(run(saas([members], { tasks: t }), tenantUniqueNotScoped)).toEqual([]);
  });

  it('does not judge tables that do not carry the key (users) nor the tenant table', () => {
    const o = table('organizations', [id(), col('slug', 'text')], { constraints: [pk(['id']), unique(['slug'])] });
    expect(run(saas([], { organizations: o }), tenantUniqueNotScoped)).toEqual([]);
  });
});

describe('tenant-foreign-key-not-scoped', () => {
  it('fires on an FK between two carriers on id alone, with a composite replacement and a cross-tenant pre-check', () => {
    const t = table('tasks', [id(), org(), col('project_id', 'uuid', { notNull: true })], {
      constraints: [pk(['id']), orgFk(), fk(['project_id'], 'projects', ['id'], { name: 'tasks_project_id_fkey' })],
      indexes: [idx('tasks_project_id_idx', ['project_id'])],
    });
    const f = run(saas([], { tasks: t }), tenantForeignKeyNotScoped);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects[0]).toEqual({ kind: 'constraint', schema: 'public', table: 'tasks', name: 'tasks_project_id_fkey' });
    expect(f[0]?.message).toContain('a `tasks` row of one tenant can point at a `projects` row of another tenant');
    expect(f[0]?.message).toContain('(organization_id, project_id) → projects (organization_id, id)');
    expect(f[0]?.fix?.sql).toBe([
      'CREATE INDEX CONCURRENTLY tasks_organization_id_project_id_idx ON tasks (organization_id, project_id);',
      'ALTER TABLE tasks DROP CONSTRAINT tasks_project_id_fkey, ADD CONSTRAINT tasks_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id) NOT VALID;',
      'ALTER TABLE tasks VALIDATE CONSTRAINT tasks_organization_id_project_id_fkey;',
    ].join('\n'));
    expect(f[0]?.fix?.notes).toContain('SELECT count(*) FROM tasks t JOIN projects r ON r.id = t.project_id WHERE r.organization_id IS DISTINCT FROM t.organization_id;');
  });

  it('adds the unique key the composite reference needs, and limits SET NULL to the reference column', () => {
    const p = table('projects', [id(), org(), col('name', 'text')], { constraints: [pk(['id']), orgFk()] });
    const t = table('tasks', [id(), org(), col('project_id', 'uuid')], {
      constraints: [pk(['id']), orgFk(), fk(['project_id'], 'projects', ['id'], { name: 'tasks_project_id_fkey', references: { schema: 'public', table: 'projects', columns: ['id'], onDelete: 'set null', onUpdate: 'no action', match: 'simple' } })],
      indexes: [idx('tasks_org_project', ['organization_id', 'project_id'])],
    });
    const f = run(saas([], { projects: p, tasks: t }), tenantForeignKeyNotScoped);
    expect(f[0]?.fix?.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY projects_organization_id_id_key ON projects (organization_id, id);');
    expect(f[0]?.fix?.sql).not.toContain('CREATE INDEX CONCURRENTLY tasks');
    expect(f[0]?.fix?.sql).toContain('ON DELETE SET NULL (project_id) NOT VALID');
  });

  it('fires on a self-reference inside a carrier', () => {
    const t = tasks({ columns: [col('parent_id', 'uuid')], constraints: [fk(['parent_id'], 'tasks', ['id'], { name: 'tasks_parent_id_fkey' })] });
    const f = run(saas([], { tasks: t }), tenantForeignKeyNotScoped);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('a row of one tenant can point at a row of another tenant in the same table');
  });

  it('does not fire on composite keys, keys to the tenant, or keys to global tables', () => {
    const t = tasks({ columns: [col('assignee_id', 'uuid')], constraints: [fk(['assignee_id'], 'users')] });
    expect(run(saas([], { tasks: t }), tenantForeignKeyNotScoped)).toEqual([]);
  });
});

describe('tenant-rls-not-scoped', () => {
  const withPolicies = (...ps: ReturnType<typeof policy>[]) => projects({ spec: { rlsEnabled: true, policies: ps } });

  it('fires high on USING (true) and proposes a restrictive membership policy', () => {
    const f = run(saas([], { projects: withPolicies(policy('projects_read', 'projects', { command: 'select', using: 'true' })) }), tenantRlsNotScoped);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.objects).toEqual([
      { kind: 'table', schema: 'public', name: 'projects' },
      { kind: 'policy', schema: 'public', table: 'projects', name: 'projects_read' },
    ]);
    expect(f[0]?.message).toContain('for SELECT its policies never mention `organization_id`');
    expect(f[0]?.message).toContain('every row');
    expect(f[0]?.fix?.sql).toBe(
      'CREATE POLICY projects_tenant_isolation ON projects AS RESTRICTIVE FOR ALL\n' +
      "  USING (organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')::uuid)))\n" +
      "  WITH CHECK (organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')::uuid)));",
    );
  });

  it('uses auth.uid() on Supabase and current_setting(app.tenant_id) when there is no membership table', () => {
    const c = saas([], { projects: withPolicies(policy('p', 'projects', { using: "(auth.role() = 'authenticated'::text)" })) });
    c.supabase = true;
    expect(run(c, tenantRlsNotScoped)[0]?.fix?.sql).toContain('m.user_id = (SELECT auth.uid())');
    const noMembers = catalog({ tables: [organizations(), projects({ spec: { rlsEnabled: true, policies: [policy('p', 'projects', { using: 'true' })] } }), tasks()] });
    expect(run(noMembers, tenantRlsNotScoped)[0]?.fix?.sql).toContain("organization_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid)");
  });

  it('is medium when policies isolate by owner only', () => {
    const p = table('projects', [id(), org(), col('owner_id', 'uuid')], {
      constraints: [pk(['id']), orgFk(), fk(['owner_id'], 'users')], rlsEnabled: true,
      policies: [policy('own', 'projects', { using: '(owner_id = ( SELECT auth.uid() AS uid))' })],
    });
    const f = run(saas([], { projects: p }), tenantRlsNotScoped);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain("check only the row's owner");
    const byName = projects({ columns: [col('created_by', 'uuid')], spec: { rlsEnabled: true, policies: [policy('own', 'projects', { using: '(created_by = ( SELECT auth.uid() AS uid))' })] } });
    expect(run(saas([], { projects: byName }), tenantRlsNotScoped)[0]?.severity).toBe('medium');
  });

  it('does not fire when policies check the tenant key, a membership, a helper function or an RLS-protected parent', () => {
    const tenantCol = withPolicies(policy('p', 'projects', { using: "(organization_id = (current_setting('app.tenant_id'::text))::uuid)" }));
    const member = withPolicies(policy('p', 'projects', { using: '(EXISTS ( SELECT 1 FROM memberships m WHERE (m.user_id = ( SELECT auth.uid() AS uid))))' }));
    const helper = withPolicies(policy('p', 'projects', { using: 'can_read_project(id)' }));
    const c3 = saas([], { projects: helper });
    c3.functions.push(fn('can_read_project', { returns: 'boolean', language: 'sql', source: 'SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = auth.uid())' }));
    expect(run(saas([], { projects: tenantCol }), tenantRlsNotScoped)).toEqual([]);
    expect(run(saas([], { projects: member }), tenantRlsNotScoped)).toEqual([]);
    expect(run(c3, tenantRlsNotScoped)).toEqual([]);
    const parentScoped = withPolicies(policy('p', 'projects', { using: "(organization_id = (current_setting('app.tenant_id'::text))::uuid)" }));
    const t = tasks({ spec: { rlsEnabled: true, policies: [policy('t', 'tasks', { using: '(EXISTS ( SELECT 1 FROM projects p WHERE (p.id = tasks.project_id)))' })] } });
    expect(run(saas([], { projects: parentScoped, tasks: t }), tenantRlsNotScoped)).toEqual([]);
  });

  it('does not fire when a restrictive policy isolates, on service_role-only policies, or on the membership table\'s own-rows policy', () => {
    const restrictive = withPolicies(
      policy('open', 'projects', { using: 'true' }),
      policy('iso', 'projects', { permissive: false, using: "(organization_id = (current_setting('app.tenant_id'::text))::uuid)" }),
    );
    expect(run(saas([], { projects: restrictive }), tenantRlsNotScoped)).toEqual([]);
    const service = withPolicies(policy('svc', 'projects', { roles: ['service_role'], using: 'true' }));
    expect(run(saas([], { projects: service }), tenantRlsNotScoped)).toEqual([]);
    const m = memberships();
    m.rlsEnabled = true;
    m.policies = [policy('own', 'memberships', { command: 'select', using: '(user_id = ( SELECT auth.uid() AS uid))' })];
    expect(run(saas([], { memberships: m }), tenantRlsNotScoped)).toEqual([]);
  });

  it('fires on the command a policy leaves open, even when others are isolated', () => {
    const p = withPolicies(
      policy('read', 'projects', { command: 'select', using: "(organization_id = (current_setting('app.tenant_id'::text))::uuid)" }),
      policy('write', 'projects', { command: 'insert', withCheck: 'true' }),
    );
    const f = run(saas([], { projects: p }), tenantRlsNotScoped);
    expect(f[0]?.details.commands).toEqual(['INSERT']);
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['projects', 'write']);
  });

  it('leaves tables without RLS or without policies to the security rules', () => {
    expect(run(saas([], { projects: projects({ spec: { policies: [policy('p', 'projects', { using: 'true' })] } }) }), tenantRlsNotScoped)).toEqual([]);
    expect(run(saas([], { projects: projects({ spec: { rlsEnabled: true } }) }), tenantRlsNotScoped)).toEqual([]);
  });
});
