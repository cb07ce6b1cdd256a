/**
 * The Catalog: the one language of schemasage. Plain, JSON-serialisable data read back from
 * pg_catalog, plus provenance. Everything after introspection is a pure function of a Catalog.
 * Names follow Postgres (relation, attribute, constraint).
 */

/** A place in a user's file. Lines and columns are 1-based. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Where an object came from: the statement that created it and the last one that altered it. */
export interface Provenance {
  created?: Location;
  altered?: Location;
}

/**
 * Who owns an object. Rules and the inventory only look at `user` objects; `shim` objects come
 * from the Supabase shim (auth.users, storage.*), `extension` objects from CREATE EXTENSION, `tool`
 * tables are a migration tool's bookkeeping (`_prisma_migrations`, `flyway_schema_history`, …).
 */
export type Origin = 'user' | 'shim' | 'extension' | 'tool';

export interface EngineInfo {
  kind: 'pglite' | 'postgres';
  /** e.g. "18.6" or "15.20" */
  serverVersion: string;
  /** e.g. 180006 */
  serverVersionNum: number;
}

export interface SchemaInfo {
  name: string;
  owner: string;
  comment: string | null;
  origin: Origin;
}

export interface Column {
  name: string;
  /** attnum */
  position: number;
  /** format_type(), e.g. "character varying(255)", "timestamp(0) without time zone", "integer[]" */
  type: string;
  /** pg_type.typname of the column's type with array brackets removed, e.g. "varchar", "timestamp", "int4", "my_enum" */
  typeName: string;
  typeSchema: string;
  /** pg_type.typcategory of the element type: A array, B boolean, D date/time, E enum, N numeric, S string, U user, … */
  typeCategory: string;
  /** For a domain, the base type's typname */
  domainBaseType: string | null;
  isArray: boolean;
  /** Type modifier, e.g. 255 for varchar(255), precision for timestamp(p); null when none. */
  typeModifier: number | null;
  notNull: boolean;
  /** pg_get_expr of the default, or null */
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** generation expression of a stored generated column */
  generated: string | null;
  collation: string | null;
  comment: string | null;
  provenance: Provenance;
}

export type ConstraintType = 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion';
export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ForeignKeyReference {
  schema: string;
  table: string;
  columns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  match: 'simple' | 'full' | 'partial';
}

export interface Constraint {
  name: string;
  type: ConstraintType;
  /** Constrained columns in constraint order (conkey); empty for table-level expressions. */
  columns: string[];
  /** pg_get_constraintdef() */
  definition: string;
  validated: boolean;
  deferrable: boolean;
  deferred: boolean;
  /** Name of the index that backs a PK/UNIQUE/EXCLUDE constraint. */
  index: string | null;
  references: ForeignKeyReference | null;
  /** Inherited from a parent (partitions) rather than declared locally */
  inherited: boolean;
  comment: string | null;
  provenance: Provenance;
}

export interface IndexKey {
  /** Column name for a plain key, null for an expression key. */
  column: string | null;
  /** The expression text for an expression key (pg_get_indexdef(oid, n, true)), else the quoted column. */
  expression: string;
  descending: boolean;
  /** Operator class name when not the type's default, else null. */
  opclass: string | null;
}

export interface Index {
  name: string;
  schema: string;
  table: string;
  /** Key columns/expressions in order (excludes INCLUDE columns). */
  keys: IndexKey[];
  include: string[];
  /** btree, hash, gin, gist, brin, spgist, … */
  method: string;
  unique: boolean;
  primary: boolean;
  /** Name of the PK/UNIQUE/EXCLUDE constraint this index backs, or null. */
  constraint: string | null;
  nullsNotDistinct: boolean;
  /** pg_get_expr of the WHERE clause of a partial index, or null */
  predicate: string | null;
  valid: boolean;
  ready: boolean;
  /** pg_get_indexdef() */
  definition: string;
  /** Index on a partitioned table (relkind I) */
  partitioned: boolean;
  comment: string | null;
  stats: IndexStats | null;
  provenance: Provenance;
}

export interface IndexStats {
  scans: number;
  sizeBytes: number;
}

export interface Trigger {
  name: string;
  schema: string;
  table: string;
  /** BEFORE | AFTER | INSTEAD OF */
  timing: 'before' | 'after' | 'instead of';
  events: Array<'insert' | 'update' | 'delete' | 'truncate'>;
  level: 'row' | 'statement';
  functionSchema: string;
  functionName: string;
  enabled: boolean;
  /** pg_get_triggerdef() */
  definition: string;
  /** Internal (constraint) triggers are never listed. */
  provenance: Provenance;
}

export interface Policy {
  name: string;
  schema: string;
  table: string;
  command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  permissive: boolean;
  roles: string[];
  using: string | null;
  withCheck: string | null;
  provenance: Provenance;
}

export interface TableStats {
  rowEstimate: number;
  totalBytes: number;
  tableBytes: number;
  seqScans: number;
  idxScans: number;
  liveTuples: number;
  deadTuples: number;
  lastAutovacuum: string | null;
}

