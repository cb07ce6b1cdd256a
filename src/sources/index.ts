/**
 * File sources: a .sql file, a migrations folder, or a schema whose DDL is generated (Prisma,
 * Drizzle, DBML, a Markdown design doc), turned into ordered statements with the file:line:column
 * of each.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LoadNote } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import type { Layout } from '../result.js';
import { FileCache, resolveMigrations } from './layouts.js';
import { skipConstruct } from './lexer.js';
import { prepareSql } from './preprocess.js';
import { ensureParser, splitStatementsSync } from './split.js';
import type { GeneratedSource, LoadedSource, SqlFile, Statement } from './types.js';

export { detectLayout, naturalCompare } from './layouts.js';
export { prepareSql } from './preprocess.js';
export { nodeLocation, splitStatements } from './split.js';
export type { GeneratedSource, LoadedSource, ModelLocations, SqlFile, Statement } from './types.js';
import { loadDbml } from './dbml.js';
import { loadDrizzle } from './drizzle/index.js';
import { loadMarkdown } from './markdown.js';
import { loadPrisma } from './prisma/index.js';

/** What tells us the SQL was written for Supabase (and needs the auth/storage shim). */
const SUPABASE_SQL =
  /"?\bauth"?\s*\.\s*(?:"?users\b|"?(?:uid|jwt|role|email)"?\s*\()|"?\bstorage"?\s*\.\s*"?(?:objects|buckets)\b|\b(?:to|from|role)\s+(?:"?[\w$]+"?\s*,\s*)*"?(?:anon|authenticated|service_role)\b/i;

interface LoadContext {
  cwd: string;
  cache: FileCache;
  files: SqlFile[];
  notes: LoadNote[];
  display: (abs: string) => string;
}

function displayPath(cwd: string): (abs: string) => string {
  return (abs) => {
    const rel = relative(cwd, abs);
    if (rel === '') return '.';
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return abs;
    return rel;
  };
}

function kindOf(path: string): 'file' | 'dir' | null {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/**
 * Loads a `.sql` file or a migrations folder. Throws a SchemasageError naming the file, line and
 * column for a syntax error, and saying what was looked for when the path holds no SQL.
 */
export async function loadFileSource(path: string, opts: { layout?: Layout; cwd?: string } = {}): Promise<LoadedSource> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const abs = resolve(cwd, path);
  const ctx: LoadContext = { cwd, cache: new FileCache(), files: [], notes: [], display: displayPath(cwd) };
  const kind = kindOf(abs);
  if (kind === null) throw new SchemasageError(`no such file or directory: ${path}`);
  await ensureParser();

  const generator = generatorFor(abs, kind);
  if (generator) return fromGenerated(await generator(abs, ctx.display, cwd), ctx.display(abs));

  let statements: Statement[];
  let layout: Layout | null = null;
  let shownPath: string;
  if (kind === 'file') {
    if (!abs.toLowerCase().endsWith('.sql')) {
      throw new SchemasageError(`${path} is not a source schemasage reads`, {
        hint: 'give a .sql file (pg_dump output, structure.sql, hand-written DDL), a migrations folder, schema.prisma, a Drizzle schema module (.ts/.js) or drizzle.config.ts, a .dbml file or a Markdown design doc (.md)',
      });
    }
    statements = loadSqlFile(abs, ctx, []);
    shownPath = ctx.display(abs);
  } else {
    const resolved = resolveMigrations(abs, { ...(opts.layout ? { override: opts.layout } : {}), cache: ctx.cache, display: ctx.display });
    layout = resolved.layout;
    ctx.notes.push(...resolved.notes);
    statements = [];
    for (const file of resolved.files) statements.push(...loadSqlFile(file, ctx, []));
    shownPath = ctx.display(resolved.dir);
  }
  statements.forEach((s, i) => {
    s.index = i;
  });

  const hash = createHash('sha256');
  for (const f of ctx.files) hash.update(`${f.path}\0${f.text}\0`);
  return {
    kind: kind === 'file' ? 'sql' : 'migrations',
    path: shownPath,
    layout,
    files: ctx.files,
    statements,
    notes: ctx.notes,
    supabase: layout === 'supabase' || statements.some((s) => SUPABASE_SQL.test(s.sql) && SUPABASE_SQL.test(withoutLiterals(s.sql))),
    contentHash: hash.digest('hex'),
  };
}

type Generator = (abs: string, display: (abs: string) => string, cwd: string) => Promise<GeneratedSource>;

const DRIZZLE_EXTENSIONS = /\.(ts|mts|cts|js|mjs|cjs)$/i;

/** The loader for sources whose DDL is generated (ORM schemas, DBML, design docs), or null for SQL. */
function generatorFor(abs: string, kind: 'file' | 'dir'): Generator | null {
  const lower = abs.toLowerCase();
  if (kind === 'file') {
    if (lower.endsWith('.prisma')) return loadPrisma;
    if (DRIZZLE_EXTENSIONS.test(lower) && !lower.endsWith('.d.ts')) return loadDrizzle;
    if (lower.endsWith('.dbml')) return loadDbml;
    if (lower.endsWith('.md') || lower.endsWith('.markdown')) return loadMarkdown;
    return null;
  }
  // A folder of .prisma files (Prisma's multi-file schema) without migrations is the Prisma schema;
  // with migrations/ beside it, the migrations are what is deployed and they are reviewed.
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return null;
  }
  if (entries.includes('migrations')) return null;
  if (entries.some((e) => e.endsWith('.prisma'))) return loadPrisma;
  // Prisma's multi-file convention: prisma/schema/*.prisma.
  if (entries.includes('schema') && kindOf(join(abs, 'schema')) === 'dir' && readdirSync(join(abs, 'schema')).some((e) => e.endsWith('.prisma'))) {
    return (a, display, cwd) => loadPrisma(join(a, 'schema'), display, cwd);
  }
  return null;
}

