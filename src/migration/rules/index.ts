/** Every migration safety rule (diff only), sorted by id: the public contract. */
import type { MigrationRule } from '../types.js';
import addColumnRewritesTable from './add-column-rewrites-table.js';
import addPrimaryKeyLocks from './add-primary-key-locks.js';
import addRequiredColumn from './add-required-column.js';
import columnTypeChangeRewrites from './column-type-change-rewrites.js';
import concurrentInTransaction from './concurrent-in-transaction.js';
import constraintValidatesImmediately from './constraint-validates-immediately.js';
import dataChangeInSchemaMigration from './data-change-in-schema-migration.js';
import dropColumn from './drop-column.js';
import dropIndexNotConcurrent from './drop-index-not-concurrent.js';
import dropTable from './drop-table.js';
import enumValueChange from './enum-value-change.js';
import indexNotConcurrent from './index-not-concurrent.js';
import irreversibleChange from './irreversible-change.js';
import missingLockTimeout from './missing-lock-timeout.js';
import renameBreaksClients from './rename-breaks-clients.js';
import setNotNullScansTable from './set-not-null-scans-table.js';
import truncateTable from './truncate-table.js';
import uniqueConstraintNotConcurrent from './unique-constraint-not-concurrent.js';
import vacuumFullOrCluster from './vacuum-full-or-cluster.js';

export const migrationRules: MigrationRule[] = [
  addColumnRewritesTable,
  addPrimaryKeyLocks,
  addRequiredColumn,
  columnTypeChangeRewrites,
  concurrentInTransaction,
  constraintValidatesImmediately,
  dataChangeInSchemaMigration,
  dropColumn,
  dropIndexNotConcurrent,
  dropTable,
  enumValueChange,
  indexNotConcurrent,
  irreversibleChange,
  missingLockTimeout,
  renameBreaksClients,
  setNotNullScansTable,
  truncateTable,
  uniqueConstraintNotConcurrent,
  vacuumFullOrCluster,
].sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
