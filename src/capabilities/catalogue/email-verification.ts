import type { Catalog, Column, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import type { ObjectRef } from '../../result.js';
import type { Capability } from '../types.js';
import { allOwnAuth, columnLabel, emailColumn, label, reviewed, subjectColumn, userLikeTables, usersTable, words } from '../match.js';
import { ADD_COLUMN_NOTES, addColumns, col, createdAtCol, createTable, fkCol, freeTableName, hashType, styleOf, targetOf, tsCol } from '../ddl.js';
import { typedTokenRecognised } from './tokens.js';

const VERIFIED_WORDS = ['verified', 'verification', 'confirmed', 'confirmation', 'activated', 'activation', 'validated'];

/** The table that signs users in with a password and holds their email address. */
function authWithEmail(catalog: Catalog, conv: Conventions): { table: Table; email: Column; password: Column } | null {
  for (const a of allOwnAuth(catalog, conv)) {
    const e = emailColumn(a.table);
    if (e) return { table: a.table, email: e, password: a.password };
  }
  return null;
}

/** Phone, SMS and identity (KYC) verification are other things. */
const OTHER_CHANNELS = ['phone', 'sms', 'mobile', 'kyc', 'identity', 'id', 'document', 'age'];

function isEmailVerification(name: string): boolean {
  const w = words(name);
  return w.some((x) => VERIFIED_WORDS.includes(x)) && !w.some((x) => OTHER_CHANNELS.includes(x));
}

const capability: Capability = {
  name: 'email-verification',
  title: 'Email verification',
  priority: 'medium',
  reason:
    'Without proof that a user controls the address they signed up with, anyone can register with someone else\'s ' +
    'email: password reset mails go to the real owner, the account can be pre-hijacked before they sign up, and ' +
    'mail sent to unverified addresses hurts deliverability.',
  missing: 'nothing records whether the email address was verified',
  checked(catalog, conv) {
    const a = authWithEmail(catalog, conv);
    return [
      `verification column on \`${a ? label(a.table) : 'users'}\` (email_verified_at, emailVerified, confirmed_at, is_verified, …)`,
      'verification token table (verification_tokens, email_verifications, email_confirmations, …)',
      'tokens table with a type/kind/purpose column',
    ];
  },
  trigger(catalog, conv) {
    const a = authWithEmail(catalog, conv);
    if (!a) return null;
    return {
      evidence: [`\`${label(a.table)}\` has \`${a.password.name}\` and \`${a.email.name}\``],
      priority: 'medium',
      ...subjectColumn(a.table, a.email),
    };
  },
  recognise(catalog, conv) {
    if (catalog.supabase) return { what: 'Supabase Auth (email confirmation)' };
    const users = usersTable(catalog, conv);
    const candidates = [...userLikeTables(catalog, conv), ...(users ? [users] : [])];
    for (const t of candidates) {
      const c = t.columns.find((x) => isEmailVerification(x.name));
      if (c) return { what: `\`${columnLabel(t, c)}\`` };
    }
    const t = reviewed(catalog).find((x) => isEmailVerification(x.name) &&
      (emailColumn(x) !== undefined || words(x.name).some((w) => ['email', 'account', 'user', 'signup', 'registration', 'token'].includes(w))));
    if (t) return { what: `\`${label(t)}\`` };
    const typed = typedTokenRecognised(catalog);
    return typed ? { what: typed } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const a = authWithEmail(catalog, conv);
    const target = a ? targetOf(a.table) : null;
    const emailType = a?.email.type ?? 'text';
    const name = freeTableName(s, [['email', 'verification', 'token'], ['email', 'verification']]);
    const verifiedAt = col(s, 'email', 'verified', 'at');
    const parts: string[] = [];
    const objects: ObjectRef[] = [{ kind: 'table', schema: s.schema, name }];
    const user = target ? fkCol(s, target, { onDelete: 'cascade', notNull: true }) : null;
    parts.push(createTable(s, {
      name,
      columns: [
        ...(user ? [user] : []),
        { name: col(s, 'email'), type: emailType, notNull: true },
        { name: col(s, 'token', 'hash'), type: hashType(catalog), notNull: true, unique: true },
        tsCol(s, col(s, 'expires', 'at'), true),
        tsCol(s, col(s, 'used', 'at')),
        createdAtCol(s),
      ],
      access: { kind: 'service-only' },
      ...(user ? { owner: user.name } : {}),
    }));
    if (a) {
      parts.push(addColumns(a.table, [tsCol(s, verifiedAt)]));
      objects.push({ kind: 'column', schema: a.table.schema, table: a.table.name, name: verifiedAt });
    }
    return {
      sql: parts.join('\n'),
      table: name,
      objects,
      summary:
        `Add \`${a ? `${label(a.table)}.` : ''}${verifiedAt}\` and \`${name}\`: a hashed, expiring, single-use token per ` +
        `address, so a change of email is verified too.`,
      notes:
        `The token row carries the address it verifies: when a user changes their email, keep the old one until the new ` +
        `one is confirmed. Set ${verifiedAt} when the link is used. ${ADD_COLUMN_NOTES} Existing users: decide whether ` +
        `to mark them verified (UPDATE … SET ${verifiedAt} = ${s.tsDefault} in batches) or ask them to verify on next sign-in.`,
    };
  },
};

export default capability;
