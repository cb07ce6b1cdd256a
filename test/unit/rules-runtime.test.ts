import { describe, expect, it } from 'vitest';
import type { Catalog, Sequence, TableStats } from '../../src/catalog/model.js';
import { runRules } from '../../src/rules/run.js';
import sequenceExhaustion from '../../src/rules/runtime/sequence-exhaustion.js';
import tableBloat from '../../src/rules/runtime/table-bloat.js';
import { rules as runtimeRules } from '../../src/rules/runtime/index.js';
import { catalog, col, fk, pk, table } from '../support/build.js';

const live = (c: Catalog): Catalog => ({ ...c, live: true });

function seq(name: string, lastValue: string | null, extra: Partial<Sequence> = {}): Sequence {
  return {
    schema: 'public', name, dataType: 'integer', maxValue: '2147483647', increment: '1', ownedBy: null, lastValue,
    origin: 'user', provenance: {}, ...extra,
  };
}

function stats(live: number, dead: number): TableStats {
  return { rowEstimate: live, totalBytes: 0, tableBytes: 0, seqScans: 0, idxScans: 0, liveTuples: live, deadTuples: dead, lastAutovacuum: null };
}

describe('runtime registry', () => {
  it('registers both runtime rules as live-only', () => {
    expect(runtimeRules.map((r) => r.meta.id)).toEqual(['sequence-exhaustion', 'table-bloat']);
    expect(runtimeRules.every((r) => r.meta.liveOnly === true && r.meta.category === 'runtime')).toBe(true);
  });
});

