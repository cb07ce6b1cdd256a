import { describe, expect, it } from 'vitest';
import type { Sequence } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import intPrimaryKey from '../../src/rules/keys/int-primary-key.js';
import mixedIdStrategy from '../../src/rules/keys/mixed-id-strategy.js';
import noPrimaryKey from '../../src/rules/keys/no-primary-key.js';
import preferIdentity from '../../src/rules/keys/prefer-identity.js';
import uuidStoredAsText from '../../src/rules/keys/uuid-stored-as-text.js';
import { rules as keyRules } from '../../src/rules/keys/index.js';
import { catalog, check, col, fk, idx, pk, table, unique } from '../support/build.js';

function seq(name: string, owner: { table: string; column: string } | null, extra: Partial<Sequence> = {}): Sequence {
  return {
    schema: 'public', name, dataType: 'integer', maxValue: '2147483647', increment: '1', ownedBy: owner, lastValue: null,
    origin: 'user', provenance: {}, ...extra,
  };
}

describe('keys registry', () => {
  it('registers every keys rule, sorted by id', () => {
    const ids = keyRules.map((r) => r.meta.id);
    expect(ids).toEqual(['int-primary-key', 'mixed-id-strategy', 'no-primary-key', 'prefer-identity', 'uuid-stored-as-text']);
    expect(keyRules.every((r) => r.meta.category === 'keys')).toBe(true);
  });
});

