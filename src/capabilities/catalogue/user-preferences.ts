import type { Catalog, Column, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import type { Capability, Trigger } from '../types.js';
import {
  columnLabel, isUserOwned, label, lastWord, nw, reviewed, snake, subjectColumn, subjectTable, userLikeTables, usersTable, words,
} from '../match.js';
import {
  ADD_COLUMN_NOTES, addColumns, col, createdAtCol, createTable, fkCol, freeTableName, ownerScope, styleOf, targetOf, updatedAtCol,
} from '../ddl.js';

const NOTIFY_WORDS = ['notify', 'notification', 'notifications', 'newsletter', 'newsletters', 'digest', 'unsubscribed', 'opt', 'optin', 'optout'];
const PREFERENCE_NAMES = [
  'theme', 'dark_mode', 'color_scheme', 'language', 'preferred_language', 'locale', 'timezone', 'time_zone', 'units', 'unit_system',
  'measurement_system', 'autoplay', 'default_quality', 'video_quality', 'subtitles', 'captions', 'date_format', 'time_format',
  'first_day_of_week', 'week_start', 'preferred_currency', 'font_size', 'sound_enabled', 'haptics_enabled',
];
const FLAG_PREFIXES = ['prefers', 'receive', 'allow', 'show', 'enable', 'wants', 'send'];
/** Column and table words that already hold preferences. */
const STORE_WORDS = ['preference', 'pref', 'setting', 'option', 'config', 'configuration'];

function isBool(c: Column): boolean {
  return (c.domainBaseType ?? c.typeName) === 'bool';
}

function isNotifyPreference(c: Column): boolean {
  return isBool(c) && nw(c.name).some((w) => NOTIFY_WORDS.includes(w));
}

function preferenceColumns(t: Table): Column[] {
  return t.columns.filter((c) => {
    const w = nw(c.name);
    if (PREFERENCE_NAMES.includes(snake(c.name))) return true;
    if (isNotifyPreference(c)) return true;
    return isBool(c) && w.length > 1 && FLAG_PREFIXES.includes(w[0] as string);
  });
}

function notificationTable(catalog: Catalog, conv: Conventions): Table | null {
  return reviewed(catalog).find((t) => lastWord(t.name) === 'notification' && isUserOwned(catalog, conv, t)) ?? null;
}

/** The table preferences belong on: the users table, or on Supabase the app's profiles table (auth.users is Supabase's). */
function host(catalog: Catalog, conv: Conventions): Table | null {
  const users = usersTable(catalog, conv);
  if (users && users.origin === 'user') return users;
  return userLikeTables(catalog, conv)[0] ?? null;
}

const capability: Capability = {
  name: 'user-preferences',
  title: 'User preferences',
  priority: 'medium',
  reason:
    'Users expect to choose which emails and pushes they get, their language and display options. Without one place for ' +
    'preferences, each new one becomes another column on the users table — a migration per toggle — or is never built, ' +
    'and per-channel notification opt-outs have nowhere to live.',
  missing: 'nothing stores user preferences',
  checked(catalog, conv) {
    const h = host(catalog, conv);
    return [
      `preferences column on \`${h ? label(h) : 'users'}\` (preferences, settings, prefs, …)`,
      'per-user settings table (user_settings, user_preferences, notification_preferences, …)',
    ];
  },
  trigger(catalog, conv): Trigger | null {
    const tables = userLikeTables(catalog, conv);
    for (const t of tables) {
      const prefs = preferenceColumns(t);
      if (prefs.length >= 3) {
        return {
          evidence: [`\`${label(t)}\` carries ${prefs.length} preference columns (${prefs.slice(0, 5).map((c) => c.name).join(', ')})`],
          priority: 'low',
          ...subjectColumn(t, prefs[0] as Column),
        };
      }
    }
    const n = notificationTable(catalog, conv);
    if (n && !tables.some((t) => t.columns.some(isNotifyPreference))) {
      return { evidence: [`\`${label(n)}\` sends users notifications`], priority: 'medium', ...subjectTable(n) };
    }
    return null;
  },
  recognise(catalog, conv) {
    const users = usersTable(catalog, conv);
    for (const t of [...userLikeTables(catalog, conv), ...(users ? [users] : [])]) {
      const c = t.columns.find((x) => !isBool(x) && words(x.name).some((w) => STORE_WORDS.includes(w)));
      if (c) return { what: `\`${columnLabel(t, c)}\`` };
    }
    const t = reviewed(catalog).find((x) => words(x.name).some((w) => STORE_WORDS.includes(w)) && isUserOwned(catalog, conv, x));
    return t ? { what: `\`${label(t)}\`` } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const h = host(catalog, conv);
    const preferences = col(s, 'preferences');
    const tableName = freeTableName(s, [['user', 'preference'], ['user', 'setting']]);
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    const owner = users ? fkCol(s, users, { onDelete: 'cascade', notNull: true }) : null;
    const key = col(s, 'key');
    const optionB = createTable(s, {
      name: tableName,
      columns: [
        ...(owner ? [owner] : []),
        { name: key, type: 'text', notNull: true },
        { name: col(s, 'value'), type: 'jsonb', notNull: true },
        createdAtCol(s),
        updatedAtCol(s),
      ],
      uniques: owner ? [[owner.name, key]] : [],
      ...ownerScope('owner-all', owner),
    });
    const example = `{"notifications": {"email": true, "push": false}, "locale": "en"}`;
    if (h) {
      return {
        sql: addColumns(h, [{ name: preferences, type: 'jsonb', notNull: true, default: `'{}'::jsonb` }]),
        table: null,
        objects: [{ kind: 'column', schema: h.schema, table: h.name, name: preferences }],
        summary: `Add \`${label(h)}.${preferences}\` (jsonb, default '{}'), e.g. ${example}.`,
        notes:
          `Option A (this SQL): one jsonb column — a constant default, so no table rewrite. ${ADD_COLUMN_NOTES} ` +
          `Option B, when preferences are queried across users ("everyone who wants the weekly digest") or audited: ` +
          `a table — ${optionB.replace(/\n\s*/g, ' ')}`,
      };
    }
    return {
      sql: optionB,
      table: tableName,
      objects: [{ kind: 'table', schema: s.schema, name: tableName }],
      summary: `Add \`${tableName}\`: one row per user and preference key, the value as jsonb.`,
      notes: `Values are jsonb so a preference can be a flag, a choice or an object such as ${example}.`,
    };
  },
};

export default capability;
