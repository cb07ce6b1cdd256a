import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import { DEFAULT_REVIEW_SETTINGS, type ReviewSettings, type Rule } from '../../src/rules/types.js';
import caseSensitiveUnique from '../../src/rules/integrity/case-sensitive-unique.js';
import exclusiveFlagUnenforced, { exclusiveFlagWord } from '../../src/rules/integrity/exclusive-flag-unenforced.js';
import junctionWithoutUnique from '../../src/rules/integrity/junction-without-unique.js';
import missingDomainCheck from '../../src/rules/integrity/missing-domain-check.js';
import softDeleteUnique from '../../src/rules/integrity/soft-delete-unique.js';
import {
  checkRefusesUppercase, keyCollation, maybeCaseInsensitiveCollation, mentions, regexRefusesUppercase,
} from '../../src/rules/integrity/shared-b.js';
import { catalog, check, col, constraint, fk, fn, idx, pk, table, trigger, unique } from '../support/build.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

function run(c: Catalog, rule: Rule, review: Partial<ReviewSettings> = {}) {
  return runRules(c, [rule], { review: { ...DEFAULT_REVIEW_SETTINGS, ...review } });
}

const id = () => col('id', 'bigint', { identity: 'always' });

describe('shared-b helpers', () => {
  it('finds identifiers as whole words, quoted or not', () => {
    expect(mentions('CHECK ((email = lower(email)))', 'email')).toBe(true);
    expect(mentions('CHECK ((email_verified IS NOT NULL))', 'email')).toBe(false);
    expect(mentions('WHERE "default"', 'default')).toBe(true);
    expect(mentions('WHERE ("isDefault" = true)', 'isDefault')).toBe(true);
  });
  it('treats only user-made collations as possibly case-insensitive', () => {
    for (const builtin of ['C', 'POSIX', 'default', 'en_US.utf8', 'en-US-x-icu', 'und-x-icu', 'ucs_basic', 'unicode']) {
      expect(maybeCaseInsensitiveCollation(builtin)).toBe(false);
    }
    expect(maybeCaseInsensitiveCollation('ci')).toBe(true);
    expect(maybeCaseInsensitiveCollation('case_insensitive')).toBe(true);
    expect(maybeCaseInsensitiveCollation(null)).toBe(false);
  });
  it('knows which anchored regular expressions keep capitals out', () => {
    for (const p of ['^[a-z0-9-]+$', '^[a-z0-9]+(-[a-z0-9]+)*$', '^[a-z_][a-z0-9_.]*$', '^[0-9]+$']) expect(regexRefusesUppercase(p), p).toBe(true);
    for (const p of ['[a-z]+', '^[a-z].*$', '^[^@\\s]+@[^@\\s]+$', '^\\w+$', '^[A-Za-z]+$', '^[[:alpha:]]+$', '^[a-z]+']) expect(regexRefusesUppercase(p), p).toBe(false);
    expect(checkRefusesUppercase("CHECK ((slug ~ '^[a-z0-9-]+$'::text))", 'slug')).toBe(true);
    expect(checkRefusesUppercase("CHECK (((slug)::text ~ '^[a-z0-9-]+$'::text))", 'slug')).toBe(true);
    expect(checkRefusesUppercase("CHECK ((handle !~ '[A-Z]'::text))", 'handle')).toBe(true);
    expect(checkRefusesUppercase("CHECK ((slug ~* '^[a-z0-9-]+$'::text))", 'slug')).toBe(false);
    expect(checkRefusesUppercase("CHECK ((other_slug ~ '^[a-z]+$'::text))", 'slug')).toBe(false);
  });
  it('reads a key collation off the index definition', () => {
    const i = idx('u', ['email'], { unique: true, definition: 'CREATE UNIQUE INDEX u ON public.users USING btree (email COLLATE ci)' });
    expect(keyCollation(i, 'email')).toBe('ci');
    expect(keyCollation(idx('v', ['email'], { definition: 'CREATE UNIQUE INDEX v ON public.users USING btree (email)' }), 'email')).toBeNull();
  });
});

