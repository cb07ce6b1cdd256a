/**
 * DDL for catalog objects, built from the definitions introspection already carries (pg_get_*def
 * output), so what we re-create is what Postgres printed rather than our reconstruction of it.
 */
import { qualify, quoteIdent, quoteLiteral } from '../catalog/helpers.js';
import type {
  Catalog, Column, Constraint, EnumType, FunctionInfo, Index, Policy, Sequence, Table, Trigger, View,
} from '../catalog/model.js';

export function tableName(t: { schema: string; name: string }): string {
  return qualify(t.schema, t.name);
}

/** The column as written inside CREATE TABLE / ADD COLUMN. */
export function columnDefinition(c: Column): string {
  const parts = [quoteIdent(c.name), c.type];
  if (c.collation) parts.push(`COLLATE ${quoteIdent(c.collation)}`);
  if (c.generated !== null) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`);
  else if (c.identity) parts.push(`GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  else if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

/** `nextval('orders_id_seq'::regclass)` → the sequence a serial column draws from. */
export function serialSequence(catalog: Catalog, table: Table, column: Column): Sequence | undefined {
  if (column.identity || column.default === null || !/^nextval\(/.test(column.default)) return undefined;
  return catalog.sequences.find((s) => s.ownedBy?.table === table.name && s.ownedBy.column === column.name && s.schema === table.schema);
}

export function createSequenceSql(s: Sequence): string {
  return `CREATE SEQUENCE IF NOT EXISTS ${qualify(s.schema, s.name)} AS ${s.dataType} INCREMENT BY ${s.increment} MAXVALUE ${s.maxValue};`;
}

/** Constraints that live inside CREATE TABLE; FKs are added once every table exists. */
function inlineConstraints(t: Table): Constraint[] {
  return t.constraints.filter((c) => !c.inherited && c.type !== 'foreign key');
}

export function constraintBody(c: Constraint): string {
  return c.definition.replace(/\s+NOT VALID$/, '');
}

/** CREATE TABLE with columns, defaults and every constraint but FKs (see foreignKeySteps). */
export function createTableSql(t: Table): string {
  const name = tableName(t);
  const persistence = t.persistence === 'unlogged' ? 'UNLOGGED ' : '';
  if (t.partitionOf) {
    return `CREATE ${persistence}TABLE ${name} PARTITION OF ${qualify(t.partitionOf.schema, t.partitionOf.table)} ${t.partitionOf.bound};`;
  }
  const lines = [
    ...t.columns.map((c) => `  ${columnDefinition(c)}`),
    ...inlineConstraints(t).map((c) => `  CONSTRAINT ${quoteIdent(c.name)} ${constraintBody(c)}`),
  ];
  const inherits = t.inherits.length > 0 ? ` INHERITS (${t.inherits.map((p) => qualify(p.schema, p.table)).join(', ')})` : '';
  const partition = t.partitionKey ? ` PARTITION BY ${t.partitionKey}` : '';
  return `CREATE ${persistence}TABLE ${name} (\n${lines.join(',\n')}\n)${inherits}${partition};`;
}

export function addConstraintSql(t: { schema: string; name: string }, c: Constraint, opts: { lockAware: boolean }): string[] {
  const head = `ALTER TABLE ${tableName(t)} ADD CONSTRAINT ${quoteIdent(c.name)} ${constraintBody(c)}`;
  // FK and CHECK can be added without scanning under the strong lock, then validated under a weaker one.
  if (opts.lockAware && c.validated && (c.type === 'foreign key' || c.type === 'check')) {
    return [`${head} NOT VALID;`, `ALTER TABLE ${tableName(t)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`];
  }
  return [`${head}${c.validated ? '' : ' NOT VALID'};`];
}

export function dropConstraintSql(t: { schema: string; name: string }, name: string): string {
  return `ALTER TABLE ${tableName(t)} DROP CONSTRAINT ${quoteIdent(name)};`;
}

const INDEX_HEAD = /^CREATE (UNIQUE )?INDEX ((?:"(?:[^"]|"")*"|\S+)) ON (ONLY )?/;

/** The index definition without its name: what the index *is*, for matching across generated names. */
export function indexMeaning(i: Index): string {
  return i.definition.replace(INDEX_HEAD, (_m, u: string | undefined, _n: string, only: string | undefined) => `CREATE ${u ?? ''}INDEX ON ${only ?? ''}`);
}

export function createIndexSql(i: Index, opts: { concurrently: boolean }): string {
  const def = opts.concurrently && !i.partitioned ? i.definition.replace(/^CREATE (UNIQUE )?INDEX /, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX CONCURRENTLY `) : i.definition;
  return `${def};`;
}

export function dropIndexSql(i: { schema: string; name: string; partitioned?: boolean }, opts: { concurrently: boolean }): string {
  return `DROP INDEX ${opts.concurrently && !i.partitioned ? 'CONCURRENTLY ' : ''}${qualify(i.schema, i.name)};`;
}

export function viewBody(v: View): string {
  return v.definition.trim().replace(/;\s*$/, '');
}

export function createViewSql(v: View, orReplace = false): string {
  const options: string[] = [];
  if (v.securityInvoker) options.push('security_invoker = true');
  if (v.securityBarrier) options.push('security_barrier = true');
  const withClause = options.length > 0 && !v.materialized ? ` WITH (${options.join(', ')})` : '';
  const kind = v.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  return `CREATE ${orReplace && !v.materialized ? 'OR REPLACE ' : ''}${kind} ${qualify(v.schema, v.name)}${withClause} AS\n${viewBody(v)};`;
}

export function dropViewSql(v: View): string {
  return `DROP ${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(v.schema, v.name)};`;
}

/** A dollar-quote tag that does not occur in the body. */
function dollarTag(body: string): string {
  let tag = '$body$';
  for (let n = 1; body.includes(tag); n++) tag = `$body${n}$`;
  return tag;
}

function configClause(entry: string): string {
  const eq = entry.indexOf('=');
  const key = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  // proconfig keeps search_path as a list already quoted where needed; other values are one literal.
  return key === 'search_path' ? `SET search_path = ${value}` : `SET ${quoteIdent(key)} = ${quoteLiteral(value)}`;
}

/** Functions and procedures we can re-create from the catalog (not aggregates, not SQL-standard bodies). */
export function canRecreateFunction(f: FunctionInfo): boolean {
  return (f.kind === 'function' || f.kind === 'procedure' || f.kind === 'window') && f.source.length > 0 && f.source.length < 20000;
}

export function functionSignature(f: FunctionInfo): string {
  return `${qualify(f.schema, f.name)}(${f.arguments})`;
}

export function createFunctionSql(f: FunctionInfo, orReplace: boolean): string {
  const tag = dollarTag(f.source);
  const parts = [`CREATE ${orReplace ? 'OR REPLACE ' : ''}${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${functionSignature(f)}`];
  if (f.kind !== 'procedure') parts.push(`RETURNS ${f.returns}`);
  parts.push(`LANGUAGE ${quoteIdent(f.language)}`);
  if (f.kind === 'window') parts.push('WINDOW');
  if (f.kind !== 'procedure') parts.push(f.volatility.toUpperCase());
  if (f.securityDefiner) parts.push('SECURITY DEFINER');
  for (const c of f.config) parts.push(configClause(c));
  return `${parts.join(' ')}\nAS ${tag}${f.source}${tag};`;
}

export function dropFunctionSql(f: FunctionInfo): string {
  return `DROP ${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${functionSignature(f)};`;
}

export function createTriggerSql(t: Trigger): string[] {
  const out = [`${t.definition};`];
  if (!t.enabled) out.push(`ALTER TABLE ${qualify(t.schema, t.table)} DISABLE TRIGGER ${quoteIdent(t.name)};`);
  return out;
}

export function dropTriggerSql(t: Trigger): string {
  return `DROP TRIGGER ${quoteIdent(t.name)} ON ${qualify(t.schema, t.table)};`;
}

function roleList(roles: string[]): string {
  return roles.map((r) => (r === 'public' ? 'PUBLIC' : quoteIdent(r))).join(', ');
}

export function createPolicySql(p: Policy): string {
  const parts = [`CREATE POLICY ${quoteIdent(p.name)} ON ${qualify(p.schema, p.table)}`];
  if (!p.permissive) parts.push('AS RESTRICTIVE');
  parts.push(`FOR ${p.command.toUpperCase()}`, `TO ${roleList(p.roles)}`);
  if (p.using !== null) parts.push(`USING (${p.using})`);
  if (p.withCheck !== null) parts.push(`WITH CHECK (${p.withCheck})`);
  return `${parts.join(' ')};`;
}

export function dropPolicySql(p: Policy): string {
  return `DROP POLICY ${quoteIdent(p.name)} ON ${qualify(p.schema, p.table)};`;
}

export function createEnumSql(e: EnumType): string {
  return `CREATE TYPE ${qualify(e.schema, e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`;
}

export function commentSql(target: string, comment: string | null): string {
  return `COMMENT ON ${target} IS ${comment === null ? 'NULL' : quoteLiteral(comment)};`;
}

/** Everything that re-creates a table's shape after CREATE TABLE, except FKs: indexes, comments, RLS, triggers, policies. */
export function tableExtrasSql(t: Table): string[] {
  const name = tableName(t);
  const out: string[] = [];
  for (const i of t.indexes) if (i.constraint === null) out.push(createIndexSql(i, { concurrently: false }));
  if (t.comment !== null) out.push(commentSql(`TABLE ${name}`, t.comment));
  for (const c of t.columns) if (c.comment !== null) out.push(commentSql(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment));
  for (const c of t.constraints) if (c.comment !== null && !c.inherited) out.push(commentSql(`CONSTRAINT ${quoteIdent(c.name)} ON ${name}`, c.comment));
  if (t.rlsEnabled) out.push(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
  if (t.rlsForced) out.push(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`);
  for (const tr of t.triggers) out.push(...createTriggerSql(tr));
  for (const p of t.policies) out.push(createPolicySql(p));
  return out;
}
