import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/rules/run.js';
import type { Rule } from '../../src/rules/types.js';
import { rules } from '../../src/rules/types/index.js';
import charN from '../../src/rules/types/char-n.js';
import inconsistentColumnType from '../../src/rules/types/inconsistent-column-type.js';
import jsonOverJsonb from '../../src/rules/types/json-over-jsonb.js';
import moneyAsFloat from '../../src/rules/types/money-as-float.js';
import moneyType from '../../src/rules/types/money-type.js';
import networkAddressAsText, { networkTarget } from '../../src/rules/types/network-address-as-text.js';
import phoneOrPostalAsNumber from '../../src/rules/types/phone-or-postal-as-number.js';
import temporalAsText, { temporalTarget } from '../../src/rules/types/temporal-as-text.js';
import timestampWithoutTimeZone from '../../src/rules/types/timestamp-without-time-zone.js';
import timestampZeroPrecision from '../../src/rules/types/timestamp-zero-precision.js';
import timetz from '../../src/rules/types/timetz.js';
import varcharN from '../../src/rules/types/varchar-n.js';
import { catalog, check, col, fk, idx, pk, policy, table, view } from '../support/build.js';
import type { Catalog } from '../../src/catalog/model.js';

function run(c: Catalog, rule: Rule, enable = false) {
  return runRules(c, [rule], enable ? { settings: { [rule.meta.id]: { level: rule.meta.severity, options: {} } } } : {});
}

describe('types registry', () => {
  it('registers exactly the contract ids, sorted', () => {
    const ids = rules.map((r) => r.meta.id);
    expect(ids).toEqual([
      'char-n', 'inconsistent-column-type', 'json-over-jsonb', 'money-as-float', 'money-type', 'network-address-as-text',
      'phone-or-postal-as-number', 'temporal-as-text', 'timestamp-without-time-zone', 'timestamp-zero-precision', 'timetz',
      'varchar-n',
    ]);
    for (const r of rules) expect(r.meta.category).toBe('types');
  });
});

describe('timestamp-without-time-zone', () => {
  it('fires on a timestamp column with a UTC conversion fix that says it rewrites', () => {
    const c = catalog({ tables: [table('events', [col('id', 'bigint'), col('created_at', 'timestamp without time zone'), col('seen_at', 'timestamp without time zone')], { constraints: [pk(['id'])] })] });
    const f = run(c, timestampWithoutTimeZone);
    expect(f).toHaveLength(2);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'events', name: 'created_at' });
    expect(f[0]?.message).toContain('events.created_at');
    expect(f[0]?.fix?.sql).toBe("ALTER TABLE events ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';");
    expect(f[0]?.fix?.notes).toMatch(/ACCESS EXCLUSIVE/);
    expect(f[0]?.fix?.notes).toMatch(/TimeZone is UTC/);
    expect(f[0]?.fix?.notes).toContain('seen_at');
  });

  it('keeps the precision and quotes identifiers', () => {
    const c = catalog({ tables: [table('Order', [col('placed at', 'timestamp(3) without time zone')], { schema: 'sales' })] });
    const f = run(c, timestampWithoutTimeZone);
    expect(f[0]?.fix?.sql).toBe(`ALTER TABLE sales."Order" ALTER COLUMN "placed at" TYPE timestamptz(3) USING "placed at" AT TIME ZONE 'UTC';`);
  });

  it('does not fire on timestamptz, on shim tables or on partitions', () => {
    const c = catalog({
      tables: [
        table('events', [col('created_at', 'timestamp with time zone')]),
        table('users', [col('created_at', 'timestamp without time zone')], { schema: 'auth', origin: 'shim' }),
        table('m_2024', [col('at', 'timestamp without time zone')], { partitionOf: { schema: 'public', table: 'm', bound: '' } }),
      ],
    });
    expect(run(c, timestampWithoutTimeZone)).toEqual([]);
  });
});