describe('case-sensitive-unique', () => {
  const users = (extra: Partial<Parameters<typeof table>[2]> = {}, email = col('email', 'text', { notNull: true })) =>
    table('users', [id(), email], { constraints: [pk(['id']), unique(['email'], 'users_email_key')], ...extra });

  it('fires on a UNIQUE text email with a lower() index fix, a pre-check and the citext alternative', () => {
    const f = run(catalog({ tables: [users()] }), caseSensitiveUnique);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects).toEqual([
      { kind: 'constraint', schema: 'public', table: 'users', name: 'users_email_key' },
      { kind: 'column', schema: 'public', table: 'users', name: 'email' },
    ]);
    expect(f[0]?.message).toContain('`users.email`');
    expect(f[0]?.message).toContain('`Bob@example.com` and `bob@example.com`');
    expect(f[0]?.message).toMatch(/identity names: email, email_address, username/);
    expect(f[0]?.fix?.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY users_lower_email_key ON users (lower(email));\nALTER TABLE users DROP CONSTRAINT users_email_key;',
    );
    expect(f[0]?.fix?.notes).toContain('SELECT lower(email), count(*) FROM users GROUP BY 1 HAVING count(*) > 1 LIMIT 20;');
    expect(f[0]?.fix?.notes).toContain('ALTER COLUMN email TYPE citext');
    expect(f[0]?.fix?.notes).toContain('ON CONFLICT (lower(email))');
  });

  it('keeps the other keys of a scoped unique and names them in the pre-check', () => {
    const t = table('members', [id(), col('org_id', 'bigint'), col('email', 'character varying(200)')], {
      constraints: [pk(['id']), unique(['org_id', 'email'], 'members_org_id_email_key')],
    });
    const f = run(catalog({ tables: [t] }), caseSensitiveUnique);
    expect(f[0]?.fix?.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY members_org_id_lower_email_key ON members (org_id, lower(email));');
    expect(f[0]?.fix?.notes).toContain('SELECT org_id, lower(email), count(*) FROM members GROUP BY 1, 2 HAVING count(*) > 1');
  });

  it('keeps a partial predicate and drops a plain unique index concurrently', () => {
    const t = table('profiles', [id(), col('handle', 'text')], {
      constraints: [pk(['id'])],
      indexes: [idx('profiles_handle_idx', ['handle'], { unique: true, predicate: '(handle IS NOT NULL)', definition: 'CREATE UNIQUE INDEX profiles_handle_idx ON public.profiles USING btree (handle) WHERE (handle IS NOT NULL)' })],
    });
    const f = run(catalog({ tables: [t] }), caseSensitiveUnique);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects[0]).toEqual({ kind: 'index', schema: 'public', table: 'profiles', name: 'profiles_handle_idx' });
    expect(f[0]?.fix?.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY profiles_lower_handle_key ON profiles (lower(handle)) WHERE (handle IS NOT NULL);\nDROP INDEX CONCURRENTLY profiles_handle_idx;',
    );
  });

  it('never drops a primary key or a key that foreign keys reference', () => {
    const accounts = table('accounts', [col('username', 'text'), col('handle', 'text')], { constraints: [pk(['username'], 'accounts_pkey'), unique(['handle'], 'accounts_handle_key')] });
    const links = table('links', [id(), col('account_handle', 'text')], { constraints: [pk(['id']), fk(['account_handle'], 'accounts', ['handle'])] });
    const f = run(catalog({ tables: [accounts, links] }), caseSensitiveUnique);
    expect(f).toHaveLength(2);
    const byPk = f.find((x) => x.details.index === 'accounts_pkey');
    expect(byPk?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY accounts_lower_username_key ON accounts (lower(username));');
    expect(byPk?.fix?.notes).toContain('The primary key accounts_pkey stays');
    const byHandle = f.find((x) => x.details.index === 'accounts_handle_key');
    expect(byHandle?.fix?.sql).not.toContain('DROP');
    expect(byHandle?.fix?.notes).toContain('referenced by the foreign key links.fk_account_handle');
  });

  it('asks for a lowercase CHECK on a slug, at low', () => {
    const t = table('posts', [id(), col('slug', 'text', { notNull: true })], { constraints: [pk(['id']), unique(['slug'], 'posts_slug_key')] });
    const f = run(catalog({ tables: [t] }), caseSensitiveUnique);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('Slugs are usually generated lowercase');
    expect(f[0]?.fix?.sql).toBe(
      'ALTER TABLE posts ADD CONSTRAINT posts_slug_lowercase CHECK (slug = lower(slug)) NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT posts_slug_lowercase;',
    );
    expect(f[0]?.fix?.notes).toContain('SELECT slug FROM posts WHERE NOT (slug = lower(slug)) LIMIT 20;');
  });

  it('points at the soft-delete rule when the table soft-deletes', () => {
    const t = users({}, col('email', 'text'));
    t.columns.push(col('deleted_at', 'timestamp with time zone'));
    expect(run(catalog({ tables: [t] }), caseSensitiveUnique)[0]?.fix?.notes).toContain('(lower(email)) WHERE deleted_at IS NULL that fixes both');
  });

  it('still fires under the byte-wise C collation', () => {
    expect(run(catalog({ tables: [users({}, col('email', 'text', { collation: 'C' }))] }), caseSensitiveUnique)).toHaveLength(1);
  });

  it('does not fire on citext, case-insensitive collations, lower() twins, lowercase CHECKs, triggers or non-identity names', () => {
    const lowerTwin = users({ indexes: [idx('users_email_lower', [{ expression: 'lower(email)' }], { unique: true })] });
    const checked = users({ constraints: [pk(['id']), unique(['email'], 'users_email_key'), check('users_email_lower', 'CHECK ((email = lower(email)))', ['email'])] });
    const lowering = users({ triggers: [trigger('users_lower', 'users', 'lower_email', { events: ['insert', 'update'] })] });
    const slugs = table('clubs', [id(), col('slug', 'text', { notNull: true })], {
      constraints: [pk(['id']), unique(['slug']), check('clubs_slug_check', "CHECK ((slug ~ '^[a-z0-9-]+$'::text))", ['slug'])],
    });
    const cases: Catalog[] = [
      catalog({ tables: [users({}, col('email', 'citext'))] }),
      catalog({ tables: [users({}, col('email', 'text', { collation: 'case_insensitive' }))] }),
      catalog({ tables: [users({}, col('email', 'email_address', { domainBaseType: 'citext' }))] }),
      catalog({ tables: [lowerTwin] }),
      catalog({ tables: [slugs] }),
      catalog({ tables: [checked] }),
      catalog({ tables: [lowering], functions: [fn('lower_email', { source: 'BEGIN NEW.email := lower(NEW.email); RETURN NEW; END' })] }),
      catalog({ tables: [table('roles', [id(), col('name', 'text'), col('email_hash', 'text')], { constraints: [pk(['id']), unique(['name']), unique(['email_hash'])] })] }),
      catalog({ tables: [table('users', [id(), col('email', 'text')], { constraints: [pk(['id'])] })] }),
      catalog({ tables: [users({ origin: 'shim', schema: 'auth' })] }),
      catalog({ tables: [users({ partitionOf: { schema: 'public', table: 'all_users', bound: '' } })] }),
    ];
    for (const c of cases) expect(run(c, caseSensitiveUnique)).toEqual([]);
  });
});

