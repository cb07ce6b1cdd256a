/**
 * The acceptance test for the missing-elements review: realistic schemas loaded into real PostgreSQL
 * (PGlite), the capabilities they lack reported with DDL, and that DDL applied on top of the schema —
 * it must apply cleanly, index every FK it adds, and leave nothing to report.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { foreignKeys, indexCoversColumns } from '../../src/catalog/helpers.js';
import missingCapability from '../../src/rules/completeness/missing-capability.js';
import { runRules } from '../../src/rules/run.js';
import type { Finding } from '../../src/result.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

function review(c: Catalog): Finding[] {
  return runRules(c, [missingCapability]);
}

function caps(findings: Finding[]): string[] {
  return findings.map((f) => f.details['capability'] as string).sort();
}

function fixes(findings: Finding[]): string {
  return findings.map((f) => f.fix?.sql ?? '').join('\n');
}

/** FKs of the tables the fixes created that no index leads with. */
function unindexedForeignKeys(before: Catalog, after: Catalog): string[] {
  const old = new Set(before.tables.map((t) => `${t.schema}.${t.name}`));
  return after.tables
    .filter((t) => t.origin === 'user' && !old.has(`${t.schema}.${t.name}`))
    .flatMap((t) => foreignKeys(t)
      .filter((fk) => !t.indexes.some((i) => indexCoversColumns(i, fk.columns)))
      .map((fk) => `${t.name}.${fk.columns.join(',')}`));
}

/** The seed's fitness app: its own email/password and Google/Apple sign-in, admins, plans, videos, search. */
const FITNESS = `
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  password_hash text,
  auth_provider text NOT NULL DEFAULT 'email' CHECK (auth_provider IN ('email', 'google', 'apple')),
  display_name text,
  avatar_url text,
  preferred_language text,
  email_notifications boolean NOT NULL DEFAULT true,
  push_notifications boolean NOT NULL DEFAULT true,
  last_login_at timestamp,
  created_at timestamp NOT NULL DEFAULT now(),
  updated_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE admin_roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE admins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role_id uuid NOT NULL REFERENCES admin_roles (id),
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX admins_role_id_idx ON admins (role_id);
CREATE TABLE video_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL
);
CREATE TABLE videos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  category_id uuid NOT NULL REFERENCES video_categories (id),
  title text NOT NULL,
  video_url text NOT NULL,
  thumbnail_url text,
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX videos_category_id_idx ON videos (category_id);
CREATE INDEX videos_search_idx ON videos USING gin (search_vector);
CREATE TABLE subscription_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  price_cents integer NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  plan_id uuid NOT NULL REFERENCES subscription_plans (id),
  stripe_subscription_id text UNIQUE,
  current_period_end timestamp,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_user_id_idx ON subscriptions (user_id);
CREATE INDEX subscriptions_plan_id_idx ON subscriptions (plan_id);
CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  amount_cents integer NOT NULL,
  currency text NOT NULL,
  paid_at timestamp
);
CREATE INDEX payments_subscription_id_idx ON payments (subscription_id);
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  body text NOT NULL,
  read_at timestamp,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_id_idx ON notifications (user_id);
`;

