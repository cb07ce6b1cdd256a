import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import { DEFAULT_REVIEW_SETTINGS, type ReviewSettings, type Rule, type Stances } from '../../src/rules/types.js';
import { rules as namingRules } from '../../src/rules/naming/index.js';
import identifierTooLong from '../../src/rules/naming/identifier-too-long.js';
import mixedTablePlurality, { tablePlurality } from '../../src/rules/naming/mixed-table-plurality.js';
import namingConvention from '../../src/rules/naming/naming-convention.js';
import reservedWordIdentifier from '../../src/rules/naming/reserved-word-identifier.js';
import { catalog, check, col, fk, idx, pk, table, unique } from '../support/build.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

function run(c: Catalog, rule: Rule, review: Omit<Partial<ReviewSettings>, 'stances'> & { stances?: Partial<Stances> } = {}) {
  const settings: ReviewSettings = { ...DEFAULT_REVIEW_SETTINGS, ...review, stances: { ...DEFAULT_REVIEW_SETTINGS.stances, ...review.stances } };
  return runRules(c, [rule], { review: settings });
}

const id = () => col('id', 'bigint');

describe('naming registry', () => {
  it('registers the naming rules, sorted by id', () => {
    expect(namingRules.map((r) => r.meta.id)).toEqual(['identifier-too-long', 'mixed-table-plurality', 'naming-convention', 'reserved-word-identifier']);
    expect(namingRules.every((r) => r.meta.category === 'naming' && r.meta.enabledByDefault)).toBe(true);
    for (const r of namingRules) expect(r.meta.title).not.toBe('TODO');
  });
});

/** A snake_case schema: 9 styled snake names and whatever columns `orders` gets. */
function snakeSchema(orderColumns: ReturnType<typeof col>[], extra: Parameters<typeof table>[2] = {}) {
  return catalog({
    tables: [
      table('customers', [id(), col('full_name', 'text'), col('created_at', 'timestamp with time zone'), col('updated_at', 'timestamp with time zone')], { constraints: [pk(['id'])] }),
      table('products', [id(), col('unit_price', 'numeric'), col('created_at', 'timestamp with time zone'), col('is_active', 'boolean')], { constraints: [pk(['id'])] }),
      table('orders', [id(), col('customer_id', 'bigint'), col('placed_at', 'timestamp with time zone'), ...orderColumns], { constraints: [pk(['id'])], ...extra }),
    ],
  });
}

