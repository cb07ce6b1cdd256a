/** The audit rules of the public contract (PRODUCT.md): ids, default severities, titles, rationale. */
import type { AuditRuleId, AuditRuleMeta } from './types.js';

export const AUDIT_RULES: Record<AuditRuleId, AuditRuleMeta> = {
  'orphaned-rows': {
    id: 'orphaned-rows',
    severity: 'high',
    title: 'Rows reference parents that do not exist',
    rationale:
      'A foreign key added NOT VALID and never validated, or a reference column with no foreign key at all, lets rows point at parents ' +
      'that were deleted or never existed. INNER JOINs silently drop them, reports undercount, and the constraint cannot be validated ' +
      '(or added) until they are repaired.',
  },
  'duplicate-values': {
    id: 'duplicate-values',
    severity: 'high',
    title: 'Values that should be unique are duplicated',
    rationale:
      'An identifier that the application treats as unique (an email, a username, a pair in a link table) but the database does not ' +
      'enforce, or enforces case-sensitively, already has duplicates: logins pick an arbitrary account, lookups by the other spelling ' +
      'miss, and a unique index cannot be built until they are merged.',
  },
  'observed-enum-values': {
    id: 'observed-enum-values',
    severity: 'low',
    title: 'Closed-set column: the values in use, and the CHECK that would hold',
    rationale:
      'A status/type/role column with no CHECK or enum accepts any string. The values actually stored show the set the application ' +
      'uses, the spellings that slipped in (`Active` beside `active`), and give a CHECK that existing rows already satisfy.',
  },
  'never-null-column': {
    id: 'never-null-column',
    severity: 'low',
    title: 'Nullable columns that never hold NULL',
    rationale:
      'A column that is nullable but filled in on every row is NOT NULL in practice. Declaring it lets Postgres enforce what the ' +
      'application already assumes, documents it, and lets the planner and ORMs rely on it.',
  },
  'unhashed-secret-values': {
    id: 'unhashed-secret-values',
    severity: 'critical',
    title: 'Secrets stored in a recoverable form',
    rationale:
      'A password or token column whose values are not bcrypt/argon2/scrypt/PBKDF2 hashes or SHA-256/512 digests holds the secret ' +
      'itself: anyone with read access to the table, a backup or a log of it can log in as every user. schemasage counts the values ' +
      'that do not look like hashes and never prints them.',
  },
  'exclusive-flag-violation': {
    id: 'exclusive-flag-violation',
    severity: 'high',
    title: 'More than one row carries a flag meant for one row per owner',
    rationale:
      'Flags such as is_default, is_primary or is_current mean "the one row among its siblings". Owners with two flagged rows get an ' +
      'arbitrary one wherever the code reads "the" default, and the partial unique index that would prevent it cannot be built until ' +
      'the extra flags are cleared.',
  },
  'invariant-violation': {
    id: 'invariant-violation',
    severity: 'high',
    title: 'A data invariant declared in the config does not hold',
    rationale:
      'The team declared, as SQL that returns true when the data is sound, a rule the schema cannot express (totals match their lines, ' +
      'an account has one owner, …). The audit ran it read-only and it returned false.',
  },
};

export function isAuditRule(id: string): id is AuditRuleId {
  return Object.prototype.hasOwnProperty.call(AUDIT_RULES, id);
}