describe('a schema that signs users in itself (the seed fitness app)', () => {
  it('reports password reset, refresh tokens and what else applies, with DDL that applies and closes every gap', async () => {
    const before = await catalogFromSql(FITNESS, { file: 'schema.sql' });
    const found = review(before);
    expect(caps(found)).toEqual([
      'audit-log', 'email-verification', 'file-uploads', 'oauth-accounts', 'password-reset', 'refresh-tokens', 'search-history',
      'sessions', 'system-settings', 'user-preferences', 'webhook-idempotency',
    ]);
    // payments exists.
    const reset = found.find((f) => f.details['capability'] === 'password-reset') as Finding;
    expect(reset.severity).toBe('medium');
    expect(reset.location).toMatchObject({ file: 'schema.sql', line: 5 });
    expect(reset.message).toContain('`users` has `password_hash` and `admins` has `password_hash`, but nothing stores password reset tokens');
    expect(reset.fix?.sql).toContain('expires_at timestamp NOT NULL');

    const after = await catalogFromSql(`${FITNESS}\n${fixes(found)}`, { file: 'fixed.sql' });
    expect(review(after)).toEqual([]);
    expect(unindexedForeignKeys(before, after)).toEqual([]);
  });

  it('each fix applies on its own', async () => {
    const found = review(await catalogFromSql(FITNESS));
    for (const f of found) {
      const after = await catalogFromSql(`${FITNESS}\n${f.fix?.sql ?? ''}`);
      expect(caps(review(after)), f.details['capability'] as string).not.toContain(f.details['capability']);
    }
  });
});