describe('naming-convention', () => {
  it('reports one finding per table, listing its off-style columns with counts and the renames', () => {
    const f = run(snakeSchema([col('totalCents', 'bigint'), col('shippingAddress', 'text')]), namingConvention);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.objects).toEqual([
      { kind: 'table', schema: 'public', name: 'orders' },
      { kind: 'column', schema: 'public', table: 'orders', name: 'totalCents' },
      { kind: 'column', schema: 'public', table: 'orders', name: 'shippingAddress' },
    ]);
    expect(f[0]?.message).toContain('`orders` has 2 columns that are not snake_case: `totalCents` (camelCase) and `shippingAddress` (camelCase)');
    expect(f[0]?.message).toContain('8 of 10 column names that show a case style are snake_case');
    expect(f[0]?.message).toMatch(/must be written "quoted" in every query: unquoted, `totalCents` becomes `totalcents`/);
    expect(f[0]?.fix?.sql).toBe(
      'ALTER TABLE orders RENAME COLUMN "totalCents" TO total_cents;\nALTER TABLE orders RENAME COLUMN "shippingAddress" TO shipping_address;',
    );
    expect(f[0]?.fix?.notes).toMatch(/expand\/contract/);
    expect(f[0]?.fix?.notes).toMatch(/ACCESS EXCLUSIVE/);
  });

  it('reports a table whose own name is off-style, renaming columns before the table', () => {
    const c = snakeSchema([]);
    c.tables.push(table('OrderItems', [id(), col('order_id', 'bigint'), col('lineTotal', 'bigint')]));
    c.tables.push(table('line_notes', [id(), col('note_text', 'text')]));
    const f = run(c, namingConvention);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toMatch(/^Table `OrderItems` is PascalCase; 4 of 5 table names fit snake_case/);
    expect(f[0]?.message).toContain('Unquoted, Postgres reads it as `orderitems`');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE "OrderItems" RENAME COLUMN "lineTotal" TO line_total;\nALTER TABLE "OrderItems" RENAME TO order_items;');
  });

  it('names spaces and upper case, and writes a comment when the new name is taken', () => {
    const f = run(snakeSchema([col('Total Price', 'numeric'), col('total_price', 'numeric'), col('SKU', 'text')]), namingConvention);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('`Total Price` (contains a space)');
    expect(f[0]?.message).toContain('`SKU` (upper case)');
    expect(f[0]?.fix?.sql).toContain('-- Total Price: `total_price` is taken; choose a snake_case name by hand');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE orders RENAME COLUMN "SKU" TO sku;');
  });

  it('accepts a Prisma schema (PascalCase models, camelCase fields) and ignores Prisma\'s own tables', () => {
    const c = catalog({
      tables: [
        table('User', [col('id', 'text'), col('email', 'text'), col('createdAt', 'timestamp(3) without time zone'), col('displayName', 'text')], { constraints: [pk(['id'])] }),
        table('Post', [col('id', 'text'), col('authorId', 'text'), col('publishedAt', 'timestamp(3) without time zone'), col('title', 'text')], { constraints: [pk(['id'])] }),
        table('Category', [col('id', 'text'), col('name', 'text')], { constraints: [pk(['id'])] }),
        table('_CategoryToPost', [col('A', 'text'), col('B', 'text')]),
        table('_prisma_migrations', [col('id', 'character varying(36)'), col('migration_name', 'character varying(255)'), col('finished_at', 'timestamp with time zone'), col('applied_steps_count', 'integer')]),
      ],
    });
    expect(run(c, namingConvention)).toEqual([]);
  });

  it('applies a stance over the majority: snake_case flags every camelCase table of a Prisma schema', () => {
    const c = catalog({
      tables: [
        table('User', [col('id', 'text'), col('createdAt', 'timestamp(3) without time zone')]),
        table('Post', [col('id', 'text'), col('authorId', 'text')]),
      ],
    });
    const f = run(c, namingConvention, { stances: { naming: 'snake_case' }, orm: 'prisma' });
    expect(f.map((x) => x.objects.map((o) => o.name))).toEqual([['Post', 'authorId'], ['User', 'createdAt']]);
    expect(f[0]?.message).toContain("the team's stance (stances.naming) is snake_case, which 2 of the schema's 4 column names follow");
    expect(f[0]?.fix?.notes).toContain('Prisma Migrate does not detect renames');
  });

  it('with a camelCase stance accepts PascalCase tables but flags snake_case columns', () => {
    const c = catalog({ tables: [table('User', [col('id', 'text'), col('createdAt', 'timestamp(3) without time zone'), col('last_login', 'timestamp(3) without time zone')])] });
    const f = run(c, namingConvention, { stances: { naming: 'camelCase' } });
    expect(f).toHaveLength(1);
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['User', 'last_login']);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE "User" RENAME COLUMN last_login TO "lastLogin";');
  });

  it('asks for a decision once, instead of picking a side, when no style has a clear majority', () => {
    const c = catalog({
      tables: [
        table('accounts', [id(), col('created_at', 'timestamptz'), col('display_name', 'text'), col('lastLogin', 'timestamptz')]),
        table('invoices', [id(), col('dueAt', 'timestamptz'), col('amount_cents', 'bigint'), col('paidAt', 'timestamptz')]),
      ],
    });
    const f = run(c, namingConvention);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects).toEqual([{ kind: 'schema', name: 'public' }]);
    expect(f[0]?.message).toContain('column names mix 3 snake_case and 3 camelCase');
    expect(f[0]?.message).toContain('set `stances.naming`');
    expect(f[0]?.fix).toBeNull();
  });

  it('does not judge shim tables, partitions or single-word names', () => {
    const c = catalog({
      tables: [
        table('users', [id(), col('email', 'text'), col('name', 'text')]),
        table('orders', [id(), col('total', 'bigint'), col('status', 'text')]),
        table('users', [col('rawUserMetaData', 'jsonb'), col('created_at', 'timestamptz'), col('updated_at', 'timestamptz')], { schema: 'auth', origin: 'shim' }),
        table('orders_2024', [col('legacyId', 'bigint')], { partitionOf: { schema: 'public', table: 'orders', bound: '' } }),
      ],
    });
    expect(run(c, namingConvention)).toEqual([]);
  });
});

