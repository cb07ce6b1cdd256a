/**
 * Tenancy on a realistic SaaS schema loaded into real PostgreSQL (PGlite): the inferred key, its
 * evidence, exactly the planted findings — and that applying the fixes makes them go away.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/rules/run.js';
import { rules } from '../../src/rules/tenancy/index.js';
import { inferTenant } from '../../src/rules/tenancy/tenant.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/rules/types.js';
import type { Catalog } from '../../src/catalog/model.js';
import type { Finding } from '../../src/result.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

const SAAS = `
CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL
);
CREATE TABLE plans (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  price_cents bigint NOT NULL
);
CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member',
  UNIQUE (organization_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL UNIQUE REFERENCES organizations (id) ON DELETE CASCADE,
  plan_id bigint NOT NULL REFERENCES plans (id),
  stripe_subscription_id text NOT NULL UNIQUE
);
CREATE INDEX subscriptions_plan_id_idx ON subscriptions (plan_id);
CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  UNIQUE (organization_id, id)
);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_read ON projects FOR SELECT USING (true);
CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
  title text NOT NULL,
  UNIQUE (organization_id, id)
);
CREATE INDEX tasks_organization_id_idx ON tasks (organization_id);
CREATE INDEX tasks_project_id_idx ON tasks (project_id);
CREATE INDEX tasks_assignee_id_idx ON tasks (assignee_id);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tasks_member ON tasks
  USING (organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = (SELECT NULLIF(current_setting('app.user_id', true), '')::uuid)));
CREATE TABLE comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  author_id uuid NOT NULL REFERENCES users (id),
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_task_id_idx ON comments (task_id);
CREATE INDEX comments_author_id_idx ON comments (author_id);
CREATE TABLE labels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  UNIQUE (organization_id, name),
  UNIQUE (organization_id, id)
);
CREATE TABLE task_labels (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  task_id uuid NOT NULL,
  label_id uuid NOT NULL,
  PRIMARY KEY (task_id, label_id),
  FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, label_id) REFERENCES labels (organization_id, id) ON DELETE CASCADE
);
CREATE TABLE invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES organizations (id) ON DELETE RESTRICT,
  number text NOT NULL,
  stripe_invoice_id text UNIQUE,
  total_cents bigint NOT NULL,
  UNIQUE (organization_id, number),
  UNIQUE (organization_id, id)
);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices USING (organization_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
CREATE TABLE invoice_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
  invoice_id uuid NOT NULL,
  description text NOT NULL,
  amount_cents bigint NOT NULL,
  FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id) ON DELETE CASCADE
);
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash text NOT NULL UNIQUE
);
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
  action text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;

function review(c: Catalog, tenantColumn: string | null = null): Finding[] {
  return runRules(c, rules, { review: { ...DEFAULT_REVIEW_SETTINGS, tenantColumn } });
}

function summary(fs: Finding[]): string[] {
  return fs.map((f) => `${f.rule} ${f.severity} ${f.objects.map((o) => [o.table, o.name].filter(Boolean).join('.')).join(' ')}`);
}

function fixes(fs: Finding[]): string {
  return fs.map((f) => f.fix?.sql ?? '').join('\n');
}

describe('tenancy on a SaaS schema', () => {
  it('infers organization_id from the foreign-key graph and says why', async () => {
    const t = inferTenant(await catalogFromSql(SAAS), null);
    expect(t?.column).toBe('organization_id');
    expect(t?.source).toBe('inferred');
    expect(t?.parent).toEqual({ schema: 'public', table: 'organizations' });
    expect(t?.parentKey).toEqual({ column: 'id', type: 'uuid' });
    expect(t?.evidence).toBe('`organization_id` references `organizations` and is carried by 10 of the 11 tables reachable from it');
    expect(t?.scoped.map((x) => x.name).sort()).toEqual([
      'api_keys', 'audit_log', 'comments', 'invoice_lines', 'invoices', 'labels', 'memberships', 'projects', 'subscriptions', 'task_labels', 'tasks',
    ]);
    // users belong to many organizations through memberships; sessions and plans are not tenant data.
    expect(t?.global.map((x) => x.name).sort()).toEqual(['organizations', 'users']);
    expect(t?.membership?.table.name).toBe('memberships');
    expect(t?.membership?.userColumn).toBe('user_id');
  });

  it('reports exactly the planted problems', async () => {
    const fs = review(await catalogFromSql(SAAS));
    expect(summary(fs)).toEqual([
      'tenant-column-missing high comments',
      'tenant-rls-not-scoped high projects projects.projects_read',
      'tenant-column-nullable medium invoices.organization_id',
      'tenant-foreign-key-not-scoped medium tasks.tasks_project_id_fkey tasks.project_id',
      'tenant-unique-not-scoped medium projects.projects_slug_key',
    ]);
    const missing = fs[0] as Finding;
    expect(missing.message).toContain('`comments` belongs to a tenant');
    expect(missing.message).toContain('comments.task_id → tasks.organization_id');
    expect(missing.message).toContain('carried by 10 of the 11 tables reachable from it');
    expect(missing.fix?.sql).toContain('ALTER TABLE comments ADD COLUMN organization_id uuid;');
    expect(missing.fix?.sql).toContain('UPDATE comments\nSET organization_id = tasks.organization_id\nFROM tasks\nWHERE tasks.id = comments.task_id');
    expect(missing.fix?.sql).toContain('REFERENCES organizations (id) ON DELETE CASCADE NOT VALID');
    expect(missing.fix?.sql).toContain('CREATE INDEX CONCURRENTLY comments_organization_id_idx ON comments (organization_id);');
    expect(missing.location?.line).toBeGreaterThan(1);
    const rls = fs[1] as Finding;
    expect(rls.message).toContain('USING (true)');
    expect(rls.fix?.sql).toContain('AS RESTRICTIVE FOR ALL');
    expect(rls.fix?.sql).toContain('SELECT m.organization_id FROM memberships m WHERE m.user_id =');
  });

  it('is quiet once the fixes are applied, apart from the foreign key the new column makes possible', async () => {
    const first = review(await catalogFromSql(SAAS));
    const second = review(await catalogFromSql(`${SAAS}\n${fixes(first)}`));
    // comments now carries organization_id, so its key to tasks should include it too: the next step, and its fix works.
    expect(summary(second)).toEqual(['tenant-foreign-key-not-scoped medium comments.comments_task_id_fkey comments.task_id']);
    const third = review(await catalogFromSql(`${SAAS}\n${fixes(first)}\n${fixes(second)}`));
    expect(third).toEqual([]);
  });

  it('uses a configured tenant column as given', async () => {
    const c = await catalogFromSql(SAAS);
    const t = inferTenant(c, 'organization_id');
    expect(t?.source).toBe('config');
    expect(t?.evidence).toBe('`organization_id` is set as the tenant column in the configuration; it references `organizations` and is carried by 10 of the 11 tables reachable from it');
    expect(review(c, 'organization_id').map((f) => f.rule)).toHaveLength(5);
  });
});

const SUPABASE = `
CREATE TABLE public.teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL
);
CREATE TABLE public.team_members (
  team_id uuid NOT NULL REFERENCES public.teams (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
ALTER TABLE public.team_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_memberships ON public.team_members FOR SELECT TO authenticated USING (user_id = (SELECT auth.uid()));
CREATE TABLE public.documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES public.teams (id) ON DELETE CASCADE,
  title text NOT NULL
);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY signed_in_read ON public.documents FOR SELECT TO authenticated USING ((SELECT auth.role()) = 'authenticated');
CREATE POLICY service_all ON public.documents TO service_role USING (true);
CREATE TABLE public.notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES public.teams (id) ON DELETE CASCADE,
  author_id uuid NOT NULL REFERENCES auth.users (id),
  body text NOT NULL
);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON public.notes TO authenticated USING (author_id = (SELECT auth.uid())) WITH CHECK (author_id = (SELECT auth.uid()));
CREATE TABLE public.files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES public.teams (id) ON DELETE CASCADE,
  path text NOT NULL
);
ALTER TABLE public.files ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_files ON public.files TO authenticated
  USING (EXISTS (SELECT 1 FROM public.team_members tm WHERE tm.team_id = files.team_id AND tm.user_id = (SELECT auth.uid())));
`;

describe('tenant-rls-not-scoped on Supabase', () => {
  it('flags role-only and owner-only policies, not membership checks or service_role', async () => {
    const c = await catalogFromSql(SUPABASE);
    expect(c.supabase).toBe(true);
    const t = inferTenant(c, null);
    expect(t?.column).toBe('team_id');
    expect(t?.membership?.table.name).toBe('team_members');
    const fs = review(c).filter((f) => f.rule === 'tenant-rls-not-scoped');
    expect(summary(fs)).toEqual([
      'tenant-rls-not-scoped high documents documents.signed_in_read',
      'tenant-rls-not-scoped medium notes notes.own_notes',
    ]);
    expect(fs[0]?.message).toContain("auth.role()");
    expect(fs[1]?.message).toContain('only the row\'s owner');
    expect(fs[0]?.fix?.sql).toContain('team_id IN (SELECT m.team_id FROM team_members m WHERE m.user_id = (SELECT auth.uid()))');
  });

  it('applies the restrictive policies and is then quiet', async () => {
    const first = review(await catalogFromSql(SUPABASE)).filter((f) => f.rule === 'tenant-rls-not-scoped');
    const after = review(await catalogFromSql(`${SUPABASE}\n${fixes(first)}`));
    expect(after).toEqual([]);
  });
});

const PRISMA = `
CREATE TABLE "Organization" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL
);
CREATE TABLE "User" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Membership" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id") ON DELETE CASCADE,
  "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");
CREATE TABLE "Project" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "organizationId" TEXT REFERENCES "Organization"("id") ON DELETE CASCADE,
  "key" TEXT NOT NULL
);
CREATE UNIQUE INDEX "Project_key_key" ON "Project"("key");
CREATE TABLE "Issue" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "projectId" TEXT NOT NULL REFERENCES "Project"("id") ON DELETE CASCADE,
  "title" TEXT NOT NULL
);
`;

describe('a Prisma schema (camelCase columns, PascalCase tables)', () => {
  it('infers organizationId and writes fixes that quote every identifier', async () => {
    const c = await catalogFromSql(PRISMA);
    const t = inferTenant(c, null);
    expect(t?.column).toBe('organizationId');
    expect(t?.evidence).toBe('`organizationId` references `Organization` and is carried by 2 of the 3 tables reachable from it');
    const fs = review(c);
    expect(summary(fs)).toEqual([
      'tenant-column-missing high Issue',
      'tenant-column-nullable medium Project.organizationId',
      'tenant-unique-not-scoped medium Project.Project_key_key',
    ]);
    expect(fs[0]?.fix?.sql).toContain('ALTER TABLE "Issue" ADD COLUMN "organizationId" text;');
    expect(fs[2]?.fix?.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY "Project_organizationId_key_key" ON "Project" ("organizationId", key);');
    expect(fs[2]?.fix?.sql).toContain('DROP INDEX CONCURRENTLY "Project_key_key";');
    const after = review(await catalogFromSql(`${PRISMA}\n${fixes(fs)}`));
    expect(summary(after)).toEqual(['tenant-foreign-key-not-scoped medium Issue.Issue_projectId_fkey Issue.projectId']);
    expect(review(await catalogFromSql(`${PRISMA}\n${fixes(fs)}\n${fixes(after)}`))).toEqual([]);
  });

  it('answers to the snake_case spelling in config', async () => {
    const t = inferTenant(await catalogFromSql(PRISMA), 'organization_id');
    expect(t?.column).toBe('organizationId');
    expect(t?.source).toBe('config');
  });
});

/**
 * A school-management SaaS whose tenant key, `school_id`, is not one of the names schemasage looks for:
 * the structure has to confirm it (a staff table linking users to schools, policies keyed on the
 * session's school). Planted: grades without `school_id`, a nullable key on courses, a global UNIQUE
 * on student numbers, a single-column FK between two school tables, and a policy that only checks a role.
 */
