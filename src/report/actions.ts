/**
 * The checklist phrase for each rule: what to do, as an imperative ("Index orders.customer_id").
 * A rule missing here falls back to its title, so new rules never break the checklist.
 */
import { describeRef } from '../catalog/helpers.js';
import type { Finding, ObjectRef } from '../result.js';

type Action = (objects: string, f: Finding) => string;

const ACTIONS: Record<string, Action> = {
  'no-primary-key': (o) => `Add a primary key to ${o}`,
  'int-primary-key': (o) => `Widen ${o} to bigint`,
  'prefer-identity': (o) => `Convert ${o} to an identity column`,
  'uuid-stored-as-text': (o) => `Store ${o} as uuid`,
  'mixed-id-strategy': (o) => `Settle on one id type (${o})`,
  'unindexed-foreign-key': (o) => `Index ${o}`,
  'foreign-key-type-mismatch': (o) => `Align the type of ${o} with the key it references`,
  'missing-foreign-key': (o) => `Add a foreign key on ${o}`,
  'duplicate-foreign-key': (o) => `Drop the duplicate foreign key ${o}`,
  'nullable-owning-foreign-key': (o) => `Make ${o} NOT NULL`,
  'cascade-into-protected-data': (o) => `Replace ON DELETE CASCADE on ${o}`,
  'duplicate-index': (o) => `Drop the duplicate index ${o}`,
  'redundant-index': (o) => `Review the redundant index ${o}`,
  'boolean-index': (o) => `Replace the boolean index ${o} with a partial index`,
  'btree-on-array-or-jsonb': (o) => `Use a GIN index for ${o}`,
  'invalid-index': (o) => `Rebuild the invalid index ${o}`,
  'unused-index': (o) => `Consider dropping the unused index ${o}`,
  'log-table-without-time-index': (o) => `Index ${o} by time`,
  'timestamp-without-time-zone': (o) => `Convert ${o} to timestamptz`,
  'json-over-jsonb': (o) => `Convert ${o} to jsonb`,
  'money-type': (o) => `Replace the money type on ${o}`,
  'money-as-float': (o) => `Store ${o} as numeric or integer cents`,
  'char-n': (o) => `Convert ${o} to text`,
  'varchar-n': (o) => `Convert ${o} to text`,
  timetz: (o) => `Replace timetz on ${o}`,
  'timestamp-zero-precision': (o) => `Drop the (0) precision on ${o}`,
  'temporal-as-text': (o) => `Store ${o} as a date/time type`,
  'phone-or-postal-as-number': (o) => `Store ${o} as text`,
  'network-address-as-text': (o) => `Store ${o} as inet`,
  'inconsistent-column-type': (o) => `Use one type for ${o}`,
  'enum-like-without-check': (o) => `Constrain the values of ${o}`,
  'missing-currency': (o) => `Add a currency next to ${o}`,
  'missing-timestamps': (o) => `Add created_at/updated_at to ${o}`,
  'updated-at-without-trigger': (o) => `Maintain ${o} with a trigger`,
  'audit-timestamp-nullable': (o) => `Make ${o} NOT NULL`,
  'case-sensitive-unique': (o) => `Make the unique key on ${o} case-insensitive`,
  'soft-delete-unique': (o) => `Scope the unique key on ${o} to live rows`,
  'junction-without-unique': (o) => `Add a unique key to the junction table ${o}`,
  'missing-domain-check': (o) => `Add a CHECK on ${o}`,
  'nullable-boolean': (o) => `Make ${o} NOT NULL with a default`,
  'exclusive-flag-unenforced': (o) => `Enforce a single ${o} with a partial unique index`,
  'tenant-column-missing': (o) => `Add the tenant column to ${o}`,
  'tenant-column-nullable': (o) => `Make ${o} NOT NULL`,
  'tenant-unique-not-scoped': (o) => `Scope the unique key ${o} by tenant`,
  'tenant-foreign-key-not-scoped': (o) => `Include the tenant in ${o}`,
  'tenant-rls-not-scoped': (o) => `Scope the policy ${o} by tenant`,
  'plaintext-secret': (o) => `Hash or encrypt ${o}`,
  'rls-disabled': (o) => `Enable RLS on ${o}`,
  'rls-enabled-no-policy': (o) => `Add policies to ${o}`,
  'rls-policy-per-row-auth-call': (o) => `Wrap the auth call in ${o} in a subselect`,
  'multiple-permissive-policies': (o) => `Merge the permissive policies on ${o}`,
  'security-definer-mutable-search-path': (o) => `Pin search_path on ${o}`,
  'security-definer-view': (o) => `Make the view ${o} security_invoker`,
  'extension-in-public': (o) => `Move the extension ${o} out of public`,
  'exposed-materialized-view': (o) => `Revoke API access to ${o}`,
  'naming-convention': (o) => `Rename ${o}`,
  'mixed-table-plurality': (o) => `Settle on singular or plural table names (${o})`,
  'reserved-word-identifier': (o) => `Rename ${o}`,
  'identifier-too-long': (o) => `Shorten ${o}`,
  'table-inheritance': (o) => `Replace inheritance on ${o}`,
  'rule-defined': (o) => `Replace the rule on ${o} with a trigger`,
  'unlogged-table': (o) => `Make ${o} logged`,
  'repeating-column-group': (o) => `Normalise the repeating columns of ${o}`,
  'id-array-instead-of-junction': (o) => `Replace ${o} with a junction table`,
  'catch-all-jsonb': (o) => `Promote the known fields of ${o} to columns`,
  'missing-comment': (o) => `Comment ${o}`,
  'sequence-exhaustion': (o) => `Widen ${o} before it runs out`,
  'table-bloat': (o) => `Vacuum or repack ${o}`,
  'missing-capability': (o, f) => {
    const capability = typeof f.details['capability'] === 'string' ? f.details['capability'].replace(/-/g, ' ') : o;
    return `Add ${capability}`;
  },
};

/**
 * The objects a finding names, up to `max`, then "+N". A table named alongside one of its own columns, policies or
 * indexes adds nothing ("task_comments.policy, task_comments"), so it is left out.
 */
export function objectNames(f: Finding, max = 3): string[] {
  const covered = (o: ObjectRef): boolean =>
    o.kind === 'table' && f.objects.some((x) => x !== o && x.table === o.name && (x.schema ?? 'public') === (o.schema ?? 'public'));
  const names = f.objects.filter((o) => !covered(o)).map(describeRef);
  return names.length <= max ? names : [...names.slice(0, max), `+${names.length - max}`];
}

export function objectsPhrase(f: Finding): string {
  return objectNames(f).join(', ');
}

/** Rules whose objects are peers (the duplicates, the mismatched columns); elsewhere the first object is the subject and the rest support it. */
const PEER_OBJECTS = new Set([
  'inconsistent-column-type', 'duplicate-index', 'redundant-index', 'mixed-id-strategy', 'mixed-table-plurality',
  'multiple-permissive-policies', 'duplicate-foreign-key',
]);

/** The object(s) a one-line summary of the finding should name. */
export function subjectPhrase(f: Finding): string {
  if (PEER_OBJECTS.has(f.rule)) return objectsPhrase(f);
  const first = objectNames(f, 1)[0];
  return first ?? '';
}

export function actionFor(f: Finding): string {
  const objects = subjectPhrase(f);
  const action = ACTIONS[f.rule];
  if (action) return action(objects, f);
  return objects ? `${f.title}: ${objects}` : f.title;
}