describe('mixed-table-plurality', () => {
  const plural = (...extra: string[]) => catalog({
    tables: ['users', 'orders', 'products', 'payments', 'refunds', ...extra].map((n) => table(n, [id()], { constraints: [pk(['id'], `${n}_pkey`)] })),
  });

  it('reports each singular table in a plural schema, with the evidence and a rename', () => {
    const f = run(plural('order_item', 'Invoice'), mixedTablePlurality);
    expect(f.map((x) => x.objects[0]?.name)).toEqual(['Invoice', 'order_item']);
    const item = f.find((x) => x.objects[0]?.name === 'order_item');
    expect(item?.severity).toBe('low');
    expect(item?.message).toContain('Table `order_item` is singular; 5 of 7 table names whose number can be told are plural');
    expect(item?.message).toContain('The singular ones are `order_item` and `Invoice`');
    expect(item?.fix?.sql).toBe('ALTER TABLE order_item RENAME TO order_items;');
    expect(f.find((x) => x.objects[0]?.name === 'Invoice')?.fix?.sql).toBe('ALTER TABLE "Invoice" RENAME TO "Invoices";');
  });

  it('stays quiet without a clear majority (70% of at least 4 tables)', () => {
    expect(run(catalog({ tables: ['users', 'orders', 'invoice'].map((n) => table(n, [id()])) }), mixedTablePlurality)).toEqual([]);
    expect(run(catalog({ tables: ['users', 'orders', 'payments', 'invoice', 'order_item'].map((n) => table(n, [id()])) }), mixedTablePlurality)).toEqual([]);
  });

  it('leaves out names that cannot tell and judges qualified names by their noun', () => {
    expect(tablePlurality('feedback')).toBeNull();
    expect(tablePlurality('app_settings')).toBeNull();
    expect(tablePlurality('order_status')).toBeNull();
    expect(tablePlurality('config')).toBeNull();
    expect(tablePlurality('ingest_staging')).toBeNull();
    expect(tablePlurality('order_tracking')).toBeNull();
    expect(tablePlurality('orders_2024')).toBe('plural');
    expect(tablePlurality('payments_v2')).toBe('plural');
    expect(tablePlurality('users_archive')).toBe('plural');
    expect(tablePlurality('email_alias')).toBe('singular');
    expect(tablePlurality('people')).toBe('plural');
    expect(run(plural('feedback', 'app_settings', 'shipping_address', 'orders_2024', 'user_aliases'), mixedTablePlurality)).toEqual([]);
  });

  it('does not propose a rename onto an existing table', () => {
    const f = run(plural('invoice', 'invoices'), mixedTablePlurality);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('The plural form `invoices` is already taken');
    expect(f[0]?.fix).toBeNull();
  });

  it('follows a stance even in a small schema, and singularises irregular plurals', () => {
    const f = run(catalog({ tables: ['people', 'user'].map((n) => table(n, [id()])) }), mixedTablePlurality, { stances: { tablePlurality: 'singular' } });
    expect(f).toHaveLength(1);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE people RENAME TO person;');
    expect(f[0]?.message).toContain("the team's stance (stances.tablePlurality) is singular");
  });
});

