import type { Catalog, Table } from '../../catalog/model.js';
import type { Capability } from '../types.js';
import { adminEvidence, hasWord, label, nw, reviewed, snake, usersTable, words } from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, styleOf, targetOf, tenantCol, type ColSpec } from '../ddl.js';

const LOG_WORDS = ['activity', 'event', 'log', 'history', 'trail', 'journal', 'changelog', 'version', 'action'];
const ACTION_NAMES = ['action', 'event', 'event_type', 'event_name', 'verb', 'operation', 'op', 'activity', 'description', 'action_type', 'type', 'name', 'kind'];
const ACTOR_WORDS = ['actor', 'causer', 'whodunnit', 'performer', 'initiator', 'principal'];
const PERSON_WORDS = ['user', 'admin', 'member', 'staff', 'employee', 'account', 'customer', 'profile', 'operator'];

function hasActor(t: Table): boolean {
  return t.columns.some((c) => {
    const w = nw(c.name);
    return w.some((x) => ACTOR_WORDS.includes(x)) || w[w.length - 1] === 'by' || (w.length === 2 && w[1] === 'id' && PERSON_WORDS.includes(w[0] as string));
  });
}

function hasAction(t: Table): boolean {
  return t.columns.some((c) => ACTION_NAMES.includes(snake(c.name)));
}

/** An audit trail under any name: audit_* tables, an `audit` schema, pgaudit, or a log/event/history table with who and what. */
export function auditTrail(catalog: Catalog): string | null {
  for (const t of reviewed(catalog)) {
    if (hasWord(t.name, ['audit', 'audits']) || t.schema === 'audit' || words(t.name).join('_') === 'logged_action') return `\`${label(t)}\``;
  }
  for (const t of reviewed(catalog)) {
    if (hasWord(t.name, LOG_WORDS) && hasActor(t) && hasAction(t)) return `\`${label(t)}\` (who and what)`;
  }
  if (catalog.extensions.some((e) => e.name === 'pgaudit')) return 'the pgaudit extension';
  return null;
}

const capability: Capability = {
  name: 'audit-log',
  title: 'Audit log',
  priority: 'medium',
  reason:
    'Admins can change other people\'s data; without an append-only record of who did what to which row, a wrong refund, ' +
    'a deleted account or an abused admin login cannot be traced, and security reviews and compliance audits ask for one.',
  missing: 'nothing records who changed what',
  checked() {
    return [
      'audit table (audit_logs, audits, audit_trail, an `audit` schema, …)',
      'activity or event log with an actor and an action (activity_log, events, versions, …)',
      'pgaudit extension',
    ];
  },
  trigger(catalog, conv) {
    const ev = adminEvidence(catalog, conv);
    const first = ev[0];
    if (!first) return null;
    return { evidence: ev.slice(0, 3).map((e) => `the schema has ${e.text}`), priority: 'medium', subject: first.subject, location: first.location };
  },
  recognise(catalog) {
    const what = auditTrail(catalog);
    return what ? { what } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const name = freeTableName(s, [['audit', 'log'], ['audit', 'event'], ['audit', 'trail']]);
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    const adminT = reviewed(catalog).find((t) => t !== usersT && hasWord(t.name, ['admin', 'administrator']) && !hasWord(t.name, ['role', 'permission', 'setting', 'log']));
    const admins = adminT ? targetOf(adminT) : null;
    // Audit rows outlive the people they mention: SET NULL, never CASCADE (cascade-into-protected-data).
    const actors: ColSpec[] = [];
    if (users) actors.push(fkCol(s, users, { onDelete: 'set null', notNull: false }));
    if (admins) actors.push(fkCol(s, admins, { onDelete: 'set null', notNull: false }));
    const tenantColumn = tenantCol(tenant, 'no action', [users]);
    const entityType = col(s, 'entity', 'type');
    // One key type across the schema types entity ids exactly; mixed keys need text.
    const keyTypes = new Set(reviewed(catalog).map((t) => targetOf(t)?.type).filter((x): x is string => x !== undefined));
    const entityIdType = keyTypes.size === 1 ? [...keyTypes][0] as string : 'text';
    const entityId = col(s, 'entity', 'id');
    const createdAt = createdAtCol(s);
    const sql = createTable(s, {
      name,
      columns: [
        ...(tenantColumn ? [tenantColumn] : []),
        ...actors,
        { name: col(s, 'action'), type: 'text', notNull: true },
        { name: entityType, type: 'text' },
        { name: entityId, type: entityIdType },
        { name: col(s, 'changes'), type: 'jsonb' },
        { name: col(s, 'ip', 'address'), type: 'inet' },
        { name: col(s, 'user', 'agent'), type: 'text' },
        createdAt,
      ],
      indexes: [[entityType, entityId], [createdAt.name]],
      access: { kind: 'service-only' },
    });
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary:
        `Add \`${name}\`: who (${actors.map((a) => a.name).join(', ') || 'the actor'}), did what (action, e.g. 'subscription.refunded'), ` +
        `to which row (${entityType}, ${entityId}), with the before/after values.`,
      notes:
        `Write the row in the same transaction as the change it records. Keep it append-only: grant the application INSERT ` +
        `and SELECT only. The actor FKs are ON DELETE SET NULL so deleting a user keeps the history` +
        (tenantColumn ? `; the ${tenantColumn.name} FK has no cascade, so archive or delete a tenant's audit rows deliberately. ` : '. ') +
        `It grows without bound: plan retention (delete or partition by month on ${createdAt.name}).`,
    };
  },
};

export default capability;
