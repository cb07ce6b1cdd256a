import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import type { Rule } from '../../src/rules/types.js';
import { rules as structureRules } from '../../src/rules/structure/index.js';
import { rules as docsRules } from '../../src/rules/docs/index.js';
import catchAllJsonb from '../../src/rules/structure/catch-all-jsonb.js';
import idArrayInsteadOfJunction from '../../src/rules/structure/id-array-instead-of-junction.js';
import isolatedTable from '../../src/rules/structure/isolated-table.js';
import repeatingColumnGroup from '../../src/rules/structure/repeating-column-group.js';
import ruleDefined from '../../src/rules/structure/rule-defined.js';
import tableInheritance from '../../src/rules/structure/table-inheritance.js';
import unloggedTable from '../../src/rules/structure/unlogged-table.js';
import missingComment from '../../src/rules/docs/missing-comment.js';
import { catalog, check, col, fk, pk, table } from '../support/build.js';
import { catalogFromSql, closeEngines } from '../support/engine.js';

afterAll(closeEngines);

function run(c: Catalog, rule: Rule, enable = false) {
  return runRules(c, [rule], enable ? { settings: { [rule.meta.id]: { level: rule.meta.severity, options: {} } } } : {});
}

const id = () => col('id', 'bigint');
const keyed = (name: string, columns: ReturnType<typeof col>[], extra: Parameters<typeof table>[2] = {}) =>
  table(name, [id(), ...columns], { ...extra, constraints: [pk(['id'], `${name}_pkey`), ...(extra.constraints ?? [])] });

describe('structure and docs registries', () => {
  it('register the contract ids with real titles', () => {
    expect(structureRules.map((r) => r.meta.id)).toEqual([
      'catch-all-jsonb', 'id-array-instead-of-junction', 'isolated-table', 'repeating-column-group', 'rule-defined', 'table-inheritance', 'unlogged-table',
    ]);
    expect(docsRules.map((r) => r.meta.id)).toEqual(['missing-comment']);
    for (const r of [...structureRules, ...docsRules]) expect(r.meta.title).not.toBe('TODO');
    expect(isolatedTable.meta.enabledByDefault).toBe(false);
    expect(missingComment.meta.enabledByDefault).toBe(false);
  });
});

describe('table-inheritance', () => {
  const parent = keyed('measurements', [col('sensor', 'text')]);
  const child = (name: string, extra: Parameters<typeof table>[2] = {}) =>
    table(name, [id(), col('sensor', 'text')], { inherits: [{ schema: 'public', table: 'measurements' }], ...extra });

  it('reports the parent once, listing its children and the keys they lack', () => {
    const f = run(catalog({ tables: [parent, child('measurements_2023'), child('measurements_2024')] }), tableInheritance);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'measurements' }]);
    expect(f[0]?.message).toContain('`measurements` is an INHERITS parent of `measurements_2023` and `measurements_2024`');
    expect(f[0]?.message).toContain('PRIMARY KEY (id) does not apply to `measurements_2023` and `measurements_2024`');
    expect(f[0]?.details).toMatchObject({ children: ['measurements_2023', 'measurements_2024'] });
    expect(f[0]?.fix?.sql).toContain('-- ALTER TABLE measurements_2023 NO INHERIT measurements;');
  });

  it('is medium when a foreign key references the parent: child rows cannot be referenced', () => {
    const readings = keyed('alerts', [col('measurement_id', 'bigint')], { constraints: [fk(['measurement_id'], 'measurements')] });
    const f = run(catalog({ tables: [parent, child('measurements_2024', { constraints: [pk(['id'], 'm24_pkey')] }), readings] }), tableInheritance);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`alerts.measurement_id → measurements.id` references `measurements`, but a foreign key only sees rows stored in the parent itself');
    // The child declared its own key: that one is not reported as lost.
    expect(f[0]?.message).not.toContain('PRIMARY KEY (id) does not apply');
  });

  it('does not report declarative partitions or shim tables', () => {
    const c = catalog({
      tables: [
        table('events', [id()], { kind: 'partitioned table', partitionKey: 'RANGE (id)' }),
        table('events_1', [id()], { partitionOf: { schema: 'public', table: 'events', bound: 'FOR VALUES FROM (1) TO (100)' } }),
        table('users', [id()], { schema: 'auth', origin: 'shim' }),
        table('users_x', [id()], { schema: 'auth', origin: 'shim', inherits: [{ schema: 'auth', table: 'users' }] }),
      ],
    });
    expect(run(c, tableInheritance)).toEqual([]);
  });
});

