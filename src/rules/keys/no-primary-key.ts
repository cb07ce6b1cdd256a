import type { Catalog, Column, Index, Table } from '../../catalog/model.js';
import { isPartition, primaryKey, qualify, quoteIdent, tableRef, userTables } from '../../catalog/helpers.js';
import type { Fix } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { columnListSql } from '../indexes/shared.js';
import { constraintNames, freshName, relationNames, tableLabel, truncateIdentifier } from './shared.js';

type Candidate =
  | { kind: 'unique-index'; index: Index; columns: string[] }
  | { kind: 'unique-constraint'; constraint: string; columns: string[] }
  | { kind: 'id-column'; column: Column }
  | { kind: 'junction'; columns: string[] }
  | { kind: 'identity' };

/** Plain-column, non-partial btree unique index: the only kind Postgres accepts as a primary key. */
function promotable(i: Index): boolean {
  return i.unique && i.valid && i.method === 'btree' && i.predicate === null && i.include.length === 0
    && i.keys.every((k) => k.column !== null && !k.descending && k.opclass === null);
}

function pickCandidate(table: Table): Candidate {
  const notNull = (cols: string[]) => cols.every((n) => table.columns.find((c) => c.name === n)?.notNull === true);
  // A constraint-free unique index can become the key as is; a UNIQUE constraint's index cannot (it is taken).
  for (const i of table.indexes) {
    const cols = i.keys.map((k) => k.column as string);
    if (promotable(i) && i.constraint === null && !i.nullsNotDistinct && notNull(cols)) return { kind: 'unique-index', index: i, columns: cols };
  }
  for (const c of table.constraints) {
    if (c.type === 'unique' && c.columns.length > 0 && notNull(c.columns)) return { kind: 'unique-constraint', constraint: c.name, columns: c.columns };
  }
  const id = table.columns.find((c) => c.name === 'id' && !c.isArray);
  if (id) return { kind: 'id-column', column: id };
  const fks = table.constraints.filter((c) => c.type === 'foreign key' && c.columns.length === 1);
  const others = table.columns.filter((c) => !fks.some((f) => f.columns[0] === c.name) && c.typeCategory !== 'D');
  if (fks.length === 2 && others.length <= 1) return { kind: 'junction', columns: fks.map((f) => f.columns[0] as string) };
  return { kind: 'identity' };
}

/** Columns named in `RANGE (a, b)` / `LIST (a)`; null when the key holds expressions. */
function partitionKeyColumns(partitionKey: string | null): string[] | null {
  if (partitionKey === null) return [];
  const m = /^\w+\s*\((.*)\)$/.exec(partitionKey.trim());
  if (!m) return null;
  const cols = (m[1] as string).split(',').map((s) => s.trim());
  const plain = cols.map((c) => /^"((?:[^"]|"")+)"$/.exec(c)?.[1]?.replace(/""/g, '"') ?? (/^[a-z_][a-z0-9_$]*$/.test(c) ? c : null));
  return plain.every((c): c is string => c !== null) ? plain : null;
}

