/**
 * Statement-level migration safety rules (diff only): each new statement of a PR is judged with the
 * catalog as it stood just before it, knowing which tables existed before the PR.
 */
import type { Catalog, TableStats } from '../catalog/model.js';
import type { RuleMeta, FindingDraft } from '../rules/types.js';
import type { Statement } from '../sources/types.js';

export interface MigrationContext {
  statement: Statement;
  /** The catalog just before this statement ran (base + the PR's earlier statements). */
  before: Catalog;
  /** `schema.table` of every table that existed before the PR (in base): rewriting those hurts, new ones don't. */
  baseTables: ReadonlySet<string>;
  /** The statement runs inside an explicit BEGIN … COMMIT (or a file the tool wraps in one). */
  inTransaction: boolean;
  /** Target PostgreSQL major version (--pg-version, default 15, or the target's). */
  pgVersion: number;
  /** The PR's statements before this one (e.g. a SET lock_timeout earlier in the file). */
  previous: readonly Statement[];
  /** Live size of a table on the --target database, when given. */
  tableStats(schema: string, table: string): TableStats | null;
}

export interface MigrationRule {
  meta: RuleMeta;
  check(ctx: MigrationContext): FindingDraft[];
}
