import type { Rule } from '../types.js';
import tenantColumnMissing from './tenant-column-missing.js';
import tenantColumnNullable from './tenant-column-nullable.js';
import tenantForeignKeyNotScoped from './tenant-foreign-key-not-scoped.js';
import tenantRlsNotScoped from './tenant-rls-not-scoped.js';
import tenantUniqueNotScoped from './tenant-unique-not-scoped.js';

export const rules: Rule[] = [
  tenantColumnMissing,
  tenantColumnNullable,
  tenantForeignKeyNotScoped,
  tenantRlsNotScoped,
  tenantUniqueNotScoped,
];