describe('soft-delete-unique', () => {
  const users = (deleted = col('deleted_at', 'timestamp with time zone'), constraints = [pk(['id']), unique(['email'], 'users_email_key')]) =>
    table('users', [id(), col('email', 'text', { notNull: true }), deleted], { constraints });

  it('fires on a UNIQUE that covers soft-deleted rows, with a partial-index fix', () => {
    const f = run(catalog({ tables: [users()] }), softDeleteUnique);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['users_email_key', 'email', 'deleted_at']);
    expect(f[0]?.message).toContain('deleted ones included');
    expect(f[0]?.message).toContain('cannot sign up again');
    expect(f[0]?.message).toMatch(/soft-delete names: deleted_at, is_deleted/);
    expect(f[0]?.fix?.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY users_email_live_key ON users (email) WHERE deleted_at IS NULL;\nALTER TABLE users DROP CONSTRAINT users_email_key;',
    );
    expect(f[0]?.fix?.notes).toContain('ON CONFLICT (email) WHERE deleted_at IS NULL');
  });

  it('is high when the nullable marker sits in the key, so live rows never collide', () => {
    const f = run(catalog({ tables: [users(undefined, [pk(['id']), unique(['email', 'deleted_at'], 'users_email_deleted_at_key')])] }), softDeleteUnique);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.title).toMatch(/live rows are not unique/);
    expect(f[0]?.message).toContain('NULLs never collide');
    expect(f[0]?.fix?.sql).toContain('ON users (email) WHERE deleted_at IS NULL;');
    expect(f[0]?.fix?.notes).toContain('SELECT email, count(*) FROM users WHERE deleted_at IS NULL GROUP BY 1 HAVING count(*) > 1');
  });

  it('says a second delete fails when a boolean flag sits in the key', () => {
    const f = run(catalog({ tables: [users(col('is_deleted', 'boolean', { notNull: true }), [pk(['id']), unique(['email', 'is_deleted'])])] }), softDeleteUnique);
    expect(f[0]?.title).toMatch(/a second delete fails/);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.fix?.sql).toContain('ON users (email) WHERE NOT is_deleted;');
  });

  it('keeps a foreign key indexed when the retired key was the only index leading on it', () => {
    const sellers = table('sellers', [id()], { constraints: [pk(['id'])] });
    const listings = (extra: Parameters<typeof table>[2] = {}) => table('listings', [
      id(), col('seller_id', 'bigint', { notNull: true }), col('slug', 'text', { notNull: true }), col('deleted_at', 'timestamp with time zone'),
    ], { constraints: [pk(['id']), fk(['seller_id'], 'sellers', ['id'], { name: 'listings_seller_id_fkey' }), unique(['seller_id', 'slug'], 'listings_seller_slug_key')], ...extra });
    const f = run(catalog({ tables: [sellers, listings()] }), softDeleteUnique);
    expect(f[0]?.fix?.sql).toBe([
      'CREATE INDEX CONCURRENTLY listings_seller_id_idx ON listings (seller_id);',
      'CREATE UNIQUE INDEX CONCURRENTLY listings_seller_id_slug_live_key ON listings (seller_id, slug) WHERE deleted_at IS NULL;',
      'ALTER TABLE listings DROP CONSTRAINT listings_seller_slug_key;',
    ].join('\n'));
    expect(f[0]?.fix?.notes).toContain('listings_seller_id_fkey (seller_id) gets listings_seller_id_idx');

    // Another index already serves the foreign key: nothing extra to build.
    const served = listings({ indexes: [idx('listings_seller_id_created_idx', ['seller_id', 'id'], { table: 'listings' })] });
    const g = run(catalog({ tables: [sellers, served] }), softDeleteUnique);
    expect(g[0]?.fix?.sql).not.toContain('listings_seller_id_idx');
    expect(g[0]?.fix?.sql.split('\n')).toHaveLength(2);
  });

  it('does not fire on live-only keys, NULLS NOT DISTINCT, foreign-key pairs, permanent identifiers or tables without soft delete', () => {
    const partial = table('users', [id(), col('email', 'text'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id'])], indexes: [idx('users_email_live', ['email'], { unique: true, predicate: '(deleted_at IS NULL)' })],
    });
    const nnd = table('users', [id(), col('email', 'text'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id'])], indexes: [idx('users_email_deleted', ['email', 'deleted_at'], { unique: true, nullsNotDistinct: true })],
    });
    const pair = table('memberships', [id(), col('user_id', 'bigint'), col('team_id', 'bigint'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), fk(['user_id'], 'users'), fk(['team_id'], 'teams'), unique(['user_id', 'team_id'])],
    });
    const permanent = table('invoices', [id(), col('invoice_number', 'text'), col('token_hash', 'text'), col('stripe_id', 'text'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), unique(['invoice_number']), unique(['token_hash']), unique(['stripe_id'])],
    });
    const noSoftDelete = table('users', [id(), col('email', 'text'), col('deleted_by', 'bigint')], { constraints: [pk(['id']), unique(['email'])] });
    for (const t of [partial, nnd, pair, permanent, noSoftDelete]) expect(run(catalog({ tables: [t] }), softDeleteUnique)).toEqual([]);
  });
});

