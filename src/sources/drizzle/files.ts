/**
 * Which files a Drizzle config's `schema` names, the way drizzle-kit reads it: each entry is a
 * file, a folder (its files, not its subfolders) or a glob, relative to the working directory.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

const MODULE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/i;

export function isSchemaModuleFile(path: string): boolean {
  return MODULE_FILE.test(path) && !/\.d\.[mc]?ts$/i.test(path);
}

export const CONFIG_NAMES = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.cts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs'];

export function isDrizzleConfig(path: string): boolean {
  return /(^|[\\/])drizzle(?:[.-][\w-]+)*\.config\.[mc]?[jt]s$/i.test(path);
}

/**
 * The drizzle config that governs a schema module: the nearest `drizzle.config.*` from the
 * module's folder up to its project root (the first folder with a package.json).
 */
export function findConfigFor(modulePath: string): string | null {
  let dir = dirname(modulePath);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, 'package.json'))) return null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const GLOB_CHARS = /[*?[\]{}]/;

/** A glob as a RegExp over `/`-separated paths: `**`, `*`, `?`, `[…]` and `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` anything below.
        if (glob[i + 2] === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, out: string[], depthLeft: number): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries.sort()) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    out.push(p);
    if (isDir && depthLeft > 0) walk(p, out, depthLeft - 1);
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Paths a glob matches under `base` (files and folders), sorted. */
function globMatches(pattern: string, base: string): string[] {
  const abs = toPosix(isAbsolute(pattern) ? pattern : resolve(base, pattern));
  const parts = abs.split('/');
  const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
  const root = parts.slice(0, firstGlob).join('/') || '/';
  const rest = parts.slice(firstGlob);
  const re = globToRegExp(abs);
  const candidates: string[] = [];
  walk(root, candidates, rest.includes('**') ? 32 : rest.length - 1);
  return candidates.filter((c) => re.test(toPosix(c))).sort();
}

/**
 * The schema modules a config's `schema` entry names, relative to `base`. Folders contribute their
 * own files (as drizzle-kit does); only module files count.
 */
export function expandSchemaPaths(entries: string[], base: string): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const entry of entries) {
    const matches = GLOB_CHARS.test(entry) ? globMatches(entry, base) : [resolve(base, entry)];
    for (const m of matches) {
      let isDir: boolean;
      try {
        isDir = statSync(m).isDirectory();
      } catch {
        continue;
      }
      if (!isDir) {
        if (isSchemaModuleFile(m)) add(m);
        continue;
      }
      for (const f of readdirSync(m).sort()) {
        const p = join(m, f);
        try {
          if (statSync(p).isFile() && isSchemaModuleFile(p)) add(p);
        } catch {
          // vanished while listing
        }
      }
    }
  }
  return out;
}
