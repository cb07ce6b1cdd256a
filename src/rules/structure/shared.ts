/**
 * Lexicons and DDL shared by the structure rules. The lexicons are quoted in messages as evidence,
 * like those in ../lexicon.ts; they live here because only these rules use them.
 */
import type { Catalog, Column, Table } from '../../catalog/model.js';
import { qualify, quoteIdent } from '../../catalog/helpers.js';
import { detectConventions, nameIn, tableNameIn } from '../../catalog/conventions.js';
import { nameWords } from '../lexicon.js';
import { isForeignKeyColumn, singlePrimaryKey } from '../keys/shared.js';
import { relationNamesIn, singularWord } from '../naming/shared.js';

/** Table names that say the data is disposable or rebuildable: an UNLOGGED table is then deliberate. */
export const EPHEMERAL_TABLE_WORDS: readonly string[] = [
  'cache', 'caches', 'cached', 'session', 'sessions', 'tmp', 'temp', 'temporary', 'staging', 'stage', 'scratch', 'buffer',
  'ephemeral', 'transient', 'throttle', 'rate_limit', 'rate_limits', 'import', 'imports', 'etl', 'lock', 'locks',
];

/** Column names that say nothing about what a JSON value holds: a bag where columns should be. */
export const GENERIC_JSON_NAMES: readonly string[] = [
  'data', 'attributes', 'attrs', 'properties', 'props', 'fields', 'extra', 'extras', 'details', 'info', 'misc', 'custom',
  'other', 'blob', 'json', 'jsonb', 'values', 'stuff', 'additional', 'extra_data', 'custom_data', 'additional_data',
  'additional_info', 'extra_info', 'other_data', 'misc_data', 'more_info', 'json_data', 'data_json', 'custom_fields',
  'custom_attributes', 'extra_attributes', 'extra_fields', 'extra_properties', 'attributes_json', 'properties_json',
];

/** Names for a bag that is often deliberate (Stripe-style metadata, an event payload): judged only when the table has little else. */
export const WEAK_JSON_NAMES: readonly string[] = ['metadata', 'meta', 'payload', 'raw', 'raw_data', 'context'];

/** Tables where a JSON document is the point: events, logs, queues, snapshots, settings, form answers. */
export const DOCUMENT_TABLE_WORDS: readonly string[] = [
  'log', 'logs', 'audit', 'audits', 'event', 'events', 'history', 'histories', 'activity', 'activities', 'trail', 'journal',
  'tracking', 'analytics', 'metric', 'metrics', 'telemetry', 'notification', 'notifications', 'webhook', 'webhooks', 'change',
  'changes', 'job', 'jobs', 'queue', 'queues', 'outbox', 'inbox', 'message', 'messages', 'request', 'requests', 'response',
  'responses', 'snapshot', 'snapshots', 'version', 'versions', 'revision', 'revisions', 'import', 'imports', 'export', 'exports',
  'raw', 'staging', 'cache', 'caches', 'setting', 'settings', 'config', 'configs', 'configuration', 'configurations', 'preference',
  'preferences', 'template', 'templates', 'form', 'forms', 'submission', 'submissions', 'answer', 'answers', 'delivery',
  'deliveries', 'integration', 'integrations', 'migration', 'migrations',
];

/** Tables that stand alone by design: lookups, settings, queues, logs. */
export const STANDALONE_TABLE_WORDS: readonly string[] = [
  'config', 'configs', 'configuration', 'configurations', 'setting', 'settings', 'option', 'options', 'flag', 'flags',
  'feature_flag', 'feature_flags', 'lookup', 'lookups', 'country', 'countries', 'currency', 'currencies', 'language', 'languages',
  'locale', 'locales', 'timezone', 'timezones', 'holiday', 'holidays', 'parameter', 'parameters', 'constant', 'constants', 'kv',
  'cache', 'caches', 'job', 'jobs', 'queue', 'queues', 'lock', 'locks', 'counter', 'counters', 'log', 'logs', 'audit', 'audits',
  'event', 'events', 'history', 'trail', 'changelog', 'activity', 'activities', 'outbox', 'inbox', 'webhook', 'webhooks',
];

/** The words of a table's name with its last word singular: `order_items` → [order, item]. */
export function entityWords(name: string): string[] {
  const words = nameWords(name);
  const last = words[words.length - 1];
  return last === undefined ? words : [...words.slice(0, -1), singularWord(last)];
}

/** Columns that hold the entity's own facts: not its key, references, timestamps or JSON bags. */
export function realColumns(t: Table): Column[] {
  const pk = new Set(t.constraints.find((c) => c.type === 'primary key')?.columns ?? []);
  return t.columns.filter((c) => !pk.has(c.name) && !isForeignKeyColumn(t, c.name) && c.typeCategory !== 'D'
    && !['json', 'jsonb', 'hstore'].includes(c.domainBaseType ?? c.typeName));
}

/** A table name not yet used in the schema, following the schema's conventions. */
export function newTableName(catalog: Catalog, schema: string, words: string[]): string {
  const conv = detectConventions(catalog);
  const taken = relationNamesIn(catalog, schema);
  const base = tableNameIn(conv, words);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}${conv.tableNaming === 'snake_case' ? '_' : ''}${n}`;
    if (!taken.has(name)) return name;
  }
}

/** A column name in the schema's style. */
export function columnName(catalog: Catalog, words: string[]): string {
  return nameIn(detectConventions(catalog).naming, words);
}

/** The owner's key for a child table: its single-column primary key, or null. */
export function ownerKey(t: Table): { column: Column; ref: string } | null {
  const pk = singlePrimaryKey(t);
  return pk ? { column: pk.column, ref: `${qualify(t.schema, t.name)} (${quoteIdent(pk.column.name)})` } : null;
}

/** The lock paragraph for creating a child table with a foreign key and backfilling it. */
export const NEW_TABLE_NOTES =
  'Creating the new table blocks nothing; its foreign key takes a SHARE ROW EXCLUSIVE lock on the referenced table for a moment. '
  + 'The backfill reads the old columns without blocking writes, but misses rows written after it starts: have the application write both '
  + 'places (or add a trigger) before backfilling, switch readers, and only then drop the old columns.';
