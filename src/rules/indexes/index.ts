import type { Rule } from '../types.js';
import booleanIndex from './boolean-index.js';
import btreeOnArrayOrJsonb from './btree-on-array-or-jsonb.js';
import duplicateIndex from './duplicate-index.js';
import invalidIndex from './invalid-index.js';
import logTableWithoutTimeIndex from './log-table-without-time-index.js';
import redundantIndex from './redundant-index.js';
import unusedIndex from './unused-index.js';

export const rules: Rule[] = [
  booleanIndex, btreeOnArrayOrJsonb, duplicateIndex, invalidIndex, logTableWithoutTimeIndex, redundantIndex, unusedIndex,
];