describe('sequence-exhaustion', () => {
  const events = () => table('events', [col('id', 'integer', { default: "nextval('events_id_seq'::regclass)" })], { constraints: [pk(['id'])] });

  it('is high past 75% of an integer serial, and widens column, sequence and referencing columns', () => {
    const refs = table('event_tags', [col('id', 'bigint'), col('event_id', 'integer')], { constraints: [pk(['id']), fk(['event_id'], 'events')] });
    const c = live(catalog({
      tables: [events(), refs],
      sequences: [seq('events_id_seq', '1700000000', { ownedBy: { table: 'events', column: 'id' } })],
    }));
    const [f, ...rest] = runRules(c, [sequenceExhaustion]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('high');
    expect(f?.objects).toEqual([
      { kind: 'sequence', schema: 'public', name: 'events_id_seq' },
      { kind: 'column', schema: 'public', table: 'events', name: 'id' },
    ]);
    expect(f?.message).toContain('events_id_seq is at 1,700,000,000, 79.2%');
    expect(f?.message).toContain('`events.id`');
    expect(f?.fix?.sql).toBe([
      'ALTER TABLE events ALTER COLUMN id TYPE bigint;',
      'ALTER SEQUENCE events_id_seq AS bigint;',
      'ALTER TABLE event_tags ALTER COLUMN event_id TYPE bigint;',
    ].join('\n'));
  });

  it('counts an int4 column fed by a bigint sequence at int4\'s max (medium past 50%)', () => {
    const c = live(catalog({
      tables: [events()],
      sequences: [seq('events_id_seq', '1200000000', { dataType: 'bigint', maxValue: '9223372036854775807', ownedBy: { table: 'events', column: 'id' } })],
    }));
    const [f] = runRules(c, [sequenceExhaustion]);
    expect(f?.severity).toBe('medium');
    expect(f?.details).toMatchObject({ limit: '2147483647', limitedBy: { table: 'events', column: 'id' } });
    expect(f?.fix?.sql).toBe('ALTER TABLE events ALTER COLUMN id TYPE bigint;');
  });

  it('only alters the sequence when the columns are already bigint', () => {
    const t = table('logs', [col('id', 'bigint', { default: "nextval('logs_id_seq'::regclass)" })], { constraints: [pk(['id'])] });
    const c = live(catalog({ tables: [t], sequences: [seq('logs_id_seq', '2000000000', { ownedBy: { table: 'logs', column: 'id' } })] }));
    const [f] = runRules(c, [sequenceExhaustion]);
    expect(f?.fix?.sql).toBe('ALTER SEQUENCE logs_id_seq AS bigint NO MAXVALUE;');
    expect(f?.fix?.notes).toContain('Catalog-only');
  });

  it('does not fire below half, on bigint headroom, on unused or descending sequences, or without live stats', () => {
    const big = table('big', [col('id', 'bigint', { identity: 'always' })], { constraints: [pk(['id'])] });
    const c = catalog({
      tables: [events(), big],
      sequences: [
        seq('events_id_seq', '1000000000', { ownedBy: { table: 'events', column: 'id' } }),
        seq('big_id_seq', '3000000000', { dataType: 'bigint', maxValue: '9223372036854775807', ownedBy: { table: 'big', column: 'id' } }),
        seq('fresh_seq', null),
        seq('countdown_seq', '-5', { increment: '-1' }),
      ],
    });
    expect(runRules(live(c), [sequenceExhaustion])).toEqual([]);
    const nearlyFull = catalog({ tables: [events()], sequences: [seq('events_id_seq', '2100000000', { ownedBy: { table: 'events', column: 'id' } })] });
    expect(runRules(nearlyFull, [sequenceExhaustion])).toEqual([]);
  });
});

describe('table-bloat', () => {
  it('fires when dead rows exceed 20% and 10,000, with VACUUM and per-table autovacuum settings', () => {
    const t = table('sessions', [col('id', 'bigint')], { constraints: [pk(['id'])], stats: stats(60_000, 40_000) });
    const [f] = runRules(live(catalog({ tables: [t] })), [tableBloat]);
    expect(f?.severity).toBe('medium');
    expect(f?.objects).toEqual([{ kind: 'table', schema: 'public', name: 'sessions' }]);
    expect(f?.message).toContain('`sessions` has 40,000 dead rows against 60,000 live (40.0% dead)');
    expect(f?.fix?.sql).toContain('VACUUM (VERBOSE, ANALYZE) sessions;');
    expect(f?.fix?.sql).toContain('ALTER TABLE sessions SET (autovacuum_vacuum_scale_factor = 0.02');
    expect(f?.fix?.notes).toContain('VACUUM FULL');
    expect(f?.details).toMatchObject({ liveTuples: 60_000, deadTuples: 40_000 });
  });

  it('judges a partitioned table by the sum of its partitions and targets the bloated ones', () => {
    const parent = table('events', [col('id', 'bigint')], { kind: 'partitioned table' });
    const p1 = table('events_2024', [col('id', 'bigint')], { partitionOf: { schema: 'public', table: 'events', bound: '' }, stats: stats(10_000, 30_000) });
    const p2 = table('events_2025', [col('id', 'bigint')], { partitionOf: { schema: 'public', table: 'events', bound: '' }, stats: stats(50_000, 100) });
    const found = runRules(live(catalog({ tables: [parent, p1, p2] })), [tableBloat]);
    expect(found).toHaveLength(1);
    expect(found[0]?.objects[0]).toEqual({ kind: 'table', schema: 'public', name: 'events' });
    expect(found[0]?.fix?.sql).toContain('VACUUM (VERBOSE, ANALYZE) events_2024;');
    expect(found[0]?.fix?.sql).not.toContain('events_2025');
  });

  it('does not fire under the thresholds, under custom options, or without live stats', () => {
    const small = table('a', [col('id', 'bigint')], { stats: stats(1_000, 9_000) });
    const healthy = table('b', [col('id', 'bigint')], { stats: stats(1_000_000, 150_000) });
    expect(runRules(live(catalog({ tables: [small, healthy] })), [tableBloat])).toEqual([]);
    const bloated = table('c', [col('id', 'bigint')], { stats: stats(60_000, 40_000) });
    expect(runRules(catalog({ tables: [bloated] }), [tableBloat])).toEqual([]);
    const strict = { settings: { 'table-bloat': { level: undefined, options: { deadRatio: 0.5 } } } };
    expect(runRules(live(catalog({ tables: [bloated] })), [tableBloat], strict)).toEqual([]);
  });
});
