/**
 * What the documentation says about a schema, derived from the Catalog: the relationships between
 * tables with their cardinality, and the architecture decisions the schema shows (seed 003). Both
 * the Markdown docs and the HTML docs render from this model.
 */
import type { Catalog, ReferentialAction } from '../catalog/model.js';
import { isPartition, userTables } from '../catalog/helpers.js';
import { groupDomains } from '../report/domains.js';
import type { ReviewResult } from '../result.js';
import { detectDecisions } from './decisions.js';
import { describePurpose } from './purpose.js';
import { buildRelations, relationsByTable, tableKey } from './relations.js';
import { defaultTitle, overviewOf } from './overview.js';

export type Cardinality = '1:1' | '1:N' | 'M:N';

export interface TableRef {
  schema: string;
  table: string;
}

/**
 * One relationship between two tables, seen from both ends. Every foreign key is one relation
 * (1:1 or 1:N); a junction table adds one M:N relation between the two tables it links, while its
 * own two foreign keys stay listed as 1:N relations.
 */
export interface Relation {
  /** `1:1` (unique FK), `1:N`, or `M:N` through a junction table. */
  cardinality: Cardinality;
  /** The referenced ("one") side. For M:N, one of the two ends. */
  parent: TableRef & { columns: string[] };
  /** The referencing side. For M:N, the other end (not the junction). */
  child: TableRef & { columns: string[] };
  /** The FK constraint (for M:N: the junction's FK to the child). */
  constraint: string;
  /** The child's FK columns may be NULL: the child may exist without a parent. Always true for M:N. */
  optional: boolean;
  onDelete: ReferentialAction;
  /** For M:N: the junction table. */
  via: TableRef | null;
  /** For M:N: the junction's columns that reference the parent and the child. */
  viaColumns: { parent: string[]; child: string[] } | null;
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
  /** File-name stem of the domain's page (`domains/<slug>.md`), unique among the domains. */
  slug: string;
}

/** One documented table: where it belongs and what it is for. */
export interface DocsTable {
  /** `schema.name` */
  key: string;
  schema: string;
  name: string;
  domain: string;
  /** One line: the first sentence of COMMENT ON TABLE, or a description derived from keys and relationships. */
  purpose: string;
  purposeFrom: 'comment' | 'derived';
}

export interface DocsModel {
  title: string;
  decisions: Decision[];
  domains: DocsDomain[];
  relations: Relation[];
  /** Every user table that is not a partition, by key. */
  tables: DocsTable[];
  /** A paragraph: what the schema holds, where it was read from. */
  overview: string;
}

export interface DocsModelOptions {
  /** The title (`--title`); default: named after the source. */
  title?: string;
}

/** Lowercase words joined by `-`, unique among `taken` (GitHub-safe file names). */
function slugify(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'domain';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

export function buildDocsModel(catalog: Catalog, result: ReviewResult, opts: DocsModelOptions = {}): DocsModel {
  const relations = buildRelations(catalog);
  const byTable = relationsByTable(relations);
  const slugs = new Set<string>();
  const domains: DocsDomain[] = groupDomains(catalog).map((d) => ({ name: d.name, tables: d.tables.map(tableKey), slug: slugify(d.name, slugs) }));
  const domainOf = new Map<string, string>();
  for (const d of domains) for (const k of d.tables) domainOf.set(k, d.name);
  const tables: DocsTable[] = userTables(catalog)
    .filter((t) => !isPartition(t))
    .map((t) => {
      const key = tableKey(t);
      const purpose = describePurpose(t, byTable.get(key));
      return { key, schema: t.schema, name: t.name, domain: domainOf.get(key) ?? '', purpose: purpose.text, purposeFrom: purpose.from };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    title: opts.title ?? defaultTitle(result, catalog),
    decisions: detectDecisions(catalog, result),
    domains,
    relations,
    tables,
    overview: overviewOf(catalog, result, domains.length, relations),
  };
}