describe('json-over-jsonb', () => {
  it('fires on json with a jsonb cast', () => {
    const f = run(catalog({ tables: [table('webhooks', [col('payload', 'json')])] }), jsonOverJsonb);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('webhooks.payload');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE webhooks ALTER COLUMN payload TYPE jsonb USING payload::jsonb;');
  });
  it('does not fire on jsonb', () => {
    expect(run(catalog({ tables: [table('webhooks', [col('payload', 'jsonb')])] }), jsonOverJsonb)).toEqual([]);
  });
});

describe('money-type', () => {
  it('fires on money and converts to numeric', () => {
    const f = run(catalog({ tables: [table('invoices', [col('total', 'money')])] }), moneyType);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toMatch(/lc_monetary/);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE invoices ALTER COLUMN total TYPE numeric(12,2) USING total::numeric;');
  });
  it('does not fire on numeric amounts', () => {
    expect(run(catalog({ tables: [table('invoices', [col('total', 'numeric(12,2)')])] }), moneyType)).toEqual([]);
  });
});

describe('temporal-as-text: leading temporal words', () => {
  it('reads date_of_birth as a date and time_of_arrival as a timestamp, but not date_format or time_zone', () => {
    expect(temporalTarget('date_of_birth')?.type).toBe('date');
    expect(temporalTarget('time_of_arrival')?.type).toBe('timestamptz');
    expect(temporalTarget('date_format')).toBeNull();
    expect(temporalTarget('time_zone')).toBeNull();
  });
});

