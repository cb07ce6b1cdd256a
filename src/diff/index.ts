/** The catalog diff, the rollback generator and its verification: shared by `diff` (migration review) and drift. */
export type { CatalogChange, ChangeAction, RenamePair, RollbackPlan, RollbackStep } from './types.js';
export { diffCatalogs, diffEntries, likelyRenames, verifyRollback, type DiffEntry } from './diff.js';
export { isWidening, rollbackSql } from './rollback.js';
export * as ddl from './ddl.js';
