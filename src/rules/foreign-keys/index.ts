import type { Rule } from '../types.js';
import cascadeIntoProtectedData from './cascade-into-protected-data.js';
import duplicateForeignKey from './duplicate-foreign-key.js';
import foreignKeyTypeMismatch from './foreign-key-type-mismatch.js';
import missingForeignKey from './missing-foreign-key.js';
import nullableOwningForeignKey from './nullable-owning-foreign-key.js';
import unindexedForeignKey from './unindexed-foreign-key.js';

export const rules: Rule[] = [
  cascadeIntoProtectedData, duplicateForeignKey, foreignKeyTypeMismatch, missingForeignKey, nullableOwningForeignKey, unindexedForeignKey,
];
