import type { Catalog, Column, EnumType, FunctionInfo, Table, View } from '../../catalog/model.js';
import { nameIn, namingStyleOf, type NamingStyle } from '../../catalog/conventions.js';
import { columnRef, foreignKeys, primaryKey, qualify, quoteIdent } from '../../catalog/helpers.js';
import { ENUM_LIKE_WORDS, LOG_TABLE_WORDS, lexiconSample, matchLexicon, nameWords, singular } from '../lexicon.js';
import { defineRule, type FindingDraft, type Stances } from '../types.js';
import { isTextual, rewriteNotes } from '../types/shared.js';
import {
  checkLimitsColumn, defaultLiteral, fitName, freeConstraintName, judgedTables, label, literalComparisons,
  mentionsColumn, ownColumns, sqlList,
} from './shared-a.js';

/** `*_type` names whose values are an open standard set (IANA media types), not an application's closed set. */
const OPEN_SET_NAMES = new Set(['content_type', 'mime_type', 'mimetype', 'media_type', 'file_mime_type', 'contenttype']);

/** Columns that say a table holds a postal address: `state` there is a region, an open list per country. */
const ADDRESS_WORDS = ['city', 'country', 'zip', 'zipcode', 'postal', 'postcode', 'street', 'address', 'province', 'county'];

/** A column comment that declares the set open. */
const OPEN_COMMENT = /open[- ]ended|free[- ]?(?:text|form)|any value|arbitrary|not a closed set/i;

/** In a log, the kind of event is what producers emit; new kinds appear with every feature. */
const EVENT_KIND_WORDS = ['event', 'activity', 'action', 'audit'];

const MAX_VALUES = 30;

interface Sighting {
  value: string;
  where: string;
}

const ALIAS_KEYWORDS = /^(where|join|left|right|inner|full|cross|on|using|group|order|limit|union|natural|lateral|window|having|offset|fetch|for|except|intersect)$/i;

/** A view that reads a table, and the aliases under which it does (`FROM orders o` → orders, o). */
interface ViewRead {
  view: View;
  aliases: Set<string>;
}

/**
 * Everything the rule looks up across the catalog, built once per run so that judging a column does
 * not scan every view, table and enum (10,000-table schemas).
 */
interface Index {
  /** Views by the (unqualified, lowercased) name of each table they read. */
  viewsByTable: Map<string, ViewRead[]>;
  functions: Map<string, FunctionInfo>;
  /** User enums by normalized name (`OrderStatus` → order_status). */
  enumsByName: Map<string, EnumType>;
  /** Closed-set CHECKs by column name: the table and the values it allows. */
  limitedColumns: Map<string, Array<{ table: Table; values: string[] }>>;
  /** Tables' singular name words joined (`order_status_histories` → order_status_history). */
  wordKey: Map<Table, string>;
  schemaStyle: { style: 'enum' | 'check'; enums: string[] };
  /** How the schema names its enum types (Prisma schemas use `PostStatus`): new types follow it. */
  enumNaming: NamingStyle;
  /** `schema.name` of every type name in use; tables and views have row types of their own name. */
  typeNames: Set<string>;
}

function singularWords(name: string): string[] {
  return nameWords(name).map(singular);
}