describe('money-as-float', () => {
  it('treats pay rates (hourly_rate, day_rate) as money but not tax_rate or discount_percent', () => {
    const t = table('employees', [col('hourly_rate', 'double precision'), col('day_rate', 'real'), col('tax_rate', 'double precision'), col('discount_percent', 'double precision')]);
    expect(run(catalog({ tables: [t] }), moneyAsFloat).map((f) => f.objects[0]?.name)).toEqual(['day_rate', 'hourly_rate']);
  });

  it('is medium on a name-only match and says so', () => {
    const f = run(catalog({ tables: [table('widgets', [col('price', 'double precision')])] }), moneyAsFloat);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('widgets.price');
    expect(f[0]?.message).toMatch(/name-only heuristic/);
    expect(f[0]?.message).toMatch(/monetary names: price, amount/);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE widgets ALTER COLUMN price TYPE numeric(12,2) USING round(price::numeric, 2);');
  });

  it('is high when a sibling currency column confirms it', () => {
    const f = run(catalog({ tables: [table('line_items', [col('amount', 'real'), col('currency', 'character(3)')])] }), moneyAsFloat);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.message).toContain('sibling `currency` column');
  });

  it('is high in a money table and follows an integer-cents convention', () => {
    const c = catalog({
      tables: [
        table('payments', [col('id', 'bigint'), col('fee', 'double precision')], { constraints: [pk(['id'])] }),
        table('orders', [col('id', 'bigint'), col('total_cents', 'bigint')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, moneyAsFloat);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('high');
    expect(f[0]?.message).toContain('orders.total_cents');
    expect(f[0]?.fix?.sql).toContain('TYPE bigint USING (round(fee::numeric, 2) * 100)::bigint');
    expect(f[0]?.fix?.sql).toContain('RENAME COLUMN fee TO fee_cents');
  });

  it('is high when a CHECK constrains the column', () => {
    const t = table('x', [col('balance', 'double precision')], { constraints: [check('x_balance_check', 'CHECK ((balance >= (0)::double precision))', ['balance'])] });
    expect(run(catalog({ tables: [t] }), moneyAsFloat)[0]?.severity).toBe('high');
  });

  it('does not fire on rates, ratios, numeric money or non-money floats', () => {
    const c = catalog({
      tables: [table('payments', [
        col('tax_rate', 'double precision'), col('discount_percent', 'real'), col('amount', 'numeric(12,2)'),
        col('total_distance', 'double precision'), col('latitude', 'double precision'),
      ])],
    });
    expect(run(c, moneyAsFloat)).toEqual([]);
  });
});

describe('char-n', () => {
  it('fires on character(n) and proposes text plus a NOT VALID length check', () => {
    const f = run(catalog({ tables: [table('countries', [col('code', 'character(2)'), col('label', 'character(40)')])] }), charN);
    expect(f).toHaveLength(2);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('countries.code');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE countries ALTER COLUMN code TYPE text;');
    expect(f[0]?.fix?.sql).toContain('CHECK (char_length(code) = 2) NOT VALID');
    expect(f[0]?.fix?.sql).toContain('VALIDATE CONSTRAINT countries_code_length');
    expect(f[1]?.fix?.sql).toContain('char_length(label) <= 40');
  });
  it('does not fire on varchar or text', () => {
    expect(run(catalog({ tables: [table('countries', [col('code', 'character varying(2)'), col('name', 'text')])] }), charN)).toEqual([]);
  });
});

describe('varchar-n', () => {
  it('is off by default', () => {
    expect(varcharN.meta.enabledByDefault).toBe(false);
    expect(run(catalog({ tables: [table('users', [col('email', 'character varying(255)')])] }), varcharN)).toEqual([]);
  });
  it('fires when enabled, as info, and says the change does not rewrite', () => {
    const f = run(catalog({ tables: [table('users', [col('email', 'character varying(255)')])] }), varcharN, true);
    expect(f[0]?.severity).toBe('info');
    expect(f[0]?.message).toContain('users.email');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE users ALTER COLUMN email TYPE text;');
    expect(f[0]?.fix?.sql).toContain('CHECK (char_length(email) <= 255) NOT VALID');
    expect(f[0]?.fix?.notes).toMatch(/no table rewrite/);
  });
  it('does not fire on unbounded varchar when enabled', () => {
    expect(run(catalog({ tables: [table('users', [col('email', 'character varying')])] }), varcharN, true)).toEqual([]);
  });
});

describe('timetz', () => {
  it('fires and adds a zone column when there is none', () => {
    const f = run(catalog({ tables: [table('shops', [col('opens', 'time with time zone')])] }), timetz);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('shops.opens');
    expect(f[0]?.fix?.sql).toContain('ADD COLUMN time_zone text');
    expect(f[0]?.fix?.sql).toContain('ALTER TABLE shops ALTER COLUMN opens TYPE time USING opens::time;');
  });
  it('reuses an existing zone column and ignores plain time', () => {
    const f = run(catalog({ tables: [table('shops', [col('opens', 'time with time zone'), col('closes', 'time without time zone'), col('timezone', 'text')])] }), timetz);
    expect(f).toHaveLength(1);
    expect(f[0]?.fix?.sql).not.toContain('ADD COLUMN');
  });
});

describe('timestamp-zero-precision', () => {
  it('fires on timestamptz(0) and keeps the zone', () => {
    const f = run(catalog({ tables: [table('orders', [col('placed_at', 'timestamp(0) with time zone')])] }), timestampZeroPrecision);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toMatch(/0\.5 s in the future/);
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;');
  });
  it('does not fire on default or millisecond precision', () => {
    const c = catalog({ tables: [table('orders', [col('a', 'timestamp with time zone'), col('b', 'timestamp(3) with time zone')])] });
    expect(run(c, timestampZeroPrecision)).toEqual([]);
  });
});

describe('temporal-as-text', () => {
  it('maps names to temporal types', () => {
    expect(temporalTarget('created_at')?.type).toBe('timestamptz');
    expect(temporalTarget('shippedOn')?.type).toBe('date');
    expect(temporalTarget('birthday')?.type).toBe('date');
    expect(temporalTarget('start_time')?.type).toBe('time');
    expect(temporalTarget('prep_time')?.type).toBe('interval');
    expect(temporalTarget('based_on')).toBeNull();
    expect(temporalTarget('depends_on')).toBeNull();
    expect(temporalTarget('time_zone')).toBeNull();
    expect(temporalTarget('update_channel')).toBeNull();
    expect(temporalTarget('date_format')).toBeNull();
  });
  it('fires on a text date with the evidence and a cast pre-check', () => {
    const all = run(catalog({ tables: [table('users', [col('signup_date', 'text'), col('last_login_at', 'character varying(30)')])] }), temporalAsText);
    expect(all).toHaveLength(2);
    const f = all.find((x) => x.objects[0]?.name === 'signup_date');
    expect(f?.severity).toBe('medium');
    expect(f?.message).toContain('users.signup_date');
    expect(f?.message).toContain('_date');
    expect(f?.fix?.sql).toContain("TYPE date USING nullif(btrim(signup_date::text), '')::date");
    expect(f?.fix?.notes).toContain('pg_input_is_valid');
    expect(all.find((x) => x.objects[0]?.name === 'last_login_at')?.fix?.sql).toContain('TYPE timestamptz');
  });
  it('uses a DO block pre-check before PostgreSQL 16', () => {
    const c = catalog({ engine: { kind: 'postgres', serverVersion: '15.4', serverVersionNum: 150004 }, tables: [table('u', [col('dob', 'text')])] });
    expect(run(c, temporalAsText)[0]?.fix?.notes).toContain('DO $$');
  });
  it('does not fire on real dates or look-alike names', () => {
    const c = catalog({ tables: [table('tasks', [col('due_at', 'timestamp with time zone'), col('depends_on', 'text'), col('time_zone', 'text'), col('format', 'text')])] });
    expect(run(c, temporalAsText)).toEqual([]);
  });
});

describe('phone-or-postal-as-number', () => {
  it('fires on phone and zip stored as numbers', () => {
    const f = run(catalog({ tables: [table('customers', [col('phone_number', 'bigint'), col('zip_code', 'integer')])] }), phoneOrPostalAsNumber);
    expect(f).toHaveLength(2);
    expect(f[0]?.severity).toBe('medium');
    expect(f[0]?.message).toContain('customers.phone_number');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE customers ALTER COLUMN phone_number TYPE text USING phone_number::text;');
    expect(f[1]?.details.kind).toBe('postal-code');
    expect(f[1]?.fix?.notes).toContain("lpad(zip_code::text, 5, '0')");
  });
  it('does not fire on counts, ids or text phones', () => {
    const c = catalog({ tables: [table('customers', [col('phone_count', 'integer'), col('zip_id', 'bigint'), col('phone', 'text'), col('mobile_app_version', 'integer')])] });
    expect(run(c, phoneOrPostalAsNumber)).toEqual([]);
  });
});

describe('network-address-as-text', () => {
  it('maps names', () => {
    expect(networkTarget('ip_address')).toBe('inet');
    expect(networkTarget('remoteAddr')).toBe('inet');
    expect(networkTarget('allowed_subnet')).toBe('cidr');
    expect(networkTarget('ip_country')).toBeNull();
    expect(networkTarget('shipping_address')).toBeNull();
  });
  it('fires on a text IP with an inet cast', () => {
    const f = run(catalog({ tables: [table('logins', [col('client_ip', 'character varying(45)')])] }), networkAddressAsText);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('logins.client_ip');
    expect(f[0]?.fix?.sql).toBe("ALTER TABLE logins ALTER COLUMN client_ip TYPE inet USING nullif(btrim(client_ip::text), '')::inet;");
  });
  it('does not fire on inet or non-address names', () => {
    expect(run(catalog({ tables: [table('logins', [col('ip', 'inet'), col('ip_country', 'text')])] }), networkAddressAsText)).toEqual([]);
  });
});

describe('inconsistent-column-type', () => {
  const users = table('users', [col('id', 'bigint'), col('email', 'text')], { constraints: [pk(['id'])] });

  it('lists the variants of user_id and aligns them on the referenced key', () => {
    const c = catalog({
      tables: [
        users,
        table('orders', [col('id', 'bigint'), col('user_id', 'integer')], { constraints: [pk(['id'])] }),
        table('payments', [col('id', 'bigint'), col('user_id', 'bigint')], { constraints: [pk(['id']), fk(['user_id'], 'users')] }),
        table('carts', [col('id', 'bigint'), col('user_id', 'integer')], { constraints: [pk(['id'])] }),
      ],
    });
    const f = run(c, inconsistentColumnType);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.message).toContain('`user_id` has 2 types across 3 tables');
    expect(f[0]?.message).toContain('users.id');
    expect(f[0]?.objects[0]).toEqual({ kind: 'column', schema: 'public', table: 'orders', name: 'user_id' });
    expect(f[0]?.fix?.sql).toBe(
      'ALTER TABLE orders ALTER COLUMN user_id TYPE bigint USING user_id::bigint;\nALTER TABLE carts ALTER COLUMN user_id TYPE bigint USING user_id::bigint;',
    );
  });

  it('compares email varchar(255) with text and prefers the common type', () => {
    const c = catalog({
      tables: [users, table('invites', [col('email', 'character varying(255)')]), table('leads', [col('email', 'text')])],
    });
    const f = run(c, inconsistentColumnType);
    expect(f).toHaveLength(1);
    expect(f[0]?.details.suggestedType).toBe('text');
    expect(f[0]?.fix?.sql).toBe('ALTER TABLE invites ALTER COLUMN email TYPE text USING email::text;');
  });

  it('does not fire on id, per-table enums, names pointing at different tables, or consistent types', () => {
    const c = catalog({
      tables: [
        table('a', [col('id', 'integer'), col('status', 'order_status'), col('owner_id', 'uuid'), col('created_at', 'timestamp with time zone')], { constraints: [fk(['owner_id'], 'users', ['id'], {}, 'auth')] }),
        table('b', [col('id', 'bigint'), col('status', 'payment_status'), col('owner_id', 'bigint'), col('created_at', 'timestamp with time zone')], { constraints: [fk(['owner_id'], 'teams')] }),
      ],
    });
    expect(run(c, inconsistentColumnType)).toEqual([]);
  });
});

describe('type rules and views', () => {
  it('warns in the notes when a view reads the table', () => {
    const c = catalog({
      tables: [table('webhooks', [col('payload', 'json')])],
      views: [view('recent_webhooks', { definition: ' SELECT payload\n   FROM webhooks;' })],
    });
    expect(run(c, jsonOverJsonb)[0]?.fix?.notes).toContain('recent_webhooks');
  });
});

describe('type changes under views', () => {
  const events = () => table('events', [
    col('id', 'bigint'), col('name', 'text'), col('starts_at', 'timestamp without time zone'), col('ends_at', 'timestamp without time zone'),
    col('note_at', 'timestamp without time zone'),
  ], { constraints: [pk(['id'])] });
  const upcoming = view('upcoming_events', {
    definition: ' SELECT id,\n    name,\n    starts_at\n   FROM events\n  WHERE starts_at > now();',
    securityInvoker: true, comment: "The calendar's list",
  });

  it('drops the views that read the column and recreates them after the ALTER, options, comment and exact grants included', () => {
    const c = catalog({
      tables: [events()],
      views: [upcoming],
      grants: [
        { schema: 'public', table: 'upcoming_events', grantee: 'app_reader', privileges: ['SELECT'] },
        { schema: 'public', table: 'events', grantee: 'app_writer', privileges: ['INSERT', 'SELECT'] },
      ],
    });
    const f = run(c, timestampWithoutTimeZone).find((x) => x.details.column === 'starts_at');
    expect(f?.fix?.sql).toBe([
      'DROP VIEW upcoming_events;',
      "ALTER TABLE events ALTER COLUMN starts_at TYPE timestamptz USING starts_at AT TIME ZONE 'UTC';",
      'CREATE VIEW upcoming_events WITH (security_invoker = true) AS\nSELECT id,\n    name,\n    starts_at\n   FROM events\n  WHERE starts_at > now();',
      "COMMENT ON VIEW upcoming_events IS 'The calendar''s list';",
      // Default privileges would give the new view to app_writer: the old one had nothing for it.
      'REVOKE ALL ON upcoming_events FROM app_reader, app_writer;',
      'GRANT SELECT ON upcoming_events TO app_reader;',
    ].join('\n'));
    expect(f?.fix?.notes).toContain('drops upcoming_events first and recreates it after');
  });

  it('leaves views alone when they read the table but not the column, or name a same-named table of another schema', () => {
    const c = catalog({
      tables: [events(), table('events', [col('id', 'bigint'), col('note_at', 'text')], { schema: 'archive' })],
      views: [upcoming, view('archived', { definition: ' SELECT note_at\n   FROM archive.events;' })],
    });
    const f = run(c, timestampWithoutTimeZone).find((x) => x.details.column === 'note_at');
    expect(f?.fix?.sql).toBe("ALTER TABLE events ALTER COLUMN note_at TYPE timestamptz USING note_at AT TIME ZONE 'UTC';");
    expect(f?.fix?.notes).not.toContain('drops');
    const plain = run(catalog({ tables: [events()] }), timestampWithoutTimeZone);
    for (const x of plain) expect(x.fix?.sql).not.toMatch(/VIEW/);
  });

  it('changes the columns views read in one ALTER TABLE, so every such finding carries the same SQL', () => {
    const both = view('event_spans', { definition: ' SELECT id,\n    ends_at - starts_at AS span\n   FROM events;' });
    const f = run(catalog({ tables: [events()], views: [both] }), timestampWithoutTimeZone);
    const starts = f.find((x) => x.details.column === 'starts_at');
    const ends = f.find((x) => x.details.column === 'ends_at');
    expect(starts?.fix?.sql).toBe(ends?.fix?.sql);
    expect(starts?.fix?.sql).toContain(
      "ALTER TABLE events ALTER COLUMN starts_at TYPE timestamptz USING starts_at AT TIME ZONE 'UTC',\n  ALTER COLUMN ends_at TYPE timestamptz USING ends_at AT TIME ZONE 'UTC';",
    );
    expect(starts?.fix?.sql.match(/DROP VIEW/g)).toHaveLength(1);
    // note_at is read by no view: its own single ALTER.
    expect(f.find((x) => x.details.column === 'note_at')?.fix?.sql).not.toContain('starts_at');
  });

  it('drops views built on those views first, recreates them last, and rebuilds a materialized view with its indexes', () => {
    const next = view('next_event', { definition: ' SELECT id,\n    name\n   FROM upcoming_events\n LIMIT 1;' });
    const days = view('event_days', {
      materialized: true,
      definition: " SELECT date_trunc('day'::text, starts_at) AS day,\n    count(*) AS n\n   FROM events\n  GROUP BY (date_trunc('day'::text, starts_at));",
      indexes: [idx('event_days_day_key', ['day'], { unique: true, table: 'event_days', definition: 'CREATE UNIQUE INDEX event_days_day_key ON public.event_days USING btree (day)' })],
    });
    const sql = run(catalog({ tables: [events()], views: [next, days, upcoming] }), timestampWithoutTimeZone)
      .find((x) => x.details.column === 'starts_at')?.fix?.sql ?? '';
    const order = (s: string) => sql.indexOf(s);
    expect(order('DROP VIEW next_event;')).toBeLessThan(order('DROP VIEW upcoming_events;'));
    expect(order('DROP MATERIALIZED VIEW event_days;')).toBeGreaterThanOrEqual(0);
    expect(order('CREATE VIEW upcoming_events')).toBeLessThan(order('CREATE VIEW next_event'));
    expect(order('CREATE MATERIALIZED VIEW event_days AS')).toBeLessThan(order('CREATE UNIQUE INDEX event_days_day_key ON public.event_days'));
    expect(order('ALTER TABLE events')).toBeLessThan(order('CREATE MATERIALIZED VIEW'));
  });

  it('drops and recreates the policies that use the column, on the table or through a subquery, and no others', () => {
    const ev = events();
    ev.rlsEnabled = true;
    ev.policies = [
      policy('future_only', 'events', { command: 'select', roles: ['app_reader'], using: '(starts_at > now())' }),
      policy('named', 'events', { command: 'update', using: "(name <> ''::text)" }),
    ];
    const tickets = table('tickets', [col('id', 'bigint'), col('event_id', 'bigint')], { constraints: [pk(['id'])] });
    tickets.policies = [
      policy('open_events', 'tickets', { permissive: false, using: '(EXISTS ( SELECT 1\n   FROM events e\n  WHERE ((e.id = tickets.event_id) AND (e.starts_at > now()))))' }),
    ];
    const sql = run(catalog({ tables: [ev, tickets] }), timestampWithoutTimeZone).find((x) => x.details.column === 'starts_at')?.fix?.sql ?? '';
    expect(sql.split('\n').slice(0, 3)).toEqual(['DROP POLICY future_only ON events;', 'DROP POLICY open_events ON tickets;',
      "ALTER TABLE events ALTER COLUMN starts_at TYPE timestamptz USING starts_at AT TIME ZONE 'UTC';"]);
    expect(sql).toContain('CREATE POLICY future_only ON events FOR SELECT TO app_reader USING ((starts_at > now()));');
    expect(sql).toContain('CREATE POLICY open_events ON tickets AS RESTRICTIVE USING ((EXISTS');
    expect(sql).not.toContain('named');
  });

  it('puts a CHECK after the recreated views (char-n), and recreates views for every table inconsistent-column-type changes', () => {
    const grades = table('grades', [col('id', 'bigint'), col('letter', 'character(2)')], { constraints: [pk(['id'])] });
    const book = view('gradebook', { definition: ' SELECT id,\n    letter\n   FROM grades;' });
    const sql = run(catalog({ tables: [grades], views: [book] }), charN)[0]?.fix?.sql ?? '';
    expect(sql.indexOf('CREATE VIEW gradebook')).toBeLessThan(sql.indexOf('ADD CONSTRAINT grades_letter_length CHECK'));
    expect(sql.startsWith('DROP VIEW gradebook;\nALTER TABLE grades ALTER COLUMN letter TYPE text;')).toBe(true);

    const users = table('users', [col('id', 'bigint')], { constraints: [pk(['id'])] });
    const orders = table('orders', [col('id', 'bigint'), col('user_id', 'integer')], { constraints: [pk(['id']), fk(['user_id'], 'users')] });
    const carts = table('carts', [col('id', 'bigint'), col('user_id', 'integer')], { constraints: [pk(['id'])] });
    const mine = view('my_orders', { definition: ' SELECT id\n   FROM orders\n  WHERE user_id = 1;' });
    const fix = run(catalog({ tables: [users, orders, carts], views: [mine] }), inconsistentColumnType)[0]?.fix;
    expect(fix?.sql).toBe([
      'DROP VIEW my_orders;',
      'ALTER TABLE orders ALTER COLUMN user_id TYPE bigint USING user_id::bigint;',
      'ALTER TABLE carts ALTER COLUMN user_id TYPE bigint USING user_id::bigint;',
      'CREATE VIEW my_orders AS\nSELECT id\n   FROM orders\n  WHERE user_id = 1;',
    ].join('\n'));
  });
});
