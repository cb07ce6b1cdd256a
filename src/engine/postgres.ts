/**
 * Real PostgreSQL servers: a shadow database (a scratch database we create, apply into, and drop)
 * and live databases (read-only: a read-only transaction, statement/lock timeouts, our
 * application_name; nothing is ever written).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { SchemasageError } from '../errors.js';
import type { EngineSession } from './session.js';
import { SUPABASE_SEARCH_PATH, SUPABASE_SHIM_SQL } from './shims/supabase.js';

/** The URL with any password replaced, safe to print. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** Where a connection goes, for messages: user@host:port/db, never the password. */
function describeTarget(cfg: pg.ClientConfig): string {
  if (cfg.connectionString) return maskUrl(cfg.connectionString);
  const host = cfg.host ?? process.env.PGHOST ?? 'localhost';
  const port = cfg.port ?? process.env.PGPORT ?? 5432;
  const user = cfg.user ?? process.env.PGUSER ?? process.env.USER ?? '';
  const db = cfg.database ?? process.env.PGDATABASE ?? user;
  return `${user}@${host}:${port}/${db}`;
}

async function connect(cfg: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...cfg });
  try {
    await client.connect();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: string };
    const reason = e.code === 'ECONNREFUSED' ? 'connection refused (is the server running and accepting TCP connections?)'
      : e.code === 'ENOTFOUND' ? 'host not found'
      : e.code === 'ETIMEDOUT' ? 'connection timed out'
      : e.code === '28P01' ? 'password authentication failed'
      : e.code === '3D000' ? e.message
      : e.message || String(err);
    throw new SchemasageError(`could not connect to ${describeTarget(cfg)}: ${reason}`);
  }
  // An idle client that loses its server would otherwise crash the process with an unhandled 'error'.
  client.on('error', () => undefined);
  return client;
}

class PgSession implements EngineSession {
  readonly kind = 'postgres' as const;
  constructor(
    protected readonly client: pg.Client,
    private readonly available: Set<string>,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const res = await this.client.query(sql, params as unknown[] | undefined);
    return res.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  hasExtension(name: string): boolean {
    return this.available.has(name);
  }

  async close(): Promise<void> {
    try {
      await this.client.end();
    } finally {
      await this.onClose();
    }
  }
}

async function availableExtensions(client: pg.Client): Promise<Set<string>> {
  const res = await client.query<{ name: string }>('SELECT name FROM pg_available_extensions');
  return new Set(res.rows.map((r) => r.name));
}

/**
 * Creates `schemasage_shadow_<random>` on the server behind `url`, applies the Supabase shim when
 * asked, and drops the database when the session closes (also on Ctrl-C).
 */
export async function openShadow(url: string, opts: { supabase: boolean }): Promise<EngineSession> {
  const admin = await connect({ connectionString: url, application_name: 'schemasage' });
  const dbName = `schemasage_shadow_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
  } catch (err) {
    await admin.end();
    throw new SchemasageError(`cannot create a shadow database on ${maskUrl(url)}: ${(err as Error).message}`, {
      hint: '--shadow-db needs a role allowed to CREATE DATABASE (it creates a scratch database and drops it afterwards)',
    });
  }
  const drop = async () => {
    process.off('SIGINT', onSigint);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  const onSigint = () => {
    void drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  const target = new URL(url);
  target.pathname = `/${dbName}`;
  let client: pg.Client;
  try {
    client = await connect({ connectionString: target.toString(), application_name: 'schemasage' });
  } catch (err) {
    await drop();
    throw err;
  }
  if (opts.supabase) {
    await client.query(SUPABASE_SHIM_SQL);
    await client.query(`SET search_path = ${SUPABASE_SEARCH_PATH}`);
  }
  return new PgSession(client, await availableExtensions(client), drop);
}

export interface LiveOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/**
 * A live database, read only: every query runs inside one READ ONLY transaction that is rolled back
 * at close, with default_transaction_read_only on as a second guard.
 */
export async function openLive(url: string | null, opts: LiveOptions = {}): Promise<EngineSession & { database: string }> {
  const cfg: pg.ClientConfig = {
    ...(url ? { connectionString: url } : {}),
    application_name: 'schemasage',
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    lock_timeout: opts.lockTimeoutMs ?? 3_000,
    options: '-c default_transaction_read_only=on',
  };
  const client = await connect(cfg);
  await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '';
  const session = new (class extends PgSession {
    readonly database = db;
    override async exec(): Promise<void> {
      throw new SchemasageError('internal: refusing to execute a statement on a live database');
    }
    override async close(): Promise<void> {
      try {
        await this.client.query('ROLLBACK');
      } catch {
        // connection already gone
      }
      await super.close();
    }
  })(client, new Set());
  return session;
}
