/** Session storage, shared by refresh-tokens and sessions: either one keeps a revocable row per signed-in device. */
import type { Catalog, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import { columnLabel, label, lastWord, reviewed, userLikeTables, words } from '../match.js';
import { genericTokenTable, tokenTables } from './tokens.js';

/** Columns that make a `sessions` table hold logins rather than, say, workout or class sessions. */
const SESSION_COLUMN_WORDS = ['token', 'sid', 'expire', 'expires', 'expiry', 'expiration', 'expired', 'agent', 'ip', 'revoked', 'payload', 'sess'];

export function sessionTable(catalog: Catalog): Table | null {
  return reviewed(catalog).find((t) =>
    lastWord(t.name) === 'session' &&
    t.columns.some((c) => {
      const w = words(c.name);
      return w.some((x) => SESSION_COLUMN_WORDS.includes(x)) || (w.includes('session') && (w.includes('id') || w.includes('key')));
    })) ?? null;
}

/** A table that stores refresh tokens: `refresh_tokens`, a generic `tokens` table, or a token table with a refresh column. */
export function refreshTokenTable(catalog: Catalog): Table | null {
  const named = reviewed(catalog).find((t) => words(t.name).includes('refresh'));
  if (named) return named;
  const generic = genericTokenTable(catalog);
  if (generic) return generic;
  return tokenTables(catalog).find((t) => t.columns.some((c) => words(c.name).includes('refresh'))) ?? null;
}

/** A refresh or remember-me token kept on the users table itself: one device at a time, but storage. */
export function tokenColumnOnUsers(catalog: Catalog, conv: Conventions): string | null {
  for (const t of userLikeTables(catalog, conv)) {
    const c = t.columns.find((x) => {
      const w = words(x.name);
      return (w.includes('refresh') || w.includes('remember')) && w.includes('token') && !w.some((y) => y === 'expires' || y === 'at');
    });
    if (c) return `\`${columnLabel(t, c)}\``;
  }
  return null;
}

export function tableLabel(t: Table): string {
  return `\`${label(t)}\``;
}