describe('reserved-word-identifier', () => {
  it('reports a reserved table and its reserved columns in one finding, columns renamed first', () => {
    const c = catalog({
      tables: [
        table('accounts', [id()], { constraints: [pk(['id'])] }),
        table('user', [id(), col('order', 'integer'), col('desc', 'text'), col('default', 'boolean')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, reservedWordIdentifier);
    expect(f).toHaveLength(1);
    // `user` is also CURRENT_USER: unquoted it silently reads the role, so the finding is medium.
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects.map((o) => `${o.kind}:${o.name}`)).toEqual(['table:user', 'column:order', 'column:desc', 'column:default']);
    expect(f[0]?.message).toContain('`SELECT * FROM user` quietly returns one row holding the function\'s value');
    expect(f[0]?.message).toContain('Unquoted it is a syntax error (`SELECT order FROM "user"` fails)');
    expect(f[0]?.fix?.sql).toBe([
      'ALTER TABLE "user" RENAME COLUMN "order" TO sort_order;',
      'ALTER TABLE "user" RENAME COLUMN "desc" TO description;',
      'ALTER TABLE "user" RENAME COLUMN "default" TO is_default;',
      'ALTER TABLE "user" RENAME TO users;',
    ].join('\n'));
  });

  it('names a reference column after what it references, in the schema\'s style', () => {
    const c = catalog({
      tables: [
        table('Comment', [col('id', 'text'), col('user', 'uuid'), col('authorId', 'text'), col('createdAt', 'timestamp(3) without time zone')], { constraints: [fk(['user'], 'User')] }),
        table('User', [col('id', 'uuid'), col('displayName', 'text')]),
      ],
    });
    const f = run(c, reservedWordIdentifier);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`SELECT user FROM Comment` quietly returns the function\'s value on every row');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE "Comment" RENAME COLUMN "user" TO "userId";');
  });

  it('is low for plain reserved words and quiet for keywords Postgres accepts as column names', () => {
    const c = catalog({ tables: [table('events', [id(), col('date', 'date'), col('type', 'text'), col('name', 'text'), col('position', 'integer'), col('time', 'time without time zone'), col('limit', 'integer')])] });
    const f = run(c, reservedWordIdentifier);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['limit']);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE events RENAME COLUMN "limit" TO max_count;');
  });

  it('does not judge shim tables', () => {
    const c = catalog({ tables: [table('user', [col('order', 'integer')], { schema: 'auth', origin: 'shim' })] });
    expect(run(c, reservedWordIdentifier)).toEqual([]);
  });
});

describe('identifier-too-long', () => {
  const n63 = 'customer_subscription_billing_period_adjustment_history_entries';
  it('reports names of exactly 63 bytes: tables, columns and user-named indexes', () => {
    expect(Buffer.byteLength(n63)).toBe(63);
    const longIdx = 'idx_customer_subscription_billing_period_adjustment_history_ent';
    const c = catalog({
      tables: [
        table(n63, [id(), col('adjusted_amount_in_minor_units_including_all_applicable_taxes_x', 'bigint')], {
          indexes: [idx(longIdx, ['id'])],
        }),
        table('invoices', [id(), col('billing_period_start', 'date')], { indexes: [idx('invoices_billing_period_start_for_monthly_revenue_reporting_que', ['billing_period_start'])] }),
      ],
    });
    const f = run(c, identifierTooLong);
    expect(f.map((x) => `${x.objects[0]?.kind}:${x.objects[0]?.name}`).sort()).toEqual([
      'column:adjusted_amount_in_minor_units_including_all_applicable_taxes_x',
      `index:${longIdx}`,
      'index:invoices_billing_period_start_for_monthly_revenue_reporting_que',
      `table:${n63}`,
    ]);
    expect(f.every((x) => x.severity === 'medium')).toBe(true);
    const invIdx = f.find((x) => x.objects[0]?.name?.startsWith('invoices_'));
    expect(invIdx?.message).toContain('is 63 bytes long: that is PostgreSQL\'s limit');
    expect(invIdx?.message).toContain('Rename it to `invoices_billing_period_start_idx`');
    expect(invIdx?.fix?.sql).toBe('ALTER INDEX invoices_billing_period_start_for_monthly_revenue_reporting_que RENAME TO invoices_billing_period_start_idx;');
    // No short name can be derived for a table: the statement is a commented template.
    expect(f.find((x) => x.objects[0]?.kind === 'table')?.fix?.sql).toBe(`-- ALTER TABLE ${n63} RENAME TO <a name well under 63 bytes>;`);
  });

  it('ignores 62-byte names, names Postgres generated itself, and indexes reported as their constraint', () => {
    const generated = `${n63.slice(0, 59)}_key`;
    expect(Buffer.byteLength(generated)).toBe(63);
    const c = catalog({
      tables: [table('t', [id(), col(n63.slice(0, 62), 'text')], {
        constraints: [unique(['id'], generated), check(`${n63.slice(0, 57)}_check`, 'CHECK (true)')],
        indexes: [idx(`${n63.slice(0, 59)}_idx`, ['id'])],
      })],
    });
    expect(run(c, identifierTooLong)).toEqual([]);
  });

  it('is low for a multibyte name that ends just short of the limit', () => {
    const name = `${'é'.repeat(30)}_x`; // 62 bytes: a cut at a character boundary
    expect(Buffer.byteLength(name)).toBe(62);
    const f = run(catalog({ tables: [table('t', [col(name, 'text')])] }), identifierTooLong);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('may have been cut');
  });

  it('sees the name Postgres actually kept, and its rename applies', async () => {
    const sql = 'CREATE TABLE invoices (id bigint PRIMARY KEY, billing_period_start date NOT NULL);\n'
      + 'CREATE INDEX invoices_billing_period_start_for_the_monthly_revenue_reporting_queries ON invoices (billing_period_start);';
    const f = run(await catalogFromSql(sql), identifierTooLong);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects[0]?.name).toBe('invoices_billing_period_start_for_the_monthly_revenue_reporting');
    const fixed = run(await catalogFromSql(`${sql}\n${f[0]?.fix?.sql ?? ''}`), identifierTooLong);
    expect(fixed).toEqual([]);
  });
});