/** What `prisma migrate` writes: quoted PascalCase models, camelCase fields, text ids, timestamp(3). */
const PRISMA = `
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "hashedPassword" TEXT,
    "googleId" TEXT,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "avatarUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Subscription" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "stripePriceId" TEXT NOT NULL,
    "currentPeriodEnd" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");
CREATE INDEX "Project_organizationId_idx" ON "Project"("organizationId");
CREATE INDEX "Subscription_organizationId_idx" ON "Subscription"("organizationId");
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Project" ADD CONSTRAINT "Project_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;

describe('a Prisma schema (camelCase, quoted PascalCase models)', () => {
  it('proposes tables in Prisma’s style that apply on top of it and close every gap', async () => {
    const before = await catalogFromSql(PRISMA);
    const found = review(before);
    expect(caps(found)).toEqual([
      'audit-log', 'email-verification', 'file-uploads', 'invitations', 'oauth-accounts', 'password-reset', 'payment-records',
      'refresh-tokens', 'system-settings', 'webhook-idempotency',
    ]);
    const byCap = new Map(found.map((f) => [f.details['capability'], f]));
    expect(byCap.get('refresh-tokens')?.fix?.sql).toContain('CREATE TABLE "RefreshToken" (');
    expect(byCap.get('refresh-tokens')?.fix?.sql).toContain('"userId" text NOT NULL REFERENCES "User" (id) ON DELETE CASCADE');
    expect(byCap.get('invitations')?.fix?.sql).toContain('"organizationId" text NOT NULL REFERENCES "Organization" (id) ON DELETE CASCADE');
    // Tenant-owned: the audit log carries the tenant key, without a cascade into it.
    expect(byCap.get('audit-log')?.fix?.sql).toContain('"organizationId" text NOT NULL REFERENCES "Organization" (id),');

    const after = await catalogFromSql(`${PRISMA}\n${fixes(found)}`);
    expect(review(after)).toEqual([]);
    expect(unindexedForeignKeys(before, after)).toEqual([]);
  });
});

/** A Supabase project: profiles on auth.users, teams, billing through Stripe, avatars, trigram search. */
const SUPABASE = `
create extension if not exists pg_trgm with schema extensions;
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text unique,
  avatar_url text,
  created_at timestamptz not null default now()
);
create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);
create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  primary key (team_id, user_id)
);
create index team_members_user_id_idx on public.team_members (user_id);
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  price_cents integer not null
);
create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id),
  plan_id uuid not null references public.plans (id),
  stripe_subscription_id text unique,
  created_at timestamptz not null default now()
);
create index subscriptions_team_id_idx on public.subscriptions (team_id);
create index subscriptions_plan_id_idx on public.subscriptions (plan_id);
create table public.documents (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  title text not null,
  created_at timestamptz not null default now()
);
create index documents_team_id_idx on public.documents (team_id);
create index documents_title_trgm_idx on public.documents using gin (title extensions.gin_trgm_ops);
alter table public.profiles enable row level security;
alter table public.teams enable row level security;
alter table public.team_members enable row level security;
alter table public.plans enable row level security;
alter table public.subscriptions enable row level security;
alter table public.documents enable row level security;
`;

describe('a Supabase project', () => {
  it('reports nothing Supabase Auth or Storage provides, and its other DDL (with RLS) applies and closes the gaps', async () => {
    const before = await catalogFromSql(SUPABASE, { supabase: true });
    expect(before.supabase).toBe(true);
    const found = review(before);
    const auth = ['refresh-tokens', 'password-reset', 'email-verification', 'oauth-accounts', 'sessions', 'file-uploads'];
    expect(caps(found).filter((c) => auth.includes(c))).toEqual([]);
    expect(caps(found)).toEqual(['invitations', 'payment-records', 'search-history', 'webhook-idempotency']);
    for (const f of found) {
      expect(f.fix?.sql, f.details['capability'] as string).toContain('ENABLE ROW LEVEL SECURITY');
    }
    expect(found.find((f) => f.details['capability'] === 'payment-records')?.fix?.sql).toContain('team_id uuid NOT NULL REFERENCES teams (id) ON DELETE RESTRICT');

    const after = await catalogFromSql(`${SUPABASE}\n${fixes(found)}`, { supabase: true });
    expect(review(after)).toEqual([]);
    expect(unindexedForeignKeys(before, after)).toEqual([]);
  });
});

/** A Rails-like schema in its own schema: bigint identity ids, singular names, timestamp without time zone. */
const SINGULAR = `
CREATE SCHEMA app;
CREATE TABLE app.account (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  created_at timestamp(6) NOT NULL DEFAULT now()
);
CREATE TABLE app.user (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES app.account (id),
  email text NOT NULL,
  encrypted_password text NOT NULL,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamp(6) NOT NULL DEFAULT now()
);
CREATE INDEX user_account_id_idx ON app.user (account_id);
CREATE TABLE app.document (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES app.account (id),
  title text NOT NULL,
  pdf_url text,
  created_at timestamp(6) NOT NULL DEFAULT now()
);
CREATE INDEX document_account_id_idx ON app.document (account_id);
`;

describe('a non-public schema with bigint identity ids and singular names', () => {
  it('writes DDL in that schema and style that applies and closes every gap', async () => {
    const before = await catalogFromSql(SINGULAR);
    const found = review(before);
    expect(caps(found)).toEqual(['audit-log', 'email-verification', 'file-uploads', 'invitations', 'password-reset', 'refresh-tokens', 'system-settings']);
    const refresh = found.find((f) => f.details['capability'] === 'refresh-tokens');
    expect(refresh?.objects[0]).toEqual({ kind: 'table', schema: 'app', name: 'refresh_token' });
    expect(refresh?.fix?.sql).toContain('CREATE TABLE app.refresh_token (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,');
    expect(refresh?.fix?.sql).toContain('user_id bigint NOT NULL REFERENCES app."user" (id) ON DELETE CASCADE');
    expect(refresh?.fix?.sql).toContain('expires_at timestamp(6) NOT NULL');

    const after = await catalogFromSql(`${SINGULAR}\n${fixes(found)}`);
    expect(review(after)).toEqual([]);
    expect(unindexedForeignKeys(before, after)).toEqual([]);
  });
});

describe('an events table that lets the same event in twice', () => {
  it('proposes a concurrent unique index, which applies and satisfies the check', async () => {
    const sql = `
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, stripe_customer_id text);
CREATE TABLE webhook_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL, payload jsonb NOT NULL);
INSERT INTO webhook_events (event_id, payload) VALUES ('evt_1', '{}'), ('evt_2', '{}');
`;
    const found = review(await catalogFromSql(sql));
    const f = found.find((x) => x.details['capability'] === 'webhook-idempotency');
    expect(f?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY webhook_events_event_id_key ON webhook_events (event_id);');
    const after = await catalogFromSql(`${sql}\n${f?.fix?.sql ?? ''}`);
    expect(caps(review(after))).not.toContain('webhook-idempotency');
  });
});
