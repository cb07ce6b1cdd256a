/**
 * The database Prisma's schema engine connects to. The engine will not start without a connection,
 * even for a diff between two schema files, where all it does is probe the server (does `public`
 * exist, which version). It gets a throwaway in-memory PGlite — the same PostgreSQL the DDL is
 * applied to afterwards — behind Prisma's driver-adapter interface.
 *
 * Starting PGlite costs more than the whole diff, so read-only answers are remembered in the cache
 * directory, keyed by the PGlite version and the exact query: a fresh empty database answers a
 * probe the same way every time. PGlite is started only for a query never seen before, and once the
 * engine has written anything, every query goes to the live database.
 */
import { createHash } from 'node:crypto';
import {
  ColumnTypeEnum, type ColumnType, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory, type SqlQuery, type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { readCache, writeCache } from '../../engine/cache.js';
import { openPGlite, PGLITE_VERSION } from '../../engine/pglite.js';
import type { EngineSession } from '../../engine/session.js';

function columnTypeOf(values: unknown[]): ColumnType {
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === 'boolean') return ColumnTypeEnum.Boolean;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? ColumnTypeEnum.Int32 : ColumnTypeEnum.Double;
  if (typeof v === 'bigint') return ColumnTypeEnum.Int64;
  if (v instanceof Uint8Array) return ColumnTypeEnum.Bytes;
  if (v instanceof Date) return ColumnTypeEnum.DateTime;
  if (typeof v === 'object') return ColumnTypeEnum.Json;
  return ColumnTypeEnum.Text;
}

/** Values as Prisma's Postgres adapter hands them over: 64-bit integers and dates as strings, JSON as text. */
function wireValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return JSON.stringify(v);
  return v;
}

function resultSet(rows: Array<Record<string, unknown>>): SqlResultSet {
  // Rows come back as objects, so an empty result has no column names; the engine's probes return one row.
  const columnNames = rows[0] ? Object.keys(rows[0]) : [];
  return {
    columnNames,
    columnTypes: columnNames.map((c) => columnTypeOf(rows.map((r) => r[c]))),
    rows: rows.map((r) => columnNames.map((c) => wireValue(r[c]))),
  };
}

/** A PGlite started on first use, with remembered answers to read-only queries. */
export class ProbeDatabase {
  private session: Promise<EngineSession> | null = null;
  private wrote = false;
  /** Whether PGlite had to be started (for tests and timings). */
  started = false;

  private open(): Promise<EngineSession> {
    this.started = true;
    this.session ??= openPGlite({ supabase: false, extensions: [] });
    return this.session;
  }

  private key(q: SqlQuery): string {
    const h = createHash('sha256').update(JSON.stringify({ pglite: PGLITE_VERSION, sql: q.sql, args: q.args }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    return `prisma-probes/${h.digest('hex')}.json`;
  }

  async query(q: SqlQuery): Promise<SqlResultSet> {
    const key = this.key(q);
    if (!this.wrote) {
      const hit = readCache(key);
      if (hit) {
        try {
          return JSON.parse(hit.toString('utf8')) as SqlResultSet;
        } catch {
          // unreadable entry: ask the database
        }
      }
    }
    const result = resultSet(await (await this.open()).query<Record<string, unknown>>(q.sql, q.args));
    if (!this.wrote && !result.rows.some((r) => r.some((v) => v instanceof Uint8Array))) writeCache(key, JSON.stringify(result));
    return result;
  }

  async write(sql: string, args?: unknown[]): Promise<void> {
    this.wrote = true;
    const session = await this.open();
    if (args === undefined) await session.exec(sql);
    else await session.query(sql, args);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await (await session).close();
  }
}

function adapter(db: ProbeDatabase): SqlDriverAdapter {
  return {
    provider: 'postgres',
    adapterName: 'schemasage-pglite',
    queryRaw: (q: SqlQuery) => db.query(q),
    async executeRaw(q: SqlQuery): Promise<number> {
      await db.write(q.sql, q.args);
      return 0;
    },
    executeScript: (script: string) => db.write(script),
    async startTransaction(): Promise<never> {
      throw new Error('schemasage runs Prisma\'s schema engine for diffs only, without transactions');
    },
    async dispose(): Promise<void> {
      // The ProbeDatabase belongs to the caller, who closes it.
    },
  };
}

/** Prisma's driver-adapter factory over a ProbeDatabase (main and shadow database alike). */
export function probeAdapterFactory(db: ProbeDatabase): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'schemasage-pglite',
    connect: async () => adapter(db),
    connectToShadowDb: async () => adapter(db),
  };
}
