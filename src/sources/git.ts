/**
 * `<path>@<ref>`: a source as it was at a git commit. The path is copied out of the repository at
 * that commit into a temporary directory that mirrors the repository's layout, loaded from there
 * like any other source, and every path the result shows is turned back into the user's own path
 * with the ref appended (`supabase/migrations/20240101_init.sql@origin/main`).
 */
import type { LoadedSource } from './types.js';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import type { Catalog, Location } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';

export interface GitRefArg {
  /** The path as the user wrote it, before the last `@` (`.` when nothing was). */
  path: string;
  ref: string;
}

/**
 * Splits `<path>@<ref>` at the last `@`. Null when the argument is something else: a postgres URL
 * (those hold `@` too), a path that exists on disk as written (a file really named `a@b.sql` wins),
 * or nothing after the `@`.
 */
export function parseGitRef(arg: string, cwd: string): GitRefArg | null {
  if (/^postgres(?:ql)?:\/\//i.test(arg)) return null;
  const at = arg.lastIndexOf('@');
  if (at < 0 || at === arg.length - 1) return null;
  if (existsSync(resolve(cwd, arg))) return null;
  return { path: arg.slice(0, at) || '.', ref: arg.slice(at + 1) };
}

/** What `loadCatalog` returns, as far as reading at a ref needs to know. */
export interface RefLoadable {
  catalog: Catalog;
  source: { path: string };
  timings: { loadMs: number };
}

/**
 * Loads `<path>@<ref>` with `load`, given the path to read and the working directory to read it
 * from (both inside a temporary checkout), then shows every path in the result as the user's own
 * path at the ref. The checkout is removed afterwards, also when loading fails.
 */
export async function loadAtRef<T extends RefLoadable>(spec: GitRefArg, cwd: string, load: (path: string, cwd: string) => Promise<T>): Promise<T> {
  const started = performance.now();
  const checkout = await checkOut(spec, resolve(cwd));
  try {
    const checkoutMs = performance.now() - started;
    let loaded: T;
    try {
      loaded = await load(checkout.path, checkout.cwd);
    } catch (err) {
      throw err instanceof SchemasageError ? checkout.rewriteError(err) : err;
    }
    checkout.rewriteCatalog(loaded.catalog);
    loaded.source.path = checkout.show(loaded.source.path);
    loaded.catalog.notes.push({
      kind: 'info',
      message: `${loaded.source.path} was read from commit ${checkout.commit.slice(0, 12)}, not from the working tree`,
      location: null,
    });
    loaded.timings.loadMs += checkoutMs;
    return loaded;
  } finally {
    checkout.dispose();
  }
}

/**
 * The same as loadAtRef, for callers that need the statements rather than a catalog (`diff` applies
 * them itself): every path in the source reads `<path>@<ref>`.
 */
export async function loadSourceAtRef(spec: GitRefArg, cwd: string, load: (path: string, cwd: string) => Promise<LoadedSource>): Promise<LoadedSource> {
  const checkout = await checkOut(spec, resolve(cwd));
  try {
    let src: LoadedSource;
    try {
      src = await load(checkout.path, checkout.cwd);
    } catch (err) {
      throw err instanceof SchemasageError ? checkout.rewriteError(err) : err;
    }
    const show = checkout.show;
    for (const f of src.files) f.path = show(f.path);
    for (const st of src.statements) st.file = show(st.file);
    for (const n of src.notes) if (n.location) n.location = { ...n.location, file: show(n.location.file) };
    src.path = show(src.path);
    src.refSuffix = `@${spec.ref}`;
    return src;
  } finally {
    checkout.dispose();
  }
}

interface Checkout {
  /** Where the loader reads from, and the path to give it (relative to `cwd`). */
  cwd: string;
  path: string;
  commit: string;
  /** A path as the loader showed it (relative to `cwd`, or absolute) → as the user sees it, with `@ref`. */
  show: (file: string) => string;
  rewriteCatalog: (catalog: Catalog) => void;
  rewriteError: (err: SchemasageError) => SchemasageError;
  dispose: () => void;
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function git(args: string[]): Promise<GitResult> {
  return new Promise((done, fail) => {
    execFile('git', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(new SchemasageError('git is not installed or not on PATH; it is needed to read a `<path>@<ref>` source'));
        return;
      }
      done({ ok: !err, stdout, stderr });
    });
  });
}

/** git's own complaint, first line, without its `fatal: ` prefix. */
function gitSays(r: GitResult): string {
  const line = r.stderr.split('\n').find((l) => l.trim() !== '') ?? 'git failed';
  return line.replace(/^(fatal|error): /, '').trim();
}

function showUserPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return rel;
}

/** A folder for a message: `.` reads badly there, so the current directory is named in full. */
function showDir(abs: string, cwd: string): string {
  const shown = showUserPath(abs, cwd);
  return shown === '.' ? abs : shown;
}

function isInside(rel: string): boolean {
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const SCRIPT = /\.(ts|mts|cts|js|mjs|cjs)$/i;

async function checkOut(spec: GitRefArg, cwd: string): Promise<Checkout> {
  const { ref } = spec;
  const asTyped = `${spec.path}@${ref}`;
  const notOnDisk = `no file or directory named ${asTyped} exists either`;
  if (ref.startsWith('-')) throw new SchemasageError(`"${ref}" is not a git ref (from ${asTyped})`, { hint: notOnDisk });

  // The path may be gone from the working tree (deleted since the ref): ask git from the nearest
  // directory that exists, and carry the missing segments along.
  const abs = resolve(cwd, spec.path);
  let probe = abs;
  const missing: string[] = [];
  while (!existsSync(probe) || !statSync(probe).isDirectory()) {
    missing.unshift(basename(probe));
    probe = dirname(probe);
  }
  const top = await git(['-C', probe, 'rev-parse', '--show-toplevel']);
  if (!top.ok || top.stdout.trim() === '') {
    const said = gitSays(top);
    throw new SchemasageError(`${asTyped}: no such file or directory, and ${showDir(probe, cwd)} is not in a git work tree, so "${ref}" cannot be read as a git ref`, {
      hint: `\`<path>@<ref>\` reads a path as it was at a commit of the git repository holding it${/not a git repository/i.test(said) ? '' : ` (git said: ${said})`}`,
    });
  }
  const root = realpathSync(top.stdout.trim());
  const inRepo = relative(root, join(realpathSync(probe), ...missing));
  if (!isInside(inRepo)) throw new SchemasageError(`${asTyped}: ${spec.path} is outside the git repository at ${root}`);
  const pathInRepo = inRepo.split(sep).join('/');

  const commitOf = await git(['-C', root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const commit = commitOf.stdout.trim();
  if (!commitOf.ok || commit === '') {
    throw new SchemasageError(`unknown git ref "${ref}" in the git repository at ${showDir(root, cwd)} (from ${asTyped})`, {
      hint: `${notOnDisk}. Name a branch, tag or commit (git branch -a, git tag); a remote branch needs a git fetch first`,
    });
  }
  const short = commit.slice(0, 12);
  const typeOf = await git(['-C', root, 'cat-file', '-t', `${commit}:${pathInRepo}`]);
  const type = typeOf.stdout.trim();
  if (!typeOf.ok || (type !== 'blob' && type !== 'tree')) {
    const what = type === 'commit' ? 'is a submodule' : 'does not exist';
    throw new SchemasageError(`${spec.path} ${what} at ${ref} (commit ${short})`, {
      hint: `git ls-tree --name-only ${ref} -- ${posix.dirname(pathInRepo) === '.' ? '.' : `${posix.dirname(pathInRepo)}/`} lists what is there`,
    });
  }

  // A file is read with its folder, so Prisma's other .prisma files, `\ir` includes and a Drizzle
  // schema's relative imports are there too; a script with its whole package, when it has one.
  const archived = type === 'tree' ? pathInRepo : SCRIPT.test(pathInRepo) ? await packageRoot(root, commit, pathInRepo) : posix.dirname(pathInRepo);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'schemasage-git-')));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await extract(root, commit, archived === '.' ? '' : archived, dir, asTyped);
    if (SCRIPT.test(pathInRepo)) linkNodeModules(root, archived, dir);

    // Read from the checkout's copy of the user's working directory when the source lies under it,
    // so shown paths (and the result cache's key) are the same as for the working tree.
    const userCwd = realpathSync(cwd);
    const cwdInRepo = relative(root, userCwd);
    const underCwd = isInside(cwdInRepo) && isInside(relative(cwdInRepo, inRepo));
    const loadCwd = underCwd ? join(dir, cwdInRepo) : dir;
    mkdirSync(loadCwd, { recursive: true });
    const loadPath = (underCwd ? relative(cwdInRepo, inRepo) : inRepo) || '.';

    const show = (file: string): string => {
      const inCheckout = relative(dir, resolve(loadCwd, file));
      if (!isInside(inCheckout)) return file;
      return `${showUserPath(join(root, inCheckout), userCwd)}@${ref}`;
    };
    // Messages (notes, errors) name paths too: those under what was read, as the loader showed them.
    // Folders match only with a path under them (`db/structure.sql`, not the word `db`); the path
    // that was read matches on its own too.
    const rest = `(?:[/\\\\][^\\s:'"\`)\\],]*)`;
    const folders = [relative(loadCwd, join(dir, archived)), dir].filter((p) => p !== '' && !p.startsWith('..'));
    const alternatives = [...(loadPath === '.' ? [] : [`${escapeRegExp(loadPath)}${rest}?`]), ...folders.map((f) => `${escapeRegExp(f)}${rest}`)];
    const mentions = new RegExp(`(^|[\\s(\\[{'"\`])(${alternatives.join('|')})(?=$|[\\s:'"\`)\\],])`, 'g');
    const showIn = (text: string): string => text.replace(mentions, (_m, lead: string, p: string) => `${lead}${show(p)}`);

    return {
      cwd: loadCwd,
      path: loadPath,
      commit,
      show,
      rewriteCatalog: (catalog) => {
        catalog.database = show(catalog.database);
        rewriteFiles(catalog, show);
        for (const n of catalog.notes) n.message = showIn(n.message);
      },
      rewriteError: (err) => {
        const location: Location | null = err.location ? { ...err.location, file: show(err.location.file) } : null;
        return new SchemasageError(showIn(err.message), { location, hint: err.hint === null ? null : showIn(err.hint) });
      },
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every `file` of every location in the catalog (provenance, model locations, notes, inline ignores). */
function rewriteFiles(value: unknown, show: (file: string) => string, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) rewriteFiles(v, show, seen);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (k === 'file' && typeof v === 'string') record[k] = show(v);
    else rewriteFiles(v, show, seen);
  }
}

