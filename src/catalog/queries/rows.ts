/** Row shapes of the queries in sql.ts, as node-postgres and PGlite both return them. */

export interface VersionRow {
  version: string;
  server_version: string;
  server_version_num: number;
  database: string;
}

export interface SchemaRow {
  name: string;
  owner: string;
  comment: string | null;
  extension_member: boolean;
}

export interface RelationRow {
  oid: number;
  schema: string;
  name: string;
  kind: 'r' | 'p' | 'f' | 'v' | 'm';
  persistence: 'p' | 'u' | 't';
  rls_enabled: boolean;
  rls_forced: boolean;
  options: string[] | null;
  is_partition: boolean;
  partition_key: string | null;
  partition_bound: string | null;
  parents: Array<{ schema: string; table: string }> | null;
  rules: string[] | null;
  view_definition: string | null;
  comment: string | null;
  extension_member: boolean;
  // live only
  reltuples?: number;
  relpages?: number;
  seq_scan?: number;
  idx_scan?: number;
  live_tuples?: number;
  dead_tuples?: number;
  last_autovacuum?: string | null;
  total_bytes?: number;
  table_bytes?: number;
}

export interface ColumnRow {
  relid: number;
  name: string;
  position: number;
  type: string;
  typmod: number;
  not_null: boolean;
  is_array: boolean;
  type_name: string;
  type_schema: string;
  type_category: string;
  domain_base_type: string | null;
  domain_typmod: number;
  /** '' plain, 's' stored, 'v' virtual (PG18) */
  generated_kind: string;
  default_expr: string | null;
  /** '' none, 'a' always, 'd' by default */
  identity: string;
  collation: string | null;
  comment: string | null;
}

export interface ConstraintRow {
  relid: number;
  name: string;
  type: 'p' | 'f' | 'u' | 'c' | 'x';
  columns: string[] | null;
  definition: string;
  validated: boolean;
  deferrable: boolean;
  deferred: boolean;
  index: string | null;
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  on_update: string;
  on_delete: string;
  match: string;
  local: boolean;
  comment: string | null;
}

export interface IndexRow {
  relid: number;
  name: string;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  valid: boolean;
  ready: boolean;
  partitioned: boolean;
  definition: string;
  predicate: string | null;
  nulls_not_distinct: boolean;
  constraint_name: string | null;
  key_count: number;
  /** indkey: attnum per key and INCLUDE column, 0 for an expression */
  attnums: number[];
  /** indoption per key column (bit 0: DESC) */
  options: number[];
  /** indclass: opclass oid per key column */
  opclasses: number[];
  /** Set only for indexes with expressions: the expression text at each expression position, else null */
  expressions: Array<string | null> | null;
  comment: string | null;
  scans?: number;
  size_bytes?: number;
}

export interface TriggerRow {
  relid: number;
  name: string;
  type: number;
  enabled: string;
  function_schema: string;
  function_name: string;
  definition: string;
}

export interface PolicyRow {
  relid: number;
  name: string;
  cmd: string;
  permissive: boolean;
  roles: string[] | null;
  using_expr: string | null;
  with_check: string | null;
}

export interface EnumRow {
  schema: string;
  name: string;
  labels: string[] | null;
  comment: string | null;
  extension_member: boolean;
}

export interface DomainRow {
  schema: string;
  name: string;
  base_type: string;
  not_null: boolean;
  default_expr: string | null;
  checks: Array<{ name: string; definition: string }> | null;
  extension_member: boolean;
}

export interface FunctionRow {
  schema: string;
  name: string;
  arguments: string;
  returns: string;
  kind: string;
  language: string;
  security_definer: boolean;
  volatility: string;
  config: string[] | null;
  source: string | null;
  comment: string | null;
  extension_member: boolean;
}

export interface ExtensionRow {
  name: string;
  schema: string;
  version: string;
}

export interface SequenceRow {
  schema: string;
  name: string;
  data_type: string;
  max_value: string;
  increment: string;
  table_name: string | null;
  column_name: string | null;
  extension_member: boolean;
  last_value: string | null;
}

export interface RoleRow {
  name: string;
  can_login: boolean;
  bypass_rls: boolean;
  superuser: boolean;
}

export interface GrantRow {
  schema: string;
  name: string;
  grantee: string;
  privileges: string[];
}

export interface OpclassRow {
  oid: number;
  name: string;
}
