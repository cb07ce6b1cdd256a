import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import { DEFAULT_REVIEW_SETTINGS, DEFAULT_STANCES, type ReviewSettings, type Rule } from '../../src/rules/types.js';
import auditTimestampNullable from '../../src/rules/integrity/audit-timestamp-nullable.js';
import enumLikeWithoutCheck from '../../src/rules/integrity/enum-like-without-check.js';
import missingCurrency from '../../src/rules/integrity/missing-currency.js';
import missingTimestamps from '../../src/rules/integrity/missing-timestamps.js';
import nullableBoolean from '../../src/rules/integrity/nullable-boolean.js';
import updatedAtWithoutTrigger from '../../src/rules/integrity/updated-at-without-trigger.js';
import { literalComparisons, checkLimitsColumn } from '../../src/rules/integrity/shared-a.js';
import { catalog, check, col, fk, fn, idx, pk, policy, table, trigger, unique, view } from '../support/build.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

function run(c: Catalog, rule: Rule, review: Partial<ReviewSettings> = {}) {
  return runRules(c, [rule], { review: { ...DEFAULT_REVIEW_SETTINGS, ...review } });
}

const enumStance = { stances: { ...DEFAULT_STANCES, enumStyle: 'enum' as const } };
const checkStance = { stances: { ...DEFAULT_STANCES, enumStyle: 'check' as const } };

/** Lines of SQL that would run (comments dropped). */
function executable(sql: string | undefined): string[] {
  return (sql ?? '').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('--'));
}

describe('literal extraction', () => {
  it('reads the forms Postgres prints and users write', () => {
    const values = (expr: string, c = 'status') => literalComparisons(expr, c).map((m) => m.value);
    expect(values("status = 'active'::text")).toEqual(['active']);
    expect(values("(status = ANY (ARRAY['shipped'::text, 'paid'::text]))")).toEqual(['shipped', 'paid']);
    expect(values("kind::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])", 'kind')).toEqual(['x', 'y']);
    expect(values("'it''s'::text <> o.status")).toEqual(["it's"]);
    expect(values("NEW.status := 'archived'; IF NEW.status IN ('a', 'b') THEN")).toEqual(['archived', 'a', 'b']);
    expect(values("order_status = 'x'::text")).toEqual([]);
    expect(literalComparisons("o.status = 'open'::text", 'status')[0]?.qualifier).toBe('o');
  });

  it('tells a CHECK that limits a column from one that only relates it to another', () => {
    expect(checkLimitsColumn("CHECK (status = ANY (ARRAY['a'::text, 'b'::text]))", 'status')).toBe(true);
    expect(checkLimitsColumn("CHECK (((status = 'a'::text) OR (status = 'b'::text)))", 'status')).toBe(true);
    expect(checkLimitsColumn("CHECK ((status ~ '^[a-z_]+$'::text))", 'status')).toBe(true);
    expect(checkLimitsColumn("CHECK (((status = 'cancelled'::text) = (cancelled_at IS NOT NULL)))", 'status')).toBe(false);
    expect(checkLimitsColumn('CHECK ((char_length(status) <= 20))', 'status')).toBe(false);
  });
});