function fixFor(catalog: Catalog, table: Table, cand: Candidate): Fix {
  const t = qualify(table.schema, table.name);
  const pkName = truncateIdentifier(`${table.name}_pkey`);
  const taken = relationNames(catalog, table.schema);
  const pkIdent = constraintNames(table).has(pkName) || taken.has(pkName) ? freshName(table.name, 'pkey', taken) : pkName;
  const partitioned = table.kind === 'partitioned table';
  const partCols = partitioned ? partitionKeyColumns(table.partitionKey) : [];
  const withPartitionKey = (cols: string[]) => [...cols, ...(partCols ?? []).filter((c) => !cols.includes(c))];

  if (partitioned) {
    // A partitioned table's key must contain the partition key, and USING INDEX / CONCURRENTLY are not available.
    const cols = cand.kind === 'unique-index' || cand.kind === 'unique-constraint' || cand.kind === 'junction'
      ? cand.columns
      : cand.kind === 'id-column' ? [cand.column.name] : null;
    const addId = cols === null ? `ALTER TABLE ${t} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;\n` : '';
    const keyCols = withPartitionKey(cols ?? ['id']);
    return {
      sql: `${addId}ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY (${columnListSql(keyCols)});`,
      notes: `On a partitioned table the primary key must include the partition key${partCols === null ? ' (this one has expressions: adjust the column list by hand)' : ''}; `
        + 'adding it builds a unique index on every partition under ACCESS EXCLUSIVE and checks the columns for NULLs'
        + `${cols === null ? '; adding an identity column rewrites every partition' : ''}. Run it in a maintenance window or add the key per partition first.`,
    };
  }

  switch (cand.kind) {
    case 'unique-index':
      return {
        sql: `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY USING INDEX ${quoteIdent(cand.index.name)};`,
        notes: `Promotes the existing unique index ${cand.index.name} (its columns are already NOT NULL): catalog-only, a brief ACCESS EXCLUSIVE lock, no scan. The index is renamed to ${pkIdent}.`,
      };
    case 'unique-constraint':
      return {
        sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(pkIdent)} ON ${t} (${columnListSql(cand.columns)});\n`
          + `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY USING INDEX ${quoteIdent(pkIdent)};\n`
          + `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(cand.constraint)};`,
        notes: `The UNIQUE constraint ${cand.constraint} already identifies rows on NOT NULL columns; its index cannot be reused, so a twin is built concurrently and promoted (brief ACCESS EXCLUSIVE, no scan). `
          + `Dropping ${cand.constraint} afterwards is optional; keep it if foreign keys reference it.`,
      };
    case 'id-column': {
      const col = quoteIdent(cand.column.name);
      const check = truncateIdentifier(`${table.name}_${cand.column.name}_not_null`);
      const notNull = cand.column.notNull ? '' : `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(check)} CHECK (${col} IS NOT NULL) NOT VALID;\n`
        + `ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(check)};\n`
        + `ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\n`
        + `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(check)};\n`;
      return {
        sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(pkIdent)} ON ${t} (${col});\n${notNull}`
          + `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY USING INDEX ${quoteIdent(pkIdent)};`,
        notes: `Pre-check (must return no rows): SELECT ${col}, count(*) FROM ${t} GROUP BY ${col} HAVING count(*) > 1 OR ${col} IS NULL LIMIT 20; `
          + 'The unique index builds concurrently; '
          + (cand.column.notNull ? '' : 'the NOT VALID CHECK then VALIDATE lets SET NOT NULL skip its full-table scan under ACCESS EXCLUSIVE (PG 12+); ')
          + 'promoting the index is catalog-only.',
      };
    }
    case 'junction':
      return {
        sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(pkIdent)} ON ${t} (${columnListSql(cand.columns)});\n`
          + `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY USING INDEX ${quoteIdent(pkIdent)};`,
        notes: `Pre-check for duplicate pairs (must return no rows): SELECT ${columnListSql(cand.columns)}, count(*) FROM ${t} GROUP BY ${columnListSql(cand.columns)} HAVING count(*) > 1 LIMIT 20; `
          + 'nullable columns are set NOT NULL by ADD PRIMARY KEY, which scans the table under ACCESS EXCLUSIVE.',
      };
    case 'identity':
      return {
        sql: `ALTER TABLE ${t} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;\n`
          + `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(pkIdent)} PRIMARY KEY (id);`,
        notes: `Adding an identity column rewrites ${tableLabel(table)} under ACCESS EXCLUSIVE (every row gets a value); on a large table add a nullable bigint column, `
          + `backfill it from a sequence in batches, then build a unique index CONCURRENTLY and promote it with PRIMARY KEY USING INDEX. `
          + `If the rows already have a natural key, make that the key instead.`,
      };
  }
}

function describe(cand: Candidate, table: Table): string {
  switch (cand.kind) {
    case 'unique-index': return `The unique index ${cand.index.name} on (${cand.columns.join(', ')}) already identifies rows on NOT NULL columns: promote it.`;
    case 'unique-constraint': return `The UNIQUE constraint ${cand.constraint} on (${cand.columns.join(', ')}) already identifies rows on NOT NULL columns: make it the primary key.`;
    case 'id-column': return `It has an \`id\` column (${cand.column.type}) with no key on it: make \`id\` the primary key once it holds no duplicates${cand.column.notNull ? '' : ' or NULLs'}.`;
    case 'junction': return `It looks like a junction table (foreign keys ${cand.columns.join(', ')}): make the pair its primary key, which also forbids duplicate links.`;
    case 'identity': return `Add a \`bigint GENERATED ALWAYS AS IDENTITY\` key${table.columns.length > 0 ? ', or declare the natural key if the rows have one' : ''}.`;
  }
}

export default defineRule({
  meta: {
    id: 'no-primary-key',
    category: 'keys',
    severity: 'high',
    title: 'Table without a primary key',
    rationale:
      'Without a primary key rows cannot be addressed one by one: logical replication cannot replicate UPDATE and DELETE '
      + '(REPLICA IDENTITY falls back to nothing), ORMs cannot map the rows, and duplicates creep in with nothing to find them by.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of userTables(catalog)) {
      if (isPartition(table) || table.kind === 'foreign table' || primaryKey(table)) continue;
      const cand = pickCandidate(table);
      out.push({
        objects: [tableRef(table)],
        message: `\`${tableLabel(table)}\` has no primary key: logical replication cannot apply UPDATE/DELETE on it, ORMs cannot address its rows, and duplicate rows go unnoticed. ${describe(cand, table)}`,
        details: {
          candidate: cand.kind,
          ...(cand.kind === 'unique-index' || cand.kind === 'unique-constraint' || cand.kind === 'junction' ? { columns: cand.columns } : {}),
          ...(cand.kind === 'unique-index' ? { index: cand.index.name } : {}),
          ...(cand.kind === 'unique-constraint' ? { constraint: cand.constraint } : {}),
          ...(cand.kind === 'id-column' ? { columns: [cand.column.name] } : {}),
          partitioned: table.kind === 'partitioned table',
        },
        fix: fixFor(catalog, table, cand),
      });
    }
    return out;
  },
});