describe('no-primary-key', () => {
  it('fires on a table without a key and proposes an identity key', () => {
    const c = catalog({ tables: [table('page_views', [col('user_id', 'bigint'), col('url', 'text', { notNull: true })])] });
    const [f, ...rest] = runRules(c, [noPrimaryKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('high');
    expect(f?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'page_views' }]);
    expect(f?.message).toContain('`page_views` has no primary key');
    expect(f?.fix?.sql).toContain('ALTER TABLE page_views ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;');
    expect(f?.fix?.sql).toContain('ADD CONSTRAINT page_views_pkey PRIMARY KEY (id)');
    expect(f?.fix?.notes).toContain('ACCESS EXCLUSIVE');
  });

  it('promotes an existing unique index on NOT NULL columns instead', () => {
    const t = table('accounts', [col('email', 'text', { notNull: true }), col('name', 'text')], {
      indexes: [idx('accounts_email_uidx', ['email'], { unique: true })],
    });
    const [f] = runRules(catalog({ tables: [t] }), [noPrimaryKey]);
    expect(f?.fix?.sql).toBe('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_email_uidx;');
    expect(f?.details).toMatchObject({ candidate: 'unique-index', columns: ['email'] });
  });

  it('rebuilds a UNIQUE constraint\'s index concurrently because it cannot be reused', () => {
    const t = table('accounts', [col('email', 'text', { notNull: true })], { constraints: [unique(['email'], 'accounts_email_key')] });
    const [f] = runRules(catalog({ tables: [t] }), [noPrimaryKey]);
    expect(f?.fix?.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON accounts (email);');
    expect(f?.fix?.sql).toContain('PRIMARY KEY USING INDEX accounts_pkey');
  });

  it('makes a nullable id column the key with the NOT VALID check trick and a duplicate pre-check', () => {
    const t = table('legacy', [col('id', 'bigint'), col('v', 'text')]);
    const [f] = runRules(catalog({ tables: [t] }), [noPrimaryKey]);
    expect(f?.fix?.sql).toContain('CHECK (id IS NOT NULL) NOT VALID');
    expect(f?.fix?.sql).toContain('ALTER TABLE legacy ALTER COLUMN id SET NOT NULL;');
    expect(f?.fix?.notes).toContain('HAVING count(*) > 1');
  });

  it('includes the partition key in the key of a partitioned table', () => {
    const parent = table('events', [col('id', 'bigint'), col('created_at', 'timestamp with time zone', { notNull: true })], {
      kind: 'partitioned table', partitionKey: 'RANGE (created_at)',
    });
    const [f] = runRules(catalog({ tables: [parent] }), [noPrimaryKey]);
    expect(f?.fix?.sql).toBe('ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id, created_at);');
    expect(f?.fix?.notes).toContain('partition key');
  });

  it('does not fire on keyed tables, on partitions of a keyed parent, or on shim tables', () => {
    const parent = table('events', [col('id', 'bigint'), col('created_at', 'timestamp with time zone')], {
      kind: 'partitioned table', partitionKey: 'RANGE (created_at)', constraints: [pk(['id', 'created_at'])],
    });
    const part = table('events_2025', [col('id', 'bigint'), col('created_at', 'timestamp with time zone')], {
      partitionOf: { schema: 'public', table: 'events', bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
    });
    const shim = table('users', [col('id', 'uuid')], { schema: 'auth', origin: 'shim' });
    const keyed = table('orders', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    expect(runRules(catalog({ tables: [parent, part, shim, keyed] }), [noPrimaryKey])).toEqual([]);
  });
});

describe('int-primary-key', () => {
  it('fires on a serial key and widens the sequence and the referencing columns too', () => {
    const orders = table('orders', [col('id', 'integer', { default: "nextval('orders_id_seq'::regclass)" })], { constraints: [pk(['id'])] });
    const items = table('order_items', [col('id', 'bigint'), col('order_id', 'integer', { notNull: true })], {
      constraints: [pk(['id']), fk(['order_id'], 'orders')],
    });
    const wide = table('refunds', [col('id', 'bigint'), col('order_id', 'bigint')], { constraints: [pk(['id']), fk(['order_id'], 'orders')] });
    const c = catalog({ tables: [orders, items, wide], sequences: [seq('orders_id_seq', { table: 'orders', column: 'id' })] });
    const [f, ...rest] = runRules(c, [intPrimaryKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'orders', name: 'id' });
    expect(f?.message).toContain('`orders.id` is `integer`');
    expect(f?.message).toContain('2,147,483,647');
    expect(f?.message).toContain('order_items.order_id');
    expect(f?.fix?.sql).toBe([
      'ALTER TABLE orders ALTER COLUMN id TYPE bigint;',
      'ALTER SEQUENCE orders_id_seq AS bigint;',
      'ALTER TABLE order_items ALTER COLUMN order_id TYPE bigint;',
    ].join('\n'));
    expect(f?.fix?.notes).toContain('rewrites');
  });

  it('does not touch the identity sequence (it follows its column)', () => {
    const t = table('teams', [col('id', 'integer', { identity: 'always' })], { constraints: [pk(['id'])] });
    const [f] = runRules(catalog({ tables: [t], sequences: [seq('teams_id_seq', { table: 'teams', column: 'id' })] }), [intPrimaryKey]);
    expect(f?.fix?.sql).toBe('ALTER TABLE teams ALTER COLUMN id TYPE bigint;');
  });

  it('does not fire on bigint keys, composite keys, or a key that is itself a foreign key', () => {
    const users = table('users', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const profiles = table('profiles', [col('user_id', 'integer')], { constraints: [pk(['user_id']), fk(['user_id'], 'users')] });
    const link = table('user_roles', [col('user_id', 'integer'), col('role_id', 'integer')], { constraints: [pk(['user_id', 'role_id'])] });
    expect(runRules(catalog({ tables: [users, profiles, link] }), [intPrimaryKey])).toEqual([]);
  });
});

describe('prefer-identity', () => {
  it('fires on a serial column and shows the in-place conversion', () => {
    const t = table('customers', [col('id', 'bigint', { default: "nextval('customers_id_seq'::regclass)" })], { constraints: [pk(['id'])] });
    const c = catalog({ tables: [t], sequences: [seq('customers_id_seq', { table: 'customers', column: 'id' }, { dataType: 'bigint' })] });
    const [f] = runRules(c, [preferIdentity]);
    expect(f?.severity).toBe('low');
    expect(f?.objects).toEqual([{ kind: 'column', schema: 'public', table: 'customers', name: 'id' }]);
    expect(f?.message).toContain('`customers.id` is a bigserial');
    expect(f?.fix?.sql).toContain('ALTER TABLE customers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;');
    expect(f?.fix?.sql).toContain("SELECT setval(pg_get_serial_sequence('customers', 'id'), last_value, is_called) FROM customers_id_seq_serial;");
    expect(f?.fix?.sql.startsWith('BEGIN;')).toBe(true);
  });

  it('quotes schema-qualified mixed-case names', () => {
    const t = table('Orders', [col('Id', 'integer', { default: `nextval('"App"."Orders_Id_seq"'::regclass)` })], { schema: 'App', constraints: [pk(['Id'])] });
    const c = catalog({ tables: [t], sequences: [seq('Orders_Id_seq', { table: 'Orders', column: 'Id' }, { schema: 'App' })] });
    const [f] = runRules(c, [preferIdentity]);
    expect(f?.fix?.sql).toContain('ALTER TABLE "App"."Orders" ALTER COLUMN "Id" DROP DEFAULT;');
    expect(f?.fix?.sql).toContain(`pg_get_serial_sequence('"App"."Orders"', 'Id')`);
  });

  it('does not fire on identity columns or on a sequence shared between tables', () => {
    const a = table('a', [col('id', 'bigint', { identity: 'always' })], { constraints: [pk(['id'])] });
    const b = table('b', [col('id', 'bigint', { default: "nextval('global_id_seq'::regclass)" })], { constraints: [pk(['id'])] });
    const c = catalog({
      tables: [a, b],
      sequences: [seq('a_id_seq', { table: 'a', column: 'id' }), seq('global_id_seq', null, { dataType: 'bigint' })],
    });
    expect(runRules(c, [preferIdentity])).toEqual([]);
  });
});

describe('uuid-stored-as-text', () => {
  it('fires on text filled by a UUID default and converts the referencing foreign keys with it', () => {
    const users = table('users', [col('id', 'text', { default: 'gen_random_uuid()::text' })], { constraints: [pk(['id'])] });
    const posts = table('posts', [col('id', 'bigint'), col('user_id', 'text', { notNull: true })], {
      constraints: [pk(['id']), fk(['user_id'], 'users', ['id'], { name: 'posts_user_id_fkey' })],
    });
    const found = runRules(catalog({ tables: [users, posts] }), [uuidStoredAsText]);
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f?.severity).toBe('medium');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'users', name: 'id' });
    expect(f?.message).toContain('`users.id` is `text`');
    expect(f?.message).toContain('gen_random_uuid()::text');
    expect(f?.fix?.sql).toContain('ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;');
    expect(f?.fix?.sql).toContain('ALTER TABLE users ALTER COLUMN id TYPE uuid USING id::uuid;');
    expect(f?.fix?.sql).toContain('ALTER TABLE users ALTER COLUMN id SET DEFAULT gen_random_uuid();');
    expect(f?.fix?.sql).toContain('ALTER TABLE posts ALTER COLUMN user_id TYPE uuid USING user_id::uuid;');
    expect(f?.fix?.sql).toContain('ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;');
    expect(f?.fix?.notes).toContain('Pre-check');
  });

  it('treats char(36) keys as confirmed and leaves bare text ids alone (cuid, nanoid and ULID ids are text too)', () => {
    const a = table('a', [col('id', 'character(36)')], { constraints: [pk(['id'])] });
    const b = table('b', [col('id', 'text')], { constraints: [pk(['id'])] });
    const found = runRules(catalog({ tables: [a, b] }), [uuidStoredAsText]);
    expect(found.map((f) => [f.objects[0]?.table, f.severity])).toEqual([['a', 'medium']]);
  });

  it('does not fire on ids from other systems, long varchars, or real uuid columns', () => {
    const t = table('customers', [
      col('id', 'uuid'), col('stripe_customer_id', 'text'), col('external_id', 'text'), col('legacy_id', 'character varying(255)'),
      col('code', 'text'),
    ], { constraints: [pk(['id'])] });
    expect(runRules(catalog({ tables: [t] }), [uuidStoredAsText])).toEqual([]);
  });
});

describe('mixed-id-strategy', () => {
  it('reports once per schema, listing the tables of each strategy', () => {
    const c = catalog({
      tables: [
        table('users', [col('id', 'uuid')], { constraints: [pk(['id'])] }),
        table('teams', [col('id', 'uuid')], { constraints: [pk(['id'])] }),
        table('orders', [col('id', 'bigint', { identity: 'always' })], { constraints: [pk(['id'])] }),
      ],
    });
    const found = runRules(c, [mixedIdStrategy]);
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('low');
    expect(found[0]?.objects).toEqual([{ kind: 'schema', name: 'public' }]);
    expect(found[0]?.message).toContain('uuid keys on 2 table(s) (users, teams)');
    expect(found[0]?.message).toContain('integer keys on 1 (orders)');
    expect(found[0]?.details).toMatchObject({ strategies: { uuid: ['users', 'teams'], bigint: ['orders'] } });
  });

  it('ignores natural keys, smallint lookups, composite keys and 1:1 extension tables', () => {
    const c = catalog({
      tables: [
        table('users', [col('id', 'uuid')], { constraints: [pk(['id'])] }),
        table('countries', [col('code', 'character(2)')], { constraints: [pk(['code'])] }),
        table('statuses', [col('id', 'smallint')], { constraints: [pk(['id'])] }),
        table('user_roles', [col('user_id', 'uuid'), col('role', 'integer')], { constraints: [pk(['user_id', 'role'])] }),
        table('legacy_profiles', [col('id', 'integer')], { constraints: [pk(['id']), fk(['id'], 'legacy_users')] }),
        table('tags', [col('slug', 'text')], { constraints: [pk(['slug']), check('slug_format', "CHECK (slug ~ '^[a-z-]+$')", ['slug'])] }),
      ],
    });
    expect(runRules(c, [mixedIdStrategy])).toEqual([]);
  });
});