describe('junction-without-unique', () => {
  const refs = [table('users', [id()], { constraints: [pk(['id'])] }), table('roles', [id()], { constraints: [pk(['id'])] })];
  const link = (cols = [] as ReturnType<typeof col>[], spec: Partial<Parameters<typeof table>[2]> = {}, name = 'user_roles') =>
    table(name, [id(), col('user_id', 'bigint', { notNull: true }), col('role_id', 'bigint', { notNull: true }), col('created_at', 'timestamp with time zone'), ...cols], {
      constraints: [pk(['id']), fk(['user_id'], 'users'), fk(['role_id'], 'roles')], ...spec,
    });

  it('fires on a surrogate-keyed link with no unique pair, with a pre-check and a named constraint', () => {
    const f = run(catalog({ tables: [...refs, link()] }), junctionWithoutUnique);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects).toEqual([
      { kind: 'table', schema: 'public', name: 'user_roles' },
      { kind: 'column', schema: 'public', table: 'user_roles', name: 'user_id' },
      { kind: 'column', schema: 'public', table: 'user_roles', name: 'role_id' },
    ]);
    expect(f[0]?.message).toContain('user_roles links user_id → users and role_id → roles under the surrogate key `id`');
    expect(f[0]?.message).toContain('(user_id, role_id) pair');
    expect(f[0]?.fix?.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY user_roles_user_id_role_id_key ON user_roles (user_id, role_id);\n' +
        'ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_role_id_key UNIQUE USING INDEX user_roles_user_id_role_id_key;',
    );
    expect(f[0]?.fix?.notes).toContain('SELECT user_id, role_id, count(*) FROM user_roles GROUP BY user_id, role_id HAVING count(*) > 1 LIMIT 20;');
    expect(f[0]?.fix?.notes).toContain('AND a.id > b.id;');
  });

  it('scopes the key to live links when links are revoked rather than deleted', () => {
    const f = run(catalog({ tables: [...refs, link([col('revoked_at', 'timestamp with time zone')])] }), junctionWithoutUnique);
    expect(f[0]?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY user_roles_user_id_role_id_key ON user_roles (user_id, role_id) WHERE revoked_at IS NULL;');
    expect(f[0]?.message).toContain('among live rows');
  });

  it('accepts link attributes and audit references, and mentions nullable pair columns', () => {
    const t = table('team_members', [
      id(), col('team_id', 'bigint'), col('user_id', 'bigint', { notNull: true }), col('role', 'text'), col('is_admin', 'boolean'),
      col('joined_at', 'timestamp with time zone'), col('invited_by', 'bigint'),
    ], { constraints: [pk(['id']), fk(['team_id'], 'teams'), fk(['user_id'], 'users'), fk(['invited_by'], 'users')] });
    const f = run(catalog({ tables: [t] }), junctionWithoutUnique);
    expect(f).toHaveLength(1);
    expect(f[0]?.details.columns).toEqual(['team_id', 'user_id']);
    expect(f[0]?.message).toContain('`role`, `is_admin`');
    expect(f[0]?.fix?.notes).toContain('`team_id` is nullable');
  });

  it('does not fire when the pair is the key, unique in any order, or part of a wider unique', () => {
    const composite = table('user_roles', [col('user_id', 'bigint'), col('role_id', 'bigint')], { constraints: [pk(['user_id', 'role_id']), fk(['user_id'], 'users'), fk(['role_id'], 'roles')] });
    const reversed = link([], { indexes: [idx('ur_uq', ['role_id', 'user_id'], { unique: true })] });
    const wider = link([col('scope', 'text')], { constraints: [pk(['id']), fk(['user_id'], 'users'), fk(['role_id'], 'roles'), unique(['user_id', 'role_id', 'scope'])] });
    for (const t of [composite, reversed, wider]) expect(run(catalog({ tables: [...refs, t] }), junctionWithoutUnique)).toEqual([]);
  });

  it('does not fire on histories, events, line items or rows with content', () => {
    const cases = [
      link([col('expires_at', 'timestamp with time zone')]),
      link([], {}, 'role_assignment_history'),
      link([], {}, 'page_views'),
      link([col('quantity', 'integer'), col('unit_price', 'numeric(12,2)')], {}, 'cart_items'),
      link([col('body', 'text')], {}, 'user_notes'),
      link([col('occurred_at', 'timestamp with time zone')]),
      table('user_roles', [col('user_id', 'bigint'), col('role_id', 'bigint')], { constraints: [fk(['user_id'], 'users'), fk(['role_id'], 'roles')] }),
      table('profiles', [id(), col('user_id', 'bigint')], { constraints: [pk(['id']), fk(['user_id'], 'users')] }),
    ];
    for (const t of cases) expect(run(catalog({ tables: [...refs, t] }), junctionWithoutUnique), t.name).toEqual([]);
  });
});

