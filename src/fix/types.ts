/** The `fix` command's part of the JSON contract: one verified migration and how it was built. */
import type { ObjectRef, Severity } from '../result.js';

/**
 * Where a statement runs in the migration, in this order: inside the one BEGIN … COMMIT; then each
 * CREATE/DROP INDEX CONCURRENTLY on its own; then constraints attached to those indexes (USING
 * INDEX); then VALIDATE CONSTRAINT (and what a fix does only after validating); then the renames
 * of tables and columns, last, so every statement before them uses the names the review reported.
 */
export type FixPhase = 'transaction' | 'concurrent' | 'attach' | 'validate' | 'rename';
export const FIX_PHASES: readonly FixPhase[] = ['transaction', 'concurrent', 'attach', 'validate', 'rename'];

/** A finding as the fix plan names it (ids are the review's, before the fix). */
export interface FindingRef {
  id: string;
  rule: string;
  severity: Severity;
  fingerprint: string;
  objects: ObjectRef[];
  message: string;
}

/**
 * One finding's statements in one phase (status `applied`), or a selected finding left out of the
 * migration (status `skipped`, phase null, with the reason).
 */
export interface FixStep {
  finding: string;
  rule: string;
  severity: Severity;
  objects: ObjectRef[];
  /** missing-capability findings: the capability added. */
  capability: string | null;
  phase: FixPhase | null;
  statements: string[];
  status: 'applied' | 'skipped';
  reason: string | null;
}

/** A read-only query to run before the migration: it lists the rows that would make a step fail. */
export interface PreCheck {
  finding: string;
  /** What the query finds and which step it protects. */
  what: string;
  sql: string;
}

/** The schema edits for ORM users, grouped by model (Prisma) or table variable (Drizzle). */
export interface OrmEdits {
  orm: 'prisma' | 'drizzle';
  groups: Array<{ owner: string; edits: Array<{ finding: string; rule: string; snippet: string }> }>;
}

export interface FixPlan {
  /** The migration as written to --out (or stdout). Empty when nothing could be verified. */
  sql: string;
  steps: FixStep[];
  preChecks: PreCheck[];
  /** Applied to the source in the engine and reviewed again: targeted findings gone, nothing new at high or above. */
  verified: boolean;
  /** Where it was verified: "PGlite 18.6" or "PostgreSQL 16.4 (--shadow-db)". */
  verifiedIn: string;
  /** How many times the source was loaded and the migration applied (1 unless steps had to be dropped). */
  passes: number;
  /** Targeted findings that the migration removes. */
  gone: FindingRef[];
  /** Targeted findings still present after the migration (only when not verified). */
  remaining: FindingRef[];
  /** Findings at high or above that the migration would introduce (only when not verified); ids are the re-review's. */
  introduced: FindingRef[];
  /** The statement Postgres rejected, when that is why the plan could not be verified. */
  failure: { finding: string; statement: string; message: string } | null;
  orm: OrmEdits | null;
}
