/**
 * The missing-elements catalogue: what an application like the one a schema describes needs and
 * the schema lacks. Each capability says what in a schema implies it (trigger), which existing
 * tables or columns already provide it under any name (recognise), and the DDL that adds it in the
 * schema's own conventions (ddl). The `missing-capability` rule turns them into findings.
 */
import type { Catalog, Location } from '../catalog/model.js';
import type { Conventions } from '../catalog/conventions.js';
import type { ObjectRef } from '../result.js';
import type { TenantInfo } from '../rules/tenancy/tenant.js';

export type CapabilityName =
  | 'refresh-tokens' | 'password-reset' | 'email-verification' | 'oauth-accounts' | 'sessions' | 'system-settings'
  | 'audit-log' | 'file-uploads' | 'user-preferences' | 'search-history' | 'payment-records' | 'webhook-idempotency'
  | 'invitations';

export type Priority = 'high' | 'medium' | 'low';

/** What in the schema implies a capability. */
export interface Trigger {
  /** Phrases a reader can check, e.g. "`users` has `password_hash`". */
  evidence: string[];
  /** The capability's priority for this trigger (a weaker trigger may lower it). */
  priority: Priority;
  /** The object that implies it (the users.password_hash column), for the finding's location. */
  subject: ObjectRef | null;
  location: Location | null;
}

/** An existing equivalent: "`users.reset_password_token`", "Supabase Auth". */
export interface Recognised {
  what: string;
}

/** The DDL proposed for a missing capability. */
export interface Proposal {
  sql: string;
  /** The new table's name, or null when the proposal only adds columns. */
  table: string | null;
  /** The new table first (or the columns added), so fingerprints differ per capability. */
  objects: ObjectRef[];
  /** One clause for the message: "Add `refresh_tokens`: one hashed, expiring, revocable token per device." */
  summary: string;
  /** Alternatives, locks, follow-ups. */
  notes: string;
}

export interface DdlContext {
  catalog: Catalog;
  /** The tenant key (configured or inferred), or null for a single-tenant schema. */
  tenant: TenantInfo | null;
  trigger: Trigger;
}

export interface Capability {
  name: CapabilityName;
  /** "Refresh token storage" */
  title: string;
  /** The usual priority; a trigger may lower or raise it. */
  priority: Priority;
  /** Why an application like this needs it, 1–3 concrete sentences. */
  reason: string;
  /** What is missing, as the message says it: "nothing stores password reset tokens". */
  missing: string;
  /** The equivalents looked for, each readable after "no": "reset columns on the users table (reset_password_token, …)". */
  checked(catalog: Catalog, conv: Conventions): string[];
  trigger(catalog: Catalog, conv: Conventions): Trigger | null;
  recognise(catalog: Catalog, conv: Conventions): Recognised | null;
  ddl(conv: Conventions, ctx: DdlContext): Proposal;
}
