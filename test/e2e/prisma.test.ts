/** `schemasage review` on Prisma schemas, as a user runs it: real process, exit codes, messages. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'schemasage-e2e-prisma-'));
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };

function lineOf(file: string, block: string, pattern: RegExp): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(block));
  return lines.findIndex((l, i) => i > start && pattern.test(l)) + 1;
}

describe('schemasage review <prisma schema>', () => {
  it('reviews a multi-file schema folder and prints the user\'s model and field lines', async () => {
    const dir = 'test/fixtures/prisma/saas/schema';
    const r = await runCli(['review', dir], { env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${dir}/projects.prisma:${lineOf(`${dir}/projects.prisma`, 'model Comment ', /^\s+author\s+User/)}`);
    expect(r.stdout).toContain(`${dir}/billing.prisma:${lineOf(`${dir}/billing.prisma`, 'model Plan ', /monthlyPrice/)}`);
    expect(r.stdout).not.toMatch(/\.sql:\d+/);
  });

  it('writes the JSON contract with the Prisma source and locations in the .prisma file', async () => {
    const file = 'test/fixtures/prisma/blog.prisma';
    const r = await runCli(['review', file, '--format', 'json', '--fail-on', 'none'], { env });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { source: unknown; findings: Array<{ rule: string; severity: string; location: { file: string } | null }> };
    expect(json.source).toEqual({ kind: 'prisma', path: file, layout: null });
    expect(json.findings.length).toBeGreaterThan(0);
    expect(new Set(json.findings.map((f) => f.location?.file))).toEqual(new Set([file]));
    expect(json.findings.filter((f) => f.rule === 'updated-at-without-trigger').map((f) => f.severity)).toEqual(['info', 'info']);
  });

  it('reports a schema error as file:line:column with Prisma\'s message, exit 2 and no stack trace', async () => {
    const r = await runCli(['review', 'test/fixtures/prisma/errors/typo.prisma'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/test\/fixtures\/prisma\/errors\/typo\.prisma:8:9: Type "Strin" is neither a built-in type, nor refers to another model/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a non-PostgreSQL datasource with exit 2', async () => {
    const r = await runCli(['review', 'test/fixtures/prisma/errors/mysql.prisma'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mysql\.prisma:2:3: the datasource provider is "mysql"/);
  });
});