describe('rule-defined', () => {
  it('reports a table with rules, keeping the DROP commented until a trigger replaces it', () => {
    const f = run(catalog({ tables: [keyed('audit_events', [], { rules: ['no_delete', 'no_update'] })] }), ruleDefined);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`audit_events` has 2 rewrite rules: `no_delete` and `no_update`');
    expect(f[0]?.message).toContain('COPY bypasses the rule');
    expect(f[0]?.fix?.sql).toContain('-- DROP RULE no_delete ON audit_events;');
    expect(f[0]?.fix?.sql).toContain("FROM pg_rules WHERE schemaname = 'public' AND tablename = 'audit_events'");
    expect(f[0]?.fix?.sql.split('\n').every((l) => l.startsWith('--'))).toBe(true);
  });

  it('stays quiet on tables without rules', () => {
    expect(run(catalog({ tables: [keyed('audit_events', [])] }), ruleDefined)).toEqual([]);
  });
});

describe('unlogged-table', () => {
  it('is medium on a table whose name says nothing about disposable data', () => {
    const f = run(catalog({ tables: [keyed('payments', [col('amount_cents', 'bigint')], { persistence: 'unlogged' })] }), unloggedTable);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`payments` is UNLOGGED');
    expect(f[0]?.message).toContain('Nothing in its name says the data can be rebuilt');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE payments SET LOGGED;');
    expect(f[0]?.fix?.notes).toContain('ACCESS EXCLUSIVE');
  });

  it('is low when the name says cache, session or staging, and quotes the evidence', () => {
    const f = run(catalog({ tables: [keyed('page_cache', [], { persistence: 'unlogged' }), keyed('import_staging', [], { persistence: 'unlogged' })] }), unloggedTable);
    expect(f.map((x) => x.severity)).toEqual(['low', 'low']);
    expect(f.find((x) => x.objects[0]?.name === 'page_cache')?.message).toContain('"cache"; disposable names: cache, caches');
  });

  it('reports a partitioned table through its unlogged partitions, and not permanent tables', () => {
    const c = catalog({
      tables: [
        table('metrics', [id()], { kind: 'partitioned table' }),
        table('metrics_2024', [id()], { persistence: 'unlogged', partitionOf: { schema: 'public', table: 'metrics', bound: '' } }),
        keyed('orders', []),
      ],
    });
    const f = run(c, unloggedTable);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects[0]?.name).toBe('metrics');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE metrics_2024 SET LOGGED;');
  });
});

