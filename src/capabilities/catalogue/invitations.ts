import type { Catalog, Column, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import { findTable, foreignKeys, qualify, quoteIdent } from '../../catalog/helpers.js';
import { inferTenant } from '../../rules/tenancy/tenant.js';
import type { Capability } from '../types.js';
import {
  GROUP_WORDS, closedValues, emailColumn, label, lastWord, reviewed, snake, subjectTable, userLikeTables, usersTable, words,
} from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, hashType, indexName, styleOf, targetOf, tenantCol, tsCol, type ColSpec } from '../ddl.js';

/** Last words of a table that links people to a group. */
const MEMBERSHIP_WORDS = ['member', 'membership', 'user', 'collaborator', 'seat', 'participant', 'role'];

interface Membership {
  group: Table;
  link: Table;
}

function memberships(catalog: Catalog, conv: Conventions): Membership[] {
  const users = usersTable(catalog, conv);
  const people = new Set<Table>([...userLikeTables(catalog, conv), ...(users ? [users] : [])]);
  // The inferred tenant table is a group people join, whatever it is called (`account`, `shop`).
  const tenant = inferTenant(catalog, null);
  const isGroup = (t: Table): boolean =>
    GROUP_WORDS.includes(lastWord(t.name)) || (tenant?.parent?.schema === t.schema && tenant.parent.table === t.name);
  const out: Membership[] = [];
  for (const link of reviewed(catalog)) {
    const isUsers = link === users;
    if (!isUsers && !MEMBERSHIP_WORDS.includes(lastWord(link.name))) continue;
    const targets = foreignKeys(link).map((fk) => fk.references && findTable(catalog, fk.references.schema, fk.references.table)).filter((t): t is Table => !!t);
    const group = targets.find(isGroup);
    // The users table itself may carry the group (users.organization_id): users are then the members.
    const person = isUsers ? link : targets.find((t) => people.has(t));
    if (group && person && group !== person) out.push({ group, link });
  }
  return out;
}

const PENDING_COLUMNS = ['invited_at', 'invite_token', 'invitation_token', 'invited_by', 'invited_by_id', 'invite_token_hash', 'invited_email', 'invite_code', 'invitation_sent_at', 'invite_accepted_at'];

/** A membership row that can be pending: invite columns, an 'invited' status, or an email with a nullable user. */
function pendingMembership(catalog: Catalog, m: Membership): string | null {
  const t = m.link;
  const c = t.columns.find((x) => PENDING_COLUMNS.includes(snake(x.name)));
  if (c) return `\`${label(t)}.${c.name}\``;
  const status = t.columns.find((x) => ['status', 'state'].includes(snake(x.name)));
  if (status && closedValues(catalog, t, status).some((v) => ['invited', 'pending', 'invitation_sent'].includes(v.toLowerCase()))) {
    return `\`${label(t)}.${status.name}\` can be invited/pending`;
  }
  return null;
}

function roleColumn(t: Table): Column | undefined {
  return t.columns.find((c) => snake(c.name) === 'role');
}

const capability: Capability = {
  name: 'invitations',
  title: 'Invitations',
  priority: 'medium',
  reason:
    'Members join groups, but a person who has no account yet cannot be added: someone has to invite them by email with a ' +
    'link that expires and works once, and the group needs to see who is pending. Without it, invites become shared ' +
    'passwords, unconfirmed memberships or manual support work.',
  missing: 'nothing stores pending invitations',
  checked(catalog, conv) {
    const m = memberships(catalog, conv)[0];
    return [
      'invitation table (invitations, invites, team_invitations, …)',
      `invite columns on \`${m ? label(m.link) : 'the membership table'}\` (invited_at, invite_token, invited_by, an 'invited' status)`,
    ];
  },
  trigger(catalog, conv) {
    const ms = memberships(catalog, conv);
    const m = ms[0];
    if (!m) return null;
    return {
      evidence: ms.slice(0, 2).map((x) => x.link === usersTable(catalog, conv)
        ? `\`${label(x.link)}\` rows belong to \`${label(x.group)}\``
        : `\`${label(x.link)}\` makes users members of \`${label(x.group)}\``),
      priority: 'medium',
      ...subjectTable(m.link),
    };
  },
  recognise(catalog, conv) {
    const t = reviewed(catalog).find((x) => words(x.name).some((w) => ['invitation', 'invite', 'invitee'].includes(w)));
    if (t) return { what: `\`${label(t)}\`` };
    for (const m of memberships(catalog, conv)) {
      const pending = pendingMembership(catalog, m);
      if (pending) return { what: pending };
    }
    return null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const m = memberships(catalog, conv)[0];
    const group = m ? targetOf(m.group) : null;
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    const name = freeTableName(s, [
      ...(m && words(m.group.name).length === 1 ? [[...words(m.group.name), 'invitation']] : []),
      ['invitation'], ['member', 'invitation'],
    ]);
    const groupCol = group ? fkCol(s, group, { onDelete: 'cascade', notNull: true }) : null;
    const tenantColumn = tenantCol(tenant, 'cascade', [group, users]);
    const email = col(s, 'email');
    const emailType = usersT ? emailColumn(usersT)?.type ?? 'text' : 'text';
    const role = m ? roleColumn(m.link) : undefined;
    const acceptedAt = col(s, 'accepted', 'at');
    const columns: ColSpec[] = [
      ...(tenantColumn ? [tenantColumn] : []),
      ...(groupCol ? [groupCol] : []),
      // A minimal shape test (one @, no spaces): admins type these addresses by hand.
      { name: email, type: emailType, notNull: true, check: `${quoteIdent(email)} ~ '^[^@\\s]+@[^@\\s]+$'` },
      ...(role ? [{ name: role.name, type: role.type, notNull: true, default: role.default }] : []),
      ...(users ? [fkCol(s, users, { onDelete: 'set null', notNull: false, role: ['invited', 'by'] })] : []),
      { name: col(s, 'token', 'hash'), type: hashType(catalog), notNull: true, unique: true },
      tsCol(s, col(s, 'expires', 'at'), true),
      tsCol(s, acceptedAt),
      createdAtCol(s),
    ];
    const parts = [createTable(s, { name, columns, access: { kind: 'service-only' } })];
    if (groupCol) {
      // One open invitation per address and group; accepted ones stay as history.
      const idx = indexName(name, [groupCol.name, email], 'pending_key');
      parts.push(`CREATE UNIQUE INDEX ${quoteIdent(idx)} ON ${qualify(s.schema, name)} (${quoteIdent(groupCol.name)}, lower(${quoteIdent(email)})) WHERE ${quoteIdent(acceptedAt)} IS NULL;`);
    }
    return {
      sql: parts.join('\n'),
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary:
        `Add \`${name}\`: who is invited${m ? ` to which \`${label(m.group)}\`` : ''}${role ? ' with what role' : ''}, by whom, ` +
        `with a hashed single-use token that expires.`,
      notes:
        `Accepting an invitation inserts the membership and sets ${acceptedAt} in one transaction; match the signed-in ` +
        `user's verified email to the invitation's. Email the token, store only its SHA-256. The partial unique index ` +
        `allows one open invitation per address${m ? ` and ${words(m.group.name).join(' ')}` : ''}.`,
    };
  },
};

export default capability;
