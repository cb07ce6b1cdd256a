/**
 * Token tables shared by the auth capabilities: a generic tokens table with a type/kind/purpose
 * column (`tokens`, `user_tokens`, Laravel/AdonisJS style) covers refresh, reset and verification tokens.
 */
import type { Catalog, Table } from '../../catalog/model.js';
import { label, lastWord, reviewed, snake, words } from '../match.js';

const PURPOSE_COLUMNS = ['type', 'kind', 'purpose', 'token_type', 'scope', 'category', 'usage', 'intent', 'action'];

export function tokenTables(catalog: Catalog): Table[] {
  return reviewed(catalog).filter((t) => lastWord(t.name) === 'token');
}

/** A token table that says what each token is for: one table for every kind of one-time token. */
export function typedTokenTable(catalog: Catalog): { table: Table; column: string } | null {
  for (const t of tokenTables(catalog)) {
    const c = t.columns.find((x) => PURPOSE_COLUMNS.includes(snake(x.name)));
    if (c) return { table: t, column: c.name };
  }
  return null;
}

export function typedTokenRecognised(catalog: Catalog): string | null {
  const typed = typedTokenTable(catalog);
  return typed ? `\`${label(typed.table)}\` with a \`${typed.column}\` column` : null;
}

/** Names of generic tokens tables (`tokens`, `user_tokens`, `auth_tokens`): one per login, not API keys or invitations. */
export function genericTokenTable(catalog: Catalog): Table | null {
  return tokenTables(catalog).find((t) => {
    const w = words(t.name);
    return w.length === 1 || (w.length === 2 && ['user', 'auth', 'session', 'login', 'jwt', 'remember', 'member', 'customer', 'account'].includes(w[0] as string));
  }) ?? null;
}