describe('enum-like-without-check', () => {
  const orders = () => table('orders', [
    col('id', 'bigint'), col('customer_id', 'bigint'), col('status', 'text', { notNull: true, default: "'pending'::text" }),
  ], {
    constraints: [pk(['id'])],
    indexes: [idx('orders_open_idx', ['customer_id'], { predicate: "status = ANY (ARRAY['pending'::text, 'paid'::text])" })],
  });

  it('is medium when the schema compares it with literals, and puts those values in a NOT VALID CHECK', () => {
    const f = run(catalog({ tables: [orders()] }), enumLikeWithoutCheck);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'orders', name: 'status' });
    expect(f[0]?.message).toContain('`orders.status` is `text`');
    expect(f[0]?.message).toContain('closed-set names: status, state, type');
    expect(f[0]?.message).toContain("the column default ('pending')");
    expect(f[0]?.message).toContain("index orders_open_idx ('pending', 'paid')");
    expect(executable(f[0]?.fix?.sql)).toEqual([
      "ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid')) NOT VALID;",
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;',
    ]);
    expect(f[0]?.fix?.notes).toContain('SELECT status, count(*) FROM orders GROUP BY 1');
    expect(f[0]?.fix?.notes).toMatch(/complete it from the application code/);
  });

  it('is low on a name alone, says so, and still gives valid SQL: the discovery query and a commented CHECK', () => {
    const f = run(catalog({ tables: [table('tickets', [col('id', 'integer'), col('priority', 'character varying(20)')], { constraints: [pk(['id'])] })] }), enumLikeWithoutCheck);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toMatch(/name-only heuristic/);
    expect(executable(f[0]?.fix?.sql)).toEqual(['SELECT priority, count(*) FROM tickets GROUP BY 1 ORDER BY 2 DESC;']);
    expect(f[0]?.fix?.sql).toContain("-- ALTER TABLE tickets ADD CONSTRAINT tickets_priority_check CHECK (priority IN ('value_a', 'value_b')) NOT VALID;");
    expect(f[0]?.fix?.notes).toMatch(/NULL passes a CHECK/);
  });

  it('does not build a one-value CHECK from a default alone', () => {
    const t = table('users', [col('id', 'bigint'), col('role', 'text', { notNull: true, default: "'member'::text" })], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), enumLikeWithoutCheck);
    expect(f[0]?.severity).toBe('medium');
    expect(executable(f[0]?.fix?.sql)).toEqual(['SELECT role, count(*) FROM users GROUP BY 1 ORDER BY 2 DESC;']);
    expect(f[0]?.fix?.sql).toContain("CHECK (role IN ('member', 'value_b'))");
  });

  it('collects values from policies, views (through aliases) and trigger functions', () => {
    const t = table('tasks', [col('id', 'bigint'), col('state', 'text')], {
      constraints: [pk(['id'])],
      policies: [policy('tasks_visible', 'tasks', { using: "(state <> 'deleted'::text)" })],
      triggers: [trigger('tasks_touch', 'tasks', 'tasks_touch', { events: ['update'] })],
    });
    const c = catalog({
      tables: [t],
      views: [view('open_tasks', { definition: " SELECT t.id\n   FROM tasks t\n  WHERE t.state = 'open'::text;" })],
      functions: [fn('tasks_touch', { source: "BEGIN IF NEW.state = 'done' THEN NEW.closed := true; END IF; RETURN NEW; END" })],
    });
    const f = run(c, enumLikeWithoutCheck);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain("policy tasks_visible ('deleted')");
    expect(f[0]?.message).toContain("view open_tasks ('open')");
    expect(f[0]?.message).toContain("trigger function tasks_touch() ('done')");
    expect(f[0]?.fix?.sql).toContain("CHECK (state IN ('deleted', 'open', 'done'))");
  });

  it('starts from the values a same-named column allows elsewhere', () => {
    const c = catalog({
      tables: [
        table('tickets', [col('id', 'integer'), col('status', 'text')], { constraints: [pk(['id']), check('tickets_status_check', "CHECK (status = ANY (ARRAY['open'::text, 'closed'::text]))", ['status'])] }),
        table('archived_tickets', [col('id', 'integer'), col('status', 'text')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, enumLikeWithoutCheck);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects[0]?.table).toBe('archived_tickets');
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain("`tickets.status` allows 'open', 'closed'");
    expect(f[0]?.fix?.sql).toContain("CHECK (status IN ('open', 'closed')) NOT VALID");
  });

  it('does not borrow the set of a same-named column on an unrelated table', () => {
    const c = catalog({
      tables: [
        table('orders', [col('id', 'bigint'), col('status', 'text')], { constraints: [pk(['id']), check('orders_status_check', "CHECK (status = ANY (ARRAY['pending'::text, 'shipped'::text]))", ['status'])] }),
        table('payments', [col('id', 'bigint'), col('status', 'text')], { constraints: [pk(['id'])] }),
        table('order_status_history', [col('id', 'bigint'), col('status', 'text')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, enumLikeWithoutCheck);
    const payments = f.find((x) => x.objects[0]?.table === 'payments');
    expect(payments?.fix?.sql).not.toContain('shipped');
    const history = f.find((x) => x.objects[0]?.table === 'order_status_history');
    expect(history?.fix?.sql).toContain("CHECK (status IN ('pending', 'shipped')) NOT VALID");
  });

  it("under the either stance follows a schema that enforces its closed sets with enum types, in the enums' naming style", () => {
    const c = catalog({
      tables: [
        table('User', [col('id', 'text'), col('role', 'Role')], { constraints: [pk(['id'])] }),
        table('Order', [col('id', 'text'), col('status', 'OrderStatus')], { constraints: [pk(['id'])] }),
        table('Post', [col('id', 'text'), col('status', 'text', { default: "'draft'::text" })], {
          constraints: [pk(['id'])], indexes: [idx('Post_published_idx', ['id'], { predicate: "status = 'published'::text" })],
        }),
      ],
      enums: [
        { schema: 'public', name: 'Role', values: ['USER', 'ADMIN'], comment: null, origin: 'user', provenance: {} },
        { schema: 'public', name: 'OrderStatus', values: ['NEW', 'PAID'], comment: null, origin: 'user', provenance: {} },
      ],
    });
    const f = run(c, enumLikeWithoutCheck);
    expect(f).toHaveLength(1);
    // The partial index compares the column with text, so the conversion falls back to a CHECK and says why.
    expect(f[0]?.message).toContain('This schema enforces its other closed sets with enum types (OrderStatus, Role), but converting would mean recreating');
    expect(f[0]?.fix?.sql).toContain("CHECK (status IN ('draft', 'published')) NOT VALID");
    expect(f[0]?.fix?.notes).toContain('drop and recreate index Post_published_idx');
    const noIndex = catalog({ ...c, tables: c.tables.map((t) => ({ ...t, indexes: t.indexes.filter((i) => i.predicate === null) })) });
    const converted = run(noIndex, enumLikeWithoutCheck)[0];
    expect(converted?.message).toContain('Convert it to an enum type, as this schema does for its other closed sets (OrderStatus, Role).');
    expect(converted?.fix?.sql).toContain('-- CREATE TYPE "PostStatus" AS ENUM');
  });

  it('with the enum stance proposes CREATE TYPE and a type change that survives the default', () => {
    const f = run(catalog({ tables: [orders()].map((t) => ({ ...t, indexes: t.indexes.filter((i) => i.predicate === null) })), enums: [] }), enumLikeWithoutCheck, enumStance);
    expect(f[0]?.message).toMatch(/stance is enum types/);
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;');
    expect(f[0]?.fix?.notes).toMatch(/ACCESS EXCLUSIVE/);
  });

  it('with the enum stance falls back to a CHECK when a policy or a partial index uses the column, and says why', () => {
    const f = run(catalog({ tables: [orders()] }), enumLikeWithoutCheck, enumStance);
    expect(f[0]?.fix?.sql).toContain('CHECK (status IN');
    expect(f[0]?.fix?.sql).not.toContain('CREATE TYPE');
    expect(f[0]?.fix?.notes).toContain('drop and recreate index orders_open_idx');
  });

  it('reuses an enum type made for the column and counts it as evidence', () => {
    const c = catalog({
      tables: [table('orders', [col('id', 'bigint'), col('status', 'text')], { constraints: [pk(['id'])] })],
      enums: [{ schema: 'public', name: 'order_status', values: ['new', 'shipped'], comment: null, origin: 'user', provenance: {} }],
    });
    const f = run(c, enumLikeWithoutCheck);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain("an enum type order_status ('new', 'shipped') that it does not use");
    expect(executable(f[0]?.fix?.sql)).toEqual(['ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;']);
    expect(run(c, enumLikeWithoutCheck, checkStance)[0]?.fix?.sql).toContain("CHECK (status IN ('new', 'shipped'))");
  });

  it('keeps event kinds in a log table low even with structural evidence', () => {
    const t = table('audit_events', [col('id', 'bigint'), col('event_type', 'text', { default: "'login'::text" })], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), enumLikeWithoutCheck);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toMatch(/often open-ended/);
  });

  it('skips event kinds that a third party sends, and columns whose comment declares the set open', () => {
    const c = catalog({
      tables: [
        table('webhook_events', [col('id', 'uuid'), col('event_type', 'text')], { constraints: [pk(['id'])] }),
        table('integration_events', [col('id', 'uuid'), col('provider', 'text'), col('type', 'text')], { constraints: [pk(['id']), check('p', "CHECK (provider = ANY (ARRAY['stripe'::text, 'github'::text]))", ['provider'])] }),
        table('products', [col('id', 'bigint'), col('category', 'text', { comment: 'Free text, entered by merchants' })], { constraints: [pk(['id'])] }),
      ],
    });
    expect(run(c, enumLikeWithoutCheck)).toEqual([]);
  });

  it('counts a CHECK that only ties the status to another column as no limit', () => {
    const t = table('orders', [col('id', 'bigint'), col('status', 'text'), col('cancelled_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), check('orders_cancel_consistent', "CHECK (((status = 'cancelled'::text) = (cancelled_at IS NOT NULL)))", ['status', 'cancelled_at'])],
    });
    const f = run(catalog({ tables: [t] }), enumLikeWithoutCheck);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("CHECK orders_cancel_consistent ('cancelled')");
  });

  it('does not fire on constrained, typed, referenced, open-set or identifying columns', () => {
    const c = catalog({
      tables: [
        table('a', [col('id', 'bigint'), col('status', 'text')], { constraints: [pk(['id']), check('a_status_check', "CHECK (status = ANY (ARRAY['x'::text, 'y'::text]))", ['status'])] }),
        table('b', [col('id', 'bigint'), col('status', 'order_status')], { constraints: [pk(['id'])] }),
        table('c', [col('id', 'bigint'), col('state', 'order_state', { domainBaseType: 'text' })], { constraints: [pk(['id'])] }),
        table('d', [col('id', 'bigint'), col('plan', 'text')], { constraints: [pk(['id']), fk(['plan'], 'plans', ['code'])] }),
        table('files', [col('id', 'bigint'), col('content_type', 'text'), col('mime_type', 'text'), col('utm_source', 'text')], { constraints: [pk(['id'])] }),
        table('order_statuses', [col('status', 'text')], { constraints: [pk(['status'])] }),
        table('roles', [col('id', 'bigint'), col('role', 'text')], { constraints: [pk(['id']), unique(['role'])] }),
        table('addresses', [col('id', 'bigint'), col('city', 'text'), col('state', 'text')], { constraints: [pk(['id'])] }),
        table('e', [col('id', 'bigint'), col('status_message', 'text'), col('type_id', 'bigint'), col('level', 'integer')], { constraints: [pk(['id'])] }),
        table('users', [col('id', 'uuid'), col('role', 'text')], { schema: 'auth', origin: 'shim' }),
        table('m_2024', [col('status', 'text')], { partitionOf: { schema: 'public', table: 'm', bound: '' } }),
      ],
      domains: [{ schema: 'public', name: 'order_state', baseType: 'text', notNull: false, checks: [{ name: 'order_state_check', definition: "CHECK (VALUE = ANY (ARRAY['a'::text, 'b'::text]))" }], default: null, origin: 'user', provenance: {} }],
    });
    expect(run(c, enumLikeWithoutCheck)).toEqual([]);
  });
});

describe('missing-currency', () => {
  it('is medium on a financial record and lists its amount columns in one finding', () => {
    const t = table('payments', [col('id', 'bigint'), col('amount', 'numeric(12,2)'), col('fee_cents', 'bigint'), col('tax_rate', 'numeric(5,4)'), col('retries', 'integer')], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), missingCurrency);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects).toEqual([
      { kind: 'column', schema: 'public', table: 'payments', name: 'amount' },
      { kind: 'column', schema: 'public', table: 'payments', name: 'fee_cents' },
    ]);
    expect(f[0]?.message).toContain('`payments` records money that moved (payment;');
    expect(f[0]?.message).toContain('`amount`, `fee_cents`');
    expect(f[0]?.message).toContain('monetary names: price, amount');
    expect(executable(f[0]?.fix?.sql)).toEqual([
      "ALTER TABLE payments ADD COLUMN currency text NOT NULL DEFAULT 'USD';",
      "ALTER TABLE payments ADD CONSTRAINT payments_currency_check CHECK (currency ~ '^[A-Z]{3}$') NOT VALID;",
      'ALTER TABLE payments VALIDATE CONSTRAINT payments_currency_check;',
    ]);
    expect(f[0]?.fix?.sql).toContain('-- ALTER TABLE payments ALTER COLUMN currency DROP DEFAULT;');
    expect(f[0]?.fix?.notes).toMatch(/catalog-only change on PostgreSQL 11\+/);
    expect(f[0]?.fix?.notes).toMatch(/Every existing row becomes USD/);
  });

  it('is low on a price list, which is often single-currency', () => {
    const f = run(catalog({ tables: [table('products', [col('id', 'bigint'), col('price', 'numeric(10,2)')], { constraints: [pk(['id'])] })] }), missingCurrency);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toMatch(/stays low unless the table records payments/);
  });

  it("follows the schema's own currency column and its letter case", () => {
    const c = catalog({
      tables: [
        table('invoices', [col('id', 'bigint'), col('total', 'bigint'), col('currency_code', 'character varying(3)', { default: "'eur'::character varying" })], { constraints: [pk(['id'])] }),
        table('refunds', [col('id', 'bigint'), col('amount', 'bigint')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, missingCurrency);
    expect(f).toHaveLength(1);
    expect(f[0]?.fix?.sql).toContain("ALTER TABLE refunds ADD COLUMN currency_code character varying(3) NOT NULL DEFAULT 'eur';");
    expect(f[0]?.fix?.sql).toContain("CHECK (currency_code ~ '^[a-z]{3}$')");
    expect(f[0]?.message).toContain('like `invoices.currency_code`');
  });

  it('points at the parent document when the table references one', () => {
    const c = catalog({
      tables: [
        table('orders', [col('id', 'bigint'), col('total', 'numeric(12,2)')], { constraints: [pk(['id'])] }),
        table('order_items', [col('id', 'bigint'), col('order_id', 'bigint'), col('unit_price', 'numeric(12,2)')], { constraints: [pk(['id']), fk(['order_id'], 'orders')] }),
      ],
    });
    const f = run(c, missingCurrency).find((x) => x.objects[0]?.table === 'order_items');
    expect(f?.message).toContain('adding the column there instead covers this table too');
  });

  it('does not fire when a currency is present, inherited, named or documented, or on counts, ratios and non-money tables', () => {
    const c = catalog({
      tables: [
        table('charges', [col('id', 'bigint'), col('amount', 'bigint'), col('currency', 'text')], { constraints: [pk(['id'])] }),
        table('orders', [col('id', 'bigint'), col('total', 'numeric'), col('currency', 'text')], { constraints: [pk(['id'])] }),
        table('order_lines', [col('id', 'bigint'), col('order_id', 'bigint'), col('price', 'numeric')], { constraints: [pk(['id']), fk(['order_id'], 'orders')] }),
        table('payouts', [col('id', 'bigint'), col('amount_usd', 'numeric(12,2)')], { constraints: [pk(['id'])] }),
        table('deposits', [col('id', 'bigint'), col('amount', 'numeric(12,2)', { comment: 'Amount in EUR' })], { constraints: [pk(['id'])] }),
        table('ledger_entries', [col('id', 'bigint'), col('amount', 'bigint')], { constraints: [pk(['id'])], comment: 'All amounts are USD cents.' }),
        table('transactions', [col('id', 'bigint'), col('total_items', 'integer'), col('fee_percent', 'numeric'), col('tax_rate', 'double precision')], { constraints: [pk(['id'])] }),
        table('recipes', [col('id', 'bigint'), col('cost', 'numeric(10,2)')], { constraints: [pk(['id'])] }),
        table('invoices', [col('id', 'bigint'), col('total', 'money')], { constraints: [pk(['id'])] }),
        table('payments', [col('id', 'bigint'), col('amount', 'numeric')], { schema: 'auth', origin: 'shim' }),
      ],
    });
    expect(run(c, missingCurrency)).toEqual([]);
  });
});

describe('missing-timestamps', () => {
  it('fires on a table without a creation time, following the schema conventions', () => {
    const c = catalog({
      tables: [
        table('User', [col('id', 'text'), col('emailAddress', 'text'), col('createdAt', 'timestamp(3) without time zone', { notNull: true, default: 'CURRENT_TIMESTAMP' })], { constraints: [pk(['id'])] }),
        table('Post', [col('id', 'text'), col('authorId', 'text'), col('bodyText', 'text'), col('titleText', 'text')], { constraints: [pk(['id']), fk(['authorId'], 'User')] }),
      ],
    });
    const f = run(c, missingTimestamps);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'Post' }]);
    expect(f[0]?.message).toContain('`Post` has no creation timestamp');
    expect(f[0]?.message).toContain('1 of 2 tables have one');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE "Post" ADD COLUMN "createdAt" timestamp NOT NULL DEFAULT now();');
    expect(f[0]?.fix?.notes).toMatch(/Existing rows all get the migration's time/);
  });

  it('adds updated_at and its trigger when rows change, or leaves the trigger to the ORM', () => {
    const t = () => table('tickets', [col('id', 'bigint'), col('subject', 'text'), col('status', 'text')], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t()] }), missingTimestamps);
    expect(f[0]?.message).toContain('a lifecycle column `status`');
    expect(f[0]?.fix?.sql).toContain('ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();');
    expect(f[0]?.fix?.sql).toContain('ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();');
    expect(f[0]?.fix?.sql).toContain('CREATE TRIGGER tickets_set_updated_at BEFORE UPDATE ON tickets');
    const prisma = run(catalog({ tables: [t()] }), missingTimestamps, { orm: 'prisma' });
    expect(prisma[0]?.fix?.sql).not.toContain('CREATE TRIGGER');
    expect(prisma[0]?.fix?.notes).toContain('@updatedAt');
  });

  it('reports a missing update time on a changing table that has a creation time', () => {
    const t = table('orders', [col('id', 'bigint'), col('state', 'text'), col('created_at', 'timestamp with time zone')], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), missingTimestamps);
    expect(f[0]?.title).toBe('Changing rows without an update timestamp');
    expect(f[0]?.message).toContain('`orders` has `created_at` but no update timestamp');
    expect(f[0]?.fix?.sql).not.toContain('created_at');
  });

  it('takes a timestamp that defaults to the insert time, or a log\'s required timestamp, as the creation time', () => {
    const c = catalog({
      tables: [
        table('memberships', [col('id', 'bigint'), col('team_id', 'bigint'), col('user_id', 'bigint'), col('joined_at', 'timestamp with time zone', { notNull: true, default: 'now()' })], { constraints: [pk(['id'])] }),
        table('audit_trail', [col('id', 'bigint'), col('table_name', 'text'), col('action', 'text'), col('changed_at', 'timestamp with time zone', { notNull: true })], { constraints: [pk(['id'])] }),
      ],
    });
    expect(run(c, missingTimestamps)).toEqual([]);
  });

  it('judges an INHERITS child through its parent', () => {
    const parent = table('device_events', [col('id', 'bigint'), col('device_id', 'bigint'), col('kind', 'text'), col('payload', 'jsonb')], { constraints: [pk(['id'])] });
    const child = table('device_events_2024', [col('id', 'bigint'), col('device_id', 'bigint'), col('kind', 'text'), col('payload', 'jsonb')], { inherits: [{ schema: 'public', table: 'device_events' }] });
    const c = catalog({ tables: [parent, child] });
    expect(run(c, missingTimestamps).map((f) => f.objects[0]?.name)).toEqual(['device_events']);
    expect(run(c, enumLikeWithoutCheck).map((f) => f.objects[0]?.table)).toEqual(['device_events']);
  });

  it('does not fire on junctions, lookups, logs with their own time, stable tables, tool tables, partitions or shim tables', () => {
    const c = catalog({
      tables: [
        table('post_tags', [col('post_id', 'bigint'), col('tag_id', 'bigint'), col('position', 'integer')], { constraints: [pk(['post_id', 'tag_id']), fk(['post_id'], 'posts'), fk(['tag_id'], 'tags')] }),
        table('countries', [col('code', 'character(2)'), col('name', 'text')], { constraints: [pk(['code'])] }),
        table('page_views', [col('id', 'bigint'), col('path', 'text'), col('occurred_at', 'timestamp with time zone')], { constraints: [pk(['id'])] }),
        table('notes', [col('id', 'bigint'), col('body', 'text'), col('created_at', 'timestamp with time zone')], { constraints: [pk(['id'])] }),
        table('schema_migrations', [col('version', 'character varying(255)')], { constraints: [pk(['version'])] }),
        table('m_2024', [col('id', 'bigint'), col('x', 'text'), col('y', 'text'), col('z', 'text')], { partitionOf: { schema: 'public', table: 'm', bound: '' } }),
        table('buckets', [col('id', 'text'), col('name', 'text'), col('owner', 'uuid'), col('public', 'boolean')], { schema: 'storage', origin: 'shim' }),
      ],
    });
    expect(run(c, missingTimestamps)).toEqual([]);
  });
});

describe('updated-at-without-trigger', () => {
  it('fires when nothing maintains it and creates a pinned trigger function plus the trigger', () => {
    const f = run(catalog({ tables: [table('posts', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone', { notNull: true, default: 'now()' })], { constraints: [pk(['id'])] })] }), updatedAtWithoutTrigger);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('`posts.updated_at` looks like a last-update time, but no BEFORE UPDATE trigger on `posts` sets it');
    expect(f[0]?.fix?.sql).toContain('CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger');
    expect(f[0]?.fix?.sql).toContain("SET search_path = ''");
    expect(f[0]?.fix?.sql).toContain('NEW.updated_at := now();');
    expect(f[0]?.fix?.sql).toContain('CREATE TRIGGER posts_set_updated_at BEFORE UPDATE ON posts\n  FOR EACH ROW EXECUTE FUNCTION set_updated_at();');
  });

  it("reuses the schema's own function that sets the column", () => {
    const c = catalog({
      tables: [table('posts', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone', { default: 'now()' })], { constraints: [pk(['id'])] })],
      functions: [fn('touch_row', { source: '\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n' })],
    });
    const f = run(c, updatedAtWithoutTrigger);
    expect(f[0]?.fix?.sql).not.toContain('CREATE OR REPLACE FUNCTION');
    expect(f[0]?.fix?.sql).toContain('EXECUTE FUNCTION touch_row();');
    expect(f[0]?.fix?.notes).toContain('Reuses touch_row()');
  });

  it('does not overwrite a same-named function that does something else', () => {
    const c = catalog({
      tables: [table('docs', [col('id', 'bigint'), col('modified_at', 'timestamp with time zone', { default: 'now()' })], { constraints: [pk(['id'])] })],
      functions: [fn('set_modified_at', { source: 'BEGIN NEW.edited := true; RETURN NEW; END' })],
    });
    const f = run(c, updatedAtWithoutTrigger);
    expect(f[0]?.fix?.sql).toContain('CREATE OR REPLACE FUNCTION set_docs_modified_at()');
  });

  it('is info when an ORM maintains it, or when it is NOT NULL without a default', () => {
    const t = () => table('Post', [col('id', 'text'), col('updatedAt', 'timestamp(3) without time zone', { notNull: true })], { constraints: [pk(['id'])] });
    const prisma = run(catalog({ tables: [t()] }), updatedAtWithoutTrigger, { orm: 'prisma' });
    expect(prisma[0]?.severity).toBe('info');
    expect(prisma[0]?.message).toContain("Prisma's @updatedAt");
    const plain = run(catalog({ tables: [t()] }), updatedAtWithoutTrigger);
    expect(plain[0]?.severity).toBe('info');
    expect(plain[0]?.message).toMatch(/NOT NULL without a default/);
  });

  it('names a trigger that mentions the column but cannot set it', () => {
    const c = catalog({
      tables: [table('posts', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone', { default: 'now()' })], {
        constraints: [pk(['id'])], triggers: [trigger('posts_audit', 'posts', 'audit_posts', { timing: 'after' })],
      })],
      functions: [fn('audit_posts', { source: 'BEGIN INSERT INTO audit(at) VALUES (NEW.updated_at); RETURN NULL; END' })],
    });
    const f = run(c, updatedAtWithoutTrigger);
    expect(f[0]?.message).toContain('posts_audit mentions it but does not run BEFORE UPDATE FOR EACH ROW');
  });

  it('does not fire when a BEFORE UPDATE trigger maintains it (own function or moddatetime)', () => {
    const c = catalog({
      tables: [
        table('posts', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone')], { constraints: [pk(['id'])], triggers: [trigger('t', 'posts', 'touch')] }),
        table('docs', [col('id', 'bigint'), col('modified_at', 'timestamp with time zone')], {
          constraints: [pk(['id'])],
          triggers: [trigger('mdt', 'docs', 'moddatetime', { definition: 'CREATE TRIGGER mdt BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION moddatetime(modified_at)' })],
        }),
        table('notes', [col('id', 'bigint'), col('updated_by', 'bigint'), col('last_updated_note', 'text')], { constraints: [pk(['id'])] }),
      ],
      functions: [fn('touch', { source: 'BEGIN NEW.updated_at := now(); RETURN NEW; END' })],
    });
    expect(run(c, updatedAtWithoutTrigger)).toEqual([]);
  });
});

describe('audit-timestamp-nullable', () => {
  it('fires on a nullable created_at: backfill from updated_at, then NOT NULL without a long lock', () => {
    const t = table('accounts', [col('id', 'bigint'), col('created_at', 'timestamp with time zone', { default: 'now()' }), col('updated_at', 'timestamp with time zone', { notNull: true, default: 'now()' })], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), auditTimestampNullable);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('`accounts.created_at` (timestamp with time zone) records when a row was created, but it is nullable');
    expect(f[0]?.fix?.sql).toBe([
      'UPDATE accounts SET created_at = coalesce(updated_at, now()) WHERE created_at IS NULL;',
      'ALTER TABLE accounts ADD CONSTRAINT accounts_created_at_not_null CHECK (created_at IS NOT NULL) NOT VALID;',
      'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_created_at_not_null;',
      'ALTER TABLE accounts ALTER COLUMN created_at SET NOT NULL;',
      'ALTER TABLE accounts DROP CONSTRAINT accounts_created_at_not_null;',
    ].join('\n'));
    expect(f[0]?.fix?.notes).toMatch(/in batches/);
    expect(f[0]?.fix?.notes).toMatch(/skip the scan \(PostgreSQL 12\+\)/);
  });

  it('gives a NOT NULL column without a default its default, unless an ORM fills it', () => {
    const t = () => table('posts', [col('id', 'bigint'), col('created_on', 'date', { notNull: true })], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t()] }), auditTimestampNullable);
    expect(f[0]?.message).toContain('`posts.created_on` (date) records when a row was created, but it has no default: every INSERT must supply it');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE posts ALTER COLUMN created_on SET DEFAULT CURRENT_DATE;');
    expect(run(catalog({ tables: [t()] }), auditTimestampNullable, { orm: 'drizzle' })).toEqual([]);
  });

  it('uses a plain SET NOT NULL on servers older than 12, and says it scans', () => {
    const c = catalog({
      engine: { kind: 'postgres', serverVersion: '11.22', serverVersionNum: 110022 },
      tables: [table('posts', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone', { default: 'now()' })], { constraints: [pk(['id'])] })],
    });
    const f = run(c, auditTimestampNullable);
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE posts ALTER COLUMN updated_at SET NOT NULL;');
    expect(f[0]?.fix?.sql).not.toContain('CHECK');
    expect(f[0]?.fix?.notes).toMatch(/scans the whole table under an ACCESS EXCLUSIVE lock on PostgreSQL 11.22/);
  });

  it('does not fire on sound columns, documented NULLs, other timestamps or non-timestamp names', () => {
    const c = catalog({
      tables: [
        table('a', [col('id', 'bigint'), col('created_at', 'timestamp with time zone', { notNull: true, default: 'now()' })], { constraints: [pk(['id'])] }),
        table('b', [col('id', 'bigint'), col('updated_at', 'timestamp with time zone', { comment: 'NULL until the first edit' })], { constraints: [pk(['id'])] }),
        table('c', [col('id', 'bigint'), col('deleted_at', 'timestamp with time zone'), col('created', 'text')], { constraints: [pk(['id'])] }),
        table('d', [col('id', 'bigint'), col('created_at', 'timestamp with time zone', { notNull: true })], {
          constraints: [pk(['id'])], triggers: [trigger('d_stamp', 'd', 'stamp', { events: ['insert'] })],
        }),
        table('ar_internal_metadata', [col('key', 'text'), col('created_at', 'timestamp(6) without time zone', { notNull: true })], { constraints: [pk(['key'])] }),
      ],
      functions: [fn('stamp', { source: 'BEGIN NEW.created_at := now(); RETURN NEW; END' })],
    });
    expect(run(c, auditTimestampNullable)).toEqual([]);
  });
});

describe('nullable-boolean', () => {
  it('fires on a nullable boolean with a default, says two values were intended, and backfills to the default', () => {
    const t = table('users', [col('id', 'bigint'), col('is_active', 'boolean', { default: 'true' })], { constraints: [pk(['id'])] });
    const f = run(catalog({ tables: [t] }), nullableBoolean);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('`WHERE NOT is_active` skips the NULL rows');
    expect(f[0]?.message).toContain('It has DEFAULT true, so two values were intended');
    expect(executable(f[0]?.fix?.sql)[0]).toBe('UPDATE users SET is_active = true WHERE is_active IS NULL;');
    expect(f[0]?.fix?.sql).not.toContain('SET DEFAULT');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE users ALTER COLUMN is_active SET NOT NULL;');
  });

  it('without a default, backfills false, sets the default and points at the comment escape hatch', () => {
    const f = run(catalog({ tables: [table('posts', [col('id', 'bigint'), col('pinned', 'boolean')], { constraints: [pk(['id'])] })] }), nullableBoolean);
    expect(f[0]?.message).toMatch(/say so in a column comment/);
    expect(f[0]?.fix?.sql).toContain('UPDATE posts SET pinned = false WHERE pinned IS NULL;');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE posts ALTER COLUMN pinned SET DEFAULT false;');
    expect(f[0]?.fix?.notes).toContain('SELECT pinned, count(*) FROM posts GROUP BY 1');
  });

  it('does not fire on NOT NULL booleans, documented NULLs, NULL-aware CHECKs, partitions or shim tables', () => {
    const c = catalog({
      tables: [
        table('a', [col('id', 'bigint'), col('active', 'boolean', { notNull: true, default: 'true' })], { constraints: [pk(['id'])] }),
        table('surveys', [col('id', 'bigint'), col('consented', 'boolean', { comment: 'NULL = not answered yet' })], { constraints: [pk(['id'])] }),
        table('b', [col('id', 'bigint'), col('accepted', 'boolean'), col('answered_at', 'timestamp with time zone')], {
          constraints: [pk(['id']), check('b_answer', 'CHECK (((accepted IS NULL) = (answered_at IS NULL)))', ['accepted', 'answered_at'])],
        }),
        table('m_2024', [col('flag', 'boolean')], { partitionOf: { schema: 'public', table: 'm', bound: '' } }),
        table('users', [col('is_anonymous', 'boolean')], { schema: 'auth', origin: 'shim' }),
      ],
    });
    expect(run(c, nullableBoolean)).toEqual([]);
  });
});

describe('fixes apply to real PostgreSQL and silence the rules', () => {
  const mine = [enumLikeWithoutCheck, missingCurrency, missingTimestamps, updatedAtWithoutTrigger, auditTimestampNullable, nullableBoolean];
  const schema = `
    CREATE TABLE customers (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      is_vip boolean DEFAULT false,
      created_at timestamptz DEFAULT now(),
      updated_at timestamptz DEFAULT now()
    );
    CREATE TABLE orders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers,
      status text NOT NULL DEFAULT 'pending',
      total numeric(12,2) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX orders_open_idx ON orders (customer_id) WHERE status IN ('pending', 'paid');
    CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint REFERENCES orders, body text, author text);
    INSERT INTO customers (email, is_vip, created_at) VALUES ('a@example.com', NULL, NULL);
    INSERT INTO orders (customer_id, status, total) VALUES (1, 'paid', 10);
  `;

  it('finds each problem, and applying every fix leaves none', async () => {
    const before = runRules(await catalogFromSql(schema), mine);
    expect(new Set(before.map((f) => f.rule))).toEqual(new Set(mine.map((r) => r.meta.id)));
    const fixes = before.map((f) => f.fix?.sql ?? '').join('\n');
    const after = runRules(await catalogFromSql(`${schema}\n${fixes}`), mine);
    expect(after.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
  });

  it('the enum-stance fix converts the column on a real server', async () => {
    const sql = `CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL DEFAULT 'pending', CONSTRAINT orders_status_touch CHECK (id > 0));
      CREATE TYPE order_status_seen AS ENUM ('x');
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.status = 'shipped' THEN NEW.id := NEW.id; END IF; RETURN NEW; END $$;
      CREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();
      INSERT INTO orders VALUES (1, 'shipped');`;
    const f = runRules(await catalogFromSql(sql), [enumLikeWithoutCheck], { review: { ...DEFAULT_REVIEW_SETTINGS, ...enumStance } });
    expect(f[0]?.fix?.sql).toContain("CREATE TYPE order_status AS ENUM ('pending', 'shipped');");
    const after = await catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}`);
    const column = after.tables.find((t) => t.name === 'orders')?.columns.find((c) => c.name === 'status');
    expect(column?.type).toBe('order_status');
    expect(column?.default).toBe("'pending'::order_status");
  });

  it('template fixes (no values known) are valid SQL', async () => {
    const sql = `CREATE TABLE leads (id int PRIMARY KEY, source text, created_at timestamptz NOT NULL DEFAULT now());`;
    for (const review of [checkStance, enumStance]) {
      const f = runRules(await catalogFromSql(sql), [enumLikeWithoutCheck], { review: { ...DEFAULT_REVIEW_SETTINGS, ...review } });
      expect(f).toHaveLength(1);
      await expect(catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}`)).resolves.toBeTruthy();
    }
  });
});
