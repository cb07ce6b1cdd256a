import { describe, expect, it } from 'vitest';
import type { Catalog, Column, Constraint, Table } from '../../src/catalog/model.js';
import { CAPABILITIES } from '../../src/capabilities/index.js';
import { runRules } from '../../src/rules/run.js';
import missingCapability from '../../src/rules/completeness/missing-capability.js';
import { rules } from '../../src/rules/completeness/index.js';
import { catalog, check, col, enumType, fk, fn, pk, policy, table, trigger, unique } from '../support/build.js';

/** A table with a uuid id and the given columns/constraints. */
function t(name: string, columns: Column[], constraints: Constraint[] = [], extra: Partial<Table> = {}): Table {
  return table(name, [col('id', 'uuid', { default: 'gen_random_uuid()' }), ...columns], { constraints: [pk(['id']), ...constraints], ...extra });
}

/** An FK column to users and its constraint. */
function owned(name: string, columns: Column[], constraints: Constraint[] = [], target = 'users'): Table {
  return t(name, [col('user_id', 'uuid', { notNull: true }), ...columns], [fk(['user_id'], target), ...constraints]);
}

const users = (...extra: Column[]): Table => t('users', [col('email', 'text', { notNull: true }), ...extra]);
const passwordUsers = (...extra: Column[]): Table => users(col('password_hash', 'text', { notNull: true }), ...extra);

function run(c: Catalog, options: Record<string, unknown> = {}, tenantColumn: string | null = null) {
  return runRules(c, [missingCapability], {
    settings: { 'missing-capability': { level: undefined, options } },
    review: { stances: { naming: 'auto', tablePlurality: 'auto', varchar: 'varchar', enumStyle: 'either' }, tenantColumn, orm: null },
  });
}

function caps(c: Catalog, options: Record<string, unknown> = {}): string[] {
  return run(c, options).map((f) => f.details['capability'] as string);
}

function finding(c: Catalog, name: string) {
  return run(c).find((f) => f.details['capability'] === name);
}

const authUsers = table('users', [col('id', 'uuid'), col('email', 'character varying(255)'), col('encrypted_password', 'character varying(255)')], {
  schema: 'auth', origin: 'shim', constraints: [pk(['id'])],
});
const storageObjects = table('objects', [col('id', 'uuid'), col('name', 'text')], { schema: 'storage', origin: 'shim', constraints: [pk(['id'])] });

interface Case {
  name: string;
  /** Tables that imply the capability. */
  trigger: () => Table[];
  /** Each equivalent: tables that replace or join the trigger tables (same name replaces). */
  equivalents: Array<[string, () => Table[]]>;
  /** Provided by Supabase (auth or storage). */
  supabase?: boolean;
}

const teams = () => t('teams', [col('name', 'text')]);
const teamMembers = (...extra: Column[]) =>
  t('team_members', [col('team_id', 'uuid', { notNull: true }), col('user_id', 'uuid', { notNull: true }), ...extra], [fk(['team_id'], 'teams'), fk(['user_id'], 'users')]);