describe('repeating-column-group', () => {
  it('reports numbered columns with a child table that follows the conventions', () => {
    const f = run(catalog({ tables: [keyed('contacts', [col('name', 'text'), col('phone1', 'text'), col('phone2', 'text'), col('phone3', 'text')])] }), repeatingColumnGroup);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['phone1', 'phone2', 'phone3']);
    expect(f[0]?.message).toContain('a repeating group capped at 3');
    expect(f[0]?.fix?.sql).toContain('CREATE TABLE contact_phones (\n  contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,');
    expect(f[0]?.fix?.sql).toContain('(VALUES (1, o.phone1), (2, o.phone2), (3, o.phone3)) AS v(position, phone)');
    expect(f[0]?.fix?.sql).toContain('-- ALTER TABLE contacts DROP COLUMN phone1, DROP COLUMN phone2, DROP COLUMN phone3;');
  });

  it('makes the child of an UNLOGGED owner UNLOGGED, and says the drop is a second step', () => {
    const phones = [col('phone1', 'text'), col('phone2', 'text'), col('phone3', 'text')];
    const unlogged = run(catalog({ tables: [keyed('contacts', phones, { persistence: 'unlogged' })] }), repeatingColumnGroup)[0];
    expect(unlogged?.fix?.sql.startsWith('CREATE UNLOGGED TABLE contact_phones (')).toBe(true);
    expect(unlogged?.fix?.notes).toContain('contact_phones is UNLOGGED because contacts is');
    const permanent = run(catalog({ tables: [keyed('contacts', phones)] }), repeatingColumnGroup)[0];
    expect(permanent?.fix?.sql).not.toContain('UNLOGGED');
    expect(permanent?.fix?.notes).toContain('This is the first of two steps: `phone1`, `phone2` and `phone3` stay');
  });

  it('counts the unnumbered first member, and two are enough for things without a natural maximum', () => {
    const f = run(catalog({ tables: [keyed('users', [col('email', 'text'), col('email2', 'text')])] }), repeatingColumnGroup);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects.map((o) => o.name)).toEqual(['email', 'email2']);
    expect(f[0]?.message).toContain('two are enough when the thing has no natural maximum');
    expect(f[0]?.fix?.sql).toContain('CREATE TABLE user_emails');
  });

  it('groups several numbered fields into one child table', () => {
    const cols = [1, 2, 3].flatMap((n) => [col(`image${n}_url`, 'text'), col(`image${n}_alt`, 'text')]);
    const f = run(catalog({ tables: [keyed('products', cols)] }), repeatingColumnGroup);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects).toHaveLength(6);
    expect(f[0]?.fix?.sql).toContain('CREATE TABLE product_images');
    expect(f[0]?.fix?.sql).toContain('(1, o.image1_url, o.image1_alt)');
  });

  it('leaves address lines, coordinates, versions, hashes, percentiles and bounded pairs alone', () => {
    const c = catalog({
      tables: [keyed('things', [
        col('address_line_1', 'text'), col('address_line_2', 'text'), col('address_line_3', 'text'), col('street1', 'text'), col('street2', 'text'),
        col('x1', 'integer'), col('y1', 'integer'), col('x2', 'integer'), col('y2', 'integer'), col('v1', 'text'), col('v2', 'text'), col('v3', 'text'),
        col('sha1', 'text'), col('sha256', 'text'), col('p50', 'real'), col('p90', 'real'), col('p99', 'real'),
        col('team1_id', 'bigint'), col('team2_id', 'bigint'), col('ipv4', 'inet'), col('ipv6', 'inet'),
      ])],
    });
    expect(run(c, repeatingColumnGroup)).toEqual([]);
    // `line1`…`line3` are postal lines in an address table, but invoice lines elsewhere.
    const postal = keyed('customers', [col('line1', 'text'), col('line2', 'text'), col('line3', 'text'), col('city', 'text')]);
    const invoice = keyed('invoices', [col('line1_amount', 'bigint'), col('line2_amount', 'bigint'), col('line3_amount', 'bigint')]);
    expect(run(catalog({ tables: [postal, invoice] }), repeatingColumnGroup).map((f) => f.objects[0]?.table)).toEqual(['invoices']);
  });
});

