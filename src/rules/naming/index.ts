import type { Rule } from '../types.js';
import identifierTooLong from './identifier-too-long.js';
import mixedTablePlurality from './mixed-table-plurality.js';
import namingConvention from './naming-convention.js';
import reservedWordIdentifier from './reserved-word-identifier.js';

export const rules: Rule[] = [
  identifierTooLong,
  mixedTablePlurality,
  namingConvention,
  reservedWordIdentifier,
];
