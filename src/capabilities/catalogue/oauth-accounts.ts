import type { Catalog, Column, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import { foreignKeys, qualify, quoteIdent, quoteLiteral } from '../../catalog/helpers.js';
import type { Capability, Priority } from '../types.js';
import {
  closedValues, columnLabel, emailColumn, isLinkedAccountsTable, isUserOwned, label, nw, reviewed, snake, subjectColumn, userLikeTables, usersTable, words,
} from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, ownerScope, styleOf, targetOf, updatedAtCol } from '../ddl.js';

/** Identity providers whose name prefixes an id column: `google_id`, `appleId`, `github_uid`. */
export const OAUTH_PROVIDERS: readonly string[] = [
  'google', 'apple', 'facebook', 'github', 'gitlab', 'twitter', 'microsoft', 'azure', 'linkedin', 'discord', 'slack', 'twitch',
  'okta', 'auth0', 'bitbucket', 'spotify', 'keycloak', 'yahoo', 'amazon', 'line', 'kakao', 'naver', 'wechat', 'vk',
];

const PROVIDER_LABELS: Readonly<Record<string, string>> = { github: 'GitHub', gitlab: 'GitLab', linkedin: 'LinkedIn', auth0: 'Auth0', wechat: 'WeChat', vk: 'VK' };

function providerLabel(p: string): string {
  return PROVIDER_LABELS[p] ?? `${p.charAt(0).toUpperCase()}${p.slice(1)}`;
}

const SUBJECT_LAST = ['id', 'uid', 'sub', 'subject'];
/** Values of a provider column that are not an OAuth provider. */
const NOT_OAUTH = ['email', 'password', 'local', 'credentials', 'phone', 'sms', 'otp', 'magic_link', 'magiclink', 'username', 'anonymous', 'guest'];
/**
 * The only words a sign-in provider column has besides `provider`: `auth_provider`, `login_provider_type`,
 * `providerId`. `payment_provider` or `email_provider` are something else.
 */
const SIGN_IN_PROVIDER_WORDS = [
  'provider', 'auth', 'oauth', 'login', 'signin', 'sign', 'in', 'up', 'signup', 'identity', 'social', 'sso', 'external', 'id', 'uid',
  'user', 'account', 'type', 'name', 'primary', 'last', 'used', 'registration',
];
const METHOD_NAMES = ['auth_method', 'login_method', 'signup_method', 'sign_up_method', 'auth_type', 'login_type', 'registration_method', 'signin_method', 'sign_in_method'];

interface Hit {
  table: Table;
  column: Column;
  kind: 'provider' | 'provider-id';
  /** For `google_id`: google. */
  provider?: string;
}

function isFkColumn(t: Table, c: Column): boolean {
  return foreignKeys(t).some((fk) => fk.columns.includes(c.name));
}

/** Provider columns on the tables that hold users: one social login per user, tokens and ids with nowhere to go. */
function hits(catalog: Catalog, conv: Conventions): Hit[] {
  const out: Hit[] = [];
  for (const t of userLikeTables(catalog, conv)) {
    for (const c of t.columns) {
      if (isFkColumn(t, c)) continue;
      const w = nw(c.name);
      const joined = snake(c.name);
      const first = w[0] ?? '';
      const last = w[w.length - 1] ?? '';
      if ((w.includes('provider') && w.every((x) => SIGN_IN_PROVIDER_WORDS.includes(x))) || w.includes('oauth') || joined === 'social_id') {
        out.push({ table: t, column: c, kind: 'provider' });
      } else if (METHOD_NAMES.includes(joined) && closedValues(catalog, t, c).some((v) => OAUTH_PROVIDERS.includes(v.toLowerCase()))) {
        out.push({ table: t, column: c, kind: 'provider' });
      } else if (OAUTH_PROVIDERS.includes(first) && w.length >= 2 && SUBJECT_LAST.includes(last)) {
        out.push({ table: t, column: c, kind: 'provider-id', provider: first });
      }
    }
  }
  return out;
}

function providerColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const w = nw(c.name);
    return (w.includes('provider') && !w.includes('id')) || ['issuer', 'idp', 'strategy'].includes(w.join('_'));
  });
}

function subjectColumn_(t: Table): Column | undefined {
  return t.columns.find((c) => {
    const s = snake(c.name);
    return ['provider_account_id', 'provider_user_id', 'provider_id', 'provider_uid', 'provider_subject', 'uid', 'sub', 'subject',
      'external_id', 'external_user_id', 'external_account_id', 'social_id', 'oauth_id', 'oauth_uid'].includes(s);
  });
}