const SCHOOLS = `
CREATE TABLE schools (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL
);
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE TABLE subjects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);
CREATE TABLE school_staff (
  school_id uuid NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'teacher',
  PRIMARY KEY (school_id, user_id)
);
CREATE INDEX school_staff_user_id_idx ON school_staff (user_id);
CREATE TABLE terms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
  name text NOT NULL,
  UNIQUE (school_id, name),
  UNIQUE (school_id, id)
);
CREATE TABLE students (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
  student_number text NOT NULL UNIQUE,
  full_name text NOT NULL,
  UNIQUE (school_id, id)
);
CREATE TABLE courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid REFERENCES schools (id) ON DELETE CASCADE,
  term_id uuid NOT NULL,
  subject_id bigint NOT NULL REFERENCES subjects (id),
  title text NOT NULL,
  UNIQUE (school_id, id),
  FOREIGN KEY (school_id, term_id) REFERENCES terms (school_id, id)
);
CREATE INDEX courses_school_id_term_id_idx ON courses (school_id, term_id);
CREATE INDEX courses_subject_id_idx ON courses (subject_id);
CREATE TABLE enrollments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
  course_id uuid NOT NULL,
  student_id uuid NOT NULL REFERENCES students (id),
  UNIQUE (school_id, id),
  UNIQUE (school_id, course_id, student_id),
  FOREIGN KEY (school_id, course_id) REFERENCES courses (school_id, id)
);
CREATE INDEX enrollments_student_id_idx ON enrollments (student_id);
CREATE TABLE grades (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
  score numeric(5,2) NOT NULL
);
CREATE INDEX grades_enrollment_id_idx ON grades (enrollment_id);
CREATE TABLE attendance (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
  enrollment_id uuid NOT NULL,
  on_date date NOT NULL,
  present boolean NOT NULL,
  FOREIGN KEY (school_id, enrollment_id) REFERENCES enrollments (school_id, id)
);
CREATE INDEX attendance_school_id_enrollment_id_idx ON attendance (school_id, enrollment_id);

CREATE FUNCTION current_school_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.school_id', true), '')::uuid $$;
ALTER TABLE students ENABLE ROW LEVEL SECURITY;
CREATE POLICY students_school ON students
  USING (school_id = (SELECT current_school_id()))
  WITH CHECK (school_id = (SELECT current_school_id()));
ALTER TABLE attendance ENABLE ROW LEVEL SECURITY;
CREATE POLICY attendance_teachers ON attendance
  USING (current_setting('app.role', true) = 'teacher');
`;

