/**
 * Drizzle-side edits for a finding's fix, so the schema module says what the fix SQL does and the
 * next `drizzle-kit generate` does not undo it. Names come from the model locations (the table's
 * variable, the column's key); objects the schema does not know get camelCased names.
 */
import type { Location, ModelLocations, ModelTableLocation } from '../../catalog/model.js';
import type { Finding, ObjectRef } from '../../result.js';

const TS_IDENT = /^[A-Za-z_$][\w$]*$/;

function camel(name: string): string {
  const out = name.replace(/[_\s-]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[^A-Za-z_$]+/, '');
  return out === '' ? '_' : out;
}

function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function keyText(key: string): string {
  return TS_IDENT.test(key) ? key : str(key);
}

function member(owner: string, key: string): string {
  return TS_IDENT.test(key) ? `${owner}.${key}` : `${owner}[${str(key)}]`;
}

function at(loc: Location | undefined): string {
  return loc ? ` (${loc.file}:${loc.line})` : '';
}

interface TableView {
  entry: ModelTableLocation | undefined;
  schema: string;
  table: string;
  /** The table's variable in the user's code. */
  name: string;
}

function tableView(locations: ModelLocations, schema: string, table: string): TableView {
  const entry = locations.tables[`${schema}.${table}`];
  return { entry, schema, table, name: entry?.name ?? camel(table) };
}

function keyOf(view: TableView, column: string): string {
  return view.entry?.columns[column]?.name ?? camel(column);
}

function firstOf(finding: Finding, kind: ObjectRef['kind']): ObjectRef | undefined {
  return finding.objects.find((o) => o.kind === kind);
}

/** The table an object belongs to (a column's or index's table, or the table itself). */
function tableOf(ref: ObjectRef | undefined): { schema: string; table: string } | null {
  if (!ref || ref.schema === undefined) return null;
  if (ref.kind === 'table') return ref.name !== undefined ? { schema: ref.schema, table: ref.name } : null;
  return ref.table !== undefined ? { schema: ref.schema, table: ref.table } : null;
}

const SIMPLE: Readonly<Record<string, string>> = {
  text: 'text', uuid: 'uuid', integer: 'integer', int: 'integer', int4: 'integer', smallint: 'smallint', int2: 'smallint',
  boolean: 'boolean', bool: 'boolean', date: 'date', jsonb: 'jsonb', json: 'json', real: 'real', float4: 'real',
  'double precision': 'doublePrecision', float8: 'doublePrecision', inet: 'inet', cidr: 'cidr', macaddr: 'macaddr', interval: 'interval',
  serial: 'serial', citext: 'citext',
};

/** A Drizzle pg-core column builder for a Postgres type, or null when pg-core has none. */
export function builderFor(type: string, column: string): string | null {
  let t = type.trim().toLowerCase().replace(/\s+/g, ' ');
  let array = '';
  while (t.endsWith('[]')) {
    array += '.array()';
    t = t.slice(0, -2).trim();
  }
  const n = str(column);
  let m: RegExpExecArray | null;
  let out: string | null = null;
  if ((m = /^(?:timestamptz|timestamp with time zone|timestamp\s*\((\d+)\) with time zone|timestamptz\s*\((\d+)\))$/.exec(t))) {
    const p = m[1] ?? m[2];
    out = `timestamp(${n}, { withTimezone: true${p !== undefined ? `, precision: ${p}` : ''} })`;
  } else if ((m = /^timestamp(?:\s*\((\d+)\))?(?: without time zone)?$/.exec(t))) {
    out = m[1] !== undefined ? `timestamp(${n}, { precision: ${m[1]} })` : `timestamp(${n})`;
  } else if ((m = /^(?:timetz|time with time zone)$/.exec(t))) out = `time(${n}, { withTimezone: true })`;
  else if (/^time(?: without time zone)?$/.test(t)) out = `time(${n})`;
  else if ((m = /^(?:varchar|character varying)(?:\s*\((\d+)\))?$/.exec(t))) out = m[1] ? `varchar(${n}, { length: ${m[1]} })` : `varchar(${n})`;
  else if ((m = /^(?:char|character|bpchar)(?:\s*\((\d+)\))?$/.exec(t))) out = `char(${n}, { length: ${m[1] ?? '1'} })`;
  else if ((m = /^(?:numeric|decimal)(?:\s*\((\d+)\s*(?:,\s*(\d+))?\))?$/.exec(t))) {
    const parts = [m[1] !== undefined ? `precision: ${m[1]}` : null, m[2] !== undefined ? `scale: ${m[2]}` : null].filter(Boolean);
    out = parts.length > 0 ? `numeric(${n}, { ${parts.join(', ')} })` : `numeric(${n})`;
  } else if (t === 'bigint' || t === 'int8') out = `bigint(${n}, { mode: 'number' })`;
  else if (t === 'bigserial' || t === 'serial8') out = `bigserial(${n}, { mode: 'number' })`;
  else if (SIMPLE[t] === 'citext') return null;
  else if (SIMPLE[t]) out = `${SIMPLE[t]}(${n})`;
  return out === null ? null : `${out}${array}`;
}