const CASES: Case[] = [
  {
    name: 'refresh-tokens',
    trigger: () => [passwordUsers()],
    supabase: true,
    equivalents: [
      ['refresh_tokens', () => [owned('refresh_tokens', [col('token_hash', 'text')])]],
      ['RefreshToken', () => [owned('RefreshToken', [col('tokenHash', 'text')])]],
      ['user_tokens', () => [owned('user_tokens', [col('token', 'text')])]],
      ['tokens', () => [owned('tokens', [col('token', 'text')])]],
      ['one_time_tokens with a type column', () => [owned('one_time_tokens', [col('type', 'text'), col('token_hash', 'text')])]],
      ['sessions with a token', () => [owned('sessions', [col('token_hash', 'text'), col('expires_at', 'timestamp with time zone')])]],
      ['users.refresh_token', () => [passwordUsers(col('refresh_token_hash', 'text'))]],
    ],
  },
  {
    name: 'password-reset',
    trigger: () => [passwordUsers()],
    supabase: true,
    equivalents: [
      ['users.reset_password_token', () => [passwordUsers(col('reset_password_token', 'text'))]],
      ['users.password_reset_expires_at', () => [passwordUsers(col('password_reset_expires_at', 'timestamp with time zone'))]],
      ['users.resetToken', () => [passwordUsers(col('resetToken', 'text'))]],
      ['password_resets', () => [t('password_resets', [col('email', 'text'), col('token', 'text')])]],
      ['password_reset_tokens', () => [owned('password_reset_tokens', [col('token_hash', 'text')])]],
      ['tokens with a purpose column', () => [owned('user_tokens', [col('purpose', 'text'), col('token_hash', 'text')])]],
    ],
  },
  {
    name: 'email-verification',
    trigger: () => [passwordUsers()],
    supabase: true,
    equivalents: [
      ['users.email_verified_at', () => [passwordUsers(col('email_verified_at', 'timestamp with time zone'))]],
      ['users.email_verified', () => [passwordUsers(col('email_verified', 'boolean'))]],
      ['users.emailVerified', () => [passwordUsers(col('emailVerified', 'timestamp(3) without time zone'))]],
      ['users.confirmed_at', () => [passwordUsers(col('confirmed_at', 'timestamp with time zone'))]],
      ['verification_tokens (NextAuth)', () => [t('verification_tokens', [col('identifier', 'text'), col('token', 'text'), col('expires', 'timestamp with time zone')])]],
      ['email_verifications', () => [owned('email_verifications', [col('code', 'text')])]],
      ['tokens with a kind column', () => [owned('tokens', [col('kind', 'text'), col('token_hash', 'text')])]],
    ],
  },
  {
    name: 'oauth-accounts',
    trigger: () => [users(col('auth_provider', 'text'))],
    supabase: true,
    equivalents: [
      ['accounts (NextAuth)', () => [t('accounts', [col('userId', 'uuid'), col('provider', 'text'), col('providerAccountId', 'text')], [fk(['userId'], 'users')])]],
      ['identities', () => [owned('identities', [col('provider', 'text'), col('provider_user_id', 'text')])]],
      ['user_oauth_providers', () => [owned('user_oauth_providers', [col('provider', 'text'), col('provider_id', 'text')])]],
      ['social_accounts', () => [owned('social_accounts', [col('provider', 'text'), col('uid', 'text')])]],
      ['authentications (OmniAuth)', () => [owned('authentications', [col('provider', 'text'), col('uid', 'text')])]],
    ],
  },
  {
    name: 'sessions',
    trigger: () => [passwordUsers(col('last_login_at', 'timestamp with time zone'))],
    supabase: true,
    equivalents: [
      ['sessions', () => [owned('sessions', [col('token', 'text')])]],
      ['user_sessions', () => [owned('user_sessions', [col('expires_at', 'timestamp with time zone')])]],
      ['Session (NextAuth)', () => [t('Session', [col('sessionToken', 'text'), col('userId', 'uuid'), col('expires', 'timestamp(3) without time zone')], [fk(['userId'], 'users')])]],
      ['refresh_tokens', () => [owned('refresh_tokens', [col('token_hash', 'text')])]],
    ],
  },
  {
    name: 'system-settings',
    trigger: () => [users(), t('admins', [col('email', 'text')])],
    equivalents: [
      ['settings', () => [t('settings', [col('key', 'text'), col('value', 'jsonb')])]],
      ['app_settings', () => [t('app_settings', [col('name', 'text'), col('value', 'text')])]],
      ['configurations', () => [t('configurations', [col('key', 'text'), col('value', 'text')])]],
      ['feature_flags', () => [t('feature_flags', [col('key', 'text'), col('enabled', 'boolean')])]],
      ['options with key and value', () => [t('options', [col('option_name', 'text'), col('option_value', 'text')])]],
    ],
  },
  {
    name: 'audit-log',
    trigger: () => [users(), t('admins', [col('email', 'text')])],
    equivalents: [
      ['audit_logs', () => [t('audit_logs', [col('message', 'text')])]],
      ['AuditLog', () => [t('AuditLog', [col('message', 'text')])]],
      ['activity_log with actor and action', () => [t('activity_log', [col('actor_id', 'uuid'), col('action', 'text')])]],
      ['events with user and event type', () => [owned('events', [col('event_type', 'text')])]],
      ['versions (PaperTrail)', () => [t('versions', [col('item_type', 'text'), col('event', 'text'), col('whodunnit', 'text')])]],
      ['a table in an audit schema', () => [t('record_version', [col('op', 'text')], [], { schema: 'audit' })]],
    ],
  },
  {
    name: 'file-uploads',
    trigger: () => [users(col('avatar_url', 'text'))],
    supabase: true,
    equivalents: [
      ['files', () => [t('files', [col('path', 'text')])]],
      ['uploads', () => [t('uploads', [col('key', 'text')])]],
      ['attachments', () => [t('attachments', [col('url', 'text')])]],
      ['media', () => [t('media', [col('url', 'text')])]],
      ['assets', () => [t('assets', [col('url', 'text')])]],
      ['active_storage_blobs', () => [t('active_storage_blobs', [col('key', 'text')])]],
      ['documents with content type and size', () => [t('documents', [col('mime_type', 'text'), col('size', 'bigint')])]],
    ],
  },
  {
    name: 'user-preferences',
    trigger: () => [users(), owned('notifications', [col('body', 'text')])],
    equivalents: [
      ['users.preferences', () => [users(col('preferences', 'jsonb'))]],
      ['users.settings', () => [users(col('settings', 'jsonb'))]],
      ['user_settings', () => [owned('user_settings', [col('key', 'text'), col('value', 'jsonb')])]],
      ['notification_preferences', () => [owned('notification_preferences', [col('channel', 'text'), col('enabled', 'boolean')])]],
    ],
  },
  {
    name: 'search-history',
    trigger: () => [users(), t('videos', [col('title', 'text'), col('search_vector', 'tsvector')])],
    equivalents: [
      ['search_history', () => [owned('search_history', [col('query', 'text')])]],
      ['searches', () => [owned('searches', [col('term', 'text')])]],
      ['recent_searches', () => [owned('recent_searches', [col('search_query', 'text')])]],
    ],
  },
  {
    name: 'payment-records',
    trigger: () => [users(), t('plans', [col('price_cents', 'integer')]), owned('subscriptions', [col('plan_id', 'uuid')], [fk(['plan_id'], 'plans')])],
    equivalents: [
      ['payments', () => [owned('payments', [col('amount_cents', 'bigint')])]],
      ['transactions', () => [owned('transactions', [col('amount', 'numeric(12,2)')])]],
      ['invoices', () => [owned('invoices', [col('total', 'numeric(12,2)')])]],
      ['charges', () => [owned('charges', [col('amount', 'bigint')])]],
    ],
  },
  {
    name: 'webhook-idempotency',
    trigger: () => [users(col('stripe_customer_id', 'text'))],
    equivalents: [
      ['webhook_events with a unique event id', () => [t('webhook_events', [col('event_id', 'text', { notNull: true })], [unique(['event_id'])])]],
      ['processed_events', () => [t('processed_events', [col('provider', 'text'), col('event_id', 'text')], [unique(['provider', 'event_id'])])]],
      ['stripe_events keyed by the Stripe id', () => [table('stripe_events', [col('id', 'text'), col('type', 'text')], { constraints: [pk(['id'])] })]],
      ['idempotency_keys', () => [t('idempotency_keys', [col('idempotency_key', 'text')], [unique(['idempotency_key'])])]],
    ],
  },
  {
    name: 'invitations',
    trigger: () => [users(), teams(), teamMembers()],
    equivalents: [
      ['invitations', () => [t('invitations', [col('email', 'text')])]],
      ['invites', () => [t('team_invites', [col('email', 'text')])]],
      ['team_members.invited_at', () => [teamMembers(col('invited_at', 'timestamp with time zone'))]],
      ['team_members.status can be invited', () => [teamMembers(col('status', 'member_status'))]],
    ],
  },
];

