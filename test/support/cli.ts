import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = resolve(import.meta.dirname, '../../bin/schemasage.js');

/** Runs the real CLI in a child process, as a user would. */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? resolve(import.meta.dirname, '../..'),
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