describe('missing-domain-check', () => {
  const findFor = (c: Catalog, column: string) => run(c, missingDomainCheck).find((f) => f.objects.some((o) => o.name === column));

  it('asks for non-negative money and counts, stating the evidence and the lock-aware fix', () => {
    const c = catalog({ tables: [table('products', [id(), col('price', 'numeric(12,2)'), col('stock', 'integer'), col('view_count', 'bigint'), col('num_guests', 'integer')], { constraints: [pk(['id'])] })] });
    const f = run(c, missingDomainCheck);
    expect(f.map((x) => x.details.expression).sort()).toEqual(['num_guests >= 0', 'price >= 0', 'stock >= 0', 'view_count >= 0']);
    const price = f.find((x) => x.details.column === 'price');
    expect(price?.severity).toBe('low');
    expect(price?.message).toContain('`products.price` (`numeric(12,2)`) has no CHECK');
    expect(price?.message).toMatch(/non-negative names: price, cost, fee/);
    expect(price?.message).toContain('name-only heuristic');
    expect(price?.fix?.sql).toBe(
      'ALTER TABLE products ADD CONSTRAINT products_price_check CHECK (price >= 0) NOT VALID;\nALTER TABLE products VALIDATE CONSTRAINT products_price_check;',
    );
    expect(price?.fix?.notes).toContain('SELECT * FROM products WHERE NOT (price >= 0) LIMIT 20;');
  });

  it('wants a positive quantity on line items, and >= 0 elsewhere', () => {
    const c = catalog({ tables: [
      table('order_items', [id(), col('quantity', 'integer')], { constraints: [pk(['id'])] }),
      table('warehouse_stock', [id(), col('quantity', 'integer')], { constraints: [pk(['id'])] }),
    ] });
    expect(findFor(c, 'quantity')?.details.expression).toBe('quantity > 0');
    expect(run(c, missingDomainCheck).map((f) => f.details.expression)).toEqual(['quantity > 0', 'quantity >= 0']);
  });

  it('bounds percentages, fractions and ratings, and states the assumed scale', () => {
    const c = catalog({ tables: [table('reviews', [
      id(), col('discount_percent', 'numeric(5,2)'), col('tax_pct', 'numeric(5,4)'), col('rating', 'smallint'), col('stars', 'integer', { default: '0' }),
    ], { constraints: [pk(['id'])] })] });
    const f = run(c, missingDomainCheck);
    expect(f.map((x) => x.details.expression).sort()).toEqual([
      'discount_percent BETWEEN 0 AND 100', 'rating BETWEEN 1 AND 5', 'stars BETWEEN 0 AND 5', 'tax_pct BETWEEN 0 AND 1',
    ]);
    const rating = f.find((x) => x.details.column === 'rating');
    expect(rating?.message).toContain('a 1–5 scale is assumed');
    expect(rating?.message).toContain('use 0–5 or 1–10');
  });

  it('orders range bounds, one finding per pair, strict for timestamps only', () => {
    const c = catalog({ tables: [table('bookings', [
      id(), col('starts_at', 'timestamp with time zone', { notNull: true }), col('ends_at', 'timestamp with time zone'),
      col('valid_from', 'date'), col('valid_until', 'date'), col('min_price', 'numeric'), col('max_price', 'numeric'),
      col('check_in_date', 'date'), col('check_out_date', 'date'),
    ], { constraints: [pk(['id'])] })] });
    const f = run(c, missingDomainCheck);
    expect(f.map((x) => x.details.expression).sort()).toEqual([
      'check_out_date >= check_in_date', 'ends_at > starts_at', 'min_price >= 0 AND max_price >= min_price', 'valid_until >= valid_from',
    ]);
    const ends = f.find((x) => x.details.expression === 'ends_at > starts_at');
    expect(ends?.objects.map((o) => o.name)).toEqual(['starts_at', 'ends_at']);
    expect(ends?.message).toContain('`bookings.ends_at` can be earlier than `starts_at`');
    expect(ends?.message).toContain('a NULL bound passes it');
    expect(ends?.fix?.sql).toContain('ADD CONSTRAINT bookings_starts_at_ends_at_check CHECK (ends_at > starts_at) NOT VALID;');
  });

  it('asks for a minimal shape check on the unique NOT NULL email only', () => {
    const users = table('users', [id(), col('email', 'text', { notNull: true }), col('backup_email', 'text')], { constraints: [pk(['id']), unique(['email'])] });
    const f = run(catalog({ tables: [users] }), missingDomainCheck);
    expect(f).toHaveLength(1);
    expect(f[0]?.details.expression).toBe("email ~ '^[^@\\s]+@[^@\\s]+$'");
    expect(f[0]?.message).toContain('not an RFC validator');
  });

  it('does not fire when a CHECK, a domain, an EXCLUDE or the type already settles it, or on signed values', () => {
    const c = catalog({
      domains: [{ schema: 'public', name: 'positive_int', baseType: 'int4', notNull: false, checks: [{ name: 'positive_int_check', definition: 'CHECK ((VALUE > 0))' }], default: null, origin: 'user', provenance: {} }],
      tables: [
        table('products', [id(), col('price', 'numeric'), col('qty', 'positive_int', { domainBaseType: 'int4' })], {
          constraints: [pk(['id']), check('products_price_check', 'CHECK ((price >= (0)::numeric))', ['price'])],
        }),
        table('ledger_entries', [id(), col('amount', 'numeric'), col('balance', 'numeric'), col('price_delta', 'numeric')], { constraints: [pk(['id'])] }),
        table('stats', [id(), col('avg_rating', 'numeric'), col('growth_percent', 'numeric'), col('price_id', 'bigint'), col('price_label', 'text')], { constraints: [pk(['id']), fk(['price_id'], 'prices')] }),
        table('shifts', [id(), col('starts_at', 'time without time zone'), col('ends_at', 'time without time zone')], { constraints: [pk(['id'])] }),
        table('rooms', [id(), col('starts_at', 'timestamp with time zone'), col('ends_at', 'timestamp with time zone')], {
          constraints: [pk(['id']), constraint('exclusion', [], { name: 'rooms_no_overlap', definition: 'EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&)' })],
        }),
        table('transfers', [id(), col('from_account_id', 'bigint'), col('to_account_id', 'bigint')], { constraints: [pk(['id'])] }),
        table('programs', [id(), col('start_weight', 'numeric'), col('end_weight', 'numeric')], { constraints: [pk(['id'])] }),
        table('contacts', [id(), col('email', 'text')], { constraints: [pk(['id']), unique(['email'])] }),
        table('counters', [col('count', 'bigint', { identity: 'always' })]),
        table('_prisma_migrations', [col('id', 'character varying(36)'), col('applied_steps_count', 'integer')], { constraints: [pk(['id'])] }),
      ],
    });
    expect(run(c, missingDomainCheck).map((f) => f.message)).toEqual([]);
  });
});