/** Splits the generated SQL into statements and carries the user's files and locations along. */
function fromGenerated(g: GeneratedSource, shownPath: string): LoadedSource {
  const statements: Statement[] = [];
  for (const f of g.sql) statements.push(...splitStatementsSync(f, statements.length));
  statements.forEach((st, i) => {
    st.index = i;
  });
  const hash = createHash('sha256');
  hash.update(`${g.kind}\0`);
  for (const f of g.files) hash.update(`${f.path}\0${f.text}\0`);
  // The generated SQL depends on the toolchain's version too: hash it rather than trusting file contents alone.
  for (const f of g.sql) hash.update(`${f.path}\0${f.text}\0`);
  return {
    kind: g.kind,
    path: shownPath,
    layout: null,
    files: g.files,
    statements,
    notes: g.notes,
    supabase: g.supabase ?? statements.some((st) => SUPABASE_SQL.test(st.sql) && SUPABASE_SQL.test(withoutLiterals(st.sql))),
    contentHash: hash.digest('hex'),
    locations: g.locations,
    orm: g.orm,
    ...(g.stubs ? { stubs: g.stubs } : {}),
  };
}

/**
 * The SQL with comments and quoted strings blanked, so `COMMENT ... IS 'granted to anon'` does not
 * count; dollar-quoted function bodies stay, since a body that calls auth.uid() needs the shim too.
 */
function withoutLiterals(sql: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < sql.length; ) {
    const c = skipConstruct(sql, i);
    if (!c) {
      i++;
      continue;
    }
    if (c.kind === 'string' || c.kind === 'line-comment' || c.kind === 'block-comment') {
      out += `${sql.slice(from, i)} `;
      from = c.next;
    }
    i = c.next;
  }
  return out + sql.slice(from);
}

/** One file's statements, with `\i`/`\ir` includes spliced in where they appear. */
function loadSqlFile(abs: string, ctx: LoadContext, stack: string[]): Statement[] {
  const shown = ctx.display(abs);
  const text = ctx.cache.read(abs);
  ctx.files.push({ path: shown, text });
  const prepared = prepareSql({ path: shown, text });
  ctx.notes.push(...prepared.notes);
  const own = splitStatementsSync({ path: shown, text: prepared.text }, 0);
  if (prepared.includes.length === 0) return own;

  const out: Statement[] = [];
  let k = 0;
  for (const inc of prepared.includes) {
    while (k < own.length && (own[k] as Statement).line < inc.line) out.push(own[k++] as Statement);
    const location = { file: shown, line: inc.line, column: inc.column };
    if (!inc.target) throw new SchemasageError('\\i needs a file name', { location });
    const target = resolve(inc.relative ? dirname(abs) : ctx.cwd, inc.target);
    if (stack.includes(target) || target === abs) {
      const chain = [...stack, abs, target].map(ctx.display).join(' → ');
      throw new SchemasageError(`include cycle: ${chain}`, { location });
    }
    if (kindOf(target) !== 'file') {
      throw new SchemasageError(`cannot include ${inc.target}: no such file (${ctx.display(target)})`, {
        location,
        hint: inc.relative ? 'paths after \\ir are relative to the including file' : 'paths after \\i are relative to the working directory; \\ir is relative to the including file',
      });
    }
    out.push(...loadSqlFile(target, ctx, [...stack, abs]));
  }
  while (k < own.length) out.push(own[k++] as Statement);
  return out;
}
