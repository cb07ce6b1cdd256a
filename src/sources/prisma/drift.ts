/**
 * A `prisma/` folder with both `schema.prisma` and `migrations/`: the migrations are what is
 * deployed and get reviewed, but a schema that drifted from them (a model edited without
 * `prisma migrate dev`, a hand-edited migration) is worth saying. Compared by table and column
 * names from the DDL Prisma generates for the schema — no second database needed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CreateStmt } from 'libpg-query';
import type { Catalog, LoadNote } from '../../catalog/model.js';
import { splitStatementsSync } from '../split.js';
import { loadPrisma } from './index.js';

/** The Prisma schema beside a migrations folder (`prisma/schema.prisma` or `prisma/schema/`), if any. */
export function prismaSchemaBeside(migrationsDir: string): string | null {
  const parent = dirname(migrationsDir);
  const file = join(parent, 'schema.prisma');
  if (existsSync(file)) return file;
  const dir = join(parent, 'schema');
  if (existsSync(dir) && readdirSync(dir).some((e) => e.endsWith('.prisma'))) return dir;
  return null;
}

interface Shape {
  location: LoadNote['location'];
  columns: Set<string>;
}

/** Tables and columns the Prisma schema declares, by `schema.table`. */
function declaredTables(sql: Array<{ path: string; text: string }>): Map<string, Shape> {
  const out = new Map<string, Shape>();
  let index = 0;
  for (const f of sql) {
    for (const st of splitStatementsSync(f, index)) {
      index++;
      const create = (st.ast as { CreateStmt?: CreateStmt }).CreateStmt;
      if (!create?.relation?.relname) continue;
      const rel = create.relation;
      const columns = new Set<string>();
      for (const elt of create.tableElts ?? []) {
        const name = (elt as { ColumnDef?: { colname?: string } }).ColumnDef?.colname;
        if (name) columns.add(name);
      }
      out.set(`${rel.schemaname ?? 'public'}.${rel.relname}`, { location: { file: st.file, line: st.line, column: st.column }, columns });
    }
  }
  return out;
}

/** Notes for every table or column the schema and the migrations disagree on; empty when they agree. */
export async function prismaMigrationDrift(migrationsDir: string, catalog: Catalog, display: (abs: string) => string, cwd: string): Promise<LoadNote[]> {
  const schemaPath = prismaSchemaBeside(migrationsDir);
  if (!schemaPath) return [];
  const shown = display(schemaPath);
  let declared: Map<string, Shape>;
  try {
    declared = declaredTables((await loadPrisma(schemaPath, display, cwd)).sql);
  } catch (err) {
    return [{ kind: 'info', message: `${shown} was not compared with the migrations: ${(err as Error).message}`, location: null }];
  }
  const notes: LoadNote[] = [];
  const built = new Map(catalog.tables.filter((t) => t.origin === 'user' && t.partitionOf === null).map((t) => [`${t.schema}.${t.name}`, t]));
  const label = (key: string) => (key.startsWith('public.') ? key.slice(7) : key);
  for (const [key, shape] of declared) {
    const table = built.get(key);
    if (!table) {
      notes.push({ kind: 'info', message: `${shown} declares table \`${label(key)}\` but the migrations do not create it: run \`prisma migrate dev\` (or the schema is ahead of what is deployed)`, location: shape.location });
      continue;
    }
    const have = new Set(table.columns.map((c) => c.name));
    const missing = [...shape.columns].filter((c) => !have.has(c));
    const extra = [...have].filter((c) => !shape.columns.has(c));
    if (missing.length > 0) {
      notes.push({ kind: 'info', message: `${shown} declares ${missing.map((c) => `\`${label(key)}.${c}\``).join(', ')} but the migrations do not create ${missing.length === 1 ? 'it' : 'them'}`, location: shape.location });
    }
    if (extra.length > 0) {
      notes.push({ kind: 'info', message: `the migrations create ${extra.map((c) => `\`${label(key)}.${c}\``).join(', ')}, which ${shown} does not declare`, location: table.provenance.created ?? null });
    }
  }
  for (const [key, table] of built) {
    if (!declared.has(key)) {
      notes.push({ kind: 'info', message: `the migrations create table \`${label(key)}\`, which ${shown} does not declare (dropped from the schema without a migration, or created by hand)`, location: table.provenance.created ?? null });
    }
  }
  if (notes.length === 0) notes.push({ kind: 'info', message: `${shown} and the migrations agree on every table and column`, location: null });
  return notes;
}