describe('exclusive-flag-unenforced', () => {
  const users = table('users', [id(), col('is_active', 'boolean', { notNull: true })], { constraints: [pk(['id'])] });

  it('knows its flags', () => {
    expect(exclusiveFlagWord(col('is_default', 'boolean'))).toBe('default');
    expect(exclusiveFlagWord(col('isPrimary', 'boolean'))).toBe('primary');
    expect(exclusiveFlagWord(col('default', 'boolean'))).toBe('default');
    expect(exclusiveFlagWord(col('is_default', 'text'))).toBeNull();
    expect(exclusiveFlagWord(col('is_deleted', 'boolean'))).toBeNull();
  });

  it('fires on is_default per owner, with a partial unique index and a pre-check', () => {
    const t = table('addresses', [id(), col('user_id', 'bigint'), col('kind', 'text'), col('is_default', 'boolean', { notNull: true, default: 'false' })], {
      constraints: [pk(['id']), fk(['user_id'], 'users')],
    });
    const f = run(catalog({ tables: [users, t] }), exclusiveFlagUnenforced);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['is_default', 'user_id']);
    expect(f[0]?.message).toContain('`addresses.is_default` should be true for at most one row per `user_id` (→ users');
    expect(f[0]?.message).toMatch(/exclusive flags: default, primary, current/);
    expect(f[0]?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY addresses_user_id_is_default_key ON addresses (user_id) WHERE is_default;');
    expect(f[0]?.fix?.notes).toContain('SELECT user_id, count(*) FROM addresses WHERE is_default GROUP BY user_id HAVING count(*) > 1 LIMIT 20;');
    expect(f[0]?.fix?.notes).toContain('key the index on (user_id, kind)');
  });

  it('takes the parent the table is named after as the owner', () => {
    const t = table('product_images', [id(), col('uploaded_by', 'bigint'), col('product_id', 'bigint'), col('is_primary', 'boolean')], {
      constraints: [pk(['id']), fk(['uploaded_by'], 'users'), fk(['product_id'], 'products')],
    });
    expect(run(catalog({ tables: [t] }), exclusiveFlagUnenforced)[0]?.details.owner).toEqual(['product_id']);
  });

  it('uses a constant key for a table-wide default', () => {
    const t = table('currencies', [col('code', 'character(3)'), col('default', 'boolean', { notNull: true })], { constraints: [pk(['code'])] });
    const f = run(catalog({ tables: [t] }), exclusiveFlagUnenforced);
    expect(f[0]?.fix?.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY currencies_default_key ON currencies ((true)) WHERE "default";');
    expect(f[0]?.message).toContain('in the whole table');
  });

  it('judges is_active only on theme/version/plan-like tables, at low', () => {
    const themes = table('user_themes', [id(), col('user_id', 'bigint'), col('is_active', 'boolean')], { constraints: [pk(['id']), fk(['user_id'], 'users')] });
    const f = run(catalog({ tables: [users, themes] }), exclusiveFlagUnenforced);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('judged exclusive only on theme/version/plan-like tables');
  });

  it('is low when a trigger maintains the flag, and says why the trigger is not enough', () => {
    const t = table('payment_methods', [id(), col('customer_id', 'bigint'), col('is_default', 'boolean')], {
      constraints: [pk(['id']), fk(['customer_id'], 'customers')], triggers: [trigger('pm_one_default', 'payment_methods', 'one_default', { timing: 'after', events: ['insert', 'update'] })],
    });
    const f = run(catalog({ tables: [t], functions: [fn('one_default', { source: 'BEGIN UPDATE payment_methods SET is_default = false WHERE id <> NEW.id; RETURN NEW; END' })] }), exclusiveFlagUnenforced);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('the trigger pm_one_default maintains it');
  });

  it('replaces a UNIQUE (owner, flag) that also limits the non-flagged rows', () => {
    const t = table('document_versions', [id(), col('document_id', 'bigint'), col('is_current', 'boolean', { notNull: true })], {
      constraints: [pk(['id']), unique(['document_id', 'is_current'], 'dv_current_key')],
    });
    const f = run(catalog({ tables: [t] }), exclusiveFlagUnenforced);
    expect(f[0]?.title).toMatch(/also limits the other rows/);
    expect(f[0]?.fix?.sql).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY document_versions_document_id_is_current_key ON document_versions (document_id) WHERE is_current;\n' +
        'ALTER TABLE document_versions DROP CONSTRAINT dv_current_key;',
    );
  });

  it('does not fire when enforced, on many-active tables, or on ownerless primary flags', () => {
    const owned = (name: string, flag: string, spec: Partial<Parameters<typeof table>[2]> = {}) =>
      table(name, [id(), col('user_id', 'bigint'), col(flag, 'boolean')], { constraints: [pk(['id']), fk(['user_id'], 'users')], ...spec });
    const cases = [
      owned('emails', 'is_primary', { indexes: [idx('emails_primary', ['user_id'], { unique: true, predicate: 'is_primary' })] }),
      owned('emails', 'is_primary', { indexes: [idx('emails_primary_nullable', ['user_id', 'is_primary'], { unique: true })] }),
      owned('emails', 'is_primary', { constraints: [pk(['id']), constraint('exclusion', [], { name: 'one_primary', definition: 'EXCLUDE USING btree (user_id WITH =) WHERE (is_primary)' })] }),
      owned('api_keys', 'is_active'),
      table('plans', [id(), col('is_active', 'boolean')], { constraints: [pk(['id'])] }),
      users,
      table('photos', [id(), col('is_primary', 'boolean')], { constraints: [pk(['id'])] }),
    ];
    for (const t of cases) expect(run(catalog({ tables: [t] }), exclusiveFlagUnenforced), t.name).toEqual([]);
  });
});

