import type { Catalog, Column, Constraint, Table } from '../../catalog/model.js';
import { columnRef, foreignKeys, primaryKey, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { createIndexDdl } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { HISTORY_TABLE_WORDS, LOG_TABLE_WORDS, nameWords, singular } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { SOFT_DELETE_COLUMN_NAMES, codeList, columnList, judgedTables, liveRowsPredicate, partitionKeyColumns } from './shared-b.js';

/**
 * Words of the non-key columns a pure link may carry: the link's role or state, its order, its
 * preferences. Anything else (a quantity, a price, a message body, a score) makes the row a thing
 * of its own — a line item, a message, a match — where repeated pairs are legitimate.
 */
export const LINK_ATTRIBUTE_WORDS: readonly string[] = [
  'role', 'roles', 'status', 'state', 'type', 'kind', 'permission', 'permissions', 'access', 'level', 'scope', 'scopes',
  'position', 'sort', 'order', 'ordering', 'rank', 'priority', 'visibility', 'label', 'alias', 'nickname', 'source',
  'metadata', 'settings', 'preferences', 'config', 'notification', 'notifications', 'notify',
];

/** First words of temporal columns a link may carry: when it was made, confirmed or last touched. */
export const LINK_TIME_WORDS: readonly string[] = [
  'created', 'updated', 'modified', 'inserted', 'added', 'joined', 'granted', 'assigned', 'invited', 'accepted', 'enrolled',
  'subscribed', 'linked', 'followed', 'tagged', 'last', 'confirmed', 'verified', 'approved', 'seen', 'starred', 'liked',
  'favorited', 'pinned', 'muted',
];

/** First words of temporal columns that end a link: with one, a pair may return once the old link has ended. */
const LINK_END_WORDS: readonly string[] = ['revoked', 'removed', 'left', 'deleted', 'archived', 'discarded', 'unsubscribed', 'unfollowed'];

/** Audit references (`created_by`, `invited_by_id`) say who made the link, not what it links. */
function isAuditReference(fk: Constraint): boolean {
  return fk.columns.some((c) => nameWords(c).includes('by'));
}

interface Link {
  fks: Constraint[];
  columns: string[];
  surrogate: Column;
  /** The column that ends a link (revoked_at, deleted_at, is_deleted), when there is one. */
  endMarker: Column | null;
  attributes: string[];
}

/** Is this a pure link table (two or three FKs, a surrogate key, a few link attributes), and what links it? */
function linkOf(table: Table): Link | null {
  const pk = primaryKey(table);
  if (!pk || pk.columns.length !== 1) return null;
  const surrogate = table.columns.find((c) => c.name === pk.columns[0]);
  if (!surrogate) return null;
  const allFks = foreignKeys(table).filter((f) => f.references !== null && f.columns.length > 0);
  if (allFks.some((f) => f.columns.includes(surrogate.name))) return null;
  const fks = allFks.filter((f) => !isAuditReference(f));
  const columns = [...new Set(fks.flatMap((f) => f.columns))];
  if (fks.length < 2 || fks.length > 3 || columns.length > 4) return null;
  const fkCols = new Set(allFks.flatMap((f) => f.columns));
  let endMarker: Column | null = null;
  const attributes: string[] = [];
  for (const c of table.columns) {
    if (c === surrogate || fkCols.has(c.name) || c.generated !== null) continue;
    const words = nameWords(c.name);
    const whole = words.join('_');
    const first = words[0] ?? '';
    const temporal = c.typeCategory === 'D' || (c.domainBaseType === null && /^(timestamp|timestamptz|date)$/.test(c.typeName));
    const isMarker = SOFT_DELETE_COLUMN_NAMES.includes(whole) || (temporal && LINK_END_WORDS.includes(first));
    if (isMarker && (temporal || c.typeName === 'bool' || c.domainBaseType === 'bool')) {
      endMarker ??= c;
      continue;
    }
    if (temporal) {
      // Validity periods, event times and bare dates make the table a history of pairs.
      if (!LINK_TIME_WORDS.includes(first)) return null;
      continue;
    }
    if (c.typeName === 'bool' || c.domainBaseType === 'bool') {
      attributes.push(c.name);
      continue;
    }
    if (!words.some((w) => LINK_ATTRIBUTE_WORDS.includes(w))) return null;
    attributes.push(c.name);
  }
  if (attributes.length > 3) return null;
  const ordered = table.columns.filter((c) => columns.includes(c.name)).map((c) => c.name);
  return { fks, columns: ordered, surrogate, endMarker, attributes };
}

/** Table-name words (singular) of pair tables that record occurrences rather than relationships. */
export const PAIR_EVENT_TABLE_WORDS: readonly string[] = [
  'view', 'impression', 'play', 'download', 'attempt', 'hit', 'open', 'scan', 'run', 'execution', 'delivery', 'session', 'visit',
  'request', 'call', 'usage', 'reading', 'transfer', 'payment', 'message', 'comment', 'review', 'rating', 'score', 'match', 'game',
  'order', 'transaction',
];

/** A table whose name says it records events (logs, views, history): repeated pairs are the point. */
function isEventTable(table: Table): boolean {
  const words = nameWords(table.name);
  return words.some((w) => LOG_TABLE_WORDS.includes(w) || HISTORY_TABLE_WORDS.includes(w) || LOG_TABLE_WORDS.includes(singular(w))
    || PAIR_EVENT_TABLE_WORDS.includes(singular(w)));
}

/** A unique index or EXCLUDE constraint over any of the link's columns: the designer has decided what repeats. */
function hasUniquenessDecision(table: Table, link: Link): boolean {
  const cols = new Set(link.columns);
  const pkName = primaryKey(table)?.index;
  if (table.indexes.some((i) => i.unique && i.name !== pkName && i.keys.some((k) => k.column !== null && cols.has(k.column)))) return true;
  return table.constraints.some((c) => c.type === 'exclusion' && c.columns.some((x) => cols.has(x)));
}

function finding(catalog: Catalog, table: Table, link: Link): FindingDraft {
  const rel = qualify(table.schema, table.name);
  const partCols = partitionKeyColumns(table);
  const extraPart = (partCols ?? []).filter((c) => !link.columns.includes(c));
  const keyCols = [...link.columns, ...extraPart];
  const where = link.endMarker ? liveRowsPredicate(link.endMarker) : null;
  const ddl = createIndexDdl(catalog, table, { nameParts: link.columns, suffix: 'key', keys: columnList(keyCols), unique: true, where });
  const asConstraint = where === null && table.kind !== 'partitioned table'
    ? `\nALTER TABLE ${rel} ADD CONSTRAINT ${quoteIdent(ddl.name)} UNIQUE USING INDEX ${quoteIdent(ddl.name)};`
    : '';
  const cols = columnList(link.columns);
  const byPosition = [...link.fks].sort((a, b) => link.columns.indexOf(a.columns[0] as string) - link.columns.indexOf(b.columns[0] as string));
  const targets = byPosition.map((f) => `${f.columns.join(', ')} → ${f.references ? tableLabel({ schema: f.references.schema, name: f.references.table }) : '?'}`);
  const sur = quoteIdent(link.surrogate.name);
  const dedupe = `DELETE FROM ${rel} a USING ${rel} b WHERE ${link.columns.map((c) => `a.${quoteIdent(c)} = b.${quoteIdent(c)}`).join(' AND ')}`
    + `${link.endMarker ? ` AND ${liveRowsPredicate(link.endMarker, 'a')} AND ${liveRowsPredicate(link.endMarker, 'b')}` : ''}`
    + ` AND a.${sur} > b.${sur};`;
  const precheck = `SELECT ${cols}, count(*) FROM ${rel}${where ? ` WHERE ${where}` : ''} GROUP BY ${cols} HAVING count(*) > 1 LIMIT 20;`;
  const nullable = link.columns.filter((c) => !table.columns.find((x) => x.name === c)?.notNull);
  const pair = link.columns.length === 2 ? 'pair' : 'combination';
  const message =
    `${tableLabel(table)} links ${targets.join(' and ')} under the surrogate key \`${link.surrogate.name}\`, but nothing stops the same (${link.columns.join(', ')}) ${pair} ` +
    `from being inserted twice${link.endMarker ? ` among live rows (\`${link.endMarker.name}\` IS NULL)` : ''}: a double click or a retried request adds a duplicate link, ` +
    `counts and joins through ${tableLabel(table)} double, and removing "the" link leaves its twin behind. ` +
    `Add a unique index on (${link.columns.join(', ')})${where ? ` WHERE ${where}` : ''}.` +
    (link.attributes.length > 0 ? ` (Other columns, ${codeList(link.attributes)}, describe the link rather than tell links apart.)` : '');
  const notes = [
    `Pre-check for duplicate ${pair}s (must return no rows): ${precheck}`,
    `To keep the oldest of each and drop the rest: ${dedupe} — first repoint anything that references the rows being deleted.`,
    ddl.notes,
    asConstraint ? 'ADD CONSTRAINT … USING INDEX then turns the index into a named UNIQUE constraint (catalog-only, brief lock).' : '',
    `The new index also serves lookups by ${quoteIdent(link.columns[0] as string)} alone, so a plain index on just that column becomes redundant.`,
    nullable.length > 0 ? `${codeList(nullable)} ${nullable.length > 1 ? 'are' : 'is'} nullable and NULLs never collide: make ${nullable.length > 1 ? 'them' : 'it'} NOT NULL, or use NULLS NOT DISTINCT (PostgreSQL 15+).` : '',
    extraPart.length > 0 || partCols === null ? 'On a partitioned table a unique index must include the partition key, so this enforces uniqueness per partition-key value only.' : '',
  ].filter((s) => s !== '');
  return {
    objects: [tableRef(table), ...link.columns.map((c) => columnRef(table, c))],
    message,
    details: {
      columns: link.columns,
      references: link.fks.map((f) => ({ columns: f.columns, table: f.references ? `${f.references.schema}.${f.references.table}` : null })),
      surrogateKey: link.surrogate.name,
      endMarker: link.endMarker?.name ?? null,
      attributes: link.attributes,
    },
    fix: { sql: `${ddl.sql}${asConstraint}`, notes: notes.join(' ') },
  };
}

export default defineRule({
  meta: {
    id: 'junction-without-unique',
    category: 'integrity',
    severity: 'medium',
    title: 'Link table allows the same pair twice',
    rationale:
      'A link table with a surrogate id and no unique key over its foreign keys accepts the same (user, role) pair any number of times. ' +
      'Retries and double submits create duplicates, member counts and joins double, and deleting the link leaves a copy that keeps the ' +
      'permission alive. A unique index over the pair (or making the pair the primary key) states the relationship the table exists for.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const table of judgedTables(catalog)) {
      if (isEventTable(table)) continue;
      const link = linkOf(table);
      if (!link || hasUniquenessDecision(table, link)) continue;
      out.push(finding(catalog, table, link));
    }
    return out;
  },
});
