import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithubAnnotations } from '../../src/report/github.js';
import type { ReviewResult } from '../../src/result.js';
import { finding, resultFor, shopFindings } from '../fixtures/report/shop.js';

const lines = (result: ReviewResult, opts: Parameters<typeof renderGithubAnnotations>[1] = {}): string[] =>
  renderGithubAnnotations(result, opts).trimEnd().split('\n');

/** Undo @actions/core's escaping, as the runner does when it reads the command. */
function unescape(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** `::level k=v,k=v::message` → its parts, the way the runner splits it (on the first `::` after the properties). */
function parse(line: string): { level: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props = Object.fromEntries((m[2] ?? '').split(',').filter((p) => p !== '').map((p) => {
    const at = p.indexOf('=');
    return [p.slice(0, at), unescape(p.slice(at + 1))];
  }));
  return { level: m[1] as string, props, message: unescape(m[3] as string) };
}

describe('GitHub workflow annotations', () => {
  it('escapes data and properties the way @actions/core does', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeData('a: b, c')).toBe('a: b, c');
    expect(escapeProperty('a: b, c%\n')).toBe('a%3A b%2C c%25%0A');
  });

  it('writes error for critical/high, warning for medium, notice for low/info', () => {
    const out = lines(resultFor(shopFindings())).slice(1).map(parse);
    const byId = new Map(out.map((a) => [a.props['title']?.split(' ')[0], a.level]));
    expect(Object.fromEntries(byId)).toEqual({ C1: 'error', H1: 'error', M1: 'warning', L1: 'notice', L2: 'notice', L3: 'notice', L4: 'notice', I1: 'notice' });
  });

  it('puts file, line, col and title on a located finding, and the fix after the message', () => {
    const h1 = lines(resultFor(shopFindings())).find((l) => l.includes('H1'));
    expect(h1).toBe(
      '::error file=supabase/migrations/20240101000000_init.sql,line=64,col=3,title=H1 unindexed-foreign-key::' +
        'payments.order_id references orders but no index starts with order_id: deleting an order scans payments.' +
        '%0A%0AFix:%0ACREATE INDEX CONCURRENTLY payments_order_id_idx ON payments (order_id);',
    );
  });

  it('leaves the file out for a finding without a location', () => {
    const i1 = parse(lines(resultFor(shopFindings())).find((l) => l.includes('I1')) as string);
    expect(i1.props).toEqual({ title: 'I1 isolated-table' });
    expect(i1.message).toBe('feature_flags neither references nor is referenced by any table.');
  });

  it('survives messages and paths full of the characters that delimit commands', () => {
    const f = finding('H1', 'plaintext-secret', 'high', {
      message: 'users.api_key: stored in clear, 100% readable\r\nrotate it:: now',
      location: { file: 'db/a,b:c%d.sql', line: 7, column: 2 },
      fix: { sql: "ALTER TABLE users ADD COLUMN api_key_hash text;\nUPDATE users SET api_key_hash = 'x';" },
    });
    const [line] = lines(resultFor([f])).slice(1);
    expect(line).not.toMatch(/[\r\n]/);
    const a = parse(line as string);
    expect(a.level).toBe('error');
    expect(a.props).toEqual({ file: 'db/a,b:c%d.sql', line: '7', col: '2', title: 'H1 plaintext-secret' });
    expect(a.message).toBe(
      "users.api_key: stored in clear, 100% readable\r\nrotate it:: now\n\nFix:\nALTER TABLE users ADD COLUMN api_key_hash text;\nUPDATE users SET api_key_hash = 'x';",
    );
  });

  it('orders all findings by severity, whatever order they come in', () => {
    const shuffled = [...shopFindings()].reverse();
    const ids = lines(resultFor(shuffled)).slice(1).map((l) => parse(l).props['title']?.split(' ')[0]);
    expect(ids).toEqual(['C1', 'H1', 'M1', 'L4', 'L3', 'L2', 'L1', 'I1']);
  });

  it('starts with a summary notice, and says when GitHub will not show them all', () => {
    const few = parse(lines(resultFor(shopFindings()))[0] as string);
    expect(few.level).toBe('notice');
    expect(few.props).toEqual({ title: 'schemasage' });
    expect(few.message).toBe('schemasage review: 8 findings (1 critical, 1 high, 1 medium, 4 low, 1 info) · 2 suppressed.');
    const many = Array.from({ length: 12 }, (_, i) => finding(`H${i + 1}`, 'unindexed-foreign-key', 'high', { location: { file: 'a.sql', line: i + 1, column: 1 } }));
    const out = lines(resultFor(many));
    expect(out).toHaveLength(13);
    expect(parse(out[0] as string).message).toContain('GitHub shows 10 annotations of each level per step');
    const clean = parse(lines(resultFor([], { summary: { ...resultFor([]).summary, suppressed: 0, grade: 'A' } }))[0] as string);
    expect(clean.message).toBe('schemasage review: no findings · grade A.');
  });

  it('makes paths relative to the workspace when the review ran in a subdirectory', () => {
    const f = finding('M1', 'missing-currency', 'medium', { location: { file: 'migrations/001.sql', line: 3, column: 1 } });
    const a = parse(lines(resultFor([f]), { workspace: '/repo', cwd: '/repo/services/api' })[1] as string);
    expect(a.props['file']).toBe('services/api/migrations/001.sql');
    const same = parse(lines(resultFor([f]))[1] as string);
    expect(same.props['file']).toBe('migrations/001.sql');
  });
});
