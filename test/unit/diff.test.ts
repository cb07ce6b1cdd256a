import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { diffCatalogs, likelyRenames, rollbackSql, verifyRollback } from '../../src/diff/index.js';
import type { CatalogChange } from '../../src/diff/index.js';
import { catalog, check, col, enumType, fk, fn, idx, pk, policy, table, trigger, unique, view } from '../support/build.js';

const lines = (changes: CatalogChange[]): string[] =>
  changes.map((c) => `${c.action} ${c.object.kind} ${c.object.table ? `${c.object.table}.` : ''}${c.object.name ?? ''}: ${c.detail}`);

const users = (extra: Parameters<typeof table>[2] = {}, cols = [col('id', 'bigint'), col('email', 'text')]): ReturnType<typeof table> =>
  table('users', cols, { constraints: [pk(['id'], 'users_pkey')], ...extra });

/** Both directions: what head adds, base drops. */
function both(base: Catalog, head: Catalog): { forward: string[]; backward: string[] } {
  return { forward: lines(diffCatalogs(base, head)), backward: lines(diffCatalogs(head, base)) };
}

describe('diffCatalogs', () => {
  it('identical catalogs have no changes', () => {
    const c = catalog({ tables: [users()] });
    expect(diffCatalogs(c, catalog({ tables: [users()] }))).toEqual([]);
  });

  it('tables created and dropped', () => {
    const { forward, backward } = both(catalog(), catalog({ tables: [users()] }));
    expect(forward).toEqual(['created table users: table created (2 columns, 1 constraint, 0 indexes)']);
    expect(backward).toEqual(['dropped table users: table dropped (2 columns, 1 constraint, 0 indexes) — its rows go with it']);
  });

  it('ignores objects that are not the user\'s (shim, extension, tool)', () => {
    const shim = table('users', [col('id', 'uuid')], { schema: 'auth', origin: 'shim' });
    const tool = table('_prisma_migrations', [col('id', 'text')], { origin: 'tool' });
    expect(diffCatalogs(catalog(), catalog({ tables: [shim, tool], functions: [fn('uuid_generate_v4', { origin: 'extension' })] }))).toEqual([]);
  });

  it('columns added, dropped and altered, with before → after', () => {
    const base = catalog({ tables: [users({}, [col('id', 'bigint'), col('email', 'character varying(50)'), col('legacy', 'text')])] });
    const head = catalog({ tables: [users({}, [
      col('id', 'bigint'), col('email', 'text', { notNull: true, default: "''::text" }), col('nickname', 'text', { notNull: true, default: "'x'::text" }),
    ])] });
    expect(lines(diffCatalogs(base, head))).toEqual([
      'altered column users.email: type character varying(50) → text',
      'altered column users.email: NOT NULL added',
      "altered column users.email: default none → ''::text",
      'dropped column users.legacy: column dropped (text) — its values go with it',
      "created column users.nickname: column added: text default 'x'::text NOT NULL",
    ]);
    expect(lines(diffCatalogs(head, base))).toContain('altered column users.email: NOT NULL dropped');
  });

  it('identity and generated changes', () => {
    const base = catalog({ tables: [users({}, [col('id', 'bigint'), col('total', 'integer')])] });
    const head = catalog({ tables: [users({}, [col('id', 'bigint', { identity: 'always' }), col('total', 'integer', { generated: 'id * 2' })])] });
    expect(lines(diffCatalogs(base, head))).toEqual([
      'altered column users.id: identity none → always',
      'altered column users.total: generated none → id * 2',
    ]);
  });

  it('RLS, forced RLS and comments on tables', () => {
    const { forward, backward } = both(catalog({ tables: [users()] }), catalog({ tables: [users({ rlsEnabled: true, rlsForced: true, comment: 'people' })] }));
    expect(forward).toEqual([
      'altered table users: row level security enabled',
      'altered table users: row level security forced',
      'altered table users: comment none → people',
    ]);
    expect(backward[0]).toBe('altered table users: row level security disabled');
  });

  it('constraints are equal by meaning: two generated names for one FK are a rename, not a drop + add', () => {
    const orders = (name: string): ReturnType<typeof table> => table('orders', [col('id', 'bigint'), col('user_id', 'bigint')], {
      constraints: [fk(['user_id'], 'users', ['id'], { name, definition: 'FOREIGN KEY (user_id) REFERENCES users(id)' })],
    });
    const base = catalog({ tables: [users(), orders('orders_user_id_fkey')] });
    const head = catalog({ tables: [users(), orders('fk_orders_users')] });
    expect(lines(diffCatalogs(base, head))).toEqual(['altered constraint orders.fk_orders_users: renamed orders_user_id_fkey → fk_orders_users']);
    expect(rollbackSql(base, head).sql).toContain('ALTER TABLE orders RENAME CONSTRAINT fk_orders_users TO orders_user_id_fkey;');
  });

  it('constraints with the same name but a different meaning are dropped and created', () => {
    const t = (def: string): ReturnType<typeof table> => users({ constraints: [pk(['id'], 'users_pkey'), check('users_email_check', def, ['email'])] });
    const { forward, backward } = both(catalog({ tables: [t("CHECK (email <> '')")] }), catalog({ tables: [t("CHECK (email ~ '@')")] }));
    expect(forward).toEqual([
      "dropped constraint users.users_email_check: check dropped: CHECK (email <> '')",
      "created constraint users.users_email_check: check added: CHECK (email ~ '@')",
    ]);
    expect(backward).toHaveLength(2);
  });

  it('NOT VALID is not a different constraint: validation is an alteration', () => {
    const t = (validated: boolean): ReturnType<typeof table> => users({
      constraints: [pk(['id'], 'users_pkey'), check('users_email_check', `CHECK (email <> '')${validated ? '' : ' NOT VALID'}`, ['email'])].map((c) => (c.type === 'check' ? { ...c, validated } : c)),
    });
    expect(lines(diffCatalogs(catalog({ tables: [t(false)] }), catalog({ tables: [t(true)] })))).toEqual(['altered constraint users.users_email_check: validated']);
  });

  it('indexes are equal by definition minus name; constraint-backed indexes go with their constraint', () => {
    const def = (name: string): string => `CREATE INDEX ${name} ON public.users USING btree (email)`;
    const base = catalog({ tables: [users({ indexes: [idx('users_email_idx', ['email'], { definition: def('users_email_idx') })] })] });
    const renamed = catalog({ tables: [users({ indexes: [idx('ix_users_email', ['email'], { definition: def('ix_users_email') })] })] });
    expect(lines(diffCatalogs(base, renamed))).toEqual(['altered index users.ix_users_email: renamed users_email_idx → ix_users_email']);
    const withUnique = catalog({ tables: [users({ constraints: [pk(['id'], 'users_pkey'), unique(['email'], 'users_email_key')] })] });
    expect(lines(diffCatalogs(catalog({ tables: [users()] }), withUnique))).toEqual([
      'created constraint users.users_email_key: unique added: UNIQUE (email)',
    ]);
    const { forward, backward } = both(catalog({ tables: [users()] }), base);
    expect(forward).toEqual(['created index users.users_email_idx: index created: CREATE INDEX users_email_idx ON public.users USING btree (email)']);
    expect(backward).toEqual(['dropped index users.users_email_idx: index dropped: CREATE INDEX users_email_idx ON public.users USING btree (email)']);
  });

  it('enum values added, removed and renamed', () => {
    const e = (values: string[]): Catalog => catalog({ enums: [enumType('status', values)] });
    expect(lines(diffCatalogs(e(['a', 'b']), e(['a', 'b', 'c'])))).toEqual(["altered enum status: value 'c' added"]);
    expect(lines(diffCatalogs(e(['a', 'b', 'c']), e(['a', 'b'])))).toEqual(["altered enum status: value 'c' removed"]);
    expect(lines(diffCatalogs(e(['a', 'b']), e(['a', 'x'])))).toEqual(["altered enum status: value 'b' renamed to 'x'"]);
    expect(lines(diffCatalogs(catalog(), e(['a'])))).toEqual(["created enum status: enum created ('a')"]);
    expect(lines(diffCatalogs(e(['a']), catalog()))).toEqual(["dropped enum status: enum dropped ('a')"]);
  });

  it('views: created, dropped, definition and options', () => {
    const v = (def: string, extra = {}): Catalog => catalog({ views: [view('active', { definition: def, ...extra })] });
    expect(both(catalog(), v('SELECT 1')).forward).toEqual(['created view active: view created']);
    expect(both(catalog(), v('SELECT 1')).backward).toEqual(['dropped view active: view dropped']);
    expect(lines(diffCatalogs(v(' SELECT 1;'), v('SELECT 2')))).toEqual(['altered view active: definition changed']);
    expect(lines(diffCatalogs(v('SELECT 1'), v('SELECT 1', { securityInvoker: true })))).toEqual([
      'altered view active: security_invoker false → true, security_barrier false → false',
    ]);
  });

  it('functions by identity arguments: overloads are separate, body/security/config changes are alterations', () => {
    const f1 = fn('total', { arguments: 'a integer', returns: 'integer', source: 'SELECT a' });
    const f2 = fn('total', { arguments: 'a bigint', returns: 'bigint', source: 'SELECT a' });
    expect(lines(diffCatalogs(catalog({ functions: [f1] }), catalog({ functions: [f1, f2] })))).toEqual([
      'created function total(a bigint): function created (returns bigint, plpgsql)',
    ]);
    const changed = { ...f1, source: 'SELECT a + 1', securityDefiner: true, config: ['search_path=public'] };
    expect(lines(diffCatalogs(catalog({ functions: [f1] }), catalog({ functions: [changed] })))).toEqual([
      'altered function total(a integer): body changed; SECURITY DEFINER added; config [] → [search_path=public]',
    ]);
    expect(lines(diffCatalogs(catalog({ functions: [f1] }), catalog()))).toEqual(['dropped function total(a integer): function dropped']);
  });

  it('triggers and policies both ways, and their alterations', () => {
    const tr = trigger('users_touch', 'users', 'touch', { definition: 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()' });
    const po = policy('users_self', 'users', { command: 'select', using: '(id = 1)' });
    const base = catalog({ tables: [users()] });
    const head = catalog({ tables: [users({ triggers: [tr], policies: [po] })] });
    const { forward, backward } = both(base, head);
    expect(forward).toEqual([
      'created trigger users.users_touch: trigger created: CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()',
      'created policy users.users_self: policy created: FOR SELECT TO public USING ((id = 1))',
    ]);
    expect(backward.map((l) => l.split(':')[0])).toEqual(['dropped trigger users.users_touch', 'dropped policy users.users_self']);
    const head2 = catalog({ tables: [users({ triggers: [{ ...tr, enabled: false }], policies: [{ ...po, roles: ['authenticated'] }] })] });
    expect(lines(diffCatalogs(head, head2))).toEqual([
      'altered trigger users.users_touch: disabled',
      'altered policy users.users_self: FOR SELECT TO public USING ((id = 1)) → FOR SELECT TO authenticated USING ((id = 1))',
    ]);
  });

  it('standalone sequences only: owned ones come and go with their column', () => {
    const seq = { schema: 'public', name: 'ticket_seq', dataType: 'bigint', maxValue: '9223372036854775807', increment: '1', ownedBy: null, lastValue: null, origin: 'user' as const, provenance: {} };
    const owned = { ...seq, name: 'users_id_seq', ownedBy: { table: 'users', column: 'id' } };
    expect(lines(diffCatalogs(catalog(), catalog({ sequences: [seq, owned] })))).toEqual(['created sequence ticket_seq: sequence created (bigint)']);
    expect(lines(diffCatalogs(catalog({ sequences: [seq] }), catalog({ sequences: [{ ...seq, increment: '10' }] })))).toEqual([
      'altered sequence ticket_seq: increment 1 → 10',
    ]);
  });

  it('schemas and extensions', () => {
    const head = catalog({
      schemas: [{ name: 'public', owner: 'postgres', comment: null, origin: 'user' }, { name: 'billing', owner: 'postgres', comment: null, origin: 'user' }],
      extensions: [{ name: 'citext', schema: 'public', version: '1.6' }],
    });
    expect(both(catalog(), head).forward).toEqual([
      'created schema billing: schema billing created',
      'created extension citext: extension citext 1.6 created',
    ]);
  });

  it('orders dependency-first and is deterministic whatever the input order', () => {
    const orders = table('orders', [col('id', 'bigint'), col('user_id', 'bigint')], { constraints: [pk(['id'], 'orders_pkey'), fk(['user_id'], 'users')] });
    const base = catalog({ tables: [users()] });
    const headA = catalog({
      tables: [orders, users({ policies: [policy('p', 'users')] })], enums: [enumType('status', ['a'])],
      views: [view('v')], functions: [fn('f')],
    });
    const headB = { ...headA, tables: [...headA.tables].reverse() };
    const kinds = diffCatalogs(base, headA).map((c) => c.object.kind);
    expect(kinds).toEqual(['enum', 'table', 'view', 'function', 'policy']);
    expect(diffCatalogs(base, headB)).toEqual(diffCatalogs(base, headA));
  });
});

describe('likelyRenames', () => {
  it('pairs one dropped and one created column of the same type; confident when the position is kept', () => {
    const base = catalog({ tables: [users({}, [col('id', 'bigint'), col('email', 'text'), col('age', 'integer')])] });
    const head = catalog({ tables: [users({}, [col('id', 'bigint'), col('email_address', 'text', { position: 2 }), col('age', 'integer')])] });
    expect(likelyRenames(diffCatalogs(base, head), base, head)).toEqual([
      { kind: 'column', schema: 'public', table: 'users', from: 'email', to: 'email_address', type: 'text', confident: true },
    ]);
  });

  it('does not pair columns of different types, or when two candidates make it a guess', () => {
    const base = catalog({ tables: [users({}, [col('id', 'bigint'), col('a', 'text'), col('b', 'text')])] });
    const head = catalog({ tables: [users({}, [col('id', 'bigint'), col('c', 'text'), col('d', 'integer')])] });
    expect(likelyRenames(diffCatalogs(base, head), base, head)).toEqual([]);
  });
});

describe('rollbackSql', () => {
  it('drops what head added in dependency order: policies, triggers, views, FKs, indexes, tables, columns', () => {
    const base = catalog({ tables: [users()] });
    const orders = table('orders', [col('id', 'bigint'), col('user_id', 'bigint')], {
      constraints: [pk(['id'], 'orders_pkey'), fk(['user_id'], 'users', ['id'], { definition: 'FOREIGN KEY (user_id) REFERENCES users(id)' })],
    });
    const head = catalog({
      tables: [orders, users({
        policies: [policy('p', 'users')],
        triggers: [trigger('t', 'users', 'f', { definition: 'CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()' })],
        indexes: [idx('users_email_idx', ['email'], { definition: 'CREATE INDEX users_email_idx ON public.users USING btree (email)' })],
      }, [col('id', 'bigint'), col('email', 'text'), col('nickname', 'text')])],
      views: [view('v', { definition: 'SELECT 1' })],
      functions: [fn('f', { source: 'BEGIN RETURN NEW; END' })],
    });
    const plan = rollbackSql(base, head);
    expect(plan.steps.map((s) => s.sql)).toEqual([
      'DROP POLICY p ON users;',
      'DROP TRIGGER t ON users;',
      'DROP VIEW v;',
      'DROP INDEX CONCURRENTLY users_email_idx;',
      'DROP TABLE orders;',
      'ALTER TABLE users DROP COLUMN nickname;',
      'DROP FUNCTION f();',
    ]);
    expect(plan.irreversible).toEqual([
      'orders: dropping orders loses every row written to it since the change',
      'users.nickname: dropping users.nickname loses every value written to it since the change',
    ]);
    expect(plan.sql).toContain('-- IRREVERSIBLE: dropping orders loses every row');
  });

  it('re-creates what head dropped from base\'s definitions, FKs after every table', () => {
    const parent = users();
    const child = table('orders', [col('id', 'bigint'), col('user_id', 'bigint', { notNull: true })], {
      constraints: [pk(['id'], 'orders_pkey'), fk(['user_id'], 'users', ['id'], { name: 'orders_user_id_fkey', definition: 'FOREIGN KEY (user_id) REFERENCES users(id)' })],
      comment: 'an order',
    });
    const base = catalog({ tables: [child, parent] });
    const plan = rollbackSql(base, catalog());
    const sql = plan.steps.map((s) => s.sql);
    // Parents before the tables that reference them, though both FKs wait until every table exists.
    expect(sql[0]).toMatch(/^CREATE TABLE users \(/);
    expect(sql[1]).toMatch(/^CREATE TABLE orders \(\n  id bigint NOT NULL,\n  user_id bigint NOT NULL,\n  CONSTRAINT orders_pkey PRIMARY KEY \(id\)\n\);$/);
    expect(sql[2]).toBe('ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id);');
    expect(sql[3]).toBe("COMMENT ON TABLE orders IS 'an order';");
    expect(plan.steps[1]?.irreversible).toBe(true);
  });

  it('reverses column alterations with USING when no assignment cast exists, and marks narrowing', () => {
    const base = catalog({ tables: [users({}, [col('id', 'bigint'), col('zip', 'text'), col('code', 'character varying(10)')])] });
    const head = catalog({ tables: [users({}, [col('id', 'bigint'), col('zip', 'integer'), col('code', 'character varying(40)', { notNull: true })])] });
    const plan = rollbackSql(base, head);
    expect(plan.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE users ALTER COLUMN code TYPE character varying(10);\nALTER TABLE users ALTER COLUMN code DROP NOT NULL;',
      'ALTER TABLE users ALTER COLUMN zip TYPE text USING zip::text;',
    ]);
    expect(plan.steps[0]?.irreversible).toBe(true);
    expect(plan.steps[1]?.irreversible).toBe(false);
  });

  it('says there is nothing to roll back when the catalogs agree', () => {
    const c = catalog({ tables: [users()] });
    expect(rollbackSql(c, c).steps).toEqual([]);
    expect(verifyRollback(c, c)).toEqual([]);
  });
});
