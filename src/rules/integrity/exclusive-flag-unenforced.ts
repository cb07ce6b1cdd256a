import type { Catalog, Column, Constraint, Index, Table } from '../../catalog/model.js';
import { columnRef, foreignKeys, qualify, quoteIdent } from '../../catalog/helpers.js';
import { createIndexDdl } from '../indexes/shared.js';
import { tableLabel } from '../keys/shared.js';
import { USER_TABLE_WORDS, lexiconSample, nameWords, singular } from '../lexicon.js';
import { inferTenant } from '../tenancy/tenant.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  ACTIVE_EXCLUSIVE_TABLE_WORDS, ACTIVE_SINGLETON_TABLE_WORDS, EXCLUSIVE_FLAG_WORDS, OWNER_KEY_NAMES, codeList, columnList,
  judgedTables, mentions, partitionKeyColumns, retireUnique, uniqueIndexes,
} from './shared-b.js';

/** Sibling columns that split an owner's rows into kinds, each with its own default (a billing and a shipping address). */
const KIND_WORDS: readonly string[] = ['type', 'kind', 'category', 'purpose', 'usage'];

/** Flags that make sense table-wide, without an owner: the default currency, the current terms version. */
const TABLE_WIDE_FLAGS = new Set(['default', 'current']);

/** Flags whose exclusivity is an assumption from the table's role rather than the flag's own name. */
const WEAK_FLAGS = new Set(['active', 'selected']);

/** The exclusive word of a boolean flag (`is_default` → default), or null. */
export function exclusiveFlagWord(c: Column): string | null {
  if (c.isArray || (c.domainBaseType ?? c.typeName) !== 'bool') return null;
  const words = nameWords(c.name);
  const rest = words[0] === 'is' ? words.slice(1) : words;
  const w = rest[0];
  if (w === undefined || rest.length > 3 || !EXCLUSIVE_FLAG_WORDS.includes(w)) return null;
  return w;
}

interface Owner {
  columns: string[];
  /** The table the owner columns reference, when a foreign key says so. */
  parent: string | null;
  /** Why these columns were taken as the owner. */
  because: string;
  /** Other column sets that could be the owner instead. */
  alternatives: string[][];
}

/** Audit references (`created_by`, `approved_by_id`) say who acted, not who owns the row. */
function isAuditReference(fk: Constraint): boolean {
  return fk.columns.some((c) => nameWords(c).includes('by'));
}

function fkOwner(fk: Constraint, because: string, all: Constraint[]): Owner {
  const ref = fk.references as NonNullable<Constraint['references']>;
  return {
    columns: fk.columns, parent: tableLabel({ schema: ref.schema, name: ref.table }), because,
    alternatives: all.filter((f) => f !== fk).map((f) => f.columns),
  };
}

/** The columns that scope the flag: "one default per <owner>". */
function ownerOf(catalog: Catalog, table: Table, tenantColumn: string | null | false): Owner | null {
  const fks = foreignKeys(table).filter((f) => f.references !== null && f.columns.length > 0 && !isAuditReference(f));
  const tableWords = nameWords(table.name).map(singular);
  const byName = fks.find((f) => {
    const refWords = nameWords((f.references as NonNullable<Constraint['references']>).table).map(singular);
    return refWords.length < tableWords.length && refWords.every((w, n) => tableWords[n] === w);
  });
  if (byName) return fkOwner(byName, `${table.name} is named after ${byName.references?.table ?? ''}`, fks);
  for (const name of OWNER_KEY_NAMES) {
    const f = fks.find((x) => x.columns.length === 1 && x.columns[0] === name);
    if (f) return fkOwner(f, `\`${name}\` names an owner`, fks);
  }
  const tenant = inferTenant(catalog, tenantColumn);
  const t = tenant ? fks.find((x) => x.columns.includes(tenant.column)) : undefined;
  if (t && tenant) return fkOwner(t, `\`${tenant.column}\` is the tenant key`, fks);
  if (fks.length > 0) {
    const first = [...fks].sort((a, b) => position(table, a) - position(table, b))[0] as Constraint;
    return fkOwner(first, fks.length === 1 ? 'it is the only foreign key' : 'it is the first foreign key', fks);
  }
  // No foreign key: a parent id named after the table (`document_versions.document_id`) or an owner name still scopes the rows.
  const parentId = table.columns.find((c) => tableWords.length > 1 && nameWords(c.name).join('_') === `${tableWords[0] ?? ''}_id`)
    ?? table.columns.find((c) => OWNER_KEY_NAMES.includes(c.name));
  if (parentId) return { columns: [parentId.name], parent: null, because: `\`${parentId.name}\` names the parent row (no foreign key declares it)`, alternatives: [] };
  return null;
}