/** Tables of `base` with those of `extra` added; a table of the same name is replaced. */
function merge(base: Table[], extra: Table[]): Table[] {
  return [...base.filter((b) => !extra.some((e) => e.name === b.name && e.schema === b.schema)), ...extra];
}

function cat(tables: Table[], parts: Partial<Catalog> = {}): Catalog {
  return catalog({ tables, enums: [enumType('member_status', ['active', 'invited'])], ...parts });
}

describe('completeness registry', () => {
  it('registers missing-capability as a completeness rule, medium by default', () => {
    expect(rules.map((r) => r.meta.id)).toEqual(['missing-capability']);
    expect(missingCapability.meta).toMatchObject({ category: 'completeness', severity: 'medium', enabledByDefault: true });
  });

  it('has one module per contract capability', () => {
    expect(CAPABILITIES.map((c) => c.name).sort()).toEqual([
      'audit-log', 'email-verification', 'file-uploads', 'invitations', 'oauth-accounts', 'password-reset', 'payment-records',
      'refresh-tokens', 'search-history', 'sessions', 'system-settings', 'user-preferences', 'webhook-idempotency',
    ]);
    for (const c of CAPABILITIES) {
      expect(c.title.length).toBeGreaterThan(3);
      expect(c.reason.split(/(?<=\.)\s/).length).toBeLessThanOrEqual(3);
    }
  });
});