describe('id-array-instead-of-junction', () => {
  const tags = keyed('tags', [col('name', 'text')]);

  it('is medium when a table named after the prefix exists, with a junction table and a drift count', () => {
    const f = run(catalog({ tables: [tags, keyed('posts', [col('title', 'text'), col('tag_ids', 'bigint[]')])] }), idArrayInsteadOfJunction);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('`posts.tag_ids` (bigint[]) stores a list of ids in an array, and they point at `tags.id` (bigint)');
    expect(f[0]?.fix?.sql).toContain('CREATE TABLE post_tags (\n  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n  tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,');
    expect(f[0]?.fix?.sql).toContain('CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);');
    expect(f[0]?.fix?.notes).toContain('WHERE NOT EXISTS (SELECT 1 FROM tags AS x WHERE x.id = u.id)');
  });

  it('finds the table behind a qualified prefix and follows camelCase conventions', () => {
    const c = catalog({
      tables: [
        table('User', [col('id', 'uuid'), col('displayName', 'text')], { constraints: [pk(['id'])] }),
        table('Task', [col('id', 'uuid'), col('assignedUserIds', 'uuid[]'), col('createdAt', 'timestamp(3) without time zone')], { constraints: [pk(['id'], 'Task_pkey')] }),
      ],
    });
    const f = run(c, idArrayInsteadOfJunction);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('they point at `User.id` (uuid)');
    expect(f[0]?.fix?.sql).toContain('CREATE TABLE "TaskAssignedUser" (');
    expect(f[0]?.fix?.sql).toContain('"taskId" uuid NOT NULL REFERENCES "Task" (id)');
  });

  it('is low on a name-only reading: no matching table, or a key of another type', () => {
    const c = catalog({ tables: [tags, keyed('teams', [col('member_ids', 'uuid[]'), col('tag_ids', 'text[]')])] });
    const f = run(c, idArrayInsteadOfJunction);
    expect(f.map((x) => [x.objects[0]?.name, x.severity])).toEqual([['member_ids', 'low'], ['tag_ids', 'low']]);
    expect(f[0]?.message).toContain('no table here matches `member`, so this is a name-only reading');
    expect(f[0]?.fix?.sql).toContain('add REFERENCES <table> (<key>) when these ids name rows of a table');
  });

  it('makes the junction UNLOGGED when the owner or the referenced table is, and only then', () => {
    const unloggedOwner = run(catalog({ tables: [tags, keyed('carts', [col('tag_ids', 'bigint[]')], { persistence: 'unlogged' })] }), idArrayInsteadOfJunction)[0];
    expect(unloggedOwner?.fix?.sql.startsWith('CREATE UNLOGGED TABLE cart_tags (')).toBe(true);
    expect(unloggedOwner?.fix?.notes).toContain('cart_tags is UNLOGGED because carts is');
    const unloggedTarget = run(catalog({ tables: [keyed('tags', [], { persistence: 'unlogged' }), keyed('posts', [col('tag_ids', 'bigint[]')])] }), idArrayInsteadOfJunction)[0];
    expect(unloggedTarget?.fix?.sql.startsWith('CREATE UNLOGGED TABLE post_tags (')).toBe(true);
    const permanent = run(catalog({ tables: [tags, keyed('posts', [col('tag_ids', 'bigint[]')])] }), idArrayInsteadOfJunction)[0];
    expect(permanent?.fix?.sql.startsWith('CREATE TABLE post_tags (')).toBe(true);
    expect(permanent?.fix?.sql).not.toContain('UNLOGGED');
    // The array stays until the application has moved: its drop is the second step, left in comments.
    expect(permanent?.fix?.sql).toContain('\n-- ALTER TABLE posts DROP COLUMN tag_ids;');
    expect(permanent?.fix?.notes).toContain('This is the first of two steps');
  });

  it('ignores arrays that are not lists of ids', () => {
    const c = catalog({ tables: [tags, keyed('posts', [col('scores', 'integer[]'), col('tags', 'text[]'), col('ids', 'bigint[]'), col('tag_ids', 'jsonb')])] });
    expect(run(c, idArrayInsteadOfJunction)).toEqual([]);
  });
});

