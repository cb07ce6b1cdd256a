import { describe, expect, it } from 'vitest';
import { indexCoversColumns } from '../../src/catalog/helpers.js';
import { runRules } from '../../src/rules/run.js';
import cascadeIntoProtectedData from '../../src/rules/foreign-keys/cascade-into-protected-data.js';
import duplicateForeignKey from '../../src/rules/foreign-keys/duplicate-foreign-key.js';
import foreignKeyTypeMismatch from '../../src/rules/foreign-keys/foreign-key-type-mismatch.js';
import missingForeignKey from '../../src/rules/foreign-keys/missing-foreign-key.js';
import nullableOwningForeignKey from '../../src/rules/foreign-keys/nullable-owning-foreign-key.js';
import unindexedForeignKey from '../../src/rules/foreign-keys/unindexed-foreign-key.js';
import { rules as fkRules } from '../../src/rules/foreign-keys/index.js';
import { catalog, check, col, fk, idx, pk, table, unique } from '../support/build.js';

const customers = () => table('customers', [col('id', 'bigint')], { constraints: [pk(['id'])] });
const cascade = { references: { schema: 'public', table: '', columns: ['id'], onDelete: 'cascade' as const, onUpdate: 'no action' as const, match: 'simple' as const } };
function cascadeTo(columns: string[], target: string, name?: string, schema = 'public') {
  return fk(columns, target, ['id'], { ...(name ? { name } : {}), references: { ...cascade.references, table: target, schema } }, schema);
}

describe('foreign-keys registry', () => {
  it('registers every foreign-keys rule, sorted by id', () => {
    expect(fkRules.map((r) => r.meta.id)).toEqual([
      'cascade-into-protected-data', 'duplicate-foreign-key', 'foreign-key-type-mismatch', 'missing-foreign-key',
      'nullable-owning-foreign-key', 'unindexed-foreign-key',
    ]);
  });
});