const CHAIN_NOTE = 'keep the rest of its chain (.notNull(), .default…(), .references(…))';
const TYPE_CHANGE_NOTE = '// drizzle-kit generate writes the type change without a USING clause: put the fix SQL into that migration instead.';

/** `key: builder,` for a column whose type changes, with where it is and what to keep. */
function retype(locations: ModelLocations, finding: Finding, type: string, opts: { rename?: string; note?: string } = {}): string | null {
  const ref = firstOf(finding, 'column');
  const tbl = tableOf(ref);
  if (!ref?.name || !tbl) return null;
  const view = tableView(locations, tbl.schema, tbl.table);
  const column = opts.rename ?? ref.name;
  const builder = builderFor(type, column);
  if (!builder) return null;
  const key = opts.rename ? camel(opts.rename) : keyOf(view, ref.name);
  const where = at(view.entry?.columns[ref.name]?.location);
  return [
    `// ${view.name}.${keyOf(view, ref.name)}${where}: ${CHAIN_NOTE}`,
    `${keyText(key)}: ${builder},`,
    opts.note ?? TYPE_CHANGE_NOTE,
  ].join('\n');
}

function indexName(finding: Finding): string | null {
  const m = /CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF NOT EXISTS\s+)?("(?:[^"]|"")+"|[\w$]+)/i.exec(finding.fix?.sql ?? '');
  if (!m) return null;
  const raw = m[1] as string;
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
}

