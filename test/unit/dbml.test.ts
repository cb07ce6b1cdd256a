import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { loadFileSource } from '../../src/sources/index.js';
import type { LoadedSource } from '../../src/sources/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = 'test/fixtures/dbml/ticketing.dbml';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-dbml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** Loads DBML text from a scratch file shown as `schema<N>.dbml`. */
async function load(text: string): Promise<LoadedSource> {
  const file = `schema${++n}.dbml`;
  writeFileSync(join(tmp, file), text);
  return loadFileSource(file, { cwd: tmp });
}

async function loadError(text: string): Promise<SchemasageError> {
  try {
    await load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemasageError);
    return e as SchemasageError;
  }
  throw new Error('expected the DBML to be rejected');
}

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found`);
  return i + 1;
}

describe('DBML sources', () => {
  it('places every generated statement at the DBML element it came from', async () => {
    const src = await loadFileSource(FIXTURE, { cwd: root });
    const dbml = src.files[0]?.text ?? '';
    expect(src.kind).toBe('dbml');
    expect(src.files.map((f) => f.path)).toEqual([FIXTURE]);
    const at = (prefix: string) => src.statements.find((s) => s.sql.startsWith(prefix));
    expect(at('CREATE TABLE "ticket_types"')).toMatchObject({ file: FIXTURE, line: lineOf(dbml, 'Table ticket_types {'), column: 1 });
    expect(at('CREATE TYPE "billing"."payment_status"')).toMatchObject({ line: lineOf(dbml, 'Enum billing.payment_status {') });
    expect(at('CREATE INDEX "events_organization_starts_idx"')).toMatchObject({ line: lineOf(dbml, "[name: 'events_organization_starts_idx']"), column: 5 });
    expect(at('ALTER TABLE "venues" ADD CONSTRAINT "venue_organization"')).toMatchObject({ line: lineOf(dbml, 'Ref venue_organization:') });
    expect(at('ALTER TABLE "orders" ADD FOREIGN KEY ("coupon_id")')).toMatchObject({ line: lineOf(dbml, 'Ref: orders.coupon_id > coupons.id') });
    // An inline ref points at its `ref:` inside the field's settings.
    const inline = lineOf(dbml, 'buyer_id bigint [not null, ref: > users.id]');
    expect(at('ALTER TABLE "orders" ADD FOREIGN KEY ("buyer_id")')).toMatchObject({ line: inline, column: (dbml.split('\n')[inline - 1] ?? '').indexOf('ref:') + 1 });
    expect(at('COMMENT ON COLUMN "venues"."country"')).toMatchObject({ line: lineOf(dbml, "country char(2) [not null, note: 'ISO 3166-1 alpha-2']") });
    // Every FK is DEFERRABLE INITIALLY IMMEDIATE: that is @dbml/core's export, kept as is.
    expect(src.statements.filter((s) => s.sql.includes('FOREIGN KEY')).every((s) => s.sql.endsWith('DEFERRABLE INITIALLY IMMEDIATE'))).toBe(true);
  });

  it('maps tables, columns, keys and indexes to their DBML lines', async () => {
    const src = await loadFileSource(FIXTURE, { cwd: root });
    const dbml = src.files[0]?.text ?? '';
    const loc = (needle: string, column = 1) => ({ file: FIXTURE, line: lineOf(dbml, needle), column });
    const events = src.locations?.tables['public.events'];
    expect(events?.location).toEqual(loc('Table events {'));
    expect(events?.columns['starts_at']).toEqual({ location: loc('starts_at timestamptz [not null]', 3), name: 'starts_at' });
    // Columns a TablePartial injects point at the partial, where the user wrote them.
    expect(events?.columns['created_at']?.location).toEqual(loc('created_at timestamptz [not null, default: `now()`]', 3));
    expect(events?.constraints?.['events_ends_after_start']).toEqual(loc("`ends_at > starts_at` [name: 'events_ends_after_start']", 5));
    expect(events?.constraints?.['events_pkey']?.line).toBe(lineOf(dbml, 'Table events {') + 1);
    expect(events?.constraints?.['events_venue_id_fkey']?.line).toBe(lineOf(dbml, 'venue_id bigint [ref: > venues.id]'));
    expect(events?.indexes?.['events_status_idx']).toEqual(loc('    status', 5));
    const members = src.locations?.tables['public.organization_members'];
    expect(members?.constraints?.['organization_members_pkey']).toEqual(loc('(organization_id, user_id) [pk]', 5));
    expect(src.locations?.tables['billing.payments']?.indexes?.['payments_provider_reference_key']?.line).toBe(lineOf(dbml, "payments_provider_reference_key']"));
    expect(src.locations?.tables['public.coupons']?.indexes?.['coupons_event_id_code_idx']?.line).toBe(lineOf(dbml, '(event_id, code) [unique]'));
  });

  it('exports a many-to-many Ref as a junction table located at the Ref, and leaves Records data out', async () => {
    const src = await loadFileSource(FIXTURE, { cwd: root });
    const dbml = src.files[0]?.text ?? '';
    const refLine = lineOf(dbml, 'Ref: events.id <> tags.id');
    expect(src.locations?.tables['public.events_tags']).toMatchObject({ location: { line: refLine }, columns: { events_id: { location: { line: refLine } } } });
    expect(src.notes).toContainEqual({ kind: 'info', message: 'the many-to-many Ref between events and tags is exported as the junction table events_tags', location: { file: FIXTURE, line: refLine, column: 1 } });
    expect(src.statements.some((s) => /^(INSERT|BEGIN|COMMIT|SET CONSTRAINTS)/.test(s.sql))).toBe(false);
    expect(src.notes.map((m) => m.message)).toContain(`skipped the sample rows of ${FIXTURE}'s Records blocks (1 INSERT): data is not part of a design review`);
  });

  it('says which side of a one-to-one Ref gets the foreign key', async () => {
    const src = await load('Table users {\n  id int [pk]\n}\nTable profiles {\n  id int [pk]\n  user_id int [unique]\n}\nRef: profiles.user_id - users.id\n');
    const fk = src.statements.find((s) => s.sql.includes('FOREIGN KEY'));
    expect(fk?.sql).toMatch(/^ALTER TABLE "users" ADD FOREIGN KEY \("id"\) REFERENCES "profiles" \("user_id"\)/);
    expect(src.notes).toContainEqual(expect.objectContaining({
      message: 'the one-to-one Ref profiles.user_id - users.id is exported as a foreign key on users.id referencing profiles; swap the two sides if the key belongs on the other table',
      location: expect.objectContaining({ line: 8 }),
    }));
  });

  it('notes a Project that declares another database type', async () => {
    const src = await load("Project p {\n  database_type: 'MySQL'\n}\nTable a {\n  id int [pk]\n}\n");
    expect(src.notes.map((m) => m.message)).toContainEqual(expect.stringMatching(/declares database_type 'MySQL'; its DDL was exported for PostgreSQL/));
  });

  it('does not note a PostgreSQL project, a plain ref or a file without records', async () => {
    const src = await load("Project p {\n  database_type: 'PostgreSQL'\n}\nTable a {\n  id int [pk]\n}\nTable b {\n  a_id int [ref: > a.id]\n}\n");
    expect(src.notes).toEqual([]);
  });
});