const capability: Capability = {
  name: 'oauth-accounts',
  title: 'Linked OAuth accounts',
  priority: 'high',
  reason:
    'Social sign-in needs a row per linked provider account: the provider\'s stable user id (never the email, which can ' +
    'change or be reused) keyed by provider, so a user can link Google and Apple to one account, unlink one, and be ' +
    'found again when the provider signs them in.',
  missing: 'nothing links users to their provider accounts',
  checked() {
    return [
      'accounts table in the NextAuth shape (provider, providerAccountId)',
      'identities table (identities, user_identities, oauth_accounts, social_accounts, user_oauth_providers, …) with a provider and the provider\'s user id',
    ];
  },
  trigger(catalog, conv) {
    const hs = hits(catalog, conv);
    const first = hs[0];
    if (!first) return null;
    const priority: Priority = hs.some((h) => h.kind === 'provider') ? 'high' : 'medium';
    return {
      evidence: hs.slice(0, 4).map((h) => {
        const vals = closedValues(catalog, h.table, h.column).slice(0, 5);
        return h.kind === 'provider'
          ? `\`${columnLabel(h.table, h.column)}\` records one sign-in provider per user${vals.length > 0 ? ` (${vals.join(', ')})` : ''}`
          : `\`${columnLabel(h.table, h.column)}\` holds a ${providerLabel(h.provider ?? '')} account id on the user row`;
      }),
      priority,
      ...subjectColumn(first.table, first.column),
    };
  },
  recognise(catalog, conv) {
    if (catalog.supabase) return { what: 'Supabase Auth (auth.identities)' };
    const users = usersTable(catalog, conv);
    for (const t of reviewed(catalog)) {
      if (t === users) continue;
      if (isLinkedAccountsTable(t)) return { what: `\`${label(t)}\` (provider + provider account id)` };
      const provider = providerColumn(t);
      const subject = subjectColumn_(t);
      if (provider && subject) return { what: `\`${label(t)}\` (\`${provider.name}\` + \`${subject.name}\`)` };
      if (words(t.name).some((w) => ['identity', 'oauth', 'social', 'federated', 'sso'].includes(w)) && (provider || subject) && isUserOwned(catalog, conv, t)) {
        return { what: `\`${label(t)}\`` };
      }
    }
    return null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const hs = hits(catalog, conv);
    const owner = hs[0]?.table ?? usersTable(catalog, conv);
    const target = owner ? targetOf(owner) : null;
    const name = freeTableName(s, [['oauth', 'account'], ['social', 'account'], ['user', 'identity']]);
    const user = target ? fkCol(s, target, { onDelete: 'cascade', notNull: true }) : null;
    const providerHit = hs.find((h) => h.kind === 'provider' && h.column.typeCategory === 'E');
    // The providers the schema already names: `google_id` columns, or the values a provider column may take.
    const known = [...new Set(hs.flatMap((h) => (h.kind === 'provider-id' ? [h.provider ?? ''] : closedValues(catalog, h.table, h.column)))
      .filter((v) => v !== '' && !NOT_OAUTH.includes(v.toLowerCase())))];
    const providerType = providerHit && hs.every((h) => h.kind === 'provider') ? providerHit.column.type : 'text';
    const provider = col(s, 'provider');
    const accountId = col(s, 'provider', 'account', 'id');
    const emailType = owner ? emailColumn(owner)?.type ?? 'text' : 'text';
    const sql = createTable(s, {
      name,
      columns: [
        ...(user ? [user] : []),
        {
          name: provider, type: providerType, notNull: true,
          ...(providerType === 'text' && known.length > 0 ? { check: `${quoteIdent(provider)} IN (${known.map(quoteLiteral).join(', ')})` } : {}),
        },
        { name: accountId, type: 'text', notNull: true },
        { name: col(s, 'email'), type: emailType },
        createdAtCol(s),
        updatedAtCol(s),
      ],
      uniques: [[provider, accountId]],
      ...ownerScope('owner-read', user),
    });
    const rel = qualify(s.schema, name);
    const backfill = owner && target && user
      ? hs.filter((h) => h.kind === 'provider-id' && h.table === owner).map((h) =>
        `INSERT INTO ${rel} (${quoteIdent(user.name)}, ${quoteIdent(provider)}, ${quoteIdent(accountId)}) ` +
        `SELECT ${quoteIdent(target.column)}, ${quoteLiteral(h.provider ?? '')}, ${quoteIdent(h.column.name)}::text FROM ${qualify(owner.schema, owner.name)} WHERE ${quoteIdent(h.column.name)} IS NOT NULL;`)
      : [];
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: one row per linked provider account, unique on (${provider}, ${accountId}).`,
      notes:
        (backfill.length > 0 ? `Backfill from the existing columns, then stop writing them: ${backfill.join(' ')} ` : '') +
        `Look users up by (${provider}, ${accountId}) — the provider's stable subject id — never by email alone. If the app ` +
        `calls provider APIs on the user's behalf, add the provider tokens encrypted (access_token_encrypted, ` +
        `refresh_token_encrypted), never in clear.`,
    };
  },
};

export default capability;