function extraConfigLine(view: TableView, entries: string[]): string {
  return [
    `// ${view.name}${at(view.entry?.location)}: in the table's extra config, the third argument of pgTable: (t) => [ … ]`,
    ...entries.map((e) => `${e},`),
  ].join('\n');
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function drizzleSnippet(finding: Finding, locations: ModelLocations): string | null {
  const details = finding.details;
  const suggested = typeof details.suggestedType === 'string' ? details.suggestedType : null;
  switch (finding.rule) {
    case 'timestamp-without-time-zone':
    case 'timestamp-zero-precision':
    case 'json-over-jsonb':
    case 'char-n':
    case 'varchar-n':
    case 'timetz':
    case 'money-type':
    case 'network-address-as-text':
    case 'temporal-as-text':
    case 'phone-or-postal-as-number':
      return suggested ? retype(locations, finding, suggested) : null;
    case 'money-as-float': {
      const ref = firstOf(finding, 'column');
      if (!ref?.name) return null;
      if (suggested === 'bigint') {
        return retype(locations, finding, 'bigint', {
          rename: `${ref.name}_cents`,
          note: '// The column becomes integer cents under a new name: update every reader and writer in the same release.',
        });
      }
      const out = retype(locations, finding, suggested ?? 'numeric(12,2)');
      // numeric reads back as a string by default; mode: 'number' keeps the TS type a number.
      return out?.replace(/numeric\(('(?:[^'\\]|\\.)*'), \{ /, "numeric($1, { mode: 'number', ") ?? null;
    }
    case 'uuid-stored-as-text': {
      const ref = firstOf(finding, 'column');
      const tbl = tableOf(ref);
      if (!ref?.name || !tbl) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      const random = /SET DEFAULT gen_random_uuid\(\)/i.test(finding.fix?.sql ?? '');
      const lines = [
        `// ${view.name}.${keyOf(view, ref.name)}${at(view.entry?.columns[ref.name]?.location)}: ${CHAIN_NOTE}`,
        `${keyText(keyOf(view, ref.name))}: uuid(${str(ref.name)})${random ? '.defaultRandom()' : ''},`,
      ];
      const referencing = Array.isArray(details.referencingColumns) ? details.referencingColumns as Array<{ schema?: unknown; table?: unknown; column?: unknown }> : [];
      for (const r of referencing) {
        if (typeof r.schema !== 'string' || typeof r.table !== 'string' || typeof r.column !== 'string') continue;
        const rv = tableView(locations, r.schema, r.table);
        lines.push(`// ${rv.name}.${keyOf(rv, r.column)}${at(rv.entry?.columns[r.column]?.location)} changes with it:`, `${keyText(keyOf(rv, r.column))}: uuid(${str(r.column)}),`);
      }
      lines.push(TYPE_CHANGE_NOTE);
      return lines.join('\n');
    }
    case 'unindexed-foreign-key': {
      const tbl = tableOf(firstOf(finding, 'constraint') ?? firstOf(finding, 'table'));
      const columns = stringList(details.columns);
      if (!tbl || columns.length === 0) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      const name = indexName(finding);
      return `${extraConfigLine(view, [`index(${name ? str(name) : ''}).on(${columns.map((c) => member('t', keyOf(view, c))).join(', ')})`])}\n`
        + '// drizzle-kit generate writes a plain CREATE INDEX, which blocks writes while it builds: on a large table run the fix SQL (CONCURRENTLY) instead.';
    }
    case 'missing-foreign-key': {
      const ref = firstOf(finding, 'column');
      const tbl = tableOf(ref);
      const target = typeof details.referencedTable === 'string' ? details.referencedTable : null;
      const targetColumn = typeof details.referencedColumn === 'string' ? details.referencedColumn : null;
      if (!ref?.name || !tbl || !target || !targetColumn) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      const dot = target.indexOf('.');
      const parent = tableView(locations, target.slice(0, dot), target.slice(dot + 1));
      return [
        `// ${view.name}.${keyOf(view, ref.name)}${at(view.entry?.columns[ref.name]?.location)}: add to its chain`,
        `.references(() => ${member(parent.name, keyOf(parent, targetColumn))})`,
        '// drizzle-kit generate adds the constraint in one step, which scans the table under lock: the fix SQL adds it NOT VALID and validates it separately.',
      ].join('\n');
    }
    case 'rls-disabled': {
      const tbl = tableOf(firstOf(finding, 'table'));
      if (!tbl) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      return [
        `// ${view.name}${at(view.entry?.location)}: chain .enableRLS() onto the table (policies added with pgPolicy(…) enable it too)`,
        `export const ${view.name} = pgTable(${str(tbl.table)}, { /* … */ }).enableRLS();`,
      ].join('\n');
    }
    case 'nullable-boolean':
    case 'audit-timestamp-nullable': {
      const ref = firstOf(finding, 'column');
      const tbl = tableOf(ref);
      if (!ref?.name || !tbl) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      const def = finding.rule === 'nullable-boolean' && typeof details.default === 'string' ? details.default : null;
      const chain = `.notNull()${def === 'false' || def === 'true' ? `.default(${def})` : finding.rule === 'audit-timestamp-nullable' && details.noDefault === true ? '.defaultNow()' : ''}`;
      return `// ${view.name}.${keyOf(view, ref.name)}${at(view.entry?.columns[ref.name]?.location)}: add to its chain\n${chain}`;
    }
    case 'int-primary-key': {
      const ref = firstOf(finding, 'column');
      const tbl = tableOf(ref);
      if (!ref?.name || !tbl) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      return [
        `// ${view.name}.${keyOf(view, ref.name)}${at(view.entry?.columns[ref.name]?.location)}: ${CHAIN_NOTE}; columns that reference it become bigint too`,
        `${keyText(keyOf(view, ref.name))}: bigint(${str(ref.name)}, { mode: 'number' }),`,
        TYPE_CHANGE_NOTE,
      ].join('\n');
    }
    case 'duplicate-index':
    case 'redundant-index': {
      const idx = firstOf(finding, 'index');
      const tbl = tableOf(idx);
      const name = typeof details.duplicate === 'string' ? details.duplicate : typeof details.index === 'string' ? details.index : idx?.name;
      if (!tbl || !name) return null;
      const view = tableView(locations, tbl.schema, tbl.table);
      const loc = view.entry?.indexes?.[name] ?? view.entry?.constraints?.[name];
      if (!loc) return null;
      return `// ${view.name}: remove the index(${str(name)}) entry from the table's extra config (${loc.file}:${loc.line}), so drizzle-kit generate does not recreate it`;
    }
    case 'missing-capability':
      return finding.fix ? pgTableFromSql(finding.fix.sql, locations) : null;
    default:
      return null;
  }
}

// ---- a new table ---------------------------------------------------------------------------------

/** Splits at commas outside parentheses and quotes. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '\'' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const NAME = '("(?:[^"]|"")+"|[\\w$]+)';

/** Text safe inside a sql`…` template literal. */
function tpl(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** Offset of the `)` matching the `(` at `open`, skipping quoted text; -1 when unbalanced. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '\'' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
const REL = new RegExp(`^(?:${NAME}\\.)?${NAME}`);

function relOf(s: string): { schema: string; table: string } | null {
  const m = REL.exec(s.trim());
  if (!m) return null;
  return { schema: m[1] !== undefined ? unquote(m[1]) : 'public', table: unquote(m[2] as string) };
}

const TYPE_END = /\s+(?:NOT NULL|NULL|DEFAULT|UNIQUE|PRIMARY KEY|REFERENCES|CHECK|GENERATED|COLLATE|CONSTRAINT)\b/i;

/** One column definition as a Drizzle column, or null when a type has no pg-core builder. */
function columnFromSql(def: string, locations: ModelLocations, checks: string[], table: string): { key: string; code: string } | null {
  const m = new RegExp(`^${NAME}\\s+([\\s\\S]*)$`).exec(def);
  if (!m) return null;
  const name = unquote(m[1] as string);
  const rest = m[2] as string;
  const cut = TYPE_END.exec(rest);
  const type = (cut ? rest.slice(0, cut.index) : rest).trim();
  const tail = cut ? rest.slice(cut.index) : '';
  // A type pg-core has no builder for is, in a generated table, one of the schema's enums.
  let code = builderFor(type, name) ?? (/^[\w."]+$/.test(type) ? `${camel(unquote(type.split('.').at(-1) as string))}(${str(name)})` : null);
  if (code === null) return null;
  if (/GENERATED ALWAYS AS IDENTITY/i.test(tail)) code += '.generatedAlwaysAsIdentity()';
  else if (/GENERATED BY DEFAULT AS IDENTITY/i.test(tail)) code += '.generatedByDefaultAsIdentity()';
  if (/PRIMARY KEY/i.test(tail)) code += '.primaryKey()';
  if (/\bNOT NULL\b/i.test(tail)) code += '.notNull()';
  const dm = /\bDEFAULT\s+('(?:[^']|'')*'|[^\s(:]+(?:\([^)]*\))?)(::[\w."]+)?/i.exec(tail);
  if (dm) {
    const d = dm[1] as string;
    if (/^now\(\)$|^CURRENT_TIMESTAMP$/i.test(d)) code += '.defaultNow()';
    else if (/^gen_random_uuid\(\)$/i.test(d)) code += '.defaultRandom()';
    else if (/^(true|false|-?\d+(\.\d+)?)$/i.test(d)) code += `.default(${d.toLowerCase()})`;
    else if (/^'(?:[^']|'')*'$/.test(d)) code += `.default(${str(d.slice(1, -1).replace(/''/g, '\''))})`;
    else code += `.default(sql\`${tpl(`${d}${dm[2] ?? ''}`)}\`)`;
  }
  if (/\bUNIQUE\b/i.test(tail)) code += '.unique()';
  const rm = new RegExp(`REFERENCES\\s+((?:${NAME}\\.)?${NAME})\\s*\\(\\s*${NAME}\\s*\\)(?:\\s+ON DELETE\\s+(CASCADE|SET NULL|RESTRICT|NO ACTION|SET DEFAULT))?`, 'i').exec(tail);
  if (rm) {
    const target = relOf(rm[1] as string);
    const col = unquote(rm[4] as string);
    if (target) {
      const parent = tableView(locations, target.schema, target.table);
      const onDelete = rm[5] ? `, { onDelete: '${rm[5].toLowerCase()}' }` : '';
      code += `.references(() => ${member(parent.name, keyOf(parent, col))}${onDelete})`;
    }
  }
  const cm = /\bCHECK\s*\(([\s\S]*)\)\s*$/i.exec(tail);
  if (cm) checks.push(`check(${str(`${table}_${name}_check`)}, sql\`${tpl(cm[1] as string)}\`)`);
  return { key: camel(name), code };
}

