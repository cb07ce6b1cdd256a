/** The minimal database surface introspection and analysis need; PGlite, pg.Client and pg.Pool all fit behind it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
