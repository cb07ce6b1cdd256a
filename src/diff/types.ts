/**
 * Catalog × Catalog → changes. Migration review (what a PR changed), drift (what production changed
 * against the design) and rollback (how to go back) all read this.
 */
import type { ObjectRef } from '../result.js';

export type ChangeAction = 'created' | 'altered' | 'dropped';

export interface CatalogChange {
  action: ChangeAction;
  /** kind: schema | extension | enum | table | column | constraint | index | view | function | trigger | policy | sequence */
  object: ObjectRef;
  /** What changed, for a reader: "type character varying(50) → text", "NOT NULL added", "value 'paused' added". */
  detail: string;
}

export interface RollbackStep {
  sql: string;
  /** The step cannot restore what the change destroyed (a dropped column's data, a narrowed type's precision …). */
  irreversible: boolean;
  /** Why it is irreversible, or a caveat (enum values cannot be dropped in place, …). */
  note?: string;
  change: CatalogChange;
}

export interface RollbackPlan {
  /** The whole script, in dependency order, with irreversible steps marked by comments. */
  sql: string;
  steps: RollbackStep[];
  /** One line per irreversible step. */
  irreversible: string[];
}

/** A dropped and a created object that are probably one renamed object (see likelyRenames). */
export interface RenamePair {
  kind: 'table' | 'column';
  schema: string;
  /** The table as base names it (for a table pair, the old name). */
  table: string;
  from: string;
  to: string;
  /** The column type both share, or for tables their column count. */
  type: string;
  /**
   * Structure backs the guess: a renamed column keeps its position (attnum) while an added one goes
   * last; a table pair has identical columns. Rollback renames back only confident pairs.
   */
  confident: boolean;
}