export interface Table {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'foreign table';
  persistence: 'permanent' | 'unlogged' | 'temporary';
  /** Set when this table is a partition: its parent. */
  partitionOf: { schema: string; table: string; bound: string } | null;
  /** pg_get_partkeydef() for a partitioned table */
  partitionKey: string | null;
  /** Classic (non-partition) inheritance parents */
  inherits: Array<{ schema: string; table: string }>;
  rlsEnabled: boolean;
  rlsForced: boolean;
  /** Rewrite rules defined on the table (CREATE RULE), by name */
  rules: string[];
  comment: string | null;
  columns: Column[];
  constraints: Constraint[];
  indexes: Index[];
  triggers: Trigger[];
  policies: Policy[];
  stats: TableStats | null;
  origin: Origin;
  provenance: Provenance;
}

export interface View {
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef() */
  definition: string;
  columns: Array<{ name: string; type: string }>;
  /** reloptions security_invoker=true (PG15+) */
  securityInvoker: boolean;
  securityBarrier: boolean;
  /** Indexes on a materialized view */
  indexes: Index[];
  comment: string | null;
  origin: Origin;
  provenance: Provenance;
}

export interface EnumType {
  schema: string;
  name: string;
  values: string[];
  comment: string | null;
  origin: Origin;
  provenance: Provenance;
}

export interface DomainType {
  schema: string;
  name: string;
  baseType: string;
  notNull: boolean;
  checks: Array<{ name: string; definition: string }>;
  default: string | null;
  origin: Origin;
  provenance: Provenance;
}

export interface FunctionInfo {
  schema: string;
  name: string;
  /** pg_get_function_identity_arguments() */
  arguments: string;
  returns: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  language: string;
  securityDefiner: boolean;
  volatility: 'immutable' | 'stable' | 'volatile';
  /** proconfig entries, e.g. ["search_path=public, pg_temp"] */
  config: string[];
  /** The function body (prosrc); truncated to 20k chars. */
  source: string;
  comment: string | null;
  origin: Origin;
  provenance: Provenance;
}

export interface Extension {
  name: string;
  schema: string;
  version: string;
  /** The CREATE EXTENSION (or ALTER EXTENSION … SET SCHEMA) statement, for file sources. */
  provenance?: Provenance;
}

export interface Sequence {
  schema: string;
  name: string;
  dataType: string;
  maxValue: string;
  increment: string;
  /** Table.column that owns the sequence (serial/identity), or null */
  ownedBy: { table: string; column: string } | null;
  /** Live only: last_value, null when never used or not live */
  lastValue: string | null;
  origin: Origin;
  provenance: Provenance;
}

export interface Role {
  name: string;
  canLogin: boolean;
  bypassRls: boolean;
  superuser: boolean;
}

export interface Grant {
  schema: string;
  table: string;
  grantee: string;
  privileges: string[];
}

/** A note from loading: skipped meta-commands, missing extensions, shims applied. */
export interface LoadNote {
  kind: 'meta-command' | 'missing-extension' | 'shim' | 'skipped' | 'info';
  message: string;
  location: Location | null;
}

/**
 * Where the user wrote each object of a generated schema (Prisma model/field lines, Drizzle
 * `pgTable(` lines, DBML tables): findings point here instead of at the generated DDL.
 * Keys are `schema.table` as Postgres names them; `name` is what the user calls it (model/field name).
 */
export interface ModelLocations {
  tables: Record<string, ModelTableLocation>;
}

export interface ModelTableLocation {
  location: Location;
  /** Model or table variable name in the user's code (`User`, `users`). */
  name: string;
  /** By Postgres column name. */
  columns: Record<string, { location: Location; name: string }>;
  /** By Postgres constraint or index name, when the user declared it (@@unique, @@index, index(), …). */
  constraints?: Record<string, Location>;
  indexes?: Record<string, Location>;
}

/** A `-- schemasage-ignore rule-a, rule-b: reason` comment before a statement in a file source. */
export interface InlineIgnore {
  /** Rule ids, lowercase. */
  rules: string[];
  reason: string | null;
  file: string;
  /** The statement the comment precedes: its first and last line. */
  line: number;
  endLine: number;
}

export interface Catalog {
  engine: EngineInfo;
  /** The database's name (live) or a label */
  database: string;
  schemas: SchemaInfo[];
  tables: Table[];
  views: View[];
  enums: EnumType[];
  domains: DomainType[];
  functions: FunctionInfo[];
  extensions: Extension[];
  sequences: Sequence[];
  roles: Role[];
  grants: Grant[];
  /** True when the catalog came from a live database (stats are real). */
  live: boolean;
  /** True when the Supabase shim was applied or the live database looks like Supabase. */
  supabase: boolean;
  /** Number of catalog queries introspection ran. */
  introspectionQueries: number;
  notes: LoadNote[];
  /** Inline ignores collected from file sources (absent for live databases). */
  inlineIgnores?: InlineIgnore[];
  /** Generated sources (Prisma, Drizzle, DBML): where the user wrote each table and column, for ORM-aware fixes. */
  modelLocations?: ModelLocations;
}
