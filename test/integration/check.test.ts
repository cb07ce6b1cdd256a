/**
 * `check`: each planted drift is reported with the right kind and fix SQL, constraints that differ
 * only by name are equal, and applying the fix SQL to the actual schema removes the drift.
 */
import { describe, expect, it } from 'vitest';
import { describeRef } from '../../src/catalog/helpers.js';
import { checkSources } from '../../src/diff/check.js';
import { checkDrift } from '../../src/diff/drift.js';
import { catalogFromSql } from '../support/engine.js';
import { readFileSync } from 'node:fs';

const entries = async () => (await checkSources('test/fixtures/check/actual.sql', 'test/fixtures/check/expected.sql', { cache: false })).result.drift ?? [];
const line = (d: { kind: string; objects: Array<Parameters<typeof describeRef>[0]> }) => `${d.kind} ${d.objects.map(describeRef).join(' → ')}`;

describe('schemasage check', () => {
  it('reports each planted drift with its kind', async () => {
    const drift = (await entries()).map(line);
    expect(drift).toEqual(expect.arrayContaining([
      'missing-table coupons',
      'extra-table import_batches',
      'likely-rename customers.full_name → customers.name',
      'type-mismatch orders.total_cents',
      'nullability-mismatch orders.placed_at',
      'extra-column orders.legacy_ref',
      'missing-index orders_customer_id_idx',
      'extra-enum-value order_status',
    ]));
    expect(drift.some((d) => d.startsWith('missing-constraint orders.') && d.includes('check'))).toBe(true);
  });

  it('treats constraints that differ only by generated name as equal', async () => {
    const drift = (await entries()).map(line);
    expect(drift.filter((d) => d.includes('customers_email') || d.includes('orders_customer_fk') || d.includes('orders_customer_id_fkey'))).toEqual([]);
  });

  it('gives SQL that brings actual to expected: applying it leaves no drift', async () => {
    const drift = await entries();
    const fix = drift.map((d) => d.fix?.sql ?? '').filter(Boolean).join('\n').replace(/CONCURRENTLY /g, '');
    const actualSql = readFileSync('test/fixtures/check/actual.sql', 'utf8');
    const fixed = await catalogFromSql(`${actualSql}\n${fix}`);
    const expected = await catalogFromSql(readFileSync('test/fixtures/check/expected.sql', 'utf8'));
    const left = checkDrift(fixed, expected).map(line);
    // An enum value cannot be removed in place; everything else converges.
    expect(left.filter((d) => !d.startsWith('extra-enum-value'))).toEqual([]);
  });

  it('reports nothing when the two agree, even with different constraint names', async () => {
    const a = await catalogFromSql('CREATE TABLE t (id int PRIMARY KEY, e text UNIQUE, CHECK (id > 0));');
    const b = await catalogFromSql('CREATE TABLE t (id int CONSTRAINT my_pk PRIMARY KEY, e text CONSTRAINT my_uq UNIQUE, CONSTRAINT my_ck CHECK (id > 0));');
    expect(checkDrift(a, b)).toEqual([]);
  });
});