/** The nearest folder at the commit, from the script's own up to the repository root, that holds a package.json. */
async function packageRoot(root: string, commit: string, pathInRepo: string): Promise<string> {
  const own = posix.dirname(pathInRepo);
  for (let d = own; ; d = posix.dirname(d)) {
    const r = await git(['-C', root, 'cat-file', '-e', `${commit}:${d === '.' ? '' : `${d}/`}package.json`]);
    if (r.ok) return d;
    if (d === '.') return own;
  }
}

/**
 * node_modules is never committed: link the working tree's own ones into the checkout, so a
 * script's imports (drizzle-orm, helpers) resolve to the packages the project uses.
 */
function linkNodeModules(root: string, archived: string, dir: string): void {
  const parts = archived === '.' ? [] : archived.split('/');
  for (let i = parts.length; i >= 0; i--) {
    const rel = parts.slice(0, i);
    const from = join(root, ...rel, 'node_modules');
    const to = join(dir, ...rel, 'node_modules');
    if (!existsSync(from) || existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    try {
      symlinkSync(from, to, 'junction');
    } catch {
      // Without the link, loaders fall back to schemasage's own packages.
    }
  }
}

/** `git archive <commit> -- <path> | tar -x`, streamed. */
function extract(root: string, commit: string, path: string, into: string, asTyped: string): Promise<void> {
  return new Promise((done, fail) => {
    const archive = spawn('git', ['-C', root, 'archive', '--format=tar', commit, ...(path ? ['--', path] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    tar.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    archive.stdout.pipe(tar.stdin);
    // tar exiting early (EPIPE) is reported through its exit code.
    tar.stdin.on('error', () => undefined);
    // Settle once both have ended (a process that fails to start may report 'error' and 'close').
    const ended = new Set<string>();
    let failure: Error | null = null;
    const finish = (what: string, err: Error | null) => {
      if (ended.has(what)) return;
      ended.add(what);
      failure ??= err;
      // git would block on a pipe nobody reads once tar is gone.
      if (what === 'tar' && !ended.has('git archive')) archive.kill();
      if (ended.size < 2) return;
      if (failure) fail(failure);
      else done();
    };
    const onClose = (what: string) => (code: number | null) =>
      finish(what, code === 0 ? null : new SchemasageError(`could not read ${asTyped}: ${what} failed${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`));
    const onError = (what: string) => (err: NodeJS.ErrnoException) =>
      finish(what, new SchemasageError(err.code === 'ENOENT' ? `${what.split(' ')[0]} is not installed or not on PATH; it is needed to read ${asTyped}` : `could not run ${what}: ${err.message}`));
    archive.once('error', onError('git archive')).once('close', onClose('git archive'));
    tar.once('error', onError('tar')).once('close', onClose('tar'));
  });
}
