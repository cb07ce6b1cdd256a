import type { Catalog, Location } from '../catalog/model.js';
import type { Fix, ObjectRef, Severity } from '../result.js';

export type RuleCategory =
  | 'keys' | 'foreign-keys' | 'indexes' | 'types' | 'integrity' | 'tenancy' | 'security' | 'naming'
  | 'structure' | 'docs' | 'completeness' | 'runtime' | 'migration' | 'audit';

export interface RuleMeta {
  /** Public, stable id: the contract. */
  id: string;
  category: RuleCategory;
  /** Default severity; config may override. */
  severity: Severity;
  /** One line, names the problem: "Foreign key without a supporting index". */
  title: string;
  /** Why it matters, two or three sentences. */
  rationale: string;
  /** Stance rules (varchar-n, pii-unclassified, …) are off unless enabled in config. */
  enabledByDefault: boolean;
  /** Needs real statistics: only runs on a live database. */
  liveOnly?: boolean;
}

/** What a rule reports; the runner adds ids, locations, fingerprints and the meta fields. */
export interface FindingDraft {
  objects: ObjectRef[];
  /** Names the object, says what is wrong and what to do. States its evidence for heuristics. */
  message: string;
  /** Overrides the rule's severity for this finding (e.g. a hedged heuristic). */
  severity?: Severity;
  /** Overrides the rule's title for this finding. */
  title?: string;
  /** Where to point; defaults to the provenance of the first object. */
  location?: Location | null;
  details?: Record<string, unknown>;
  fix?: Fix | null;
}

/**
 * Team-wide stances from config. They change what rules expect, not which rules run:
 * `auto` means "follow the schema's own majority" (see catalog/conventions.ts).
 */
export interface Stances {
  /** Identifier style for tables and columns. */
  naming: 'snake_case' | 'camelCase' | 'auto';
  /** Table names plural (`users`) or singular (`user`). */
  tablePlurality: 'plural' | 'singular' | 'auto';
  /** `text` (varchar-n fires on varchar(n)) or `varchar` (length limits are deliberate). */
  varchar: 'text' | 'varchar';
  /** How a closed set of values should be enforced: a CHECK, an enum type, or either. */
  enumStyle: 'check' | 'enum' | 'either';
}

export const DEFAULT_STANCES: Stances = { naming: 'auto', tablePlurality: 'auto', varchar: 'varchar', enumStyle: 'either' };

/** Settings that apply to the whole review rather than one rule. */
export interface ReviewSettings {
  stances: Stances;
  /** The tenant key column set in config (e.g. `organization_id`); null = infer it; false = not multi-tenant. */
  tenantColumn: string | null | false;
  /** Which ORM maintains the schema, when known (e.g. Prisma keeps `@updatedAt` columns current). */
  orm: 'prisma' | 'drizzle' | null;
}

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { stances: DEFAULT_STANCES, tenantColumn: null, orm: null };

export interface RuleContext {
  catalog: Catalog;
  /** Options set for this rule in config (rules: { id: [severity, options] }). */
  options: Record<string, unknown>;
  /** Stances, the configured tenant column, the ORM. */
  review: ReviewSettings;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): FindingDraft[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