describe.each(CASES)('$name', (c) => {
  it('fires on its trigger with evidence, what was checked and DDL', () => {
    const f = finding(cat(c.trigger()), c.name);
    expect(f, `${c.name} should fire`).toBeDefined();
    expect(f?.title).toMatch(/^Missing: /);
    expect(f?.details['trigger']).not.toEqual([]);
    expect((f?.details['checked'] as string[]).length).toBeGreaterThan(0);
    expect(f?.details['reason']).toBe(CAPABILITIES.find((x) => x.name === c.name)?.reason);
    expect(f?.fix?.sql).toMatch(/^(CREATE|ALTER) /);
    expect(f?.message).toContain(', but ');
  });

  it('stays quiet without its trigger', () => {
    expect(caps(cat([users()]))).not.toContain(c.name);
  });

  it.each(c.equivalents)('stays quiet when %s exists', (_label, equivalent) => {
    expect(caps(cat(merge(c.trigger(), equivalent())))).not.toContain(c.name);
  });

  if (c.supabase) {
    it('is never reported on Supabase, whose Auth and Storage provide it', () => {
      const sb = cat([...c.trigger(), authUsers, storageObjects], { supabase: true });
      expect(caps(sb)).not.toContain(c.name);
    });
  }

  it('can be turned off with options.capabilities', () => {
    expect(caps(cat(c.trigger()), { capabilities: { [c.name]: false } })).not.toContain(c.name);
  });
});

describe('missing-capability findings', () => {
  it('reads like the seed review: evidence, what is missing, what was checked, the table to add', () => {
    const c = cat([passwordUsers()]);
    const f = finding(c, 'password-reset');
    expect(f?.severity).toBe('medium');
    expect(f?.title).toBe('Missing: Password reset tokens');
    expect(f?.message).toContain('`users` has `password_hash`, but nothing stores password reset tokens');
    expect(f?.message).toContain('reset columns on `users`');
    expect(f?.message).toContain('`password_reset_tokens`');
    expect(f?.objects[0]).toEqual({ kind: 'table', schema: 'public', name: 'password_reset_tokens' });
    expect(f?.details).toMatchObject({ capability: 'password-reset', priority: 'high', table: 'password_reset_tokens' });
    expect(f?.fix?.sql).toContain('token_hash text NOT NULL UNIQUE');
    expect(f?.fix?.sql).not.toMatch(/\btoken text/);
    expect(f?.fix?.notes).toContain('Option A');
    expect(f?.fix?.notes).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
  });

  it('maps priority to severity: high → medium, medium → low, low → info', () => {
    const c = cat([passwordUsers(col('avatar_url', 'text')), owned('notifications', [col('body', 'text')])]);
    const sev = Object.fromEntries(run(c).map((f) => [f.details['capability'], [f.details['priority'], f.severity]]));
    expect(sev['refresh-tokens']).toEqual(['high', 'medium']);
    expect(sev['user-preferences']).toEqual(['medium', 'low']);
    expect(sev['file-uploads']).toEqual(['low', 'info']);
  });

  it('gives every capability its own fingerprint', () => {
    const c = cat([passwordUsers(col('last_login_at', 'timestamp with time zone'), col('auth_provider', 'text'))]);
    const f = run(c);
    expect(f.length).toBeGreaterThanOrEqual(5);
    expect(new Set(f.map((x) => x.fingerprint)).size).toBe(f.length);
  });

  it('points at the trigger: the password column that was declared', () => {
    const u = passwordUsers();
    (u.columns.find((c) => c.name === 'password_hash') as Column).provenance = { created: { file: 'schema.sql', line: 7, column: 3 } };
    expect(finding(cat([u]), 'password-reset')?.location).toEqual({ file: 'schema.sql', line: 7, column: 3 });
  });

  it('adds columns rather than a table where that is the usual shape, naming the columns as objects', () => {
    const f = finding(cat([users(), owned('notifications', [col('body', 'text')])]), 'user-preferences');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'users', name: 'preferences' });
    expect(f?.details['table']).toBeNull();
    expect(f?.fix?.sql).toBe(`ALTER TABLE users\n  ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}'::jsonb;`);
    expect(f?.fix?.notes).toContain('Option B');
  });

  it('lowers the priority for weaker triggers: provider id columns on users, subscriptions without a provider', () => {
    expect(finding(cat([users(col('google_id', 'text'))]), 'oauth-accounts')?.details['priority']).toBe('medium');
    const subs = cat([users(), t('plans', [col('price', 'numeric(10,2)')]), owned('subscriptions', [col('plan_id', 'uuid')], [fk(['plan_id'], 'plans')])]);
    expect(finding(subs, 'webhook-idempotency')?.details['priority']).toBe('medium');
    expect(finding(cat([users(col('stripe_customer_id', 'text'))]), 'webhook-idempotency')?.details['priority']).toBe('high');
  });

  it('backfills linked accounts from provider id columns', () => {
    const f = finding(cat([users(col('google_id', 'text'), col('apple_id', 'text'))]), 'oauth-accounts');
    expect(f?.fix?.notes).toContain(`INSERT INTO oauth_accounts (user_id, provider, provider_account_id) SELECT id, 'google', google_id::text FROM users WHERE google_id IS NOT NULL;`);
  });

  it('makes an existing webhook events table unique instead of adding another', () => {
    const c = cat([users(col('stripe_customer_id', 'text')), t('webhook_events', [col('event_id', 'text'), col('payload', 'jsonb')])]);
    const f = finding(c, 'webhook-idempotency');
    expect(f?.message).toContain('`webhook_events` exists, but nothing makes `event_id` unique');
    expect(f?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY webhook_events_event_id_key ON webhook_events (event_id);');
    expect(f?.fix?.notes).toContain('HAVING count(*) > 1');
  });
});