describe('catch-all-jsonb', () => {
  it('is low when the bag carries the entity', () => {
    const f = run(catalog({ tables: [keyed('products', [col('data', 'jsonb'), col('created_at', 'timestamp with time zone')])] }), catchAllJsonb);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('`products.data` is a jsonb column with a name that says nothing about its contents');
    expect(f[0]?.message).toContain('has no plain columns of its own, so the entity itself lives in the JSON');
    expect(f[0]?.fix?.sql).toContain("jsonb_object_keys(data) AS k WHERE jsonb_typeof(data) = 'object'");
  });

  it('is info for a generic side bag on a table with real columns', () => {
    const c = catalog({ tables: [keyed('products', [col('name', 'text'), col('sku', 'text'), col('price_cents', 'bigint'), col('extraData', 'json')])] });
    const f = run(c, catchAllJsonb);
    expect(f.map((x) => [x.objects[0]?.name, x.severity])).toEqual([['extraData', 'info']]);
    expect(f[0]?.fix?.sql).toContain('json_object_keys("extraData")');
  });

  it('judges metadata and payload only on thin tables, and never on event tables or checked bags', () => {
    const c = catalog({
      tables: [
        keyed('customers', [col('name', 'text'), col('email', 'text'), col('phone', 'text'), col('metadata', 'jsonb')]),
        keyed('widgets', [col('metadata', 'jsonb')]),
        keyed('webhook_events', [col('payload', 'jsonb'), col('data', 'jsonb')]),
        keyed('forms', [col('data', 'jsonb')]),
        keyed('devices', [col('attributes', 'jsonb')], { constraints: [check('devices_attributes_shape', "CHECK ((jsonb_typeof(attributes) = 'object'::text))")] }),
        keyed('products', [col('specifications', 'jsonb')]),
      ],
    });
    const f = run(c, catchAllJsonb);
    expect(f.map((x) => `${x.objects[0]?.table}.${x.objects[0]?.name}`)).toEqual(['widgets.metadata']);
    expect(f[0]?.severity).toBe('low');
  });
});

describe('isolated-table', () => {
  const schema = (...extra: ReturnType<typeof table>[]) => catalog({
    tables: [keyed('users', []), keyed('orders', [col('user_id', 'bigint')], { constraints: [fk(['user_id'], 'users')] }), ...extra],
  });

  it('is off by default', () => {
    expect(run(schema(keyed('saved_reports', [col('owner_id', 'bigint')])), isolatedTable)).toEqual([]);
  });

  it('reports a table with no foreign key in or out, naming the reference-like columns', () => {
    const f = run(schema(keyed('saved_reports', [col('owner_id', 'bigint')])), isolatedTable, true);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('info');
    expect(f[0]?.message).toContain('`saved_reports` has no foreign key in or out, while 2 of the schema\'s 3 tables are linked by them');
    expect(f[0]?.message).toContain('Its `owner_id` looks like a reference that only the application knows about');
  });

  it('treats a self-reference as isolated and skips standalone tables by name', () => {
    const tree = keyed('folders', [col('parent_id', 'bigint')], { constraints: [fk(['parent_id'], 'folders')] });
    const f = run(schema(tree, keyed('countries', []), keyed('app_settings', []), keyed('job_queue', [])), isolatedTable, true);
    expect(f.map((x) => x.objects[0]?.name)).toEqual(['folders']);
  });

  it('reports once for the schema when no table declares a foreign key, and not at all below three tables', () => {
    const none = catalog({ tables: [keyed('users', []), keyed('orders', [col('user_id', 'bigint')]), keyed('items', [])] });
    const f = run(none, isolatedTable, true);
    expect(f).toHaveLength(1);
    expect(f[0]?.objects).toEqual([{ kind: 'schema', name: 'public' }]);
    expect(f[0]?.message).toContain('None of the 3 tables declares a foreign key');
    expect(f[0]?.message).toContain('`orders.user_id`');
    expect(run(catalog({ tables: [keyed('users', []), keyed('notes', [])] }), isolatedTable, true)).toEqual([]);
  });
});

