import type { Rule } from '../types.js';
import auditTimestampNullable from './audit-timestamp-nullable.js';
import caseSensitiveUnique from './case-sensitive-unique.js';
import enumLikeWithoutCheck from './enum-like-without-check.js';
import exclusiveFlagUnenforced from './exclusive-flag-unenforced.js';
import junctionWithoutUnique from './junction-without-unique.js';
import missingCurrency from './missing-currency.js';
import missingDomainCheck from './missing-domain-check.js';
import missingTimestamps from './missing-timestamps.js';
import nullableBoolean from './nullable-boolean.js';
import softDeleteUnique from './soft-delete-unique.js';
import updatedAtWithoutTrigger from './updated-at-without-trigger.js';

export const rules: Rule[] = [
  auditTimestampNullable,
  caseSensitiveUnique,
  enumLikeWithoutCheck,
  exclusiveFlagUnenforced,
  junctionWithoutUnique,
  missingCurrency,
  missingDomainCheck,
  missingTimestamps,
  nullableBoolean,
  softDeleteUnique,
  updatedAtWithoutTrigger,
];
