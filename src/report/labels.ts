/** Short human labels shared by the renderers. */
import type { Location } from '../catalog/model.js';
import type { ReviewResult } from '../result.js';

const LAYOUT_NAMES: Record<string, string> = {
  supabase: 'Supabase', prisma: 'Prisma', drizzle: 'Drizzle', flyway: 'Flyway', 'golang-migrate': 'golang-migrate',
  goose: 'goose', dbmate: 'dbmate', plain: 'plain',
};

const KIND_NAMES: Record<string, string> = {
  live: 'live database', migrations: 'migrations', sql: 'SQL file', prisma: 'Prisma schema', drizzle: 'Drizzle schema',
  dbml: 'DBML', markdown: 'design document',
};

/** `migrations, Supabase layout` */
export function sourceKindLabel(result: Pick<ReviewResult, 'source'>): string {
  const kind = KIND_NAMES[result.source.kind] ?? result.source.kind;
  const layout = result.source.layout ? `, ${LAYOUT_NAMES[result.source.layout] ?? result.source.layout} layout` : '';
  return `${kind}${layout}`;
}

/** `PGlite (PostgreSQL 18.6)` or `PostgreSQL 15.20` */
export function engineLabel(engine: ReviewResult['engine']): string {
  return engine.kind === 'pglite' ? `PGlite (PostgreSQL ${engine.serverVersion})` : `PostgreSQL ${engine.serverVersion}`;
}

/** `file:line:column` in text (editors jump there); `file:line` in documents. */
export function formatLocation(loc: Location, withColumn: boolean): string {
  return withColumn ? `${loc.file}:${loc.line}:${loc.column}` : `${loc.file}:${loc.line}`;
}

/** The date part of an ISO timestamp. */
export function dateOnly(iso: string): string {
  const m = /^\d{4}-\d{2}-\d{2}/.exec(iso);
  return m ? m[0] : iso;
}
