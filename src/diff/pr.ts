/**
 * `schemasage diff <before> <after>`: what a pull request's migration changes. When both sides are
 * migration folders, the files new in `after` are the change: the shared prefix is applied once and
 * introspected (base), then each new statement is judged against the catalog as it stood just
 * before it and applied; a statement Postgres rejects becomes a critical finding and the review
 * goes on. The head catalog is introspected last, the rollback is generated, applied to head and
 * checked against base.
 */
import type { Catalog } from '../catalog/model.js';
import { introspect } from '../catalog/introspect.js';
import { applyModelLocations, applyProvenance, buildProvenanceIndex } from '../catalog/provenance.js';
import { applyStatements } from '../engine/apply.js';
import { openPGlite } from '../engine/pglite.js';
import { requestedExtensions } from '../pipeline.js';
import { pgErrorInfo, type EngineSession } from '../engine/session.js';
import { SUPABASE_SHIM_SCHEMAS } from '../engine/shims/supabase.js';
import { SchemasageError } from '../errors.js';
import type { Location } from '../catalog/model.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSourceAtRef, parseGitRef } from '../sources/git.js';
import { loadFileSource } from '../sources/index.js';
import { splitStatementsSync } from '../sources/split.js';
import { rollbackSql } from './rollback.js';
import type { LoadedSource, SqlFile, Statement } from '../sources/types.js';

/** The part of `before` that `after` shares, and the statements `after` adds. */
export interface PrShape {
  prefix: Statement[];
  change: Statement[];
  /** Display paths of the files new (or changed) in `after`. */
  newFiles: string[];
}

