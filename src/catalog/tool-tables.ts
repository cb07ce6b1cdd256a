/**
 * Bookkeeping tables that migration tools and ORMs create with their own names and columns
 * (`_prisma_migrations` is snake_case in a camelCase Prisma schema). The team did not design them,
 * so introspection marks them origin 'tool' and no rule or inventory judges them.
 */
import type { Table } from './model.js';

export const TOOL_TABLES: ReadonlySet<string> = new Set([
  '_prisma_migrations', 'schema_migrations', 'ar_internal_metadata', '__drizzle_migrations', 'knex_migrations',
  'knex_migrations_lock', 'flyway_schema_history', 'goose_db_version', '__efmigrationshistory', 'sequelizemeta',
  'typeorm_metadata', 'alembic_version', 'django_migrations', 'databasechangelog', 'databasechangeloglock',
  'pgmigrations', 'atlas_schema_revisions', '_sqlx_migrations', 'seaql_migrations', '__diesel_schema_migrations',
  'doctrine_migration_versions', 'gorp_migrations', 'schema_version', 'spatial_ref_sys',
]);

/**
 * `migrations` is too common a word to trust alone: only the shapes TypeORM (id, timestamp, name) and
 * Laravel (id, migration, batch) create count as bookkeeping.
 */
function isGenericMigrationsTable(t: Pick<Table, 'name' | 'columns'>): boolean {
  if (t.name.toLowerCase() !== 'migrations') return false;
  const cols = new Set(t.columns.map((c) => c.name.toLowerCase()));
  return (cols.has('timestamp') && cols.has('name') && t.columns.length <= 4) || (cols.has('migration') && cols.has('batch') && t.columns.length <= 4);
}

export function isToolTable(t: Pick<Table, 'name' | 'columns'>): boolean {
  return TOOL_TABLES.has(t.name.toLowerCase()) || isGenericMigrationsTable(t);
}
