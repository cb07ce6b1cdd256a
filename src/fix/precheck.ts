/**
 * Pre-check queries: for each constraint a fix adds to a table that already holds rows (CHECK,
 * FOREIGN KEY, UNIQUE, PRIMARY KEY, NOT NULL), a read-only query that lists the rows that would
 * make its step fail. Expressions are cut from the fix's own text with the real SQL scanner, so they
 * read exactly as the rule wrote them.
 */
import { scanSync } from 'libpg-query';
import type { Catalog } from '../catalog/model.js';
import { findTable, primaryKey, qualify, quoteIdent } from '../catalog/helpers.js';
import { alterCmds, arr, isNode, names, rangeVar, stmtKind, str, type Node, type RelName } from '../migration/ast.js';
import type { FixStatement, SchemaView } from './statements.js';

export interface DraftPreCheck {
  what: string;
  sql: string;
}

interface Token {
  start: number;
  end: number;
  text: string;
}

/** The statement's tokens (comments dropped), with UTF-8 byte offsets as the parser reports locations. */
class Text {
  readonly tokens: Token[];
  private readonly bytes: Buffer;
  constructor(sql: string) {
    this.bytes = Buffer.from(sql, 'utf8');
    this.tokens = scanSync(sql).tokens.filter((t) => !/COMMENT/.test(t.tokenName)).map((t) => ({ start: t.start, end: t.end, text: t.text }));
  }

  slice(from: number, to: number): string {
    return this.bytes.subarray(from, to).toString('utf8').trim();
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Index of the `)` closing the `(` at token `open`, or -1. */
  close(open: number): number {
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const t = this.tokens[i]?.text;
      if (t === '(') depth++;
      else if (t === ')' && --depth === 0) return i;
    }
    return -1;
  }

  /** First token at or after byte `from` (and token index `after`) that satisfies `test`. */
  find(test: (t: Token) => boolean, from = 0, after = -1): number {
    return this.tokens.findIndex((t, i) => i > after && t.start >= from && test(t));
  }
}

const kw = (word: string) => (t: Token) => t.text.toUpperCase() === word;
const punct = (c: string) => (t: Token) => t.text === c;

/** The text between CHECK's parentheses, the constraint starting at byte `location`. */
function checkExpression(text: Text, location: number): string | null {
  const check = text.find(kw('CHECK'), location);
  if (check < 0 || text.tokens[check + 1]?.text !== '(') return null;
  const close = text.close(check + 1);
  if (close < 0) return null;
  return text.slice((text.tokens[check + 1] as Token).end, (text.tokens[close] as Token).start);
}

/** An index's key expressions as written, and its WHERE predicate. */
function indexKeys(text: Text, body: Node): { keys: string[]; predicate: string | null } | null {
  const relation = isNode(body.relation) && typeof body.relation.location === 'number' ? body.relation.location : 0;
  const open = text.find(punct('('), relation);
  const close = open < 0 ? -1 : text.close(open);
  if (close < 0) return null;
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open + 1; i < close; i++) {
    const t = text.tokens[i]?.text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (t === ',' && depth === 0) {
      parts.push([from, i - 1]);
      from = i + 1;
    }
  }
  parts.push([from, close - 1]);
  const elems = arr(body.indexParams).map((p) => (isNode(p) && isNode(p.IndexElem) ? p.IndexElem : {}));
  if (elems.length !== parts.length) return null;
  const keys: string[] = [];
  for (const [i, elem] of elems.entries()) {
    const name = str(elem.name);
    if (name) {
      keys.push(quoteIdent(name));
      continue;
    }
    const [a, b] = parts[i] as [number, number];
    // An expression is a parenthesised group or a function call; opclass, COLLATE and ordering follow it.
    const first = text.tokens[a]?.text === '(' ? a : text.find(punct('('), 0, a - 1);
    const end = first >= 0 && first <= b ? text.close(first) : b;
    if (end < 0) return null;
    keys.push(text.slice((text.tokens[a] as Token).start, (text.tokens[end] as Token).end));
  }
  let predicate: string | null = null;
  if (body.whereClause) {
    const where = text.find(kw('WHERE'), 0, close);
    const next = text.tokens[where + 1];
    if (where < 0 || !next) return null;
    predicate = text.slice(next.start, text.length);
  }
  return { keys, predicate };
}

