import type { Queryable } from './types.js';

/** A database schemasage applies statements to (PGlite or a shadow database) or reads (live). */
export interface EngineSession extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Run one statement as the simple query protocol would (no parameters, any statement kind). */
  exec(sql: string): Promise<void>;
  /** Can CREATE EXTENSION <name> succeed here? */
  hasExtension(name: string): boolean;
  close(): Promise<void>;
}

/** The parts of a Postgres error we report, whichever driver raised it. */
export interface PgErrorInfo {
  message: string;
  code: string | undefined;
  detail: string | undefined;
  hint: string | undefined;
  /** 1-based character position in the statement, when Postgres gave one */
  position: number | undefined;
}

export function pgErrorInfo(err: unknown): PgErrorInfo | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: unknown; detail?: unknown; hint?: unknown; position?: unknown; severity?: unknown };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return null;
  const pos = typeof e.position === 'string' ? Number(e.position) : typeof e.position === 'number' ? e.position : undefined;
  return {
    message: e.message,
    code: e.code,
    detail: typeof e.detail === 'string' && e.detail ? e.detail : undefined,
    hint: typeof e.hint === 'string' && e.hint ? e.hint : undefined,
    position: pos && pos > 0 ? pos : undefined,
  };
}
