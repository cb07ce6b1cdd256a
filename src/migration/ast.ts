/**
 * Small readers over libpg-query statement nodes, and the pieces every migration rule shares
 * (which table a statement touches, whether it existed before the PR, how big it is).
 */
import type { Catalog, Table, TableStats } from '../catalog/model.js';
import { findTable, qualify } from '../catalog/helpers.js';
import type { Severity } from '../result.js';
import type { Statement } from '../sources/types.js';
import type { MigrationContext } from './types.js';

export type Node = Record<string, unknown>;

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single key of a statement node (`IndexStmt`, `AlterTableStmt`, …) and its body. */
export function stmtKind(ast: unknown): { kind: string; body: Node } | null {
  if (!isNode(ast)) return null;
  const kind = Object.keys(ast)[0];
  if (kind === undefined) return null;
  const body = ast[kind];
  return isNode(body) ? { kind, body } : null;
}

/** The body of `ast` when it is a `kind` node. */
export function stmtOf(ast: unknown, kind: string): Node | null {
  const s = stmtKind(ast);
  return s && s.kind === kind ? s.body : null;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `{ String: { sval } }` list → names. */
export function names(v: unknown): string[] {
  return arr(v).map((n) => (isNode(n) && isNode(n.String) ? str(n.String.sval) ?? '' : ''));
}

export interface RelName {
  schema: string;
  name: string;
}

/** A RangeVar; unqualified names resolve to `public` (the default search_path). */
export function rangeVar(v: unknown): RelName | null {
  if (!isNode(v)) return null;
  const name = str(v.relname);
  if (!name) return null;
  return { schema: str(v.schemaname) ?? 'public', name };
}

/** A qualified-name list (`[schema, name]` or `[name]`). */
export function qualifiedName(parts: string[]): RelName | null {
  if (parts.length === 0) return null;
  const name = parts[parts.length - 1] as string;
  return { schema: parts.length > 1 ? (parts[parts.length - 2] as string) : 'public', name };
}

export function relKey(r: RelName): string {
  return `${r.schema}.${r.name}`;
}

export function relSql(r: RelName): string {
  return qualify(r.schema, r.name);
}

/** The AlterTableCmd bodies of an ALTER TABLE. */
export function alterCmds(body: Node): Node[] {
  return arr(body.cmds).map((c) => (isNode(c) && isNode(c.AlterTableCmd) ? c.AlterTableCmd : null)).filter((c): c is Node => c !== null);
}

/** An A_Const's value: protobuf drops zero values, so `{ ival: {} }` is 0. */
export function constValue(v: unknown): string | number | boolean | null | undefined {
  if (!isNode(v) || !isNode(v.A_Const)) return undefined;
  const c = v.A_Const;
  if (c.isnull) return null;
  if (isNode(c.ival)) return typeof c.ival.ival === 'number' ? c.ival.ival : 0;
  if (isNode(c.sval)) return str(c.sval.sval) ?? '';
  if (isNode(c.fval)) return Number(str(c.fval.fval) ?? '0');
  if (isNode(c.boolval)) return c.boolval.boolval === true;
  return undefined;
}

/** Every node of `kind` anywhere under `v`. */
export function findNodes(v: unknown, kind: string, out: Node[] = []): Node[] {
  if (Array.isArray(v)) for (const x of v) findNodes(x, kind, out);
  else if (isNode(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === kind && isNode(x)) out.push(x);
      findNodes(x, kind, out);
    }
  }
  return out;
}

/** The table a statement acts on, as it stood before the statement, when it existed before the PR. */
export function baseTable(ctx: MigrationContext, rel: RelName | null): Table | null {
  if (!rel || !ctx.baseTables.has(relKey(rel))) return null;
  const t = findTable(ctx.before, rel.schema, rel.name);
  return t && t.origin === 'user' ? t : null;
}

/** Judge partitions through their parent: a statement on a partition is reported against the parent's name. */
export function reportedTable(catalog: Catalog, t: Table): Table {
  return t.partitionOf ? findTable(catalog, t.partitionOf.schema, t.partitionOf.table) ?? t : t;
}

const BIG_ROWS = 1_000_000;
const BIG_BYTES = 1024 ** 3;
const TINY_ROWS = 10_000;
const TINY_BYTES = 10 * 1024 ** 2;

/** Sequential read and full rewrite (heap + index rebuild) rates the estimates assume. */
export const SCAN_MB_PER_S = 200;
export const REWRITE_MB_PER_S = 50;

const ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface SizedSeverity {
  severity: Severity;
  stats: TableStats | null;
  /** "1.2M rows, 3.4 GB" when stats are known. */
  size: string | null;
  /** Seconds the lock is held, when stats are known and the work is a scan or rewrite. */
  seconds: number | null;
  /** One sentence for the message: the size and the estimate with its assumption. */
  sentence: string;
}

function humanBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(b / 1024)} kB`;
}

function humanRows(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.max(0, Math.round(n)));
}

function humanSeconds(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 120) return `~${Math.round(s)} s`;
  if (s < 7200) return `~${Math.round(s / 60)} min`;
  return `~${(s / 3600).toFixed(1)} h`;
}

/**
 * Severity from the live size of the table (--target): one step up for big tables (> 1M rows or
 * > 1 GB), down to low for tiny ones (< 10k rows and < 10 MB); the default severity without stats.
 */
export function sizedSeverity(ctx: MigrationContext, t: Table, base: Severity, work: 'scan' | 'rewrite' | 'none'): SizedSeverity {
  const stats = ctx.tableStats(t.schema, t.name);
  if (!stats) return { severity: base, stats: null, size: null, seconds: null, sentence: '' };
  const size = `${humanRows(stats.rowEstimate)} rows, ${humanBytes(stats.totalBytes)}`;
  let severity = base;
  const big = stats.rowEstimate > BIG_ROWS || stats.totalBytes > BIG_BYTES;
  const tiny = stats.rowEstimate < TINY_ROWS && stats.totalBytes < TINY_BYTES;
  if (big) severity = ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(base) + 1)] as Severity;
  else if (tiny && ORDER.indexOf(base) > ORDER.indexOf('low')) severity = 'low';
  let seconds: number | null = null;
  let estimate = '';
  if (work !== 'none') {
    const rate = work === 'scan' ? SCAN_MB_PER_S : REWRITE_MB_PER_S;
    const bytes = work === 'scan' ? stats.tableBytes : stats.totalBytes;
    seconds = bytes / (rate * 1024 ** 2);
    estimate = ` The lock is held for ${humanSeconds(seconds)} (assuming ~${rate} MB/s ${work === 'scan' ? 'sequential scan' : 'rewrite and index rebuild'} on an idle server).`;
  }
  return { severity, stats, size, seconds, sentence: ` \`${t.name}\` holds ${size} on the target.${estimate}` };
}

/** SET [LOCAL] lock_timeout to a non-zero value (0 disables it, RESET restores the default). */
export function lockTimeoutEffect(s: Statement): 'set' | 'unset' | null {
  const v = stmtOf(s.ast, 'VariableSetStmt');
  if (!v || str(v.name) !== 'lock_timeout') return null;
  if (str(v.kind) !== 'VAR_SET_VALUE') return 'unset';
  const value = constValue(arr(v.args)[0]);
  return value === 0 || value === '0' ? 'unset' : 'set';
}

/** The statement runs inside BEGIN … COMMIT: the context says so, or the same file opened one and did not close it. */
export function inTransaction(ctx: MigrationContext): boolean {
  if (ctx.inTransaction) return true;
  let open = false;
  for (const p of ctx.previous) {
    if (p.file !== ctx.statement.file) continue;
    const t = stmtOf(p.ast, 'TransactionStmt');
    if (!t) continue;
    const kind = str(t.kind);
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') open = true;
    else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') open = false;
  }
  return open;
}

/** A type created earlier in this PR (CREATE TYPE … AS ENUM / AS (…)): changing it hurts nobody yet. */
export function typeCreatedInPr(ctx: MigrationContext, type: RelName): boolean {
  return ctx.previous.some((p) => {
    const e = stmtOf(p.ast, 'CreateEnumStmt');
    const c = stmtOf(p.ast, 'CompositeTypeStmt');
    const n = e ? qualifiedName(names(e.typeName)) : c ? rangeVar(c.typevar) : null;
    return n !== null && relKey(n) === relKey(type);
  });
}

/** The `details` every migration finding carries. */
export function lockDetails(
  ctx: MigrationContext,
  lock: { lock: string; rewrites: boolean; scans: boolean },
  existed: boolean,
  sized?: SizedSeverity,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const d: Record<string, unknown> = { lock: lock.lock, rewrites: lock.rewrites, scans: lock.scans, tableExistedBefore: existed, pgVersion: ctx.pgVersion, ...extra };
  if (sized?.stats) {
    d.estimate = { rows: sized.stats.rowEstimate, bytes: sized.stats.totalBytes, lockSeconds: sized.seconds, assumption: `~${SCAN_MB_PER_S} MB/s scan, ~${REWRITE_MB_PER_S} MB/s rewrite` };
  }
  return d;
}

export const LOCK_TIMEOUT_SQL = `SET lock_timeout = '5s';`;

/** The statement's own text from the node at UTF-8 byte `location` to the end of the statement. */
export function textFrom(s: Statement, location: unknown): string | null {
  if (typeof location !== 'number' || s.byteOffset === undefined) return null;
  const delta = location - s.byteOffset;
  const bytes = Buffer.from(s.sql, 'utf8');
  if (delta < 0 || delta >= bytes.length) return null;
  return bytes.subarray(delta).toString('utf8');
}

/** The text up to the first top-level comma (outside parentheses and quotes). */
export function untilComma(text: string): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) { if (ch === quote) quote = null; continue; }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') { if (depth === 0) return text.slice(0, i).trim(); depth--; }
    else if (ch === ',' && depth === 0) return text.slice(0, i).trim();
  }
  return text.trim();
}

const CLAUSE = /\s+(NOT\s+NULL|NULL|DEFAULT|REFERENCES|CHECK|UNIQUE|PRIMARY\s+KEY|GENERATED|CONSTRAINT|COLLATE)\b/i;

/** Splits `name type [DEFAULT expr] [NOT NULL] …` as the user wrote it; null when the text is not available. */
export function columnDefText(s: Statement, def: Node): { type: string; default: string | null } | null {
  const text = textFrom(s, def.location);
  if (text === null) return null;
  const whole = untilComma(text);
  const name = str(def.colname) ?? '';
  const afterName = whole.replace(/^("(?:[^"]|"")*"|\S+)\s+/, '');
  if (afterName === whole && name) return null;
  const m = CLAUSE.exec(afterName);
  const type = (m ? afterName.slice(0, m.index) : afterName).trim();
  const dm = /\bDEFAULT\s+/i.exec(afterName);
  let dflt: string | null = null;
  if (dm) {
    const rest = afterName.slice(dm.index + dm[0].length);
    // the default runs to the next column clause outside parentheses
    let depth = 0;
    let end = rest.length;
    for (let i = 0; i < rest.length; i++) {
      const ch = rest[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && /\s/.test(ch ?? '') && CLAUSE.test(rest.slice(i)) && CLAUSE.exec(rest.slice(i))?.index === 0) { end = i; break; }
    }
    dflt = rest.slice(0, end).trim();
  }
  return { type, default: dflt };
}
