import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import booleanIndex from '../../src/rules/indexes/boolean-index.js';
import btreeOnArrayOrJsonb from '../../src/rules/indexes/btree-on-array-or-jsonb.js';
import duplicateIndex from '../../src/rules/indexes/duplicate-index.js';
import invalidIndex from '../../src/rules/indexes/invalid-index.js';
import logTableWithoutTimeIndex from '../../src/rules/indexes/log-table-without-time-index.js';
import redundantIndex from '../../src/rules/indexes/redundant-index.js';
import unusedIndex from '../../src/rules/indexes/unused-index.js';
import { rules as indexRules } from '../../src/rules/indexes/index.js';
import { catalog, col, fk, idx, pk, table, unique, view } from '../support/build.js';

const live = (c: Catalog): Catalog => ({ ...c, live: true });
const orders = (indexes: ReturnType<typeof idx>[], extra: Parameters<typeof table>[2] = {}) =>
  table('orders', [col('id', 'bigint'), col('customer_id', 'bigint'), col('created_at', 'timestamp with time zone'), col('status', 'text')], {
    constraints: [pk(['id'])], indexes, ...extra,
  });

describe('indexes registry', () => {
  it('registers every indexes rule, sorted by id, the live-only ones marked', () => {
    expect(indexRules.map((r) => r.meta.id)).toEqual([
      'boolean-index', 'btree-on-array-or-jsonb', 'duplicate-index', 'invalid-index', 'log-table-without-time-index', 'redundant-index', 'unused-index',
    ]);
    expect(indexRules.filter((r) => r.meta.liveOnly).map((r) => r.meta.id)).toEqual(['invalid-index', 'unused-index']);
  });
});

describe('duplicate-index', () => {
  it('fires on two identical plain indexes and drops one concurrently', () => {
    const c = catalog({ tables: [orders([idx('orders_customer_idx', ['customer_id']), idx('orders_customer_id_idx', ['customer_id'])])] });
    const [f, ...rest] = runRules(c, [duplicateIndex]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects.slice(0, 2)).toEqual([
      { kind: 'index', schema: 'public', table: 'orders', name: 'orders_customer_idx' },
      { kind: 'index', schema: 'public', table: 'orders', name: 'orders_customer_id_idx' },
    ]);
    expect(f?.message).toContain('orders_customer_idx duplicates orders_customer_id_idx on orders (customer_id)');
    // The name Postgres would have generated is the one kept.
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY orders_customer_idx;');
  });

  it('keeps the constraint-backing index and drops the plain twin', () => {
    const t = table('users', [col('id', 'bigint'), col('email', 'text')], {
      constraints: [pk(['id']), unique(['email'], 'users_email_key')], indexes: [idx('users_email_idx', ['email'])],
    });
    const [f] = runRules(catalog({ tables: [t] }), [duplicateIndex]);
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY users_email_idx;');
    expect(f?.message).toContain('users_email_key backs constraint users_email_key');
  });

  it('says so without a drop when both back constraints', () => {
    const t = table('t', [col('id', 'bigint')], { constraints: [pk(['id'], 't_pkey'), unique(['id'], 't_id_key')] });
    const [f] = runRules(catalog({ tables: [t] }), [duplicateIndex]);
    expect(f?.fix).toBeNull();
    expect(f?.message).toContain('both back constraints');
  });

  it('does not fire when predicate, direction, method or INCLUDE differ, or on an invalid twin', () => {
    const t = orders([
      idx('a', ['customer_id']),
      idx('b', ['customer_id'], { predicate: "status = 'open'::text" }),
      idx('c', ['customer_id'], { method: 'hash' }),
      idx('d', ['customer_id'], { include: ['status'] }),
      idx('e', ['customer_id'], { valid: false }),
      { ...idx('f', ['customer_id']), keys: [{ column: 'customer_id', expression: 'customer_id', descending: true, opclass: null }] },
    ]);
    expect(runRules(catalog({ tables: [t] }), [duplicateIndex])).toEqual([]);
  });

  it('also looks at indexes of user materialized views', () => {
    const mv = view('daily_totals', { materialized: true, indexes: [idx('dt_day_a', ['day']), idx('dt_day_b', ['day'])].map((i) => ({ ...i, table: 'daily_totals' })) });
    const [f] = runRules(catalog({ views: [mv] }), [duplicateIndex]);
    expect(f?.objects[2]).toEqual({ kind: 'view', schema: 'public', name: 'daily_totals' });
  });
});

