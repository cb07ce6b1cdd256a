import type { Catalog, Location, Table } from '../../catalog/model.js';
import { quoteIdent } from '../../catalog/helpers.js';
import type { ObjectRef } from '../../result.js';
import type { Capability } from '../types.js';
import { columnLabel, label, nw, reviewed, snake, subjectColumn, subjectTable, usersTable, words } from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, ownerScope, styleOf, targetOf, tenantCol } from '../ddl.js';

const QUERY_COLUMNS = ['query', 'term', 'keyword', 'keywords', 'q', 'search_term', 'search_query', 'search_text', 'phrase', 'text'];

function hasTsvector(t: Table): boolean {
  return t.columns.some((c) => c.typeName === 'tsvector');
}

interface SearchEvidence {
  text: string;
  subject: ObjectRef;
  location: Location | null;
}

/** A search feature: tsvector columns, full-text or trigram indexes, functions or columns named search. */
function searchFeature(catalog: Catalog): SearchEvidence[] {
  const out: SearchEvidence[] = [];
  for (const t of reviewed(catalog)) {
    for (const c of t.columns) {
      if (c.typeName === 'tsvector') out.push({ text: `\`${columnLabel(t, c)}\` is a full-text search vector`, ...subjectColumn(t, c) });
      else if (nw(c.name).includes('search')) out.push({ text: `\`${columnLabel(t, c)}\` is named for search`, ...subjectColumn(t, c) });
    }
    for (const i of t.indexes) {
      if (i.keys.some((k) => k.opclass === 'gin_trgm_ops' || k.opclass === 'gist_trgm_ops')) {
        out.push({ text: `\`${i.name}\` is a trigram index on \`${label(t)}\``, ...subjectTable(t), location: i.provenance.created ?? t.provenance.created ?? null });
      } else if (i.keys.some((k) => /to_tsvector\(/.test(k.expression))) {
        out.push({ text: `\`${i.name}\` is a full-text index on \`${label(t)}\``, ...subjectTable(t), location: i.provenance.created ?? t.provenance.created ?? null });
      }
    }
  }
  for (const f of catalog.functions) {
    if (f.origin === 'user' && nw(f.name).includes('search')) {
      out.push({ text: `the function \`${f.name}\` searches`, subject: { kind: 'function', schema: f.schema, name: f.name }, location: f.provenance.created ?? null });
    }
  }
  return out;
}

function searchLog(catalog: Catalog): Table | null {
  return reviewed(catalog).find((t) => {
    const w = words(t.name);
    const named = w.includes('search') || (w.includes('query') && (w.includes('log') || w.includes('history')));
    return named && !hasTsvector(t) && t.columns.some((c) => QUERY_COLUMNS.includes(snake(c.name)));
  }) ?? null;
}

const capability: Capability = {
  name: 'search-history',
  title: 'Search history',
  priority: 'low',
  reason:
    'The app has search, but nothing records what people search for: no "recent searches", no suggestions, and no way ' +
    'to see which searches return nothing — the most direct signal of missing content.',
  missing: 'nothing records searches',
  checked() {
    return ['search log table (search_history, searches, search_queries, recent_searches, …) with a query column'];
  },
  trigger(catalog) {
    const ev = searchFeature(catalog);
    const first = ev[0];
    if (!first) return null;
    return { evidence: ev.slice(0, 3).map((e) => e.text), priority: 'low', subject: first.subject, location: first.location };
  },
  recognise(catalog) {
    const t = searchLog(catalog);
    return t ? { what: `\`${label(t)}\`` } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const name = freeTableName(s, [['search', 'query'], ['search', 'history'], ['search', 'log']]);
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    // Anonymous searches have no user; deleting a user keeps their queries unlinked (anonymised) for the statistics.
    const user = users ? fkCol(s, users, { onDelete: 'set null', notNull: false }) : null;
    const tenantColumn = tenantCol(tenant, 'cascade', [users]);
    const query = col(s, 'query');
    const resultsCount = col(s, 'results', 'count');
    const createdAt = createdAtCol(s);
    const sql = createTable(s, {
      name,
      columns: [
        ...(tenantColumn ? [tenantColumn] : []),
        ...(user ? [user] : []),
        { name: query, type: 'text', notNull: true, check: `length(${quoteIdent(query)}) BETWEEN 1 AND 500` },
        { name: resultsCount, type: 'integer', check: `${quoteIdent(resultsCount)} >= 0` },
        createdAt,
      ],
      indexes: [[createdAt.name]],
      ...ownerScope('owner-all', user),
    });
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: who searched (nullable for anonymous visitors), the query, how many results it found, and when.`,
      notes:
        `Search text is personal data: keep it for a fixed period (e.g. delete rows older than 90 days on ${createdAt.name}) ` +
        `and exclude it from exports. Group by lower(${query}) for popular and zero-result searches.`,
    };
  },
};

export default capability;