describe('missing-comment', () => {
  it('is off by default', () => {
    expect(run(catalog({ tables: [keyed('subscriptions', [col('status', 'text')])] }), missingComment)).toEqual([]);
  });

  it('reports an uncommented table with templates for the table and its non-obvious columns', () => {
    const t = keyed('subscriptions', [col('team_id', 'bigint'), col('status', 'text'), col('seats', 'integer'), col('created_at', 'timestamp with time zone')], {
      constraints: [fk(['team_id'], 'teams')],
    });
    const f = run(catalog({ tables: [t] }), missingComment, true);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('info');
    expect(f[0]?.message).toContain('Table `subscriptions` has no COMMENT, nor do 2 of its columns `status` and `seats`');
    expect(f[0]?.fix?.sql).toBe([
      "COMMENT ON TABLE subscriptions IS 'TODO: what one row of subscriptions is, who writes it, how long it is kept';",
      "COMMENT ON COLUMN subscriptions.status IS 'TODO: meaning, unit and allowed values of status';",
      "COMMENT ON COLUMN subscriptions.seats IS 'TODO: meaning, unit and allowed values of seats';",
    ].join('\n'));
  });

  it('reports the undocumented columns of a commented table in one finding, and nothing when all is documented', () => {
    const documented = keyed('plans', [col('code', 'text', { comment: 'Stable plan code' })], { comment: 'Plans on sale' });
    const partly = keyed('teams', [col('name', 'text', { comment: 'Display name' }), col('seat_limit', 'integer'), col('updatedAt', 'timestamp with time zone')], { comment: 'A customer' });
    const f = run(catalog({ tables: [documented, partly] }), missingComment, true);
    expect(f).toHaveLength(1);
    expect(f[0]?.title).toBe('Columns without a COMMENT on a documented table');
    expect(f[0]?.objects.map((o) => `${o.kind}:${o.name}`)).toEqual(['table:teams', 'column:seat_limit']);
    expect(f[0]?.fix?.sql).toBe("COMMENT ON COLUMN teams.seat_limit IS 'TODO: meaning, unit and allowed values of seat_limit';");
  });
});

describe('structure fixes apply to real PostgreSQL', () => {
  it('moves a repeating group and an id array into child tables that Postgres accepts, backfill included', async () => {
    const sql = [
      'CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);',
      'CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text, tag_ids bigint[] NOT NULL DEFAULT \'{}\', image1_url text, image2_url text, image3_url text);',
      "INSERT INTO tags (name) VALUES ('a'), ('b');",
      "INSERT INTO posts (title, tag_ids, image1_url, image3_url) VALUES ('p', '{1,2,99}', 'x.png', 'z.png');",
    ].join('\n');
    const found = runRules(await catalogFromSql(sql), [repeatingColumnGroup, idArrayInsteadOfJunction]);
    expect(found.map((f) => f.rule).sort()).toEqual(['id-array-instead-of-junction', 'repeating-column-group']);
    const after = await catalogFromSql(`${sql}\n${found.map((f) => f.fix?.sql ?? '').join('\n')}`);
    const junction = after.tables.find((t) => t.name === 'post_tags');
    const images = after.tables.find((t) => t.name === 'post_images');
    expect(junction?.constraints.filter((c) => c.type === 'foreign key').map((c) => c.references?.table).sort()).toEqual(['posts', 'tags']);
    expect(images?.columns.map((c) => c.name)).toEqual(['post_id', 'position', 'url']);
  });

  it('reads inheritance, rules and UNLOGGED from a real catalog', async () => {
    const c = await catalogFromSql([
      'CREATE TABLE measurements (id bigint PRIMARY KEY, v numeric);',
      'CREATE TABLE measurements_2024 () INHERITS (measurements);',
      'CREATE UNLOGGED TABLE session_cache (k text PRIMARY KEY, v jsonb);',
      'CREATE RULE measurements_no_delete AS ON DELETE TO measurements DO INSTEAD NOTHING;',
    ].join('\n'));
    expect(run(c, tableInheritance).map((f) => f.objects[0]?.name)).toEqual(['measurements']);
    expect(run(c, ruleDefined).map((f) => f.details)).toEqual([{ rules: ['measurements_no_delete'] }]);
    expect(run(c, unloggedTable).map((f) => [f.objects[0]?.name, f.severity])).toEqual([['session_cache', 'low']]);
  });
});