/** A pgTable declaration equivalent to the CREATE TABLE (and its CREATE INDEX lines) in `sql`. */
export function pgTableFromSql(sql: string, locations: ModelLocations): string | null {
  const create = /CREATE TABLE\s+(?:IF NOT EXISTS\s+)?((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)\s*\(([\s\S]*?)\n\);/i.exec(sql);
  if (!create) return null;
  const rel = relOf(create[1] as string);
  if (!rel) return null;
  const checks: string[] = [];
  const columns: string[] = [];
  const extras: string[] = [];
  const keys = new Map<string, string>();
  for (const part of splitTop(create[2] as string)) {
    const unique = /^UNIQUE\s*\(([^)]*)\)$/i.exec(part);
    if (unique) {
      const cols = (unique[1] as string).split(',').map((c) => unquote(c.trim()));
      extras.push(`unique().on(${cols.map((c) => member('t', keys.get(c) ?? camel(c))).join(', ')})`);
      continue;
    }
    if (/^(?:CONSTRAINT|PRIMARY KEY|FOREIGN KEY|CHECK|EXCLUDE)\b/i.test(part)) {
      extras.push(`// ${part.replace(/\s+/g, ' ')} — see the SQL`);
      continue;
    }
    const col = columnFromSql(part, locations, checks, rel.table);
    if (!col) return null;
    keys.set(unquote(new RegExp(`^${NAME}`).exec(part)?.[1] ?? ''), col.key);
    columns.push(`  ${keyText(col.key)}: ${col.code},`);
  }
  for (const m of sql.matchAll(new RegExp(`CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?${NAME}\\s+ON\\s+(?:(?:${NAME})\\.)?${NAME}\\s*\\(`, 'gi'))) {
    const open = m.index + m[0].length - 1;
    const close = closingParen(sql, open);
    if (close === -1) continue;
    const items = splitTop(sql.slice(open + 1, close)).map((item) => {
      const plain = new RegExp(`^${NAME}$`).exec(item);
      return plain ? member('t', keys.get(unquote(plain[1] as string)) ?? camel(unquote(plain[1] as string))) : `sql\`${tpl(item)}\``;
    });
    const where = /^\s*WHERE\s+([^;]+);/i.exec(sql.slice(close + 1));
    extras.push(`${m[1] ? 'uniqueIndex' : 'index'}(${str(unquote(m[2] as string))}).on(${items.join(', ')})${where ? `.where(sql\`${tpl((where[1] as string).trim())}\`)` : ''}`);
  }
  extras.push(...checks);
  const rls = /ENABLE ROW LEVEL SECURITY/i.test(sql);
  let policies = 0;
  for (const p of sql.matchAll(/CREATE POLICY\s+("(?:[^"]|"")+"|[\w$]+)\s+ON\s+\S+(?:\s+AS\s+\w+)?(?:\s+FOR\s+(\w+))?(?:\s+TO\s+([\w", ]+?))?(?=\s+USING|\s+WITH CHECK|\s*;)/gi)) {
    policies++;
    const after = p.index + p[0].length;
    const clause = (kw: RegExp): string | null => {
      const k = kw.exec(sql.slice(after));
      if (!k) return null;
      const open = after + k.index + k[0].length - 1;
      const close = closingParen(sql, open);
      return close === -1 ? null : sql.slice(open + 1, close).trim();
    };
    const using = clause(/^\s+USING\s*\(/i);
    const check = clause(/^(?:\s+USING\s*\((?:[^;])*?\))?\s+WITH CHECK\s*\(/i);
    const parts = [p[2] ? `for: '${p[2].toLowerCase()}'` : null, p[3] ? `to: ${str(unquote((p[3] as string).trim()))}` : null,
      using ? `using: sql\`${tpl(using)}\`` : null, check ? `withCheck: sql\`${tpl(check)}\`` : null].filter(Boolean);
    extras.push(`pgPolicy(${str(unquote(p[1] as string))}, { ${parts.join(', ')} })`);
  }
  const varName = camel(rel.table);
  const call = rel.schema === 'public' ? 'pgTable' : `${camel(rel.schema)}.table`;
  const lines = [
    ...(rel.schema === 'public' ? [] : [`// ${camel(rel.schema)} = pgSchema(${str(rel.schema)}), exported from the schema module`]),
    `export const ${varName} = ${call}(`,
    `  ${str(rel.table)},`,
    '  {',
    ...columns.map((c) => `  ${c}`),
    '  },',
  ];
  if (extras.length > 0) lines.push('  (t) => [', ...extras.map((e) => (e.startsWith('//') ? `    ${e}` : `    ${e},`)), '  ],');
  lines.push(`)${rls && policies === 0 ? '.enableRLS()' : ''};`);
  if (/CREATE TRIGGER/i.test(sql)) lines.push('// The trigger in the SQL is not something drizzle-kit manages: add it with `drizzle-kit generate --custom`.');
  return lines.join('\n');
}