describe('a tenant key inferred from structure (school_id)', () => {
  it('infers school_id and names what confirmed it', async () => {
    const t = inferTenant(await catalogFromSql(SCHOOLS), null);
    expect(t?.column).toBe('school_id');
    expect(t?.source).toBe('inferred');
    expect(t?.parent).toEqual({ schema: 'public', table: 'schools' });
    expect(t?.parentKey).toEqual({ column: 'id', type: 'uuid' });
    expect(t?.signals).toEqual(['membership', 'policy', 'tenant-name']);
    expect(t?.membership?.table.name).toBe('school_staff');
    expect(t?.scoped.map((x) => x.name).sort()).toEqual(['attendance', 'courses', 'enrollments', 'grades', 'school_staff', 'students', 'terms']);
    expect(t?.global.map((x) => x.name).sort()).toEqual(['schools', 'users']);
    expect(t?.evidence).toBe(
      '`school_id` references `schools`, is carried by 6 of the 7 tables reachable from it, `school_staff` links users to schools, ' +
      "and row level security on `students` compares it with `current_school_id()`, which reads `current_setting('app.school_id')`",
    );
  });

  it('reports exactly the planted problems, each ending with that evidence', async () => {
    const fs = review(await catalogFromSql(SCHOOLS));
    expect(summary(fs)).toEqual([
      'tenant-column-missing high grades',
      'tenant-rls-not-scoped high attendance attendance.attendance_teachers',
      'tenant-column-nullable medium courses.school_id',
      'tenant-foreign-key-not-scoped medium enrollments.enrollments_student_id_fkey enrollments.student_id',
      'tenant-unique-not-scoped medium students.students_student_number_key',
    ]);
    for (const f of fs) expect(f.message).toContain('`school_staff` links users to schools');
    expect(fs[0]?.fix?.sql).toContain('UPDATE grades\nSET school_id = enrollments.school_id\nFROM enrollments');
    expect(fs[1]?.fix?.sql).toContain('SELECT m.school_id FROM school_staff m WHERE m.user_id =');
  });

  it('is quiet once the fixes are applied, apart from the foreign key the new column makes possible', async () => {
    const first = review(await catalogFromSql(SCHOOLS));
    const second = review(await catalogFromSql(`${SCHOOLS}\n${fixes(first)}`));
    expect(summary(second)).toEqual(['tenant-foreign-key-not-scoped medium grades.grades_enrollment_id_fkey grades.enrollment_id']);
    expect(review(await catalogFromSql(`${SCHOOLS}\n${fixes(first)}\n${fixes(second)}`))).toEqual([]);
  });
});