describe('redundant-index', () => {
  it('fires on a leading-prefix index with hedged wording', () => {
    const c = catalog({ tables: [orders([idx('orders_customer_id_idx', ['customer_id']), idx('orders_customer_created_idx', ['customer_id', 'created_at'])])] });
    const [f, ...rest] = runRules(c, [redundantIndex]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('low');
    expect(f?.objects[0]).toEqual({ kind: 'index', schema: 'public', table: 'orders', name: 'orders_customer_id_idx' });
    expect(f?.message).toContain('orders_customer_id_idx on orders (customer_id) is probably redundant');
    expect(f?.message).toContain('orders_customer_created_idx (customer_id, created_at)');
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY orders_customer_id_idx;');
  });

  it('treats a composite primary key as the longer index', () => {
    const t = table('members', [col('team_id', 'bigint'), col('user_id', 'bigint')], {
      constraints: [pk(['team_id', 'user_id'], 'members_pkey')], indexes: [idx('members_team_id_idx', ['team_id'])],
    });
    const [f] = runRules(catalog({ tables: [t] }), [redundantIndex]);
    expect(f?.details).toMatchObject({ index: 'members_team_id_idx', coveredBy: 'members_pkey' });
  });

  it('never proposes dropping a unique or constraint index, nor a full index whose longer twin is partial', () => {
    const t = table('users', [col('id', 'bigint'), col('email', 'text'), col('created_at', 'timestamp with time zone'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), unique(['email'], 'users_email_key')],
      indexes: [
        idx('users_email_created_idx', ['email', 'created_at']),
        idx('users_id_created_idx', ['id', 'created_at']),
        idx('users_created_idx', ['created_at']),
        idx('users_live_created_idx', ['created_at', 'id'], { predicate: 'deleted_at IS NULL' }),
        idx('users_created_hash', ['created_at'], { method: 'hash' }),
      ],
    });
    expect(runRules(catalog({ tables: [t] }), [redundantIndex])).toEqual([]);
  });
});