describe('bad DBML', () => {
  it('reports a syntax error at the DBML line and column', async () => {
    const e = await loadError('Table orders {\n  id int [pk\n}\n');
    expect(e.location).toEqual({ file: expect.stringMatching(/^schema\d+\.dbml$/), line: 3, column: 1 });
    expect(e.format()).toMatch(/^schema\d+\.dbml:3:1: Expect an identifier/);
  });

  it('reports a reference to a table the file does not define, with the count of further problems', async () => {
    const e = await loadError('Table a {\n  id int [pk]\n  b_id int [ref: > b.id]\n  c_id int [ref: > c.id]\n}\n');
    expect(e.location).toMatchObject({ line: 3 });
    expect(e.message).toMatch(/^Table 'b' does not exist in Schema 'public' \(and 1 more problem\)$/);
  });

  it('names the table when a backtick expression breaks the generated SQL', async () => {
    const e = await loadError('Table a {\n  id int [pk]\n}\n\nTable events {\n  id int [pk]\n  at timestamptz [default: `now(`]\n}\n');
    expect(e.message).toMatch(/^syntax error at or near ";" in the SQL @dbml\/core generated for table events/);
    expect(e.location).toMatchObject({ line: 5, column: 1 });
    expect(e.hint).toContain('"at" timestamptz DEFAULT (now()');
  });

  it('rejects a file without tables', async () => {
    const e = await loadError('Enum status {\n  on\n  off\n}\n');
    expect(e.message).toMatch(/defines no tables$/);
  });
});
