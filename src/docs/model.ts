/**
 * What the documentation says about a schema, derived from the Catalog: the relationships between
 * tables with their cardinality, and the architecture decisions the schema shows (seed 003). Both
 * the Markdown docs and the HTML docs render from this model.
 */
import type { Catalog, ReferentialAction } from '../catalog/model.js';
import type { ReviewResult } from '../result.js';

export type Cardinality = '1:1' | '1:N' | 'M:N';

export interface TableRef {
  schema: string;
  table: string;
}

/** One relationship between two tables, seen from both ends. */
export interface Relation {
  /** `1:1` (unique FK), `1:N`, or `M:N` through a junction table. */
  cardinality: Cardinality;
  /** The referenced ("one") side. For M:N, one of the two ends. */
  parent: TableRef & { columns: string[] };
  /** The referencing side. For M:N, the other end (not the junction). */
  child: TableRef & { columns: string[] };
  /** The FK constraint (for M:N: the junction's FK to the child). */
  constraint: string;
  /** The child's FK columns may be NULL: the child may exist without a parent. */
  optional: boolean;
  onDelete: ReferentialAction;
  /** For M:N: the junction table. */
  via: TableRef | null;
}

export type DecisionTopic = 'primary-keys' | 'timestamps' | 'soft-delete' | 'multi-tenancy' | 'rls' | 'money' | 'naming';

/** An architecture decision the schema shows, stated from evidence ("UUID v4 primary keys on 14 of 15 tables"). */
export interface Decision {
  topic: DecisionTopic;
  /** "Primary key strategy" */
  title: string;
  /** One or two sentences: what the schema does, and the exceptions. */
  summary: string;
  /** Concrete objects that show it: "`users.id uuid DEFAULT gen_random_uuid()`". */
  evidence: string[];
  /** Exceptions that break the convention, as table or column names. */
  exceptions: string[];
}

export interface DocsDomain {
  name: string;
  /** `schema.name` keys, root first. */
  tables: string[];
}

export interface DocsModel {
  title: string;
  decisions: Decision[];
  domains: DocsDomain[];
  relations: Relation[];
}

export function buildDocsModel(_catalog: Catalog, _result: ReviewResult): DocsModel {
  throw new Error('buildDocsModel: not implemented yet');
}