function duplicatesQuery(table: string, keys: string[], predicate: string | null, nullsDistinct: boolean): string {
  const filters = [...(predicate ? [`(${predicate})`] : []), ...(nullsDistinct ? keys.map((k) => `${k} IS NOT NULL`) : [])];
  return `SELECT ${keys.join(', ')}, count(*) FROM ${table}${filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : ''} GROUP BY ${keys.map((_, i) => i + 1).join(', ')} HAVING count(*) > 1 LIMIT 20;`;
}

function hasDefault(def: Node): boolean {
  if (def.raw_default || def.identity || def.generated) return true;
  return arr(def.constraints).some((c) => {
    const t = isNode(c) && isNode(c.Constraint) ? str(c.Constraint.contype) : undefined;
    return t === 'CONSTR_DEFAULT' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_GENERATED';
  });
}

function notNull(def: Node): boolean {
  return arr(def.constraints).some((c) => isNode(c) && isNode(c.Constraint) && (str(c.Constraint.contype) === 'CONSTR_NOTNULL' || str(c.Constraint.contype) === 'CONSTR_PRIMARY'));
}

/** The referenced columns of a FOREIGN KEY: as written, or the parent's primary key. */
function referencedColumns(c: Node, parent: RelName, catalog: Catalog): string[] | null {
  const written = names(c.pk_attrs);
  if (written.length > 0) return written;
  const t = findTable(catalog, parent.schema, parent.name);
  const pk = t ? primaryKey(t) : undefined;
  return pk ? pk.columns : null;
}

/**
 * The pre-checks of one statement. `prior` are the statements its fix runs before it: when they add
 * columns to or write the same table, the rows the check would read do not exist yet, and VALIDATE
 * (which reports them) is the check.
 */