describe('unindexed-foreign-key', () => {
  it('fires when the only index has the FK column second, and says why it does not count', () => {
    const orders = table('orders', [col('id', 'bigint'), col('customer_id', 'bigint', { notNull: true }), col('created_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), fk(['customer_id'], 'customers', ['id'], { name: 'orders_customer_id_fkey' })],
      indexes: [idx('orders_created_at_customer_id_idx', ['created_at', 'customer_id'])],
    });
    const [f, ...rest] = runRules(catalog({ tables: [customers(), orders] }), [unindexedForeignKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('high');
    expect(f?.objects).toEqual([
      { kind: 'constraint', schema: 'public', table: 'orders', name: 'orders_customer_id_fkey' },
      { kind: 'column', schema: 'public', table: 'orders', name: 'customer_id' },
      { kind: 'table', schema: 'public', name: 'orders' },
    ]);
    expect(f?.message).toContain('orders.customer_id → customers.id');
    expect(f?.message).toContain('orders_created_at_customer_id_idx has customer_id at key position 2');
    expect(f?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);');
    expect(f?.details).toMatchObject({ columns: ['customer_id'], referencedTable: 'public.customers' });
  });

  it('does not count a partial index whose predicate is not implied, an expression key, or an invalid index', () => {
    const orders = table('orders', [col('id', 'bigint'), col('customer_id', 'bigint'), col('deleted_at', 'timestamp with time zone')], {
      constraints: [pk(['id']), fk(['customer_id'], 'customers')],
      indexes: [
        idx('live_orders_customer', ['customer_id'], { predicate: 'deleted_at IS NULL' }),
        idx('orders_customer_expr', [{ expression: '(customer_id + 0)' }]),
        idx('orders_customer_invalid', ['customer_id'], { valid: false }),
      ],
    });
    const [f] = runRules(catalog({ tables: [customers(), orders] }), [unindexedForeignKey]);
    expect(f?.message).toContain('live_orders_customer is partial');
    expect(f?.message).toContain('orders_customer_invalid is INVALID');
    // The generated name avoids the existing relation names.
    expect(f?.fix?.sql).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);');
  });

  it('gives the ON ONLY + per-partition recipe on a partitioned table', () => {
    const parent = table('orders', [col('id', 'bigint'), col('customer_id', 'bigint'), col('created_at', 'timestamp with time zone')], {
      kind: 'partitioned table', partitionKey: 'RANGE (created_at)', constraints: [fk(['customer_id'], 'customers')],
    });
    const p1 = table('orders_2024', parent.columns.map((c) => ({ ...c })), { partitionOf: { schema: 'public', table: 'orders', bound: '' } });
    const p2 = table('orders_2025', parent.columns.map((c) => ({ ...c })), { partitionOf: { schema: 'public', table: 'orders', bound: '' } });
    const [f] = runRules(catalog({ tables: [customers(), parent, p1, p2] }), [unindexedForeignKey]);
    expect(f?.fix?.sql).toContain('CREATE INDEX orders_customer_id_idx ON ONLY orders (customer_id);');
    expect(f?.fix?.sql).toContain('CREATE INDEX CONCURRENTLY orders_2024_customer_id_idx ON orders_2024 (customer_id);');
    expect(f?.fix?.sql).toContain('ALTER INDEX orders_customer_id_idx ATTACH PARTITION orders_2025_customer_id_idx;');
    expect(f?.fix?.sql).toContain('not supported on a partitioned table');
  });

  it('does not fire on near misses that do cover: composite index in another order, junction PK, IS NOT NULL partial index, partitioned parent index', () => {
    const p = table('p', [col('a', 'integer'), col('b', 'integer')], { constraints: [pk(['a', 'b'])] });
    const tags = table('tags', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const c = table('c', [col('id', 'integer'), col('x', 'integer'), col('y', 'integer')], {
      constraints: [pk(['id']), fk(['x', 'y'], 'p', ['a', 'b'])],
      indexes: [idx('c_y_x_id', ['y', 'x', 'id'])],
    });
    const orderTags = table('order_tags', [col('order_id', 'bigint'), col('tag_id', 'bigint')], {
      constraints: [pk(['order_id', 'tag_id']), fk(['order_id'], 'customers'), fk(['tag_id'], 'tags')],
      indexes: [idx('order_tags_tag_id', ['tag_id'], { predicate: 'tag_id IS NOT NULL' })],
    });
    const parent = table('events', [col('customer_id', 'bigint')], {
      kind: 'partitioned table', constraints: [fk(['customer_id'], 'customers')],
      indexes: [idx('events_customer_id_idx', ['customer_id'], { partitioned: true })],
    });
    const part = table('events_1', [col('customer_id', 'bigint')], {
      partitionOf: { schema: 'public', table: 'events', bound: '' }, constraints: [fk(['customer_id'], 'customers', ['id'], { inherited: true })],
    });
    expect(runRules(catalog({ tables: [customers(), p, tags, c, orderTags, parent, part] }), [unindexedForeignKey])).toEqual([]);
  });

  it('indexCoversColumns accepts AND-ed IS NOT NULL predicates on the FK columns only', () => {
    const i = idx('i', ['a', 'b'], { predicate: '(a IS NOT NULL) AND (b IS NOT NULL)' });
    expect(indexCoversColumns(i, ['b', 'a'])).toBe(true);
    expect(indexCoversColumns({ ...i, predicate: 'a IS NOT NULL AND deleted_at IS NULL' }, ['a', 'b'])).toBe(false);
  });
});

describe('foreign-key-type-mismatch', () => {
  it('fires high on an integer column referencing a bigint key', () => {
    const accounts = table('accounts', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const invoices = table('invoices', [col('id', 'bigint'), col('account_id', 'integer')], {
      constraints: [pk(['id']), fk(['account_id'], 'accounts', ['id'], { name: 'invoices_account_id_fkey' })],
    });
    const [f] = runRules(catalog({ tables: [accounts, invoices] }), [foreignKeyTypeMismatch]);
    expect(f?.severity).toBe('high');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'invoices', name: 'account_id' });
    expect(f?.message).toContain('`invoices.account_id` is `integer`, too narrow for every value of `accounts.id` (`bigint`)');
    expect(f?.fix?.sql).toBe('ALTER TABLE invoices ALTER COLUMN account_id TYPE bigint;');
  });

  it('fires medium on a varchar shorter than the referenced key, with a catalog-only fix', () => {
    const countries = table('countries', [col('code', 'character varying(10)')], { constraints: [pk(['code'])] });
    const cities = table('cities', [col('id', 'bigint'), col('country_code', 'character varying(2)')], {
      constraints: [pk(['id']), fk(['country_code'], 'countries', ['code'])],
    });
    const [f] = runRules(catalog({ tables: [countries, cities] }), [foreignKeyTypeMismatch]);
    expect(f?.severity).toBe('medium');
    expect(f?.fix?.sql).toBe('ALTER TABLE cities ALTER COLUMN country_code TYPE character varying(10);');
    expect(f?.fix?.notes).toContain('catalog-only');
  });

  it('does not fire on equal types, text against varchar, or a wider child', () => {
    const a = table('a', [col('id', 'integer'), col('code', 'character varying(20)')], { constraints: [pk(['id']), unique(['code'])] });
    const b = table('b', [col('id', 'bigint'), col('a_id', 'bigint'), col('a_code', 'text'), col('a2_id', 'integer')], {
      constraints: [pk(['id']), fk(['a_id'], 'a'), fk(['a_code'], 'a', ['code']), fk(['a2_id'], 'a')],
    });
    expect(runRules(catalog({ tables: [a, b] }), [foreignKeyTypeMismatch])).toEqual([]);
  });
});

describe('missing-foreign-key', () => {
  it('fires on customer_id next to a customers table, with index, NOT VALID/VALIDATE and an orphan pre-check', () => {
    const orders = table('orders', [col('id', 'bigint'), col('customer_id', 'bigint', { notNull: true })], { constraints: [pk(['id'])] });
    const [f, ...rest] = runRules(catalog({ tables: [customers(), orders] }), [missingForeignKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'orders', name: 'customer_id' });
    expect(f?.message).toContain('`orders.customer_id` (bigint) looks like a reference to `customers.id`');
    expect(f?.message).toContain('Evidence: the name `customer_id` matches table `customers`');
    expect(f?.fix?.sql).toBe([
      'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
    ].join('\n'));
    expect(f?.fix?.notes).toContain('NOT EXISTS (SELECT 1 FROM customers p WHERE p.id = c.customer_id)');
  });

  it('matches y→ies plurals, camelCase names and a Supabase auth.users target', () => {
    const categories = table('categories', [col('id', 'integer')], { constraints: [pk(['id'])] });
    const authUsers = table('users', [col('id', 'uuid')], { schema: 'auth', origin: 'shim', constraints: [pk(['id'])] });
    const posts = table('Post', [col('id', 'text'), col('categoryId', 'integer'), col('user_id', 'uuid')], { constraints: [pk(['id'])] });
    const found = runRules(catalog({ tables: [categories, authUsers, posts] }), [missingForeignKey]);
    expect(found.map((f) => f.details.referencedTable)).toEqual(['public.categories', 'auth.users']);
    expect(found[1]?.fix?.sql).toContain('REFERENCES auth.users (id) NOT VALID');
  });

  it('does not fire when a foreign key exists, on the table\'s own key, on incompatible types or unknown stems', () => {
    const users = table('users', [col('user_id', 'bigint')], { constraints: [pk(['user_id'])] });
    const orders = table('orders', [col('id', 'bigint'), col('customer_id', 'bigint'), col('user_id', 'text'), col('origin_id', 'bigint'), col('parent_id', 'bigint'), col('parent_type', 'text')], {
      constraints: [pk(['id']), fk(['customer_id'], 'customers')],
    });
    expect(runRules(catalog({ tables: [customers(), users, orders] }), [missingForeignKey])).toEqual([]);
  });
});

describe('missing-foreign-key self-references', () => {
  it('reads manager_id in a people table and parent_id anywhere as references to the same table', () => {
    const employees = table('employees', [col('id', 'bigint'), col('manager_id', 'bigint')], { constraints: [pk(['id'])] });
    const folders = table('folders', [col('id', 'bigint'), col('parent_id', 'bigint')], { constraints: [pk(['id'])] });
    const found = runRules(catalog({ tables: [employees, folders] }), [missingForeignKey]);
    expect(found.map((f) => `${f.objects[0]?.table}.${f.objects[0]?.name}`).sort()).toEqual(['employees.manager_id', 'folders.parent_id']);
    expect(found.find((f) => f.objects[0]?.table === 'employees')?.message).toContain('self-reference');
  });

  it('does not read manager_id as a self-reference outside a people table, nor a polymorphic parent_id + parent_type', () => {
    const projects = table('projects', [col('id', 'bigint'), col('manager_id', 'bigint')], { constraints: [pk(['id'])] });
    expect(runRules(catalog({ tables: [projects] }), [missingForeignKey])).toEqual([]);
  });
});

describe('duplicate-foreign-key', () => {
  it('fires on a second identical foreign key and drops the unconventional one', () => {
    const projects = table('projects', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const tasks = table('tasks', [col('id', 'bigint'), col('project_id', 'bigint')], {
      constraints: [pk(['id']), fk(['project_id'], 'projects', ['id'], { name: 'fk_tasks_project' }), fk(['project_id'], 'projects', ['id'], { name: 'tasks_project_id_fkey' })],
    });
    const [f, ...rest] = runRules(catalog({ tables: [projects, tasks] }), [duplicateForeignKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('low');
    expect(f?.objects[0]).toEqual({ kind: 'constraint', schema: 'public', table: 'tasks', name: 'fk_tasks_project' });
    expect(f?.message).toContain('fk_tasks_project duplicates tasks_project_id_fkey');
    expect(f?.fix?.sql).toBe('ALTER TABLE tasks DROP CONSTRAINT fk_tasks_project;');
  });

  it('names both behaviours when the duplicates disagree', () => {
    const projects = table('projects', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const tasks = table('tasks', [col('id', 'bigint'), col('project_id', 'bigint')], {
      constraints: [pk(['id']), fk(['project_id'], 'projects', ['id'], { name: 'a_fk' }), cascadeTo(['project_id'], 'projects', 'b_fk')],
    });
    const [f] = runRules(catalog({ tables: [projects, tasks] }), [duplicateForeignKey]);
    expect(f?.message).toContain('They disagree');
    expect(f?.message).toContain('ON DELETE CASCADE');
  });

  it('does not fire on two foreign keys from different columns to the same table', () => {
    const projects = table('projects', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const tasks = table('tasks', [col('id', 'bigint'), col('project_id', 'bigint'), col('origin_project_id', 'bigint')], {
      constraints: [pk(['id']), fk(['project_id'], 'projects'), fk(['origin_project_id'], 'projects')],
    });
    expect(runRules(catalog({ tables: [projects, tasks] }), [duplicateForeignKey])).toEqual([]);
  });
});

describe('nullable-owning-foreign-key', () => {
  it('leaves actor columns (changed_by, approved_by_id) alone: NULL means system or a removed user, not an orphan', () => {
    const employees = table('employees', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const trail = table('audit_trail', [col('id', 'bigint'), col('changed_by', 'bigint'), col('approved_by_id', 'bigint'), col('employee_id', 'bigint'), col('action', 'text'), col('changed_at', 'timestamp with time zone'), col('diff', 'jsonb')], {
      constraints: [
        pk(['id']),
        fk(['changed_by'], 'employees', ['id'], { name: 'trail_changed_by_fkey', references: { schema: 'public', table: 'employees', columns: ['id'], onDelete: 'cascade', onUpdate: 'no action', match: 'simple' } }),
        fk(['approved_by_id'], 'employees', ['id'], { name: 'trail_approved_by_fkey', references: { schema: 'public', table: 'employees', columns: ['id'], onDelete: 'cascade', onUpdate: 'no action', match: 'simple' } }),
        fk(['employee_id'], 'employees', ['id'], { name: 'trail_employee_fkey', references: { schema: 'public', table: 'employees', columns: ['id'], onDelete: 'cascade', onUpdate: 'no action', match: 'simple' } }),
      ],
    });
    const found = runRules(catalog({ tables: [employees, trail] }), [nullableOwningForeignKey]);
    expect(found.map((f) => f.objects.map((o) => o.name).join(','))).toEqual([expect.stringContaining('employee_id')]);
  });

  it('fires on a nullable ON DELETE CASCADE column with the NOT VALID check recipe', () => {
    const orders = table('orders', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const lines = table('order_lines', [col('id', 'bigint'), col('order_id', 'bigint'), col('quantity', 'integer', { notNull: true })], {
      constraints: [pk(['id']), cascadeTo(['order_id'], 'orders', 'order_lines_order_id_fkey')],
    });
    const [f, ...rest] = runRules(catalog({ tables: [orders, lines] }), [nullableOwningForeignKey]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'order_lines', name: 'order_id' });
    expect(f?.message).toContain('`order_lines.order_id`');
    expect(f?.message).toContain('ON DELETE CASCADE');
    expect(f?.fix?.sql).toContain('ADD CONSTRAINT order_lines_order_id_not_null CHECK (order_id IS NOT NULL) NOT VALID;');
    expect(f?.fix?.sql).toContain('ALTER TABLE order_lines ALTER COLUMN order_id SET NOT NULL;');
    expect(f?.fix?.notes).toContain('SELECT count(*) FROM order_lines WHERE order_id IS NULL;');
  });

  it('fires on the nullable sides of a junction table even without CASCADE', () => {
    const orgs = table('orgs', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const users = table('users', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const m = table('memberships', [col('org_id', 'bigint'), col('user_id', 'bigint'), col('role', 'text', { notNull: true })], {
      constraints: [fk(['org_id'], 'orgs'), fk(['user_id'], 'users'), unique(['org_id', 'user_id'])],
    });
    const found = runRules(catalog({ tables: [orgs, users, m] }), [nullableOwningForeignKey]);
    expect(found.map((f) => f.objects[0]?.name)).toEqual(['org_id', 'user_id']);
    expect(found[0]?.message).toContain('junction table');
  });

  it('does not fire on trees, CHECK-governed exclusive arcs, SET NULL keys or entity tables with optional links', () => {
    const posts = table('posts', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const photos = table('photos', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const users = table('users', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const categories = table('categories', [col('id', 'bigint'), col('parent_id', 'bigint')], {
      constraints: [pk(['id']), cascadeTo(['parent_id'], 'categories')],
    });
    const comments = table('comments', [col('id', 'bigint'), col('post_id', 'bigint'), col('photo_id', 'bigint'), col('author_id', 'bigint'), col('body', 'text')], {
      constraints: [
        pk(['id']), cascadeTo(['post_id'], 'posts'), cascadeTo(['photo_id'], 'photos'),
        fk(['author_id'], 'users', ['id'], { references: { schema: 'public', table: 'users', columns: ['id'], onDelete: 'set null', onUpdate: 'no action', match: 'simple' } }),
        check('one_parent', 'CHECK (num_nonnulls(post_id, photo_id) = 1)', ['post_id', 'photo_id']),
      ],
    });
    expect(runRules(catalog({ tables: [posts, photos, users, categories, comments] }), [nullableOwningForeignKey])).toEqual([]);
  });
});

describe('cascade-into-protected-data', () => {
  const users = () => table('users', [col('id', 'bigint')], { constraints: [pk(['id'])] });

  it('fires high where a cascade chain enters financial records, showing the chain', () => {
    const orders = table('orders', [col('id', 'bigint'), col('user_id', 'bigint', { notNull: true }), col('total_cents', 'bigint')], {
      constraints: [pk(['id']), cascadeTo(['user_id'], 'users', 'orders_user_id_fkey')],
    });
    const payments = table('payments', [col('id', 'bigint'), col('order_id', 'bigint', { notNull: true }), col('amount', 'numeric(12,2)')], {
      constraints: [pk(['id']), cascadeTo(['order_id'], 'orders')],
    });
    const [f, ...rest] = runRules(catalog({ tables: [users(), orders, payments] }), [cascadeIntoProtectedData]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('high');
    expect(f?.objects[0]).toEqual({ kind: 'constraint', schema: 'public', table: 'orders', name: 'orders_user_id_fkey' });
    expect(f?.message).toContain('cascades users → orders');
    expect(f?.message).toContain('and with them payments');
    expect(f?.fix?.sql).toBe([
      'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey, ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    ].join('\n'));
  });

  it('follows the chain from a shim table and proposes SET NULL for audit logs', () => {
    const authUsers = table('users', [col('id', 'uuid')], { schema: 'auth', origin: 'shim', constraints: [pk(['id'])] });
    const profiles = table('profiles', [col('id', 'uuid')], { constraints: [pk(['id']), cascadeTo(['id'], 'users', 'profiles_id_fkey', 'auth')] });
    const audit = table('audit_logs', [col('id', 'bigint'), col('profile_id', 'uuid', { notNull: true }), col('action', 'text')], {
      constraints: [pk(['id']), cascadeTo(['profile_id'], 'profiles', 'audit_logs_profile_id_fkey')],
    });
    const [f] = runRules(catalog({ tables: [authUsers, profiles, audit] }), [cascadeIntoProtectedData]);
    expect(f?.severity).toBe('high');
    expect(f?.message).toContain('auth.users → profiles → audit_logs');
    expect(f?.fix?.sql).toContain('ALTER TABLE audit_logs ALTER COLUMN profile_id DROP NOT NULL;');
    expect(f?.fix?.sql).toContain('ON DELETE SET NULL NOT VALID');
  });

  it('is medium on name-only evidence', () => {
    const history = table('login_history', [col('id', 'bigint'), col('user_id', 'bigint')], { constraints: [pk(['id']), cascadeTo(['user_id'], 'users')] });
    const [f] = runRules(catalog({ tables: [users(), history] }), [cascadeIntoProtectedData]);
    expect(f?.severity).toBe('medium');
    expect(f?.message).toContain('(name only)');
  });

  it('does not fire on cascades into ordinary owned data or on RESTRICT into money', () => {
    const settings = table('user_settings', [col('user_id', 'bigint'), col('theme', 'text')], { constraints: [pk(['user_id']), cascadeTo(['user_id'], 'users')] });
    const products = table('products', [col('id', 'bigint'), col('vendor_id', 'bigint'), col('price', 'numeric(10,2)')], {
      constraints: [pk(['id']), cascadeTo(['vendor_id'], 'users')],
    });
    const invoices = table('invoices', [col('id', 'bigint'), col('user_id', 'bigint'), col('amount', 'numeric(12,2)')], {
      constraints: [pk(['id']), fk(['user_id'], 'users', ['id'], { references: { schema: 'public', table: 'users', columns: ['id'], onDelete: 'restrict', onUpdate: 'no action', match: 'simple' } })],
    });
    expect(runRules(catalog({ tables: [users(), settings, products, invoices] }), [cascadeIntoProtectedData])).toEqual([]);
  });
});