function buildIndex(catalog: Catalog, tables: Table[]): Index {
  const viewsByTable = new Map<string, ViewRead[]>();
  const fromJoin = /\b(?:FROM|JOIN)\s+(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\.)?("[^"]+"|[A-Za-z_][\w$]*)(?:\s+(?:AS\s+)?("[^"]+"|[A-Za-z_][\w$]*))?/gi;
  for (const v of catalog.views) {
    if (v.origin !== 'user') continue;
    const reads = new Map<string, Set<string>>();
    for (const m of v.definition.matchAll(fromJoin)) {
      const table = (m[1] ?? '').replace(/"/g, '').toLowerCase();
      const aliases = reads.get(table) ?? new Set([table]);
      const alias = m[2]?.replace(/"/g, '');
      if (alias && !ALIAS_KEYWORDS.test(alias)) aliases.add(alias.toLowerCase());
      reads.set(table, aliases);
    }
    for (const [table, aliases] of reads) viewsByTable.set(table, [...(viewsByTable.get(table) ?? []), { view: v, aliases }]);
  }
  const functions = new Map(catalog.functions.map((f) => [`${f.schema}.${f.name}`, f]));
  const enumsByName = new Map<string, EnumType>();
  for (const e of catalog.enums) if (e.origin === 'user' && !enumsByName.has(nameWords(e.name).join('_'))) enumsByName.set(nameWords(e.name).join('_'), e);
  const userEnums = new Set(catalog.enums.filter((e) => e.origin === 'user').map((e) => `${e.schema}.${e.name}`));
  const limitedColumns = new Map<string, Array<{ table: Table; values: string[] }>>();
  const wordKey = new Map<Table, string>();
  let enumColumns = 0;
  let checks = 0;
  const enumNames = new Set<string>();
  for (const t of tables) {
    wordKey.set(t, singularWords(t.name).join('_'));
    for (const c of t.columns) {
      if (c.typeCategory === 'E' && !c.isArray && userEnums.has(`${c.typeSchema}.${c.typeName}`)) {
        enumColumns++;
        enumNames.add(c.typeName);
      }
    }
    for (const k of t.constraints) {
      const column = k.columns[0];
      if (k.type !== 'check' || k.columns.length !== 1 || column === undefined || !checkLimitsColumn(k.definition, column)) continue;
      checks++;
      const values = [...new Set(literalComparisons(k.definition, column).map((m) => m.value))];
      if (values.length > 0) limitedColumns.set(column, [...(limitedColumns.get(column) ?? []), { table: t, values }]);
    }
  }
  const styles = catalog.enums.filter((e) => e.origin === 'user').map((e) => namingStyleOf(e.name));
  const count = (style: NamingStyle) => styles.filter((x) => x === style).length;
  const [pascal, camel, snake] = [count('PascalCase'), count('camelCase'), count('snake_case')];
  const enumNaming: NamingStyle = pascal > snake && pascal >= camel ? 'PascalCase' : camel > snake ? 'camelCase' : 'snake_case';
  const typeNames = new Set([...catalog.enums, ...catalog.domains, ...catalog.tables, ...catalog.views].map((x) => `${x.schema}.${x.name}`));
  return {
    viewsByTable, functions, enumsByName, limitedColumns, wordKey,
    schemaStyle: { style: enumColumns > checks ? 'enum' : 'check', enums: [...enumNames].sort() },
    enumNaming, typeNames,
  };
}

/** Views that read the table. */
function viewsOf(index: Index, t: Table): ViewRead[] {
  return index.viewsByTable.get(t.name.toLowerCase()) ?? [];
}

/** Literal values the schema itself compares the column with, and where. */
function sightings(index: Index, t: Table, c: Column): Sighting[] {
  const out: Sighting[] = [];
  const add = (values: string[], where: string) => {
    for (const value of values) out.push({ value, where });
  };
  const lit = defaultLiteral(c);
  if (lit !== null && lit !== '') add([lit], 'the column default');
  for (const i of t.indexes) {
    const texts = [i.predicate ?? '', ...i.keys.filter((k) => k.column === null).map((k) => k.expression)].join(' ');
    add(literalComparisons(texts, c.name).map((m) => m.value), `index ${i.name}`);
  }
  for (const k of t.constraints) {
    if (k.type !== 'check') continue;
    add(literalComparisons(k.definition, c.name).map((m) => m.value), `CHECK ${k.name}`);
  }
  for (const p of t.policies) {
    add(literalComparisons(`${p.using ?? ''} ${p.withCheck ?? ''}`, c.name).map((m) => m.value), `policy ${p.name}`);
  }
  for (const { view: v, aliases } of viewsOf(index, t)) {
    // A bare column in a view over several tables would be ambiguous, so Postgres qualifies it; bare means ours.
    const values = literalComparisons(v.definition, c.name).filter((m) => m.qualifier === null || aliases.has(m.qualifier)).map((m) => m.value);
    add(values, `${v.materialized ? 'materialized view' : 'view'} ${label(v)}`);
  }
  for (const tr of t.triggers) {
    const fn = index.functions.get(`${tr.functionSchema}.${tr.functionName}`);
    if (!fn) continue;
    const values = literalComparisons(fn.source, c.name).filter((m) => m.qualifier === 'new' || m.qualifier === 'old').map((m) => m.value);
    add(values, `trigger function ${fn.name}()`);
  }
  return out;
}

/** An enum type that looks made for this column (`order_status` for orders.status) but is not used by it. */
function matchingEnum(index: Index, t: Table, c: Column): EnumType | null {
  const col = nameWords(c.name).join('_');
  const tableWords = nameWords(t.name);
  const tableSingular = [...tableWords.slice(0, -1), singular(tableWords[tableWords.length - 1] ?? '')].join('_');
  const names = [`${tableSingular}_${col}`, `${tableWords.join('_')}_${col}`, `${col}_enum`, `${col}_type`, ...(col.includes('_') ? [col] : [])];
  for (const n of names) {
    const e = index.enumsByName.get(n);
    if (e) return e;
  }
  return null;
}

/**
 * Two tables whose same-named column plausibly holds the same set: one references the other, one's
 * name contains the other's (order_status_history / orders), or the column name is specific enough
 * on its own (`payment_status`). A bare `status` on unrelated tables (orders, payments) is not.
 */
function related(index: Index, t: Table, other: Table, column: string): boolean {
  if (nameWords(column).length >= 2) return true;
  const refs = (a: Table, b: Table) => foreignKeys(a).some((k) => k.references?.schema === b.schema && k.references.table === b.name);
  if (refs(t, other) || refs(other, t)) return true;
  const a = `_${index.wordKey.get(t) ?? ''}_`;
  const b = `_${index.wordKey.get(other) ?? ''}_`;
  return a.includes(b) || b.includes(a);
}

/** Closed-set CHECKs on the same-named column of related tables: what this schema allows there. */
function valuesElsewhere(index: Index, t: Table, c: Column): Array<{ table: string; values: string[] }> {
  return (index.limitedColumns.get(c.name) ?? [])
    .filter((e) => e.table !== t && related(index, t, e.table, c.name))
    .map((e) => ({ table: label(e.table), values: e.values }));
}

/** Why the column is not a candidate at all, or why it is an open-ended kind (low at most). */
function classify(t: Table, c: Column): 'skip' | 'open-ended' | 'closed' {
  const words = nameWords(c.name);
  const full = words.join('_');
  if (OPEN_SET_NAMES.has(full) || words.includes('utm')) return 'skip';
  const last = words[words.length - 1] ?? '';
  if (last === 'state' && (words.some((w) => ADDRESS_WORDS.includes(w) || w === 'billing' || w === 'shipping')
    || t.columns.some((o) => nameWords(o.name).some((w) => ADDRESS_WORDS.includes(w))))) return 'skip';
  if (c.comment && OPEN_COMMENT.test(c.comment)) return 'skip';
  const isLog = matchLexicon(t.name, LOG_TABLE_WORDS).length > 0;
  if (isLog && (words.some((w) => EVENT_KIND_WORDS.includes(w)) || full === 'type' || full === 'kind' || full === 'name')) {
    // Events received from a third party (webhooks, a `provider` column) carry the sender's kinds, which it extends without notice.
    const external = nameWords(t.name).some((w) => w === 'webhook' || w === 'webhooks')
      || t.columns.some((o) => o !== c && nameWords(o.name).some((w) => w === 'provider' || w === 'external'));
    return external ? 'skip' : 'open-ended';
  }
  return 'closed';
}

function enumTypeName(index: Index, t: Table, c: Column): string {
  const col = nameWords(c.name);
  const tableWords = nameWords(t.name);
  const words = col.length > 1 ? col : [...tableWords.slice(0, -1), singular(tableWords[tableWords.length - 1] ?? ''), ...col];
  const base = nameIn(index.enumNaming, words);
  let name = fitName(base);
  if (index.typeNames.has(`${t.schema}.${name}`)) name = fitName(nameIn(index.enumNaming, [...words, 'enum']));
  return name;
}

/** What blocks ALTER COLUMN … TYPE enum: objects that would need dropping and recreating around it. */
function enumBlockers(index: Index, t: Table, c: Column): string[] {
  const out: string[] = [];
  for (const i of t.indexes) {
    const exprs = [i.predicate ?? '', ...i.keys.filter((k) => k.column === null).map((k) => k.expression)].join(' ');
    if (mentionsColumn(exprs, c.name)) out.push(`index ${i.name}`);
  }
  for (const k of t.constraints) if (k.type === 'check' && mentionsColumn(k.definition, c.name)) out.push(`CHECK ${k.name}`);
  for (const p of t.policies) if (mentionsColumn(`${p.using ?? ''} ${p.withCheck ?? ''}`, c.name)) out.push(`policy ${p.name}`);
  for (const { view: v } of viewsOf(index, t)) out.push(`${v.materialized ? 'materialized view' : 'view'} ${label(v)}`);
  return out;
}

interface FixInput {
  catalog: Catalog;
  index: Index;
  t: Table;
  c: Column;
  values: string[];
  stance: Stances['enumStyle'];
  existingEnum: EnumType | null;
}

function checkFix({ t, c, values }: FixInput, prefix: string): { sql: string; notes: string } {
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(c.name);
  const name = quoteIdent(freeConstraintName(t, c.name, 'check'));
  const precheck = `SELECT ${col}, count(*) FROM ${rel} GROUP BY 1 ORDER BY 2 DESC;`;
  const nullNote = c.notNull ? '' : ' NULL passes a CHECK; the column is nullable, so add NOT NULL separately if every row needs a value.';
  // One value is not a set: a CHECK built from it alone would reject every other value the moment it is added.
  if (values.length < 2) {
    const template = values.length === 1 ? `${sqlList(values)}, 'value_b'` : `'value_a', 'value_b'`;
    return {
      sql:
        `${prefix}-- ${values.length === 1 ? `Only ${sqlList(values)} is visible in the schema for ${label(t)}.${c.name}` : `No values of ${label(t)}.${c.name} are visible in the schema`}: ` +
        `list those in use, then fill them in below and run the CHECK.\n` +
        `${precheck}\n` +
        `-- ALTER TABLE ${rel} ADD CONSTRAINT ${name} CHECK (${col} IN (${template})) NOT VALID;\n` +
        `-- ALTER TABLE ${rel} VALIDATE CONSTRAINT ${name};`,
      notes:
        `Take the allowed values from the query and from the application code. ADD CONSTRAINT … NOT VALID takes a brief ACCESS EXCLUSIVE lock and ` +
        `checks new writes at once; VALIDATE then scans existing rows under SHARE UPDATE EXCLUSIVE, so reads and writes continue.${nullNote}`,
    };
  }
  return {
    sql:
      `${prefix}-- Values seen in the schema: ${sqlList(values)}. Add every other value the application writes before running (see the notes).\n` +
      `ALTER TABLE ${rel} ADD CONSTRAINT ${name} CHECK (${col} IN (${sqlList(values)})) NOT VALID;\n` +
      `ALTER TABLE ${rel} VALIDATE CONSTRAINT ${name};`,
    notes:
      `Pre-check: ${precheck} Every value it returns must be in the list, or VALIDATE fails. The list holds only the values the schema ` +
      `shows; the NOT VALID constraint applies to new writes at once, so a value the application still writes but the list lacks makes ` +
      `those writes fail: complete it from the application code first. ADD CONSTRAINT … NOT VALID takes a brief ACCESS EXCLUSIVE lock; ` +
      `VALIDATE scans under SHARE UPDATE EXCLUSIVE, so reads and writes continue.${nullNote}`,
  };
}

function enumFix(input: FixInput): { sql: string; notes: string; style: 'enum' | 'check' } {
  const { catalog, index, t, c, values, existingEnum } = input;
  const blockers = enumBlockers(index, t, c);
  if (blockers.length > 0) {
    const check = checkFix(input, '');
    return {
      style: 'check',
      sql: check.sql,
      notes:
        `An enum conversion would have to drop and recreate ${blockers.join(', ')} (ALTER COLUMN … TYPE refuses columns that views and ` +
        `policies use, and text comparisons in index predicates stop resolving), so this fix adds a CHECK, which gives the same guarantee ` +
        `without touching them. ${check.notes}`,
    };
  }
  const rel = qualify(t.schema, t.name);
  const col = quoteIdent(c.name);
  const typeName = existingEnum ? existingEnum.name : enumTypeName(index, t, c);
  const type = qualify(existingEnum ? existingEnum.schema : t.schema, typeName);
  const lit = defaultLiteral(c);
  const precheck = `SELECT ${col}, count(*) FROM ${rel} GROUP BY 1 ORDER BY 2 DESC;`;
  if (!existingEnum && values.length < 2) {
    const template = values.length === 1 ? `${sqlList(values)}, 'value_b'` : `'value_a', 'value_b'`;
    return {
      style: 'enum',
      sql:
        `-- ${values.length === 1 ? `Only ${sqlList(values)} is visible in the schema for ${label(t)}.${c.name}` : `No values of ${label(t)}.${c.name} are visible in the schema`}: ` +
        `list those in use, then fill them in below and run the conversion.\n` +
        `${precheck}\n` +
        `-- CREATE TYPE ${type} AS ENUM (${template});\n` +
        (c.default !== null ? `-- ALTER TABLE ${rel} ALTER COLUMN ${col} DROP DEFAULT;\n` : '') +
        `-- ALTER TABLE ${rel} ALTER COLUMN ${col} TYPE ${type} USING ${col}::${type};` +
        (c.default !== null ? `\n-- ALTER TABLE ${rel} ALTER COLUMN ${col} SET DEFAULT ${c.default.replace(/::[\w ]+$/, '')};` : ''),
      notes: `${rewriteNotes(catalog, t)} A value not in the enum makes the conversion fail, so take the list from the query.`,
    };
  }
  const missing = existingEnum ? values.filter((v) => !existingEnum.values.includes(v)) : [];
  const lines: string[] = [];
  if (!existingEnum) lines.push(`CREATE TYPE ${type} AS ENUM (${sqlList(values)});`);
  // A text default does not cast to the enum by itself: drop it for the conversion and set it back.
  if (c.default !== null) lines.push(`ALTER TABLE ${rel} ALTER COLUMN ${col} DROP DEFAULT;`);
  lines.push(`ALTER TABLE ${rel} ALTER COLUMN ${col} TYPE ${type} USING ${col}::${type};`);
  if (c.default !== null && lit !== null) lines.push(`ALTER TABLE ${rel} ALTER COLUMN ${col} SET DEFAULT ${sqlList([lit])};`);
  return {
    style: 'enum',
    sql: lines.join('\n'),
    notes:
      `${rewriteNotes(catalog, t)} Pre-check: ${precheck} Any value outside ` +
      `${existingEnum ? `the enum ${existingEnum.name} (${sqlList(existingEnum.values)})` : 'the list'} makes the conversion fail` +
      (existingEnum ? '' : `; the list holds only the values the schema shows, so complete it from the application code first`) + '. ' +
      (missing.length > 0 ? `The schema also compares it with ${sqlList(missing)}, which ${existingEnum?.name ?? ''} lacks: ALTER TYPE … ADD VALUE them first. ` : '') +
      `Adding a value later is ALTER TYPE … ADD VALUE (cheap); removing or renaming one is not.`,
  };
}

export default defineRule({
  meta: {
    id: 'enum-like-without-check',
    category: 'integrity',
    severity: 'medium',
    title: 'Closed-set text column with nothing limiting its values',
    rationale:
      'A text column named like a closed set (status, type, role, …) with no CHECK, enum type or lookup-table foreign key accepts any ' +
      'string: a typo or a retired value is stored silently, and every reader has to guess the set. A CHECK or an enum makes the set part ' +
      'of the schema, where the database enforces it and reviewers can read it.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    const stance = review.stances.enumStyle;
    const tables = judgedTables(catalog);
    let index: Index | null = null;
    for (const t of tables) {
      const fkColumns = new Set(foreignKeys(t).flatMap((k) => k.columns));
      const pk = primaryKey(t);
      for (const c of ownColumns(catalog, t)) {
        if (!isTextual(c) || c.generated !== null) continue;
        const words = nameWords(c.name);
        const last = words[words.length - 1] ?? '';
        if (!ENUM_LIKE_WORDS.includes(last)) continue;
        if (fkColumns.has(c.name)) continue;
        // A lookup table's own key is the set itself, and a unique column is an identifier, not a category.
        if (pk?.columns.length === 1 && pk.columns[0] === c.name) continue;
        if (t.constraints.some((k) => k.type === 'unique' && k.columns.length === 1 && k.columns[0] === c.name)) continue;
        if (t.constraints.some((k) => k.type === 'check' && checkLimitsColumn(k.definition, c.name))) continue;
        const domain = c.domainBaseType !== null ? catalog.domains.find((d) => d.schema === c.typeSchema && d.name === c.typeName) : undefined;
        if (domain && domain.checks.length > 0) continue;
        const kind = classify(t, c);
        if (kind === 'skip') continue;

        index ??= buildIndex(catalog, tables);
        const seen = sightings(index, t, c);
        const existingEnum = matchingEnum(index, t, c);
        const elsewhere = valuesElsewhere(index, t, c);
        const local = [...new Set(seen.map((s) => s.value))];
        let values = local;
        // Same-named columns elsewhere suggest the set only when they agree with what this table shows.
        const borrowed = elsewhere.find((e) => local.every((v) => e.values.includes(v)));
        if (existingEnum) values = [...new Set([...existingEnum.values, ...local])];
        else if (borrowed) values = [...new Set([...borrowed.values, ...local])];
        values = values.slice(0, MAX_VALUES);

        const evidence: string[] = [];
        const byWhere = new Map<string, string[]>();
        for (const s of seen) byWhere.set(s.where, [...new Set([...(byWhere.get(s.where) ?? []), s.value])]);
        for (const [where, vs] of byWhere) evidence.push(`${where} (${sqlList(vs)})`);
        if (existingEnum) evidence.push(`an enum type ${existingEnum.name} (${sqlList(existingEnum.values)}) that it does not use`);
        const confirmed = evidence.length > 0;
        const severity = kind === 'open-ended' || !confirmed ? 'low' : 'medium';

        const schemaStyle = index.schemaStyle;
        const followsSchema = stance === 'either' && existingEnum === null && schemaStyle.style === 'enum';
        const useEnum = stance === 'enum' || (stance === 'either' && (existingEnum !== null || schemaStyle.style === 'enum'));
        const input: FixInput = { catalog, index, t, c, values, stance, existingEnum };
        const fix = useEnum ? enumFix(input) : { ...checkFix(input, ''), style: 'check' as const };

        const name = `${label(t)}.${c.name}`;
        const enumList = `${schemaStyle.enums.slice(0, 4).join(', ')}${schemaStyle.enums.length > 4 ? ', …' : ''}`;
        const nameEvidence = `its name ends in "${last}" (closed-set names: ${lexiconSample(ENUM_LIKE_WORDS)})`;
        const message =
          `\`${name}\` is \`${c.type}\` and ${nameEvidence}, but nothing limits its values: no CHECK, enum type, domain or foreign key to a lookup table. ` +
          (confirmed
            ? `The schema itself treats it as a closed set: ${evidence.join('; ')}. `
            : `This is a name-only heuristic. `) +
          (kind === 'open-ended'
            ? `\`${label(t)}\` records events, and the kinds of event are often open-ended (each feature adds one), so this stays low; if the set is closed, enforce it. `
            : `A typo ('actve') or a retired value is stored silently, and every reader has to guess the set. `) +
          (!existingEnum && borrowed && !confirmed ? `\`${borrowed.table}.${c.name}\` allows ${sqlList(borrowed.values)}; the fix starts from that list. ` : '') +
          (fix.style === 'enum'
            ? `Convert it to ${existingEnum ? `the enum ${existingEnum.name}` : 'an enum type'}` +
              (followsSchema ? `, as this schema does for its other closed sets (${enumList}).` : stance === 'enum' ? ` (the team's stance is enum types).` : '.')
            : useEnum
              ? `${followsSchema ? `This schema enforces its other closed sets with enum types (${enumList}), but` : existingEnum ? `Converting it to ${existingEnum.name}` : `The team's stance is enum types, but`} ` +
                `${existingEnum && !followsSchema ? 'would' : 'converting would'} mean recreating the objects that use the column, so add a CHECK listing the allowed values instead: the same guarantee.`
              : `Add a CHECK listing the allowed values.`);
        out.push({
          objects: [columnRef(t, c.name)],
          severity,
          message,
          details: {
            column: c.name, type: c.type, matched: last, values, sightings: seen, enumType: existingEnum?.name ?? null,
            valuesElsewhere: elsewhere, fixStyle: fix.style, openEnded: kind === 'open-ended',
          },
          fix: { sql: fix.sql, notes: fix.notes },
        });
      }
    }
    return out;
  },
});
