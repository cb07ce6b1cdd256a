/** `schemasage review` on Drizzle schemas, as a user runs it: the built CLI, real files, exit codes. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReviewResult } from '../../src/result.js';
import { runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'schemasage-e2e-drizzle-'));
const env = { SCHEMASAGE_CACHE_DIR: join(tmp, 'cache') };
const APP = 'test/fixtures/drizzle/app';

function lineOf(file: string, needle: string): number {
  const text = readFileSync(file, 'utf8');
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('schemasage review <drizzle schema>', () => {
  it('reviews drizzle.config.ts and prints findings at the user\'s column lines, exit 1 on high findings', async () => {
    const r = await runCli(['review', `${APP}/drizzle.config.ts`], { env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    const billing = `${APP}/src/db/schema/billing.ts`;
    expect(r.stdout).toContain(`${billing}:${lineOf(billing, 'total: doublePrecision()')}:5`);
    expect(r.stdout).toMatch(/money-as-float/);
  });

  it('writes the JSON contract with source kind drizzle and policy findings at their pgPolicy( line', async () => {
    const out = join(tmp, 'r.json');
    const r = await runCli(['review', `${APP}/src/db/schema/index.ts`, '--format', 'json', '--out', out, '--fail-on', 'none'], { env });
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as ReviewResult;
    expect(result.source.kind).toBe('drizzle');
    expect(result.summary.tables).toBe(13);
    const auth = `${APP}/src/db/schema/auth.ts`;
    const policy = result.findings.find((f) => f.rule === 'rls-policy-per-row-auth-call' && f.objects.some((o) => o.name === 'memberships_org_isolation'));
    expect(policy?.location).toMatchObject({ file: auth, line: lineOf(auth, "pgPolicy('memberships_org_isolation'") });
  });

  it('a schema module that throws: one clear message naming the module and the line, exit 2', async () => {
    const r = await runCli(['review', 'test/fixtures/drizzle/throws/schema.ts'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/test\/fixtures\/drizzle\/throws\/client\.ts:5:21: the Drizzle schema test\/fixtures\/drizzle\/throws\/schema\.ts threw while loading: SCHEMASAGE_TEST_UNSET_DATABASE_URL is not set/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
