/** The rule registry. Each category folder exports its rules; adding a rule touches its file, its index, its test and its doc. */
import type { Rule } from './types.js';
import { rules as keys } from './keys/index.js';
import { rules as foreignKeys } from './foreign-keys/index.js';
import { rules as indexes } from './indexes/index.js';
import { rules as types } from './types/index.js';
import { rules as security } from './security/index.js';
import { rules as runtime } from './runtime/index.js';
import { rules as integrity } from './integrity/index.js';
import { rules as tenancy } from './tenancy/index.js';
import { rules as naming } from './naming/index.js';
import { rules as structure } from './structure/index.js';
import { rules as docs } from './docs/index.js';
import { rules as completeness } from './completeness/index.js';

export const allRules: readonly Rule[] = [
  ...keys, ...foreignKeys, ...indexes, ...types, ...integrity, ...tenancy, ...security, ...naming, ...structure, ...docs,
  ...completeness, ...runtime,
];

export function getRule(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
