/**
 * The checklist phrase for each rule: what to do, as an imperative ("Index orders.customer_id").
 * A rule missing here falls back to its title, so new rules never break the checklist.
 */
import { describeRef } from '../catalog/helpers.js';
import type { Finding, ObjectRef, Severity } from '../result.js';

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
  'isolated-table': (o) => `Relate ${o} to the rest of the schema, or confirm it stands alone`,
  'missing-capability': (_o, f) => `Add ${lowerFirst(capabilityLabel(f))}`,
};

/** Names of the capabilities missing-capability reports, for findings that do not carry their own. */
const CAPABILITY_LABELS: Record<string, string> = {
  'refresh-tokens': 'Refresh token storage',
  'password-reset': 'Password reset tokens',
  'email-verification': 'Email verification tokens',
  'oauth-accounts': 'OAuth account links',
  sessions: 'Session tracking',
  'system-settings': 'System settings',
  'audit-log': 'Audit log',
  'file-uploads': 'File upload tracking',
  'user-preferences': 'User preferences',
  'search-history': 'Search history',
  'payment-records': 'Payment records',
  'webhook-idempotency': 'Webhook idempotency keys',
  invitations: 'Invitations',
};

export type CapabilityPriority = 'high' | 'medium' | 'low';
export const CAPABILITY_PRIORITIES: readonly CapabilityPriority[] = ['high', 'medium', 'low'];
/** The rule derives severity from priority (high → medium, medium → low, low → info); read back when details lack it. */
const PRIORITY_BY_SEVERITY: Record<Severity, CapabilityPriority> = { critical: 'high', high: 'high', medium: 'high', low: 'medium', info: 'low' };

export function capabilityPriority(f: Finding): CapabilityPriority {
  const p = f.details['priority'];
  return p === 'high' || p === 'medium' || p === 'low' ? p : PRIORITY_BY_SEVERITY[f.severity];
}

/** "Refresh token storage" → "refresh token storage", but "OAuth account links" stays. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/**
 * What a missing-capability finding says is missing: its details.title, else its own title after
 * "Missing:", else the capability's name.
 */
export function capabilityLabel(f: Finding): string {
  const own = f.details['title'];
  if (typeof own === 'string' && own.trim() !== '') return own.trim();
  const fromTitle = /^missing(?: capability)?\s*[:·—-]\s*(.+)$/i.exec(f.title)?.[1]?.trim();
  if (fromTitle) return fromTitle;
  const capability = f.details['capability'];
  if (typeof capability === 'string' && capability !== '') {
    const known = CAPABILITY_LABELS[capability];
    if (known) return known;
    const words = capability.replace(/[-_]+/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return f.title;
}

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