describe('near misses that must not fire', () => {
  it('a workout `sessions` table is not session storage: sessions still fires and the new table gets another name', () => {
    const c = cat([passwordUsers(col('last_login_at', 'timestamp with time zone')), owned('sessions', [col('duration_minutes', 'integer')])]);
    const f = finding(c, 'sessions');
    expect(f?.details['table']).toBe('user_sessions');
    expect(f?.fix?.sql).toContain('CREATE TABLE user_sessions (');
  });

  it('`payment_methods` holds cards, not payments', () => {
    const c = cat([users(), t('plans', [col('price_cents', 'integer')]), owned('payment_methods', [col('last4', 'text')])]);
    expect(caps(c)).toContain('payment-records');
  });

  it('a plan without a price sells nothing (meal plans, floor plans)', () => {
    expect(caps(cat([users(), owned('meal_plans', [col('calories', 'integer')])]))).not.toContain('payment-records');
  });

  it("a team admin is not an app admin: team_members.role = 'admin' implies no system settings", () => {
    const c = cat([users(), teams(), teamMembers(col('role', 'text'))].map((x) => x.name === 'team_members'
      ? { ...x, constraints: [...x.constraints, check('team_members_role_check', `CHECK ((role = ANY (ARRAY['admin'::text, 'member'::text])))`, ['role'])] }
      : x));
    expect(caps(c)).not.toContain('system-settings');
    expect(caps(c)).not.toContain('audit-log');
  });

  it("is_admin on users or a role that can be 'admin' is an admin panel", () => {
    expect(caps(cat([users(col('is_admin', 'boolean'))]))).toContain('system-settings');
    const roleUsers = users(col('role', 'user_role'));
    expect(caps(catalog({ tables: [roleUsers], enums: [enumType('user_role', ['user', 'admin'])] }))).toContain('audit-log');
  });

  it('a provider_id that references a providers table (clinics, doctors) is not social sign-in', () => {
    const u = users(col('provider_id', 'uuid'));
    u.constraints.push(fk(['provider_id'], 'providers'));
    const c = cat([t('providers', [col('name', 'text')]), u]);
    expect(caps(c)).not.toContain('oauth-accounts');
  });

  it('a payment or email provider on users is not a sign-in provider', () => {
    expect(caps(cat([users(col('payment_provider', 'text'), col('email_provider', 'text'))]))).not.toContain('oauth-accounts');
    expect(caps(cat([users(col('login_provider', 'text'))]))).toContain('oauth-accounts');
  });

  it('password metadata is not a password: password_changed_at alone implies no sign-in', () => {
    expect(caps(cat([users(col('password_changed_at', 'timestamp with time zone'))]))).toEqual([]);
  });

  it('ignores shim and extension tables and judges partitions through their parent', () => {
    const shim = table('users', [col('id', 'uuid'), col('encrypted_password', 'text'), col('email', 'text')], { schema: 'auth', origin: 'shim', constraints: [pk(['id'])] });
    expect(caps(cat([shim]))).toEqual([]);
    const part = t('users_2024', [col('email', 'text'), col('password_hash', 'text')], [], { partitionOf: { schema: 'public', table: 'users', bound: '' } });
    expect(caps(cat([users(), part]))).toEqual([]);
  });

  it('file columns are named for a file and point at it; other URLs are not uploads', () => {
    expect(caps(cat([users(col('website_url', 'text'), col('api_key', 'text'))]))).not.toContain('file-uploads');
    expect(caps(cat([users(col('profile_picture', 'text'))]))).toContain('file-uploads');
    expect(caps(cat([users(col('avatar', 'bytea'))]))).not.toContain('file-uploads');
  });

  it('webhook_deliveries are outgoing webhooks, not received events', () => {
    const c = cat([users(col('stripe_customer_id', 'text')), t('webhook_deliveries', [col('event_id', 'text')], [unique(['event_id'])])]);
    expect(caps(c)).toContain('webhook-idempotency');
  });
});

