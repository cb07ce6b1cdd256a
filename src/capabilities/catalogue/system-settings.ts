import type { Catalog, Table } from '../../catalog/model.js';
import type { Conventions } from '../../catalog/conventions.js';
import { quoteIdent } from '../../catalog/helpers.js';
import type { Capability } from '../types.js';
import { adminEvidence, isUserOwned, label, reviewed, snake, words } from '../match.js';
import { col, createdAtCol, createTable, freeTableName, styleOf, updatedAtCol } from '../ddl.js';

/** Words that name application-wide configuration. */
const SETTINGS_WORDS = ['setting', 'config', 'configuration', 'flag', 'toggle'];
/** Weaker words: a settings table only with a key and a value column (`options` may be product options). */
const KEY_VALUE_WORDS = ['option', 'parameter', 'variable', 'property', 'preference'];
/** Names that make a settings table per user or per customer rather than system-wide. */
const OWNED_WORDS = ['user', 'member', 'profile', 'customer', 'account', 'notification', 'player', 'student', 'employee'];

function keyValue(t: Table): boolean {
  const names = t.columns.map((c) => snake(c.name));
  return names.some((n) => ['key', 'name', 'slug', 'setting_key', 'config_key', 'option_name'].includes(n)) &&
    names.some((n) => ['value', 'val', 'data', 'setting_value', 'config_value', 'option_value', 'enabled', 'is_enabled'].includes(n));
}

export function settingsTable(catalog: Catalog, conv: Conventions): Table | null {
  return reviewed(catalog).find((t) => {
    const w = words(t.name);
    if (w.some((x) => OWNED_WORDS.includes(x)) || isUserOwned(catalog, conv, t)) return false;
    if (w.some((x) => SETTINGS_WORDS.includes(x))) return true;
    return w.some((x) => KEY_VALUE_WORDS.includes(x)) && keyValue(t);
  }) ?? null;
}

const capability: Capability = {
  name: 'system-settings',
  title: 'System settings',
  priority: 'medium',
  reason:
    'An admin panel is where operators change how the app behaves — trial length, feature switches, contact addresses, ' +
    'limits. Without a settings table every such change is a code change and a deploy, and nothing records who changed what.',
  missing: 'nothing stores application settings',
  checked() {
    return [
      'settings table (settings, app_settings, system_settings, configurations, config, …)',
      'feature flag table (feature_flags, flags, toggles)',
      'key/value options table (options, parameters with a key and a value)',
    ];
  },
  trigger(catalog, conv) {
    const ev = adminEvidence(catalog, conv);
    const first = ev[0];
    if (!first) return null;
    return { evidence: ev.slice(0, 3).map((e) => `the schema has ${e.text}`), priority: 'medium', subject: first.subject, location: first.location };
  },
  recognise(catalog, conv) {
    const t = settingsTable(catalog, conv);
    return t ? { what: `\`${label(t)}\`` } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const name = freeTableName(s, [['system', 'setting'], ['app', 'setting'], ['application', 'setting']]);
    const key = col(s, 'key');
    const value = col(s, 'value');
    const sql = createTable(s, {
      name,
      columns: [
        { name: key, type: 'text', notNull: true, unique: true, check: `${quoteIdent(key)} <> ''` },
        { name: value, type: 'jsonb', notNull: true },
        { name: col(s, 'description'), type: 'text' },
        createdAtCol(s),
        updatedAtCol(s),
      ],
      access: { kind: 'service-only' },
    });
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: one row per setting, unique on ${key}, the value as jsonb (a number, a flag, a list or an object).`,
      notes:
        `jsonb keeps each value's type ('14', 'true', '["a@b.c"]') without a type column; validate known keys in the app or ` +
        `with CHECK constraints on (${key}, jsonb_typeof(${value})). Cache settings in the app and reload on change. Record ` +
        `changes in the audit log so a changed setting can be traced to an admin.`,
    };
  },
};

export default capability;