function position(table: Table, fk: Constraint): number {
  return table.columns.find((c) => c.name === fk.columns[0])?.position ?? 0;
}

type Enforcement =
  | { kind: 'enforced' }
  | { kind: 'trigger'; trigger: string }
  | { kind: 'too-strict'; index: Index }
  | { kind: 'none' };

function enforcement(catalog: Catalog, table: Table, flag: Column): Enforcement {
  for (const i of uniqueIndexes(table)) {
    if (i.predicate !== null && mentions(i.predicate, flag.name)) return { kind: 'enforced' };
    if (i.keys.some((k) => k.column === flag.name)) {
      // UNIQUE (owner, flag) on a flag that is never NULL also allows only one non-flagged row per owner.
      if (i.predicate === null && (flag.notNull || flag.default === 'false')) return { kind: 'too-strict', index: i };
      return { kind: 'enforced' };
    }
    if (i.keys.some((k) => k.column === null && mentions(k.expression, flag.name))) return { kind: 'enforced' };
  }
  if (table.constraints.some((c) => c.type === 'exclusion' && mentions(c.definition, flag.name))) return { kind: 'enforced' };
  for (const tr of table.triggers) {
    if (!tr.enabled) continue;
    const fn = catalog.functions.find((f) => f.schema === tr.functionSchema && f.name === tr.functionName);
    if (fn && mentions(fn.source, flag.name)) return { kind: 'trigger', trigger: tr.name };
  }
  return { kind: 'none' };
}

function finding(catalog: Catalog, table: Table, flag: Column, word: string, owner: Owner | null, state: Enforcement): FindingDraft {
  const rel = qualify(table.schema, table.name);
  const f = quoteIdent(flag.name);
  const ownerCols = owner?.columns ?? [];
  const partCols = partitionKeyColumns(table);
  const extraPart = (partCols ?? []).filter((c) => !ownerCols.includes(c));
  const keyCols = [...ownerCols, ...extraPart];
  const keys = keyCols.length > 0 ? columnList(keyCols) : '(true)';
  const ddl = createIndexDdl(catalog, table, { nameParts: [...ownerCols, flag.name], suffix: 'key', keys, unique: true, where: f });
  const label = `${tableLabel(table)}.${flag.name}`;
  const parent = owner?.parent ?? null;
  const scope = owner
    ? `per ${codeList(ownerCols)} (${parent ? `→ ${parent}; ` : ''}taken as the owner because ${owner.because})`
    : `in the whole table (${tableLabel(table)} has no owner column)`;
  const weak = WEAK_FLAGS.has(word);
  const tableWord = nameWords(table.name).map(singular).find((w) => ACTIVE_EXCLUSIVE_TABLE_WORDS.includes(w));
  const evidence = word === 'active'
    ? `\`${flag.name}\` is judged exclusive only on theme/version/plan-like tables (${lexiconSample(ACTIVE_EXCLUSIVE_TABLE_WORDS)}; this one is a ${tableWord ?? '?'} table); if several rows may be active at once, ignore this finding`
    : `the name says one row is the ${word} one (exclusive flags: ${lexiconSample(EXCLUSIVE_FLAG_WORDS)})${weak ? '; if several rows may be selected at once, ignore this finding' : ''}`;
  const one = `at most one row ${scope}`;
  const remedy = keyCols.length > 0
    ? `a partial unique index on (${keys}) WHERE ${f}`
    : `a unique index on a constant, ((true)) WHERE ${f}, so that only one row can carry the flag`;
  const precheck = owner
    ? `SELECT ${columnList(ownerCols)}, count(*) FROM ${rel} WHERE ${f} GROUP BY ${columnList(ownerCols)} HAVING count(*) > 1 LIMIT 20;`
    : `SELECT count(*) FROM ${rel} WHERE ${f} HAVING count(*) > 1;`;

  let message: string;
  let title: string | undefined;
  let severity: 'low' | undefined = weak ? 'low' : undefined;
  let retireSql: string | null = null;
  let retireNote = '';
  switch (state.kind) {
    case 'trigger':
      severity = 'low';
      message =
        `\`${label}\` should be true for ${one}; the trigger ${state.trigger} maintains it, but a trigger cannot see concurrent transactions: ` +
        `two requests that each set a new ${word} row both commit and leave two. Back the trigger with ${remedy}. Evidence: ${evidence}.`;
      break;
    case 'too-strict': {
      title = 'Unique key on an exclusive flag also limits the other rows';
      const r = retireUnique(catalog, table, state.index);
      retireSql = r.sql;
      retireNote = r.note;
      message =
        `\`${label}\` is in the unique key ${state.index.constraint ?? state.index.name} (${state.index.keys.map((k) => k.expression).join(', ')}) and is never NULL, ` +
        `so besides one ${word} row it allows only one non-${word} row ${owner ? `per ${codeList(ownerCols)}` : 'in the table'}: adding a second ordinary row fails. ` +
        `Replace it with ${remedy}; unlike the current key it leaves the non-${word} rows alone. Evidence: ${evidence}.`;
      break;
    }
    default:
      message =
        `\`${label}\` should be true for ${one}, but nothing enforces it (no partial unique index, no EXCLUDE constraint): two requests that each set ` +
        `a new ${word} row leave two, and code that reads "the" ${word} row gets an arbitrary one. Add ${remedy}. Evidence: ${evidence}.`;
  }

  const kind = table.columns.find((c) => c !== flag && !ownerCols.includes(c.name) && (c.typeCategory === 'S' || c.typeCategory === 'E')
    && nameWords(c.name).some((w) => KIND_WORDS.includes(w)));
  const notes = [
    `Pre-check (existing extra ${word} rows make the build fail; clear them first): ${precheck}`,
    ddl.notes,
    retireNote,
    `Switch the ${word} row with two statements in one transaction (clear the old one, then set the new one): a single UPDATE that flips both can trip the index mid-statement.`,
    owner && owner.alternatives.length > 0
      ? `If the ${word} row is per ${owner.alternatives.map((a) => codeList(a)).join(' or ')} instead, key the index on that.`
      : '',
    kind ? `If there is one ${word} row per \`${kind.name}\` (a billing and a shipping one), key the index on (${[...ownerCols, kind.name].map(quoteIdent).join(', ')}).` : '',
    extraPart.length > 0 || partCols === null
      ? 'On a partitioned table a unique index must include the partition key, so this enforces the rule per partition-key value only.'
      : '',
  ].filter((s) => s !== '');
  return {
    objects: [columnRef(table, flag.name), ...ownerCols.map((c) => columnRef(table, c))],
    message,
    ...(title ? { title } : {}),
    ...(severity ? { severity } : {}),
    details: {
      flag: flag.name, word, owner: ownerCols, ownerTable: parent, enforcement: state.kind, replacementIndex: ddl.name,
    },
    fix: { sql: [ddl.sql, retireSql].filter((s): s is string => s !== null).join('\n'), notes: notes.join(' ') },
  };
}

