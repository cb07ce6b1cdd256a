/**
 * The data audit (`schemasage audit`, `review --audit`): checks that read a live database's rows with
 * set-based SQL and report counts plus a few sample keys. Each check is one read-only statement, run
 * under its own statement_timeout, so a slow check is reported as timed out and the others still run.
 */
import type { Catalog, Table } from '../catalog/model.js';
import type { Invariant } from '../config/schema.js';
import type { ReviewSettings } from '../rules/types.js';
import type { FindingDraft } from '../rules/types.js';
import type { ObjectRef, Severity } from '../result.js';

export const AUDIT_RULE_IDS = [
  'orphaned-rows', 'duplicate-values', 'observed-enum-values', 'never-null-column', 'unhashed-secret-values',
  'exclusive-flag-violation', 'invariant-violation',
] as const;
export type AuditRuleId = (typeof AUDIT_RULE_IDS)[number];

/** One row of a check's result, as node-postgres returns it. */
export type AuditRow = Record<string, unknown>;

/** A planned check: one statement and how to read its result. */
export interface AuditCheck {
  rule: AuditRuleId;
  /** Short, stable description for progress and the partial report: `orders.customer_id → customers.id`. */
  label: string;
  objects: ObjectRef[];
  /** Tables the statement reads (the bench compares the check with one scan of each). */
  reads: Array<{ schema: string; table: string }>;
  /** The read-only statement. */
  sql: string;
  /** True when the statement reads a TABLESAMPLE of a huge table rather than every row. */
  sampled: boolean;
  /** Findings from the statement's rows (none when the data is sound). */
  interpret(rows: AuditRow[]): FindingDraft[];
}

export interface SampleSettings {
  /** TABLESAMPLE SYSTEM percentage (0 < p < 100). */
  percent: number;
  /** Tables with at least this many estimated rows are sampled; smaller ones are read whole. */
  minRows: number;
}

export interface PlanContext {
  catalog: Catalog;
  review: ReviewSettings;
  invariants: Invariant[];
  /** Where the invariants were declared (the config file), for messages. */
  configPath: string | null;
  sample: SampleSettings | null;
  /** pg_stats.n_distinct per `schema.table.column` when the server has statistics (negative: a fraction of rows). */
  distinct: Map<string, number>;
}

/** How one check went. Timed-out and failed checks make the report partial, and say so. */
export interface AuditCheckStatus {
  rule: AuditRuleId;
  label: string;
  objects: ObjectRef[];
  status: 'ok' | 'timeout' | 'error';
  /** Wall time of the statement in milliseconds. */
  ms: number;
  sampled: boolean;
  /** Findings this check produced. */
  findings: number;
  /** For timeout and error: what Postgres said. */
  error?: string;
}

/** `result.auditRun`: what ran, what timed out, how the data was sampled. */
export interface AuditRunSummary {
  checks: AuditCheckStatus[];
  /** Per-check statement_timeout in milliseconds. */
  statementTimeoutMs: number;
  sample: (SampleSettings & { tables: string[] }) | null;
  /** True when every planned check finished. */
  complete: boolean;
}

export interface AuditRuleMeta {
  id: AuditRuleId;
  severity: Severity;
  title: string;
  rationale: string;
}

/** Helpers the checks share. */
export interface TableKey {
  /** SQL expression over alias `t` giving a row's key as text (`t."id"::text`), or null when the table has no primary key. */
  expr: string | null;
  /** `id` or `(org_id, id)`, for messages. */
  label: string | null;
}

export type { Table };