describe('naming findings on real PostgreSQL', () => {
  it('point at the off-style column, not at the table', async () => {
    const sql = [
      'CREATE TABLE customers (',
      '  id bigint PRIMARY KEY,',
      '  full_name text,',
      '  created_at timestamptz,',
      '  updated_at timestamptz,',
      '  "lastLogin" timestamptz',
      ');',
    ].join('\n');
    const f = run(await catalogFromSql(sql, { file: 'schema.sql' }), namingConvention);
    expect(f).toHaveLength(1);
    expect(f[0]?.location).toMatchObject({ file: 'schema.sql', line: 6 });
  });

  it('renames off-style and reserved names and the rules go quiet', async () => {
    const sql = [
      'CREATE TABLE customers (id bigint PRIMARY KEY, full_name text, created_at timestamptz, updated_at timestamptz);',
      'CREATE TABLE products (id bigint PRIMARY KEY, unit_price numeric, is_active boolean);',
      'CREATE TABLE "order" (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), "totalCents" bigint, "desc" text, placed_at timestamptz);',
      'CREATE TABLE payments (id bigint PRIMARY KEY);',
      'CREATE TABLE refunds (id bigint PRIMARY KEY);',
      'CREATE TABLE shipments (id bigint PRIMARY KEY);',
      'CREATE TABLE invoice (id bigint PRIMARY KEY);',
    ].join('\n');
    const before = await catalogFromSql(sql);
    const found = runRules(before, [reservedWordIdentifier, namingConvention, mixedTablePlurality]);
    expect([...new Set(found.map((f) => f.rule))].sort()).toEqual(['mixed-table-plurality', 'naming-convention', 'reserved-word-identifier']);
    // Each fix on its own, as `schemasage fix --rule` applies one rule at a time.
    for (const f of found) {
      const after = await catalogFromSql(`${sql}\n${f.fix?.sql ?? ''}`);
      const rule = [reservedWordIdentifier, namingConvention, mixedTablePlurality].find((r) => r.meta.id === f.rule) as Rule;
      expect(runRules(after, [rule]).filter((x) => x.fingerprint === f.fingerprint)).toEqual([]);
    }
  });
});