describe('boolean-index', () => {
  it('fires on a plain btree over a boolean and proposes a partial index', () => {
    const t = table('jobs', [col('id', 'bigint'), col('processed', 'boolean', { notNull: true })], {
      constraints: [pk(['id'])], indexes: [idx('jobs_processed_idx', ['processed'])],
    });
    const [f] = runRules(catalog({ tables: [t] }), [booleanIndex]);
    expect(f?.severity).toBe('low');
    expect(f?.objects[0]).toEqual({ kind: 'index', schema: 'public', table: 'jobs', name: 'jobs_processed_idx' });
    expect(f?.message).toContain('boolean `processed`');
    expect(f?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY jobs_processed_true_idx ON jobs (id) WHERE processed;\nDROP INDEX CONCURRENTLY jobs_processed_idx;');
  });

  it('does not fire on partial indexes, multi-column indexes or non-boolean keys', () => {
    const t = table('jobs', [col('id', 'bigint'), col('processed', 'boolean'), col('queue', 'text')], {
      constraints: [pk(['id'])],
      indexes: [idx('a', ['id'], { predicate: 'NOT processed' }), idx('b', ['processed', 'queue']), idx('c', ['processed'], { predicate: 'processed' })],
    });
    expect(runRules(catalog({ tables: [t] }), [booleanIndex])).toEqual([]);
  });
});

describe('btree-on-array-or-jsonb', () => {
  it('fires on btree over jsonb and arrays and proposes GIN', () => {
    const t = table('products', [col('id', 'bigint'), col('tags', 'text[]'), col('attributes', 'jsonb')], {
      constraints: [pk(['id'])], indexes: [idx('products_tags_idx', ['tags']), idx('products_attributes_idx', ['attributes'])],
    });
    const found = runRules(catalog({ tables: [t] }), [btreeOnArrayOrJsonb]);
    expect(found).toHaveLength(2);
    const json = found.find((f) => f.objects[0]?.name === 'products_attributes_idx');
    expect(json?.severity).toBe('medium');
    expect(json?.message).toContain('`attributes` (jsonb)');
    expect(json?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY products_attributes_gin ON products USING gin (attributes jsonb_path_ops);\nDROP INDEX CONCURRENTLY products_attributes_idx;');
    const arr = found.find((f) => f.objects[0]?.name === 'products_tags_idx');
    expect(arr?.fix?.sql).toContain('USING gin (tags);');
  });

  it('keeps a mixed btree and only adds GIN for the container column', () => {
    const t = table('products', [col('id', 'bigint'), col('shop_id', 'bigint'), col('tags', 'text[]')], {
      constraints: [pk(['id'])], indexes: [idx('products_shop_tags', ['shop_id', 'tags'])],
    });
    const [f] = runRules(catalog({ tables: [t] }), [btreeOnArrayOrJsonb]);
    expect(f?.fix?.sql).not.toContain('DROP INDEX');
    expect(f?.message).toContain('keep products_shop_tags');
  });

  it('does not fire on GIN indexes, expression keys over jsonb, or unique btrees', () => {
    const t = table('products', [col('id', 'bigint'), col('sku_parts', 'text[]'), col('attributes', 'jsonb')], {
      constraints: [pk(['id'])],
      indexes: [
        idx('a', ['attributes'], { method: 'gin' }),
        idx('b', [{ expression: "(attributes ->> 'color'::text)" }]),
        idx('c', ['sku_parts'], { unique: true }),
      ],
    });
    expect(runRules(catalog({ tables: [t] }), [btreeOnArrayOrJsonb])).toEqual([]);
  });
});

describe('invalid-index (live only)', () => {
  it('fires on an invalid index and rebuilds it concurrently, with a duplicate pre-check for unique ones', () => {
    const t = table('users', [col('id', 'bigint'), col('email', 'text')], {
      constraints: [pk(['id'])],
      indexes: [idx('users_email_key', ['email'], { unique: true, valid: false, definition: 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)' })],
    });
    const [f] = runRules(live(catalog({ tables: [t] })), [invalidIndex]);
    expect(f?.severity).toBe('high');
    expect(f?.objects[0]).toEqual({ kind: 'index', schema: 'public', table: 'users', name: 'users_email_key' });
    expect(f?.message).toContain('users_email_key on users (email) is INVALID');
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY users_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users USING btree (email);');
    expect(f?.fix?.notes).toContain('HAVING count(*) > 1');
  });

  it('just drops REINDEX CONCURRENTLY leftovers', () => {
    const t = table('users', [col('id', 'bigint'), col('email', 'text')], { indexes: [idx('users_email_idx_ccnew', ['email'], { valid: false })] });
    const [f] = runRules(live(catalog({ tables: [t] })), [invalidIndex]);
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY users_email_idx_ccnew;');
  });

  it('does not run without live statistics, and stays quiet on valid indexes', () => {
    const bad = table('users', [col('email', 'text')], { indexes: [idx('i', ['email'], { valid: false })] });
    expect(runRules(catalog({ tables: [bad] }), [invalidIndex])).toEqual([]);
    const good = table('users', [col('email', 'text')], { indexes: [idx('i', ['email'])] });
    expect(runRules(live(catalog({ tables: [good] })), [invalidIndex])).toEqual([]);
  });
});

describe('unused-index (live only)', () => {
  const mb = 1024 * 1024;

  it('fires on a never-scanned index of at least 1 MB, hedged about stats resets and replicas', () => {
    const t = orders([idx('orders_status_idx', ['status'], { stats: { scans: 0, sizeBytes: 5 * mb } })]);
    const [f] = runRules(live(catalog({ tables: [t] })), [unusedIndex]);
    expect(f?.severity).toBe('low');
    expect(f?.objects[0]).toEqual({ kind: 'index', schema: 'public', table: 'orders', name: 'orders_status_idx' });
    expect(f?.message).toContain('5.0 MB');
    expect(f?.message).toContain('stats_reset');
    expect(f?.message).toContain('replica');
    expect(f?.fix?.sql).toBe('DROP INDEX CONCURRENTLY orders_status_idx;');
  });

  it('honours the minSizeBytes option', () => {
    const t = orders([idx('orders_status_idx', ['status'], { stats: { scans: 0, sizeBytes: 5 * mb } })]);
    const found = runRules(live(catalog({ tables: [t] })), [unusedIndex], { settings: { 'unused-index': { level: undefined, options: { minSizeBytes: 10 * mb } } } });
    expect(found).toEqual([]);
  });

  it('does not fire on used, small, unique/constraint indexes, or the only index behind a foreign key', () => {
    const customers = table('customers', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const t = orders([
      idx('used', ['status'], { stats: { scans: 12, sizeBytes: 5 * mb } }),
      idx('small', ['created_at'], { stats: { scans: 0, sizeBytes: 100 * 1024 } }),
      idx('uniq', ['status', 'id'], { unique: true, stats: { scans: 0, sizeBytes: 5 * mb } }),
      idx('fk_only', ['customer_id'], { stats: { scans: 0, sizeBytes: 5 * mb } }),
    ], { constraints: [pk(['id']), fk(['customer_id'], 'customers')] });
    const pkIndex = t.indexes.find((i) => i.primary);
    if (pkIndex) pkIndex.stats = { scans: 0, sizeBytes: 5 * mb };
    expect(runRules(live(catalog({ tables: [customers, t] })), [unusedIndex])).toEqual([]);
  });
});

describe('log-table-without-time-index', () => {
  it('fires on an audit log indexed only by (user_id, created_at)', () => {
    const t = table('audit_logs', [col('id', 'bigint'), col('user_id', 'bigint'), col('created_at', 'timestamp with time zone', { notNull: true })], {
      constraints: [pk(['id'])], indexes: [idx('audit_logs_user_id_created_at_idx', ['user_id', 'created_at'])],
    });
    const [f] = runRules(catalog({ tables: [t] }), [logTableWithoutTimeIndex]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects).toEqual([
      { kind: 'table', schema: 'public', name: 'audit_logs' },
      { kind: 'column', schema: 'public', table: 'audit_logs', name: 'created_at' },
    ]);
    expect(f?.message).toContain('`audit_logs` looks like an append-only log');
    expect(f?.message).toContain('audit_logs_user_id_created_at_idx has created_at as a later key');
    expect(f?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY audit_logs_created_at_idx ON audit_logs (created_at);');
    expect(f?.fix?.notes).toContain('brin');
  });

  it('does not fire with a BRIN index on the time column, a time-partitioned table, or configuration tables', () => {
    const withBrin = table('events', [col('id', 'bigint'), col('occurred_at', 'timestamp with time zone')], {
      constraints: [pk(['id'])], indexes: [idx('events_occurred_brin', ['occurred_at'], { method: 'brin' })],
    });
    const partitioned = table('activity_log', [col('created_at', 'timestamp with time zone')], { kind: 'partitioned table', partitionKey: 'RANGE (created_at)' });
    const templates = table('notification_templates', [col('id', 'bigint'), col('created_at', 'timestamp with time zone')], { constraints: [pk(['id'])] });
    const partialOnly = table('notifications', [col('id', 'bigint'), col('created_at', 'timestamp with time zone')], {
      constraints: [pk(['id'])], indexes: [idx('n_created', ['created_at'])],
    });
    expect(runRules(catalog({ tables: [withBrin, partitioned, templates, partialOnly] }), [logTableWithoutTimeIndex])).toEqual([]);
  });
});
