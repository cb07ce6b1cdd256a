import type { Column, Table } from '../../catalog/model.js';
import { foreignKeys, primaryKey, qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { detectConventions } from '../../catalog/conventions.js';
import { EVENT_TIME_COLUMN_NAMES, HISTORY_TABLE_WORDS, LOG_TABLE_WORDS, lexiconSample, matchLexicon, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { CREATED_AT_NAMES, UPDATED_AT_NAMES, isTimestampLike, judgedTables, label, normalizedName, updatedAtTriggerSql } from './shared-a.js';

/** Columns that give a small table its identity as a lookup list: countries(code, name), roles(id, name). */
const LOOKUP_COLUMN_NAMES = new Set([
  'name', 'code', 'label', 'slug', 'title', 'key', 'value', 'description', 'abbreviation', 'symbol', 'iso_code', 'display_name',
]);

/** Extra columns a junction table may carry and stay a pure link: its ordering. */
const ORDERING_COLUMNS = new Set(['position', 'sort_order', 'sort', 'ordinal', 'rank', 'seq', 'order_index', 'display_order']);

/** Columns whose presence says rows change after insert: a lifecycle or an optimistic-lock version. */
const LIFECYCLE_WORDS = ['status', 'state', 'stage', 'phase'];
const VERSION_NAMES = new Set(['version', 'lock_version', 'row_version', 'revision']);

function creationColumn(t: Table): Column | null {
  return t.columns.find((c) => CREATED_AT_NAMES.includes(normalizedName(c.name))) ?? null;
}

function updateColumn(t: Table): Column | null {
  return t.columns.find((c) => UPDATED_AT_NAMES.includes(normalizedName(c.name))) ?? null;
}

const NOW_DEFAULT = /^(?:now\(\)|CURRENT_TIMESTAMP|CURRENT_DATE|LOCALTIMESTAMP|statement_timestamp\(\)|clock_timestamp\(\)|transaction_timestamp\(\))/i;

/**
 * Another column that records when the row appeared: a log's own event time (`occurred_at`,
 * `logged_at`, …), any timestamp that defaults to the insert time (`joined_at DEFAULT now()`), or in
 * a log or history table its required timestamp (`changed_at NOT NULL`).
 */
function insertTimeColumn(t: Table): Column | null {
  const times = t.columns.filter(isTimestampLike);
  return times.find((c) => EVENT_TIME_COLUMN_NAMES.includes(normalizedName(c.name)))
    ?? times.find((c) => c.default !== null && NOW_DEFAULT.test(c.default.trim()))
    ?? (isLogTable(t) ? times.find((c) => c.notNull) : undefined)
    ?? null;
}

/** Two or more foreign keys and nothing else but the key (and an ordering column): a pure many-to-many link. */
function isPureJunction(t: Table): boolean {
  const fks = foreignKeys(t);
  if (fks.length < 2) return false;
  const fkColumns = new Set(fks.flatMap((k) => k.columns));
  const pkColumns = new Set(primaryKey(t)?.columns ?? []);
  return t.columns.every((c) => fkColumns.has(c.name) || pkColumns.has(c.name) || ORDERING_COLUMNS.has(normalizedName(c.name)));
}

function isSmallLookup(t: Table): boolean {
  return t.columns.length <= 3 && foreignKeys(t).length === 0 && t.columns.some((c) => LOOKUP_COLUMN_NAMES.has(normalizedName(c.name)));
}

function isLogTable(t: Table): boolean {
  return matchLexicon(t.name, LOG_TABLE_WORDS).length > 0 || matchLexicon(t.name, HISTORY_TABLE_WORDS).length > 0;
}

/** Why rows of this table change after insert (so an update timestamp earns its keep), or [] for none seen. */
function mutableEvidence(t: Table): string[] {
  if (isLogTable(t)) return [];
  const out: string[] = [];
  for (const c of t.columns) {
    const words = nameWords(c.name);
    if (LIFECYCLE_WORDS.includes(words[words.length - 1] ?? '')) out.push(`a lifecycle column \`${c.name}\``);
    else if (VERSION_NAMES.has(words.join('_'))) out.push(`a version column \`${c.name}\``);
  }
  const updateTrigger = t.triggers.find((tr) => tr.events.includes('update') && tr.timing === 'before');
  if (updateTrigger) out.push(`a BEFORE UPDATE trigger ${updateTrigger.name}`);
  return out;
}

function addColumnSql(t: Table, name: string, type: string): string {
  return `ALTER TABLE ${qualify(t.schema, t.name)} ADD COLUMN ${quoteIdent(name)} ${type} NOT NULL DEFAULT now();`;
}

function coverage(tables: Table[]): { withCreated: number; total: number } {
  return { withCreated: tables.filter((t) => creationColumn(t) !== null || insertTimeColumn(t) !== null).length, total: tables.length };
}

export default defineRule({
  meta: {
    id: 'missing-timestamps',
    category: 'integrity',
    severity: 'low',
    title: 'Table without a creation timestamp',
    rationale:
      'Without a creation time, "when did this row appear?" has no answer: support cannot reconstruct a customer\'s history, incidents cannot be ' +
      'bounded in time, incremental exports and syncs have nothing to page on, and retention cannot be applied. Adding the column later ' +
      'cannot recover the past, so it belongs in the table from the start; rows that change also want an update time.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    const tables = judgedTables(catalog);
    const conv = detectConventions(catalog);
    const { withCreated, total } = coverage(tables);
    const type = conv.timestampType;
    for (const t of tables) {
      // An INHERITS child repeats its parent's columns and is judged through the parent.
      if (t.inherits.length > 0 || isPureJunction(t) || isSmallLookup(t)) continue;
      const created = creationColumn(t) ?? insertTimeColumn(t);
      const updated = updateColumn(t);
      const mutable = mutableEvidence(t);
      const wantsUpdated = updated === null && mutable.length > 0;
      if (created !== null && !wantsUpdated) continue;

      const rel = label(t);
      const sql: string[] = [];
      const notes: string[] = [];
      if (created === null) sql.push(addColumnSql(t, conv.createdAtName, type));
      if (wantsUpdated) {
        sql.push(addColumnSql(t, conv.updatedAtName, type));
        if (review.orm === null) {
          sql.push(updatedAtTriggerSql(catalog, t, conv.updatedAtName).sql);
        } else {
          notes.push(`${review.orm === 'prisma' ? 'Mark the field @updatedAt in schema.prisma' : 'Give the column .$onUpdate(() => new Date()) in the Drizzle schema'} so the ORM keeps it current.`);
        }
      }
      notes.unshift(
        'ADD COLUMN … DEFAULT now() is a catalog-only change on PostgreSQL 11+ (now() is evaluated once, no table rewrite; a brief ACCESS EXCLUSIVE lock, so set a lock_timeout). ' +
          `Existing rows all get the migration's time, not their real ${created === null ? 'creation' : 'update'} time: backfill from a better source if you have one ` +
          '(an audit log, a time-ordered id such as UUIDv7, the first related event).',
      );
      const conventionNote = withCreated > 0
        ? `${withCreated} of ${total} tables have one; the fix follows the schema's \`${conv.createdAtName} ${type}\`.`
        : `The fix uses \`${conv.createdAtName} ${type}\`.`;
      let message: string;
      let title: string | undefined;
      if (created === null) {
        message =
          `\`${rel}\` has no creation timestamp (looked for ${lexiconSample(CREATED_AT_NAMES, 6)}, log times such as occurred_at, and any timestamp defaulting to now()): ` +
          `when a row appeared cannot be answered for support, debugging, audits or incremental syncs. ${conventionNote}` +
          (wantsUpdated ? ` Its rows also change (${mutable.join(', ')}) and nothing records when: the fix adds \`${conv.updatedAtName}\` too.` : '');
      } else {
        title = 'Changing rows without an update timestamp';
        message =
          `\`${rel}\` has \`${created.name}\` but no update timestamp (looked for ${lexiconSample(UPDATED_AT_NAMES, 6)}), although its rows change ` +
          `(${mutable.join(', ')}): when a row last changed, and which rows changed since the last sync, cannot be answered. ` +
          `Add \`${conv.updatedAtName}\` and keep it current${review.orm ? ' with the ORM' : ' with a trigger'}.`;
      }
      out.push({
        objects: [tableRef(t)],
        title,
        message,
        details: {
          missingCreated: created === null, missingUpdated: wantsUpdated, mutableEvidence: mutable,
          createdAtName: conv.createdAtName, updatedAtName: conv.updatedAtName, timestampType: type,
        },
        fix: { sql: sql.join('\n'), notes: notes.join(' ') },
      });
    }
    return out;
  },
});
