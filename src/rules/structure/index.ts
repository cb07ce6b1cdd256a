import type { Rule } from '../types.js';
import catchAllJsonb from './catch-all-jsonb.js';
import idArrayInsteadOfJunction from './id-array-instead-of-junction.js';
import isolatedTable from './isolated-table.js';
import repeatingColumnGroup from './repeating-column-group.js';
import ruleDefined from './rule-defined.js';
import tableInheritance from './table-inheritance.js';
import unloggedTable from './unlogged-table.js';

export const rules: Rule[] = [
  catchAllJsonb,
  idArrayInsteadOfJunction,
  isolatedTable,
  repeatingColumnGroup,
  ruleDefined,
  tableInheritance,
  unloggedTable,
];
