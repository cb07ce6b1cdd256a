import type { Catalog, Column, Sequence, Table } from '../../catalog/model.js';
import { columnRef, qualify } from '../../catalog/helpers.js';
import type { ObjectRef, Severity } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  INTEGER_MAX, columnLabel, integerKind, integerSqlName, nextvalTarget, sequenceIntegerKind, sequenceOwner, widenToBigintSql, formatCount } from '../keys/shared.js';
import { lookup, tableKey } from '../keys/lookup.js';

type Fed = { table: Table; column: Column };

/** For every sequence, the columns it feeds: its owner, and columns whose default calls nextval() on it. */
function fedColumns(catalog: Catalog): Map<Sequence, Fed[]> {
  const map = new Map<Sequence, Fed[]>();
  const add = (seq: Sequence, f: Fed) => {
    const list = map.get(seq) ?? [];
    if (!list.some((x) => x.table === f.table && x.column === f.column)) list.push(f);
    map.set(seq, list);
  };
  for (const seq of catalog.sequences) {
    const owner = sequenceOwner(catalog, seq);
    if (owner && owner.table.partitionOf === null) add(seq, owner);
  }
  for (const table of catalog.tables) {
    if (table.origin !== 'user' || table.partitionOf !== null) continue;
    for (const column of table.columns) {
      const target = nextvalTarget(column.default);
      if (!target) continue;
      const seq = lookup(catalog).sequences.get(tableKey(target.schema ?? table.schema, target.name));
      if (seq) add(seq, { table, column });
    }
  }
  return map;
}

function parseBig(s: string): bigint | null {
  return /^-?\d+$/.test(s.trim()) ? BigInt(s.trim()) : null;
}

function ratioOf(value: bigint, max: bigint): number {
  return Number((value * 1_000_000n) / max) / 1_000_000;
}

function percent(r: number): string {
  return `${(r * 100).toFixed(r >= 0.995 ? 2 : 1)}%`;
}

export default defineRule({
  meta: {
    id: 'sequence-exhaustion',
    category: 'runtime',
    severity: 'high',
    title: 'Sequence is running out of values',
    rationale:
      'When a sequence reaches its maximum, or the integer column it feeds reaches the column type\'s maximum, every INSERT fails until someone widens the type. '
      + 'Widening an integer column rewrites the table under ACCESS EXCLUSIVE, which takes longest exactly when the table is biggest: plan it while there is headroom.',
    enabledByDefault: true,
    liveOnly: true,
  },
  check({ catalog, options }) {
    const high = typeof options.highRatio === 'number' ? options.highRatio : 0.75;
    const medium = typeof options.mediumRatio === 'number' ? options.mediumRatio : 0.5;
    const out: FindingDraft[] = [];
    const fedBy = fedColumns(catalog);
    for (const seq of catalog.sequences) {
      if (seq.origin !== 'user' || seq.lastValue === null) continue;
      const last = parseBig(seq.lastValue);
      const seqMax = parseBig(seq.maxValue);
      const increment = parseBig(seq.increment);
      // Descending sequences run toward their minimum, which the catalog does not carry.
      if (last === null || seqMax === null || increment === null || increment <= 0n || last <= 0n) continue;
      const fed = fedBy.get(seq) ?? [];
      let limit = seqMax;
      let limitedBy: { table: Table; column: Column } | null = null;
      for (const f of fed) {
        const k = integerKind(f.column);
        // At equal limits the column is the one to widen: the sequence follows it.
        if (k !== null && INTEGER_MAX[k] <= limit) {
          limit = INTEGER_MAX[k];
          limitedBy = f;
        }
      }
      const ratio = ratioOf(last, limit);
      const severity: Severity | null = ratio > high ? 'high' : ratio > medium ? 'medium' : null;
      if (severity === null) continue;
      const seqName = qualify(seq.schema, seq.name);
      const statements = new Set<string>();
      let fixNotes: string;
      if (limitedBy) {
        // Widen every narrow column the sequence feeds, the limiting one first.
        for (const f of [limitedBy, ...fed.filter((x) => x !== limitedBy)]) {
          const k = integerKind(f.column);
          if (k !== null && k !== 'int8') for (const st of widenToBigintSql(catalog, f.table, f.column).statements) statements.add(st);
        }
        fixNotes = 'Each ALTER COLUMN … TYPE bigint rewrites its table and indexes under ACCESS EXCLUSIVE; on a big table add a bigint column, '
          + 'sync it with a trigger, backfill in batches and swap the key in one short transaction instead.';
      } else {
        statements.add(`ALTER SEQUENCE ${seqName} AS bigint NO MAXVALUE;`);
        fixNotes = 'Catalog-only: a brief lock on the sequence, no table rewrite. Every column it feeds already holds bigint values, so nothing else needs to change.';
      }
      const seqKind = sequenceIntegerKind(seq.dataType);
      const remaining = limit - last;
      const objects: ObjectRef[] = [
        { kind: 'sequence', schema: seq.schema, name: seq.name },
        ...fed.map((f) => columnRef(f.table, f.column.name)),
      ];
      const limitText = limitedBy
        ? `the ${integerSqlName(integerKind(limitedBy.column) ?? 'int4')} column \`${columnLabel(limitedBy.table, limitedBy.column.name)}\` it feeds stops at ${formatCount(limit)}`
        : `its maximum is ${formatCount(limit)}${seqKind ? ` (${integerSqlName(seqKind)})` : ''}`;
      out.push({
        objects,
        severity,
        message: `Sequence ${seq.name} is at ${formatCount(last)}, ${percent(ratio)} of its usable range: ${limitText}. `
          + `${formatCount(remaining)} values remain before every INSERT fails. Widen to bigint now, while there is time to do it online.`,
        details: {
          sequence: seq.name,
          lastValue: last.toString(),
          limit: limit.toString(),
          ratio: Math.round(ratio * 10000) / 10000,
          limitedBy: limitedBy ? { schema: limitedBy.table.schema, table: limitedBy.table.name, column: limitedBy.column.name } : 'sequence',
        },
        fix: { sql: [...statements].join('\n'), notes: fixNotes },
      });
    }
    return out;
  },
});
