import type { ConfigValues } from './scan.js';

/**
 * What the parent and the Drizzle worker process exchange. The worker runs the user's schema
 * modules (which may open database clients or read the environment), so it lives in a child
 * process; everything crosses as JSON.
 */

export interface WorkerRequest {
  /** Absolute path of the schema module or drizzle config the user named. */
  entry: string;
  /** The drizzle config in play (`entry` itself, or one found beside a module that sets `casing`); null: none. */
  config: string | null;
  /** The config's settings, read from its text without running it; null: run the config to get them. */
  values: ConfigValues | null;
  /** `entry` is the config: its `schema` lists the modules, and its filters scope the review. */
  entryIsConfig: boolean;
  /** The working directory the review was started from (drizzle-kit resolves `schema` paths against it). */
  cwd: string;
  /** jiti's transpile cache directory, or false when caching is off. */
  fsCache: string | false;
}

export type ExtraKind = 'index' | 'unique' | 'foreign-key' | 'check' | 'primary-key' | 'policy';

export interface WorkerColumn {
  /** The property key in the table's columns object. */
  key: string;
  /** The Postgres column name (the builder's string argument, or the key after `casing`). */
  name: string;
  /**
   * `.$onUpdate()` / `.$onUpdateFn()`: Drizzle sets it on every update it issues. Not used yet: the
   * model locations have no place for "maintained by the ORM" per column.
   */
  onUpdate: boolean;
}

export interface WorkerTable {
  schema: string;
  name: string;
  /** Export names that hold this table in the schema modules (`users`, or `accounts` for `export { users as accounts }`). */
  exportNames: string[];
  columns: WorkerColumn[];
  /**
   * Entries of the table's extra config (third argument), in source order, with the Postgres name
   * drizzle-kit gives each; null when the name could not be paired with the snapshot.
   */
  extras: Array<{ kind: ExtraKind; name: string | null }>;
}

export interface WorkerSuccess {
  ok: true;
  /** drizzle-kit's DDL, one statement per entry, in apply order. */
  statements: string[];
  /** The user's files that were loaded (config first), absolute. */
  files: string[];
  /** The schema modules read (the config's `schema`, or the module named). */
  schemaFiles: string[];
  tables: WorkerTable[];
  /** Tables outside the config's schemaFilter/tablesFilter: created so references resolve, not reviewed. */
  outOfScope: Array<{ schema: string; name: string }>;
  /** Schemas and enums the modules use but do not export, added so the DDL applies (drizzle-kit would leave them out). */
  added: { schemas: string[]; enums: string[] };
  notes: string[];
  casing: string | null;
  timings: { loadMs: number; generateMs: number };
}

export type FailureKind = 'throws' | 'syntax' | 'no-tables' | 'config' | 'dialect' | 'drizzle-kit' | 'no-files';

export interface WorkerFailure {
  ok: false;
  kind: FailureKind;
  message: string;
  /** The module being loaded when it failed (absolute). */
  file: string | null;
  /** The error's stack, for the first frame inside the user's files. */
  stack: string | null;
  hint: string | null;
}

export type WorkerResponse = WorkerSuccess | WorkerFailure;
