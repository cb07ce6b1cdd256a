/** The on-disk cache: PGlite templates and content-addressed results. Safe to delete at any time. */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function cacheDir(): string {
  if (process.env.SCHEMASAGE_CACHE_DIR) return process.env.SCHEMASAGE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'schemasage');
}

export function cacheDisabled(): boolean {
  return process.env.SCHEMASAGE_NO_CACHE === '1';
}

export function readCache(relPath: string): Buffer | null {
  if (cacheDisabled()) return null;
  const file = join(cacheDir(), relPath);
  if (!existsSync(file)) return null;
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** Write atomically so a concurrent run never reads half a file; a cache that cannot be written is not an error. */
export function writeCache(relPath: string, data: Buffer | string): void {
  if (cacheDisabled()) return;
  const file = join(cacheDir(), relPath);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // Read-only home or full disk: run without the cache.
  }
}