/**
 * Near misses in real PostgreSQL: a project tracker where `project_id` is on most tables, favourites
 * are unique on (project, user) and a policy checks the session's user — but nothing says projects
 * are tenants; and a shop where five tables reference customers.
 */
const TRACKER = `
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE
);
CREATE TABLE projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users (id),
  name text NOT NULL
);
CREATE TABLE issues (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  reporter_id bigint NOT NULL REFERENCES users (id),
  title text NOT NULL
);
CREATE TABLE milestones (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  name text NOT NULL UNIQUE
);
CREATE TABLE releases (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  tag text NOT NULL UNIQUE
);
CREATE TABLE issue_comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  issue_id bigint NOT NULL REFERENCES issues (id),
  body text NOT NULL
);
CREATE TABLE favorites (
  project_id bigint NOT NULL REFERENCES projects (id),
  user_id bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (project_id, user_id)
);
ALTER TABLE issues ENABLE ROW LEVEL SECURITY;
CREATE POLICY issues_own_projects ON issues
  USING (project_id IN (SELECT p.id FROM projects p WHERE p.owner_id = current_setting('app.user_id')::bigint));
`;

const SHOP = `
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE
);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), placed_at timestamptz NOT NULL);
CREATE TABLE addresses (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), line1 text NOT NULL);
CREATE TABLE carts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
CREATE TABLE wishlists (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
CREATE TABLE reviews (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), body text);
CREATE TABLE order_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), sku text NOT NULL);
CREATE TABLE shipments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), tracking_number text UNIQUE);
CREATE TABLE refunds (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), amount_cents bigint NOT NULL);
`;

describe('near misses for structural inference', () => {
  it('does not make projects tenants without a membership, a tenant policy or a tenant-like name', async () => {
    const c = await catalogFromSql(TRACKER);
    expect(inferTenant(c, null)).toBeNull();
    expect(review(c)).toEqual([]);
  });

  it('does not make customers or orders tenants in a shop', async () => {
    const c = await catalogFromSql(SHOP);
    expect(inferTenant(c, null)).toBeNull();
    expect(review(c)).toEqual([]);
  });
});