export function preChecksFor(st: FixStatement, prior: readonly FixStatement[], schema: SchemaView, catalog: Catalog): DraftPreCheck[] {
  const s = stmtKind(st.ast);
  if (!s) return [];
  const rel = rangeVar(s.body.relation);
  if (!rel || !schema.tableExists(rel)) return [];
  const key = `${rel.schema}.${rel.name}`;
  if (prior.some((p) => p.tables.includes(key) && (p.opaque || /AT_AddColumn/.test(JSON.stringify(p.ast))))) return [];
  const table = qualify(rel.schema, rel.name);
  const text = new Text(st.sql);
  const out: DraftPreCheck[] = [];

  if (s.kind === 'IndexStmt') {
    if (s.body.unique !== true) return [];
    const k = indexKeys(text, s.body);
    if (!k) return [];
    out.push({
      what: `duplicates in ${rel.name} (${k.keys.join(', ')}) that make the unique index ${str(s.body.idxname) ?? ''} fail`,
      sql: duplicatesQuery(table, k.keys, k.predicate, s.body.nulls_not_distinct !== true),
    });
    return out;
  }
  if (s.kind !== 'AlterTableStmt') return [];
  const addsCheck = prior.some((p) => p.tables.includes(key) && /CONSTR_CHECK/.test(JSON.stringify(p.ast)));
  // A constraint dropped and re-added in one statement (new ON DELETE, say) held for every row already.
  const redefined = new Set(alterCmds(s.body).filter((c) => str(c.subtype) === 'AT_DropConstraint').map((c) => str(c.name)));
  for (const cmd of alterCmds(s.body)) {
    const sub = str(cmd.subtype);
    if (sub === 'AT_SetNotNull' && !addsCheck) {
      const col = str(cmd.name) ?? '';
      out.push({ what: `NULLs in ${rel.name}.${col} that make SET NOT NULL fail`, sql: `SELECT count(*) FROM ${table} WHERE ${quoteIdent(col)} IS NULL;` });
    } else if (sub === 'AT_AddColumn') {
      const def = isNode(cmd.def) && isNode(cmd.def.ColumnDef) ? cmd.def.ColumnDef : {};
      if (notNull(def) && !hasDefault(def)) {
        out.push({
          what: `rows of ${rel.name}: a NOT NULL column without a default (${str(def.colname) ?? ''}) can only be added to an empty table`,
          sql: `SELECT count(*) FROM ${table};`,
        });
      }
    } else if (sub === 'AT_AddConstraint') {
      const c = isNode(cmd.def) && isNode(cmd.def.Constraint) ? cmd.def.Constraint : null;
      if (!c || redefined.has(str(c.conname))) continue;
      const name = str(c.conname) ?? '(unnamed)';
      const contype = str(c.contype);
      const indexname = str(c.indexname);
      if (indexname) {
        // The index already guarantees uniqueness; a primary key also makes its columns NOT NULL.
        const index = findTable(catalog, rel.schema, rel.name)?.indexes.find((i) => i.name === indexname);
        const cols = index?.keys.every((k) => k.column !== null) ? index.keys.map((k) => quoteIdent(k.column as string)) : [];
        if (contype === 'CONSTR_PRIMARY' && cols.length > 0) {
          out.push({ what: `NULLs in ${rel.name} (${cols.join(', ')}) that make the primary key fail`, sql: `SELECT count(*) FROM ${table} WHERE ${cols.map((x) => `${x} IS NULL`).join(' OR ')};` });
        }
        continue;
      }
      if (contype === 'CONSTR_CHECK') {
        const expr = checkExpression(text, typeof c.location === 'number' ? c.location : 0);
        if (expr) out.push({ what: `rows of ${rel.name} that break CHECK ${name}`, sql: `SELECT * FROM ${table} WHERE NOT (${expr}) LIMIT 20;` });
      } else if (contype === 'CONSTR_FOREIGN') {
        const parent = rangeVar(c.pktable);
        const cols = names(c.fk_attrs);
        const refs = parent ? referencedColumns(c, parent, catalog) : null;
        if (!parent || !refs || refs.length !== cols.length || cols.length === 0) continue;
        const present = cols.map((x) => `c.${quoteIdent(x)} IS NOT NULL`).join(' AND ');
        const match = cols.map((x, i) => `p.${quoteIdent(refs[i] as string)} = c.${quoteIdent(x)}`).join(' AND ');
        out.push({
          what: `rows of ${rel.name} whose ${cols.join(', ')} has no ${parent.name} row (FOREIGN KEY ${name})`,
          sql: `SELECT ${cols.map((x) => `c.${quoteIdent(x)}`).join(', ')}, count(*) FROM ${table} c WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${qualify(parent.schema, parent.name)} p WHERE ${match}) GROUP BY ${cols.map((_, i) => i + 1).join(', ')} LIMIT 20;`,
        });
      } else if (contype === 'CONSTR_UNIQUE' || contype === 'CONSTR_PRIMARY') {
        const cols = names(c.keys).map(quoteIdent);
        if (cols.length === 0) continue;
        out.push({ what: `duplicates in ${rel.name} (${cols.join(', ')}) that make ${name} fail`, sql: duplicatesQuery(table, cols, null, contype === 'CONSTR_UNIQUE' && c.nulls_not_distinct !== true) });
        if (contype === 'CONSTR_PRIMARY') {
          out.push({ what: `NULLs in ${rel.name} (${cols.join(', ')}) that make the primary key fail`, sql: `SELECT count(*) FROM ${table} WHERE ${cols.map((x) => `${x} IS NULL`).join(' OR ')};` });
        }
      }
    }
  }
  return out;
}
