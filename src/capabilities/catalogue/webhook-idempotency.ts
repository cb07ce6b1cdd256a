import type { Catalog, Column, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import { primaryKey, qualify, quoteIdent, quoteLiteral } from '../../catalog/helpers.js';
import type { Capability, Priority } from '../types.js';
import { label, lastWord, nw, reviewed, subjectColumn, subjectTable, words } from '../match.js';
import { col, createTable, freeTableName, indexName, styleOf, tsCol } from '../ddl.js';
import { billingTables, providerColumns, providerEvidence } from './billing.js';

const INBOUND_WORDS = ['processed', 'stripe', 'provider', 'incoming', 'inbound', 'payment', 'billing', 'external', 'received', 'paddle'];

/** Tables that receive provider events: webhook_events, processed_events, stripe_events, idempotency_keys. */
function eventTables(catalog: Catalog): Table[] {
  return reviewed(catalog).filter((t) => {
    const w = words(t.name);
    if (w.includes('idempotency')) return true;
    if (w.includes('webhook') && !w.some((x) => ['endpoint', 'subscription', 'delivery', 'attempt', 'config', 'setting'].includes(x))) return true;
    return lastWord(t.name) === 'event' && w.some((x) => INBOUND_WORDS.includes(x));
  });
}

/** The provider's event id (or idempotency key) column. */
function eventIdColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const w = nw(c.name);
    const last = w[w.length - 1];
    return (last === 'id' || last === 'key') && w.length > 1 && w.some((x) => ['event', 'idempotency', 'external', 'provider', 'stripe', 'message', 'webhook'].includes(x));
  });
}

/**
 * A key the database enforces on the event id: a UNIQUE/PK containing it, or the provider's id as a
 * text primary key — unless every table has text keys without a default (Prisma's cuid()), where a
 * text key says nothing about where the id came from.
 */
function uniqueEventId(t: Table, textIds: boolean): string | null {
  const eventId = eventIdColumn(t);
  const pk = primaryKey(t);
  if (pk && pk.columns.length === 1 && !textIds) {
    const c = t.columns.find((x) => x.name === pk.columns[0]);
    // The provider's id used as the key: text, no generated default (evt_1Nx…).
    if (c && ['text', 'varchar'].includes(c.typeName) && c.default === null) return c.name;
  }
  if (!eventId) return null;
  const keyed = t.indexes.some((i) => i.unique && i.valid && i.predicate === null && i.keys.some((k) => k.column === eventId.name));
  return keyed ? eventId.name : null;
}

function textIds(conv: Conventions): boolean {
  return /^(text|character varying)/.test(conv.id.type) && conv.id.default === null && conv.id.identity === null;
}

export function idempotentEvents(catalog: Catalog, conv: Conventions): string | null {
  for (const t of eventTables(catalog)) {
    const key = uniqueEventId(t, textIds(conv));
    if (key) return `\`${label(t)}\` (unique \`${key}\`)`;
  }
  return null;
}

/** An events table that is there but lets the same event in twice. */
function nearMiss(catalog: Catalog, conv: Conventions): { table: Table; column: Column | undefined } | null {
  const t = eventTables(catalog).find((x) => uniqueEventId(x, textIds(conv)) === null);
  return t ? { table: t, column: eventIdColumn(t) } : null;
}

const capability: Capability = {
  name: 'webhook-idempotency',
  title: 'Webhook idempotency',
  priority: 'high',
  reason:
    'Payment providers deliver webhooks at least once and retry on any timeout, sometimes out of order. Without a record of ' +
    'processed event ids under a unique key, a retried "invoice.paid" extends a subscription twice or sends two receipts.',
  missing: 'nothing records which provider events were already processed',
  checked(catalog, conv) {
    const near = nearMiss(catalog, conv);
    return [
      'webhook event table with a unique event id (webhook_events, processed_events, stripe_events, idempotency_keys, …)' +
        (near ? ` — \`${label(near.table)}\` exists, but nothing makes ${near.column ? `\`${near.column.name}\`` : 'an event id'} unique` : ''),
    ];
  },
  trigger(catalog, conv) {
    const providers = providerColumns(catalog);
    const billing = billingTables(catalog).filter((b) => lastWord(b.table.name) === 'subscription');
    const evidence = [
      ...providerEvidence(catalog).map((e) => `${e}, which reports payments by webhook`),
      ...billing.slice(0, 1).map((b) => `\`${label(b.table)}\` renews and fails through provider events`),
    ];
    const p = providers[0];
    const b = billing[0];
    const priority: Priority = p ? 'high' : 'medium';
    if (p) return { evidence, priority, ...subjectColumn(p.table, p.column) };
    if (b) return { evidence, priority, ...subjectTable(b.table) };
    return null;
  },
  recognise(catalog, conv) {
    const what = idempotentEvents(catalog, conv);
    return what ? { what } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const near = nearMiss(catalog, conv);
    if (near?.column) {
      const rel = qualify(near.table.schema, near.table.name);
      const c = quoteIdent(near.column.name);
      const idx = indexName(near.table.name, [near.column.name], 'key');
      return {
        sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(idx)} ON ${rel} (${c});`,
        table: null,
        objects: [{ kind: 'index', schema: near.table.schema, table: near.table.name, name: idx }],
        summary: `Make \`${label(near.table)}.${near.column.name}\` unique, so a redelivered event is recognised.`,
        notes:
          `Pre-check for events already stored twice: SELECT ${c}, count(*) FROM ${rel} GROUP BY ${c} HAVING count(*) > 1; ` +
          `CONCURRENTLY builds the index without blocking writes but cannot run inside a transaction block; if it fails it ` +
          `leaves an INVALID index to drop before retrying. Then insert with ON CONFLICT (${c}) DO NOTHING and skip the event ` +
          `when no row was inserted.`,
      };
    }
    const name = freeTableName(s, [['webhook', 'event'], ['processed', 'webhook', 'event'], ['provider', 'event']]);
    const provider = col(s, 'provider');
    const eventId = col(s, 'event', 'id');
    const providers = [...new Set(providerColumns(catalog).map((p) => p.provider))];
    const receivedAt = col(s, 'received', 'at');
    const sql = createTable(s, {
      name,
      columns: [
        { name: provider, type: 'text', notNull: true, ...(providers.length > 0 ? { check: `${quoteIdent(provider)} IN (${providers.map(quoteLiteral).join(', ')})` } : {}) },
        { name: eventId, type: 'text', notNull: true },
        { name: col(s, 'event', 'type'), type: 'text', notNull: true },
        { name: col(s, 'payload'), type: 'jsonb', notNull: true },
        { ...tsCol(s, receivedAt, true), default: s.tsDefault },
        tsCol(s, col(s, 'processed', 'at')),
        { name: col(s, 'error'), type: 'text' },
      ],
      uniques: [[provider, eventId]],
      indexes: [[receivedAt]],
      access: { kind: 'service-only' },
    });
    const rel = qualify(s.schema, name);
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: every provider event once, unique on (${provider}, ${eventId}), with when it was processed.`,
      notes:
        `In the handler, after verifying the signature: INSERT INTO ${rel} (…) VALUES (…) ON CONFLICT (${quoteIdent(provider)}, ` +
        `${quoteIdent(eventId)}) DO NOTHING RETURNING ${quoteIdent(s.idColumn)}; no row back means the event was already ` +
        `received — answer 200 and stop. Process in the same transaction (or set ${col(s, 'processed', 'at')} when done) so ` +
        `a crash mid-way is retried. Delete rows past the provider's retry window (Stripe: 30 days).`,
    };
  },
};

export default capability;