describe('integrity rules part B on a real server', () => {
  const mine = [caseSensitiveUnique, softDeleteUnique, junctionWithoutUnique, missingDomainCheck, exclusiveFlagUnenforced];
  const fixtures: Array<{ rule: Rule; sql: string }> = [
    {
      rule: caseSensitiveUnique,
      sql: `CREATE TABLE orgs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id bigint REFERENCES orgs, email varchar(200) NOT NULL, handle text, UNIQUE (org_id, email));
        CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, slug varchar(80) NOT NULL UNIQUE);
        CREATE UNIQUE INDEX users_handle_idx ON users (handle) WHERE handle IS NOT NULL;
        INSERT INTO orgs DEFAULT VALUES; INSERT INTO users (org_id, email, handle) VALUES (1, 'a@example.com', 'Ann');`,
    },
    {
      rule: softDeleteUnique,
      sql: `CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, slug text NOT NULL UNIQUE, title text, deleted_at timestamptz);
        CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, login text, is_deleted boolean NOT NULL DEFAULT false, UNIQUE (login, is_deleted));
        CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, deleted_at timestamptz, UNIQUE (name, deleted_at));
        INSERT INTO posts (slug) VALUES ('hello'); INSERT INTO tags (name, deleted_at) VALUES ('x', now());`,
    },
    {
      rule: junctionWithoutUnique,
      sql: `CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        CREATE TABLE roles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        CREATE TABLE user_roles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, role_id bigint NOT NULL REFERENCES roles, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE grants (id uuid PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, role_id bigint NOT NULL REFERENCES roles, revoked_at timestamptz);`,
    },
    {
      rule: missingDomainCheck,
      sql: `CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE order_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, quantity integer NOT NULL, unit_price numeric(12,2) NOT NULL, discount_percent numeric(5,2));
        CREATE TABLE bookings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, starts_at timestamptz NOT NULL, ends_at timestamptz, rating smallint, min_price numeric, max_price numeric);
        INSERT INTO users (email) VALUES ('a@example.com'); INSERT INTO order_items (quantity, unit_price) VALUES (2, 9.5);`,
    },
    {
      rule: exclusiveFlagUnenforced,
      sql: `CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, is_active boolean NOT NULL DEFAULT true);
        CREATE TABLE addresses (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, is_default boolean NOT NULL DEFAULT false);
        CREATE TABLE currencies (code char(3) PRIMARY KEY, "default" boolean NOT NULL DEFAULT false);
        CREATE TABLE document_versions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, document_id bigint NOT NULL, is_current boolean NOT NULL, UNIQUE (document_id, is_current));
        CREATE TABLE measurements (id bigint, taken_on date NOT NULL, sensor_id bigint, is_current boolean) PARTITION BY RANGE (taken_on);
        CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    },
  ];

  for (const { rule, sql } of fixtures) {
    it(`${rule.meta.id}: fires, and applying every fix leaves the schema clean for all five rules`, async () => {
      const before = runRules(await catalogFromSql(sql), [rule]);
      expect(before.length).toBeGreaterThan(0);
      const fixes = before.map((f) => f.fix?.sql ?? '').join('\n');
      const after = runRules(await catalogFromSql(`${sql}\n${fixes}`), mine);
      expect(after.filter((f) => f.rule === rule.meta.id).map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    });

    it(`${rule.meta.id}: the pre-check and clean-up queries in the notes run`, async () => {
      const before = runRules(await catalogFromSql(sql), [rule]);
      const queries = before.flatMap((f) => (f.fix?.notes ?? '').match(/\b(SELECT|DELETE FROM) [^;]+;/g) ?? []);
      expect(queries.length).toBeGreaterThan(0);
      await expect(catalogFromSql(`${sql}\n${queries.join('\n')}`)).resolves.toBeTruthy();
    });
  }

  it('case-sensitive-unique: the replacement index really refuses a case-duplicate', async () => {
    const sql = 'CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);';
    const f = runRules(await catalogFromSql(sql), [caseSensitiveUnique]);
    await expect(catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}\nINSERT INTO users VALUES (1, 'Bob@x.com'), (2, 'bob@x.com');`)).rejects.toThrow(/duplicate key/);
  });

  it('soft-delete-unique: after the fix a deleted row frees its value', async () => {
    const sql = `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, deleted_at timestamptz);
      INSERT INTO users VALUES (1, 'a@x.com', now());`;
    const f = runRules(await catalogFromSql(sql), [softDeleteUnique]);
    await expect(catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}\nINSERT INTO users VALUES (2, 'a@x.com', NULL);`)).resolves.toBeTruthy();
    await expect(catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}\nINSERT INTO users VALUES (2, 'a@x.com', NULL), (3, 'a@x.com', NULL);`)).rejects.toThrow(/duplicate key/);
  });

  it('exclusive-flag-unenforced: after the fix a second default is refused', async () => {
    const sql = `CREATE TABLE users (id int PRIMARY KEY);
      CREATE TABLE addresses (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users, is_default boolean NOT NULL DEFAULT false);
      INSERT INTO users VALUES (1); INSERT INTO addresses VALUES (1, 1, true), (2, 1, false);`;
    const f = runRules(await catalogFromSql(sql), [exclusiveFlagUnenforced]);
    await expect(catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}\nINSERT INTO addresses VALUES (3, 1, true);`)).rejects.toThrow(/duplicate key/);
  });
});