describe('DDL follows the schema’s conventions', () => {
  it('uuid ids with gen_random_uuid(), timestamptz, snake_case plural', () => {
    const sql = finding(cat([passwordUsers()]), 'refresh-tokens')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TABLE refresh_tokens (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),');
    expect(sql).toContain('user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE');
    expect(sql).toContain('expires_at timestamptz NOT NULL');
    expect(sql).toContain('CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);');
  });

  it('bigint identity ids (serial integers become bigint identity), singular names, timestamp without time zone', () => {
    const serial = (name: string, cols: Column[], cons: Constraint[] = []) =>
      table(name, [col('id', 'integer', { default: `nextval('${name}_id_seq'::regclass)` }), ...cols], { constraints: [pk(['id']), ...cons] });
    const c = cat([
      serial('user', [col('email', 'text'), col('password_digest', 'character varying'), col('created_at', 'timestamp(6) without time zone', { default: 'now()' })]),
      serial('order', [col('user_id', 'integer'), col('total', 'numeric(10,2)'), col('created_at', 'timestamp(6) without time zone', { default: 'now()' })], [fk(['user_id'], 'user')]),
    ]);
    const sql = finding(c, 'password-reset')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TABLE password_reset_token (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,');
    expect(sql).toContain('user_id integer NOT NULL REFERENCES "user" (id) ON DELETE CASCADE');
    expect(sql).toContain('expires_at timestamp(6) NOT NULL');
    expect(sql).toContain('created_at timestamp(6) NOT NULL DEFAULT now()');
    expect(finding(c, 'payment-records')?.fix?.sql).toContain('CREATE TABLE payment (');
  });

  it('Prisma style: "User", camelCase columns, application-generated text ids, timestamp(3) with CURRENT_TIMESTAMP', () => {
    const prismaTable = (name: string, cols: Column[], cons: Constraint[] = []) =>
      table(name, [col('id', 'text'), ...cols, col('createdAt', 'timestamp(3) without time zone', { default: 'CURRENT_TIMESTAMP' }), col('updatedAt', 'timestamp(3) without time zone')],
        { constraints: [pk(['id'], `${name}_pkey`), ...cons] });
    const c = cat([
      prismaTable('User', [col('email', 'text'), col('hashedPassword', 'text')]),
      prismaTable('Post', [col('authorId', 'text'), col('coverImageUrl', 'text')], [fk(['authorId'], 'User')]),
    ]);
    const sql = finding(c, 'refresh-tokens')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TABLE "RefreshToken" (\n  id text PRIMARY KEY,');
    expect(sql).toContain('"userId" text NOT NULL REFERENCES "User" (id) ON DELETE CASCADE');
    expect(sql).toContain('"tokenHash" text NOT NULL UNIQUE');
    expect(sql).toContain('"createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP');
    expect(sql).toContain('CREATE INDEX "RefreshToken_userId_idx" ON "RefreshToken" ("userId");');
    expect(finding(c, 'email-verification')?.fix?.sql).toContain('ALTER TABLE "User"\n  ADD COLUMN "emailVerifiedAt" timestamp(3);');
  });

  it('adds the tenant column, NOT NULL with an FK to the tenant table, on tenant-owned tables only', () => {
    const org = t('organizations', [col('name', 'text')]);
    const c = cat([
      org,
      t('users', [col('organization_id', 'uuid', { notNull: true }), col('email', 'text'), col('password_hash', 'text'), col('avatar_url', 'text')], [fk(['organization_id'], 'organizations')]),
      t('projects', [col('organization_id', 'uuid', { notNull: true })], [fk(['organization_id'], 'organizations')]),
    ]);
    const uploads = finding(c, 'file-uploads')?.fix?.sql ?? '';
    expect(uploads).toContain('organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE');
    expect(uploads).toContain('CREATE INDEX file_uploads_organization_id_idx ON file_uploads (organization_id);');
    // Refresh tokens belong to a user, who may belong to several tenants.
    expect(finding(c, 'refresh-tokens')?.fix?.sql).not.toContain('organization_id');
    // Invitations reference the organization anyway: no second tenant column.
    const inv = finding(c, 'invitations')?.fix?.sql ?? '';
    expect(inv.match(/organization_id uuid/g)).toHaveLength(1);
  });

  it('uses a configured tenant column', () => {
    const c = cat([
      t('shops', [col('name', 'text')]),
      t('users', [col('shop_id', 'uuid', { notNull: true }), col('email', 'text'), col('password_hash', 'text'), col('avatar_url', 'text')], [fk(['shop_id'], 'shops')]),
    ]);
    const f = run(c, {}, 'shop_id').find((x) => x.details['capability'] === 'file-uploads');
    expect(f?.fix?.sql).toContain('shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE');
  });

  it('never cascades into audit or payment records', () => {
    const c = cat([passwordUsers(), t('admins', [col('email', 'text')]), t('plans', [col('price_cents', 'integer')])]);
    const audit = finding(c, 'audit-log')?.fix?.sql ?? '';
    expect(audit).toContain('user_id uuid REFERENCES users (id) ON DELETE SET NULL');
    expect(audit).toContain('admin_id uuid REFERENCES admins (id) ON DELETE SET NULL');
    expect(audit).not.toContain('CASCADE');
    const payments = finding(c, 'payment-records')?.fix?.sql ?? '';
    expect(payments).toContain('ON DELETE RESTRICT');
    expect(payments).not.toContain('CASCADE');
    expect(payments).toContain('amount_cents bigint NOT NULL');
  });

  it('puts new tables in the schema that holds the tables, qualified', () => {
    const c = cat([table('users', [col('id', 'bigint', { identity: 'always' }), col('email', 'text'), col('password', 'text')], { schema: 'app', constraints: [pk(['id'])] })]);
    const sql = finding(c, 'refresh-tokens')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TABLE app.refresh_tokens (');
    expect(sql).toContain('REFERENCES app.users (id)');
    expect(sql).toContain('CREATE INDEX refresh_tokens_user_id_idx ON app.refresh_tokens (user_id);');
  });

  it('on Supabase references auth.users, enables RLS and writes an owner policy', () => {
    const c = cat([authUsers, t('videos', [col('title', 'text'), col('search_vector', 'tsvector')])], { supabase: true });
    const sql = finding(c, 'search-history')?.fix?.sql ?? '';
    expect(sql).toContain('user_id uuid REFERENCES auth.users (id) ON DELETE SET NULL');
    expect(sql).toContain('ALTER TABLE search_queries ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain('USING (user_id = (SELECT auth.uid()))');
  });

  it("reuses the schema's own updated_at trigger on new tables that have updated_at", () => {
    const u = passwordUsers(col('updated_at', 'timestamp with time zone', { default: 'now()' }), col('is_admin', 'boolean'));
    u.triggers = [trigger('set_updated_at', 'users', 'touch_updated_at', {
      definition: 'CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION touch_updated_at()',
    })];
    const sql = finding(cat([u]), 'system-settings')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TRIGGER set_updated_at BEFORE UPDATE ON system_settings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();');
    // No updated_at column, no trigger.
    expect(finding(cat([u]), 'password-reset')?.fix?.sql).not.toContain('CREATE TRIGGER');
  });

  it('limits a new provider column to the providers the schema already names', () => {
    const c = cat([users(col('auth_provider', 'text'), col('stripe_customer_id', 'text'))].map((u) => ({
      ...u, constraints: [...u.constraints, check('users_auth_provider_check', `CHECK ((auth_provider = ANY (ARRAY['email'::text, 'google'::text, 'apple'::text])))`, ['auth_provider'])],
    })));
    expect(finding(c, 'oauth-accounts')?.fix?.sql).toContain(`provider text NOT NULL CHECK (provider IN ('google', 'apple'))`);
    expect(finding(c, 'webhook-idempotency')?.fix?.sql).toContain(`provider text NOT NULL CHECK (provider IN ('stripe'))`);
    expect(finding(c, 'oauth-accounts')?.message).toContain('(email, google, apple)');
  });

  it("types audit entity ids like the schema's keys when they all agree", () => {
    const c = cat([passwordUsers(col('is_admin', 'boolean'))]);
    expect(finding(c, 'audit-log')?.fix?.sql).toContain('entity_id uuid,');
    const mixed = cat([passwordUsers(col('is_admin', 'boolean')), table('countries', [col('code', 'text')], { constraints: [pk(['code'])] })]);
    expect(finding(mixed, 'audit-log')?.fix?.sql).toContain('entity_id text,');
  });

  it('stores token digests as the schema does (bytea when other hashes are bytea)', () => {
    const c = cat([passwordUsers(), owned('api_keys', [col('key_hash', 'bytea')])]);
    expect(finding(c, 'password-reset')?.fix?.sql).toContain('token_hash bytea NOT NULL UNIQUE');
  });
});

describe('missing-capability DDL in a schema that uses row level security (not Supabase)', () => {
  const orgSetting = "(organization_id = ( SELECT (current_setting('app.current_org_id'::text))::uuid AS current_setting))";
  const userSetting = "(assignee_id = (current_setting('app.current_user_id'::text))::uuid)";

  /** organizations → memberships/projects/tasks keyed by organization_id; users sign in themselves and have a Stripe id. */
  function tenantSchema(rls: boolean, fns: ReturnType<typeof fn>[] = [], projectsPolicy = orgSetting): Catalog {
    const org = t('organizations', [col('name', 'text')]);
    const u = passwordUsers(col('avatar_url', 'text'), col('stripe_customer_id', 'text'));
    const memberships = t('memberships', [col('organization_id', 'uuid', { notNull: true }), col('user_id', 'uuid', { notNull: true })],
      [fk(['organization_id'], 'organizations'), fk(['user_id'], 'users'), unique(['organization_id', 'user_id'])]);
    const projects = t('projects', [col('organization_id', 'uuid', { notNull: true }), col('name', 'text')], [fk(['organization_id'], 'organizations')],
      rls ? { rlsEnabled: true, policies: [policy('projects_tenant', 'projects', { using: projectsPolicy, withCheck: projectsPolicy })] } : {});
    const tasks = t('tasks', [col('organization_id', 'uuid', { notNull: true }), col('assignee_id', 'uuid')], [fk(['organization_id'], 'organizations'), fk(['assignee_id'], 'users')],
      rls ? { rlsEnabled: true, policies: [policy('tasks_assignee', 'tasks', { using: userSetting })] } : {});
    return cat([org, u, memberships, projects, tasks], { functions: fns });
  }

  it("enables it on new tables, with a tenant policy on the tenant key written like the schema's own", () => {
    const sql = finding(tenantSchema(true), 'file-uploads')?.fix?.sql ?? '';
    expect(sql).toContain('ALTER TABLE file_uploads ENABLE ROW LEVEL SECURITY;');
    // The suffix and the setting are the ones projects_tenant uses; the call runs once per statement.
    expect(sql).toContain(
      'CREATE POLICY file_uploads_tenant ON file_uploads\n' +
        "  USING (organization_id = (SELECT current_setting('app.current_org_id')::uuid))\n" +
        "  WITH CHECK (organization_id = (SELECT current_setting('app.current_org_id')::uuid));",
    );
    expect(sql).not.toContain('_owner');
  });

  it("scopes a user's own rows (refresh tokens) by the user setting the schema's policies read", () => {
    const sql = finding(tenantSchema(true), 'refresh-tokens')?.fix?.sql ?? '';
    expect(sql).toContain('ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain(
      'CREATE POLICY refresh_tokens_owner ON refresh_tokens\n' +
        "  USING (user_id = (SELECT current_setting('app.current_user_id')::uuid))\n" +
        "  WITH CHECK (user_id = (SELECT current_setting('app.current_user_id')::uuid));",
    );
    expect(sql).not.toContain('organization_id');
  });

  it('marks a table with neither tenant nor owner as service-only instead of leaving it without a policy', () => {
    const sql = finding(tenantSchema(true), 'webhook-idempotency')?.fix?.sql ?? '';
    expect(sql).toContain('ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain('@schemasage-ignore rls-enabled-no-policy: service only');
    expect(sql).not.toContain('CREATE POLICY');
  });

  it("reuses the schema's membership helper when its tenant policies call one", () => {
    const member = fn('is_org_member', { arguments: 'org uuid', returns: 'boolean', language: 'sql' });
    const sql = finding(tenantSchema(true, [member], 'is_org_member(organization_id)'), 'file-uploads')?.fix?.sql ?? '';
    expect(sql).toContain('USING (is_org_member(organization_id))\n  WITH CHECK (is_org_member(organization_id));');
    expect(sql).not.toContain('current_setting');
  });

  it('adds no row level security where the schema uses none', () => {
    const c = tenantSchema(false);
    const all = run(c).map((f) => f.fix?.sql ?? '');
    expect(all.length).toBeGreaterThan(2);
    for (const sql of all) {
      expect(sql).not.toContain('ROW LEVEL SECURITY');
      expect(sql).not.toContain('CREATE POLICY');
    }
  });

  it("names a reused updated_at trigger after the new table when the schema's trigger names its own", () => {
    const u = passwordUsers(col('updated_at', 'timestamp with time zone', { default: 'now()' }), col('is_admin', 'boolean'));
    u.triggers = [trigger('users_set_updated_at', 'users', 'set_updated_at', {
      definition: 'CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
    })];
    const sql = finding(cat([u]), 'system-settings')?.fix?.sql ?? '';
    expect(sql).toContain('CREATE TRIGGER system_settings_set_updated_at BEFORE UPDATE ON system_settings FOR EACH ROW EXECUTE FUNCTION set_updated_at();');
    expect(sql).not.toContain('CREATE TRIGGER users_set_updated_at');
  });
});
