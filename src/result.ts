/** The JSON contract (schemaVersion 1). Every renderer renders from a ReviewResult. */
import type { AuditRunSummary } from './audit/types.js';
import type { Location } from './catalog/model.js';
import type { FixPlan } from './fix/types.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const SEVERITY_PREFIX: Record<Severity, string> = { critical: 'C', high: 'H', medium: 'M', low: 'L', info: 'I' };

export type ObjectKind =
  | 'table' | 'column' | 'index' | 'constraint' | 'function' | 'policy' | 'view' | 'enum' | 'sequence' | 'statement' | 'schema' | 'extension' | 'trigger';

export interface ObjectRef {
  kind: ObjectKind;
  schema?: string;
  table?: string;
  name?: string;
}

export interface Fix {
  sql: string;
  orm?: { prisma?: string; drizzle?: string };
  /** Locks taken, rewrites, the pre-check to run first. */
  notes?: string;
}

export interface Finding {
  id: string;
  rule: string;
  severity: Severity;
  category: string;
  title: string;
  message: string;
  rationale: string;
  objects: ObjectRef[];
  location: Location | null;
  details: Record<string, unknown>;
  fix: Fix | null;
  fingerprint: string;
}

/** How a finding was suppressed: a rule set to off, an `ignore` entry, an inline comment, a COMMENT ON marker, the baseline. */
export type SuppressedBy = 'config' | 'ignore' | 'inline' | 'comment' | 'baseline';

/** A finding that a team chose not to see. Counted in summary.suppressed and listed, never silently lost. */
export interface SuppressedFinding {
  rule: string;
  severity: Severity;
  fingerprint: string;
  objects: ObjectRef[];
  location: Location | null;
  by: SuppressedBy;
  reason: string | null;
}

/** The tenant key the tenancy rules used, and where it came from. */
export interface TenancySummary {
  column: string;
  /** The table the key references (`public.organizations`), when known. */
  parent: string | null;
  source: 'config' | 'inferred';
  /** How many tables carry the column / should carry it. */
  carriers: number;
  scoped: number;
  evidence: string;
}

export interface MigrationQuality {
  /** The files that make up the change. */
  files: string[];
  statements: number;
  /** Statements Postgres rejected. */
  failed: number;
  /** The change opens its own transaction(s). */
  transactions: boolean;
  /** A SET lock_timeout comes before the first statement that locks an existing table. */
  lockTimeout: boolean;
  /** CREATE/DROP INDEX CONCURRENTLY statements. */
  concurrent: number;
  /** INSERT/UPDATE/DELETE statements. */
  dataChanges: number;
  /** Only creates: no existing object is altered or dropped. */
  additive: boolean;
}

export type Verdict = 'approve' | 'approve-with-comments' | 'changes-requested' | 'block';

export interface ChangeEntry {
  action: 'created' | 'altered' | 'dropped';
  object: ObjectRef;
  detail: string;
  location: Location | null;
}

export interface RollbackResult {
  sql: string;
  /** One line per step that cannot restore what the change destroyed. */
  irreversible: string[];
  /** Applied to head in the engine, it gave back base exactly. */
  verified: boolean;
  /** When not verified: what still differs, or the statement Postgres rejected. */
  problems: string[];
}

/** A deviation of the actual schema from the expected one (check, review --expect, diff --expect). */
export interface DriftEntry {
  kind: string;
  severity: Severity;
  objects: ObjectRef[];
  expected: string;
  actual: string;
  fix: { sql: string } | null;
}

/** Quick health counts of one schema (seed 001's "Quick Health Check"). */
export interface HealthCounts {
  tables: number;
  indexes: number;
  foreignKeys: number;
  views: number;
  /** Live only: sum of pg_total_relation_size over the tables, and of their row estimates. */
  totalBytes: number | null;
  rowEstimate: number | null;
}

export interface HealthSummary {
  actual: HealthCounts;
  expected: HealthCounts;
  /** Live only: the largest tables by total size. */
  largest: Array<{ table: string; rowEstimate: number; totalBytes: number }>;
}

export type SourceKind = 'live' | 'migrations' | 'sql' | 'prisma' | 'drizzle' | 'dbml' | 'markdown';
export type Layout = 'supabase' | 'prisma' | 'drizzle' | 'flyway' | 'golang-migrate' | 'goose' | 'dbmate' | 'plain';

export interface Timings {
  loadMs: number;
  applyMs: number;
  introspectMs: number;
  analyzeMs: number;
  renderMs: number;
}

export interface ReviewResult {
  schemaVersion: 1;
  tool: { name: 'schemasage'; version: string };
  command: 'review' | 'diff' | 'check' | 'audit' | 'docs' | 'fix';
  source: { kind: SourceKind; path: string; layout: Layout | null };
  engine: { kind: 'pglite' | 'postgres'; serverVersion: string };
  generatedAt: string;
  summary: {
    tables: number;
    views: number;
    indexes: number;
    foreignKeys: number;
    enums: number;
    functions: number;
    policies: number;
    findings: Record<Severity, number>;
    /** Findings suppressed by config, inline comments or the baseline; never silently lost. */
    suppressed: number;
    grade?: string;
    /** diff only: the merge recommendation. */
    verdict?: Verdict;
  };
  findings: Finding[];
  /** Findings removed by config, ignores, inline comments or the baseline (review only). */
  suppressed?: SuppressedFinding[];
  /** diff: every object the change created, altered or dropped, with the statement that did it. */
  changes?: ChangeEntry[];
  /** diff: SQL taking head back to base, verified in the engine. */
  rollback?: RollbackResult;
  /** diff: how the migration itself is written (seed 002's "Migration quality"). */
  migration?: MigrationQuality;
  /** diff --expect, check, review --expect: where the schema deviates from the design. */
  drift?: DriftEntry[];
  /** diff: why the verdict is what it is, most important first. */
  verdictReasons?: string[];
  /** diff: findings of the review rules that the base already had (not blamed on the change). */
  existingDebt?: { count: number; bySeverity: Record<Severity, number> };
  /** audit, review --audit: findings of the audit rules (same shape as findings; ids A1, A2, …). */
  audit?: Finding[];
  /** audit, review --audit: every check that ran, how long it took, which timed out or failed, how tables were sampled. */
  auditRun?: AuditRunSummary;
  /** check: counts of both schemas, and sizes and row estimates when the actual one is live. */
  health?: HealthSummary;
  /** The tenant key, when the schema is multi-tenant (configured or inferred). */
  tenancy?: TenancySummary | null;
  /** fix: the migration, each finding's steps, and what verifying it in the engine showed. */
  fix?: FixPlan;
  notes: Array<{ kind: string; message: string; location: Location | null }>;
  timings: Timings;
}
