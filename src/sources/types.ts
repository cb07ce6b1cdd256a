import type { LoadNote } from '../catalog/model.js';
import type { Layout } from '../result.js';

export interface SqlFile {
  /** As shown to the user: relative to cwd when inside it, else absolute. */
  path: string;
  text: string;
}

export interface Statement {
  /** The user's exact text, from its first token to its last (no trailing `;`, comments or whitespace). */
  sql: string;
  file: string;
  /** 1-based, of the statement's first token. Columns count UTF-16 code units (as SARIF and editors do). */
  line: number;
  column: number;
  /** 1-based line of the statement's last token. */
  endLine: number;
  /** The libpg-query RawStmt.stmt node, e.g. `{ CreateStmt: {...} }`. */
  ast: unknown;
  /** Ordinal in the whole source. */
  index: number;
  /** Rule ids from a preceding `-- schemasage-ignore rule-a, rule-b: reason` comment. */
  ignores: string[];
  /**
   * The same comments one by one, each with the reason after its `:` (null when none was given).
   * Absent when no comment precedes the statement or the statement was not produced by `splitStatements`.
   */
  ignoreEntries?: Array<{ rules: string[]; reason: string | null }>;
  /**
   * UTF-8 byte offset of the first token in the parsed text of `file`. The `location` fields inside
   * `ast` are byte offsets in that same text, so `nodeLocation(statement, node.location)` can turn
   * them into a line and column. Absent for statements not produced by `splitStatements`.
   */
  byteOffset?: number;
}

export type { ModelLocations, ModelTableLocation } from '../catalog/model.js';
import type { ModelLocations } from '../catalog/model.js';

/**
 * What a generating source loader (Prisma, Drizzle, DBML, Markdown) returns: the user's files, the
 * DDL to apply (one or more labelled SQL texts, split and applied in order), and where each object
 * was written. Markdown passes its own text with non-SQL lines blanked, so lines stay true.
 */
export interface GeneratedSource {
  kind: 'prisma' | 'drizzle' | 'dbml' | 'markdown';
  /** The user's files as read (content hash, display). */
  files: SqlFile[];
  /** SQL to apply, in order. `path` is what locations in it are shown as. */
  sql: SqlFile[];
  locations: ModelLocations | null;
  notes: LoadNote[];
  /** The ORM that maintains the schema (sets ReviewSettings.orm): Prisma, Drizzle. */
  orm: 'prisma' | 'drizzle' | null;
  /**
   * Tables created only so that the user's SQL applies (a design doc referencing tables it does not
   * define): marked origin 'shim', never reviewed or compared.
   */
  stubs?: Array<{ schema: string; name: string }>;
  supabase?: boolean;
}

export interface LoadedSource {
  kind: 'migrations' | 'sql' | 'prisma' | 'drizzle' | 'dbml' | 'markdown';
  /** The file or migrations directory actually read (shown to the user). */
  path: string;
  layout: Layout | null;
  /** Apply order; files pulled in by `\i`/`\ir` follow the file that includes them. Original text. */
  files: SqlFile[];
  statements: Statement[];
  notes: LoadNote[];
  /** The layout is Supabase, or the SQL references auth.users/auth.uid()/auth.jwt() or roles anon/authenticated/service_role. */
  supabase: boolean;
  /** sha256 over the files' paths and texts in order, for the result cache. */
  contentHash: string;
  /** Generated sources: where the user wrote each table/column (overrides statement provenance). */
  locations?: ModelLocations | null;
  orm?: 'prisma' | 'drizzle' | null;
  stubs?: Array<{ schema: string; name: string }>;
  /** `@<ref>` when read from git (`<path>@<ref>`): every shown path ends with it. */
  refSuffix?: string;
}