export default defineRule({
  meta: {
    id: 'exclusive-flag-unenforced',
    category: 'integrity',
    severity: 'medium',
    title: 'Flag meant for one row per owner is not enforced',
    rationale:
      'Flags such as is_default, is_primary or is_current mean "this one row among its siblings". Application code that clears the old ' +
      'flag before setting the new one races with itself: two concurrent requests leave two defaults, and every read of "the default" ' +
      'then picks one arbitrarily. A partial unique index (`UNIQUE (owner) WHERE is_default`) makes the database refuse the second row.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    for (const table of judgedTables(catalog)) {
      const flags = table.columns.map((c) => ({ c, word: exclusiveFlagWord(c) })).filter((x): x is { c: Column; word: string } => x.word !== null);
      if (flags.length === 0) continue;
      const owner = ownerOf(catalog, table, review.tenantColumn);
      const tableWords = nameWords(table.name).map(singular);
      for (const { c, word } of flags) {
        if (word === 'active') {
          // Many users, keys and products are active at once: only a theme/version/plan-like child of an owner has one active row.
          if (USER_TABLE_WORDS.includes(tableWords[tableWords.length - 1] ?? '')) continue;
          if (!tableWords.some((w) => ACTIVE_EXCLUSIVE_TABLE_WORDS.includes(w))) continue;
          if (!owner && !tableWords.some((w) => ACTIVE_SINGLETON_TABLE_WORDS.includes(w))) continue;
        } else if (!owner && !TABLE_WIDE_FLAGS.has(word)) {
          // "Primary" or "main" among what? Without an owner only a table-wide default or current row makes sense.
          continue;
        }
        const state = enforcement(catalog, table, c);
        if (state.kind === 'enforced') continue;
        let scope = owner;
        if (state.kind === 'too-strict') {
          // The existing key already names the scope the designer meant: keep it, minus the flag.
          const rest = state.index.keys.map((k) => k.column).filter((k): k is string => k !== null && k !== c.name);
          if (rest.length > 0) scope = { columns: rest, parent: null, because: `the unique key ${state.index.constraint ?? state.index.name} pairs the flag with it`, alternatives: [] };
        }
        out.push(finding(catalog, table, c, word, scope, state));
      }
    }
    return out;
  },
});