/** A file's identity across two folders: its path inside its folder. */
function relativeName(src: LoadedSource, f: SqlFile): string {
  const unref = (p: string) => (src.refSuffix && p.endsWith(src.refSuffix) ? p.slice(0, -src.refSuffix.length) : p);
  const root = unref(src.path).replace(/\/+$/, '');
  const file = unref(f.path);
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/**
 * Files of `after` equal (by name and content) to the file at the same position in `before` form the
 * shared prefix; everything from the first difference on is the PR's change.
 */
export function splitPr(before: LoadedSource, after: LoadedSource): PrShape {
  let shared = 0;
  while (
    shared < before.files.length &&
    shared < after.files.length &&
    relativeName(before, before.files[shared] as SqlFile) === relativeName(after, after.files[shared] as SqlFile) &&
    (before.files[shared] as SqlFile).text === (after.files[shared] as SqlFile).text
  ) {
    shared++;
  }
  const prefixFiles = new Set(after.files.slice(0, shared).map((f) => f.path));
  return {
    prefix: after.statements.filter((s) => prefixFiles.has(s.file)),
    change: after.statements.filter((s) => !prefixFiles.has(s.file)),
    newFiles: after.files.slice(shared).map((f) => f.path),
  };
}

export interface AppliedStatement {
  statement: Statement;
  /** The catalog just before the statement ran. */
  before: Catalog;
  inTransaction: boolean;
  /** Postgres rejected it: its message and SQLSTATE. */
  error: { message: string; code: string | null; location: Location } | null;
}

export interface PrRun {
  base: Catalog;
  head: Catalog;
  applied: AppliedStatement[];
  session: EngineSession;
  introspectHead(): Promise<Catalog>;
}

export const TXN_BEGIN = /^(begin|start\s+transaction)\b/i;
const TXN_END = /^(commit|end|rollback|abort)\b/i;

/**
 * Applies the prefix, then the change statement by statement. Inside the PR's own BEGIN … COMMIT a
 * savepoint before each statement lets a rejected one be rolled back alone, so the statements after
 * it are still applied and reviewed — the deploy would have failed there, and the finding says so.
 */
export async function runPr(after: LoadedSource, shape: PrShape, opts: { schemas?: string[] } = {}): Promise<PrRun> {
  const session = await openPGlite({ supabase: after.supabase, extensions: requestedExtensions(after.statements) });
  const introspectNow = async (statements: Statement[]): Promise<Catalog> => {
    const c = await introspect(session, {
      engineKind: 'pglite',
      live: false,
      database: after.path,
      ...(opts.schemas ? { schemas: opts.schemas } : {}),
      shim: after.supabase ? { schemas: SUPABASE_SHIM_SCHEMAS } : null,
    });
    applyProvenance(c, buildProvenanceIndex(statements));
    if (after.locations) {
      applyModelLocations(c, after.locations);
      c.modelLocations = after.locations;
    }
    return c;
  };
  try {
    await applyStatements(session, shape.prefix);
  } catch (err) {
    await session.close();
    if (err instanceof SchemasageError) throw new SchemasageError(`the base of the PR does not apply: ${err.message}`, err.location ? { location: err.location } : {});
    throw err;
  }
  const base = await introspectNow(shape.prefix);
  const applied: AppliedStatement[] = [];
  let inTransaction = false;
  const seen: Statement[] = [...shape.prefix];
  for (const statement of shape.change) {
    const text = statement.sql.trim();
    if (TXN_BEGIN.test(text)) {
      await session.exec(text);
      inTransaction = true;
      seen.push(statement);
      continue;
    }
    if (TXN_END.test(text)) {
      await session.exec(/^(rollback|abort)/i.test(text) ? 'ROLLBACK' : 'COMMIT');
      inTransaction = false;
      seen.push(statement);
      continue;
    }
    const before = await introspectNow(seen);
    let error: AppliedStatement['error'] = null;
    try {
      if (inTransaction) await session.exec('SAVEPOINT schemasage_stmt');
      await session.exec(statement.sql);
      if (inTransaction) await session.exec('RELEASE SAVEPOINT schemasage_stmt');
    } catch (err) {
      const info = pgErrorInfo(err);
      error = {
        message: info?.message ?? (err as Error).message,
        code: info?.code ?? null,
        location: { file: statement.file, line: statement.line, column: statement.column },
      };
      if (inTransaction) await session.exec('ROLLBACK TO SAVEPOINT schemasage_stmt');
    }
    applied.push({ statement, before, inTransaction, error });
    seen.push(statement);
  }
  if (inTransaction) await session.exec('COMMIT');
  const head = await introspectNow(seen);
  return { base, head, applied, session, introspectHead: () => introspectNow(seen) };
}


/** Applies generated SQL (a rollback) in the session; the first statement Postgres rejects is returned. */
export async function applyGenerated(session: EngineSession, sql: string, label: string): Promise<{ message: string; statement: string } | null> {
  const statements = splitStatementsSync({ path: label, text: sql }, 0);
  for (const s of statements) {
    try {
      await session.exec(s.sql);
    } catch (err) {
      return { message: pgErrorInfo(err)?.message ?? (err as Error).message, statement: s.sql };
    }
  }
  return null;
}

/** A source for `diff`: a path, or `<path>@<git-ref>` read from git. */
async function loadPrSource(arg: string, cwd: string): Promise<LoadedSource> {
  const ref = parseGitRef(arg, cwd);
  if (ref) return loadSourceAtRef(ref, cwd, (p, c) => loadFileSource(p, { cwd: c }));
  if (!existsSync(resolve(cwd, arg))) throw new SchemasageError(`no such file or directory: ${arg}`);
  return loadFileSource(arg, { cwd });
}

/**
 * Two schemas rather than two migration folders (Prisma schemas, SQL dumps, …): the change is the
 * DDL that takes the one to the other, generated from their catalogs (lock-aware, like a careful
 * hand-written migration). Returns the source to run (before's statements, then the generated ones),
 * its shape, and the after-catalog with the user's own locations for the design findings.
 */
export async function stateChange(before: LoadedSource, after: LoadedSource, opts: { schemas?: string[] } = {}): Promise<{ source: LoadedSource; shape: PrShape; afterCatalog: Catalog }> {
  const whole = (src: LoadedSource): PrShape => ({ prefix: src.statements, change: [], newFiles: [] });
  const b = await runPr(before, whole(before), opts);
  await b.session.close();
  const a = await runPr(after, whole(after), opts);
  await a.session.close();
  // rollbackSql(x, y) writes the SQL that takes y back to x: here, from before's schema to after's.
  const forward = rollbackSql(a.head, b.head);
  const label = `${after.path} (migration generated from ${before.path})`;
  const generated = splitStatementsSync({ path: label, text: forward.sql }, before.statements.length);
  const source: LoadedSource = {
    ...before,
    statements: [...before.statements, ...generated],
    supabase: before.supabase || after.supabase,
    notes: [...before.notes, ...after.notes],
    locations: null,
  };
  return { source, shape: { prefix: before.statements, change: generated, newFiles: [label] }, afterCatalog: a.head };
}

export async function loadPrSources(beforeArg: string, afterArg: string, cwd: string): Promise<{ before: LoadedSource; after: LoadedSource }> {
  const before = await loadPrSource(beforeArg, cwd);
  const after = await loadPrSource(afterArg, cwd);
  return { before, after };
}
