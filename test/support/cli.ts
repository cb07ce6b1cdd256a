import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = resolve(import.meta.dirname, '../../bin/schemasage.js');

/**
 * Runs the real CLI in a child process, as a user would. Asynchronous on purpose: a blocking
 * spawnSync starves vitest's worker RPC ("Timeout calling onTaskUpdate") on a busy machine.
 */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? resolve(import.meta.dirname, '../..'),
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
