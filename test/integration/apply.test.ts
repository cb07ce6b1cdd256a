/** Applying a source to the embedded engine: transactions, CONCURRENTLY, missing extensions, errors. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemasageError } from '../../src/errors.js';
import { analyze, loadCatalog } from '../../src/pipeline.js';

function migrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemasage-apply-'));
  const mig = join(dir, 'supabase', 'migrations');
  mkdirSync(mig, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(mig, name), sql);
  return dir;
}

describe('applying migrations to PGlite', () => {
  it('honours BEGIN/COMMIT in files and lets CREATE INDEX CONCURRENTLY run outside them', async () => {
    const dir = migrations({
      '20240101000000_init.sql': `BEGIN;\nCREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner_id uuid NOT NULL REFERENCES auth.users (id), body text NOT NULL);\nALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;\nCOMMIT;\n`,
      '20240102000000_index.sql': `CREATE INDEX CONCURRENTLY notes_owner_id_idx ON public.notes (owner_id);\n`,
    });
    const { catalog, result } = analyze(await loadCatalog(dir, { cache: false }));
    const notes = catalog.tables.find((t) => t.name === 'notes');
    expect(notes?.indexes.map((i) => i.name)).toContain('notes_owner_id_idx');
    expect(notes?.indexes.find((i) => i.name === 'notes_owner_id_idx')?.provenance.created?.file).toMatch(/20240102000000_index\.sql$/);
    expect(result.findings.filter((f) => f.rule === 'unindexed-foreign-key')).toEqual([]);
    // the shim's auth.users is never reviewed or counted
    expect(result.summary.tables).toBe(1);
    expect(result.findings.some((f) => f.objects.some((o) => o.schema === 'auth'))).toBe(false);
  });

  it('reports an extension the engine lacks once, with the statements skipped because of it', async () => {
    const dir = migrations({
      '20240101000000_init.sql': `create extension if not exists pg_cron;\ncreate table public.jobs (id bigint generated always as identity primary key, name text not null);\nalter table public.jobs enable row level security;\nselect cron.schedule('nightly', '0 3 * * *', 'delete from public.jobs');\nselect cron.schedule('hourly', '0 * * * *', 'select 1');\n`,
    });
    const { result } = analyze(await loadCatalog(dir, { cache: false }));
    const missing = result.notes.filter((n) => n.kind === 'missing-extension');
    expect(missing).toHaveLength(1);
    expect(missing[0]?.message).toMatch(/"pg_cron".*2 statements/);
    expect(missing[0]?.location).toMatchObject({ line: 1 });
    expect(result.summary.tables).toBe(1);
  });

  it('stops on a statement Postgres rejects, naming file:line:column', async () => {
    const dir = migrations({
      '20240101000000_init.sql': `create table public.a (id bigint primary key);\n`,
      '20240102000000_bad.sql': `-- adds b\ncreate table public.b (\n  id bigint primary key,\n  a_id bigint references public.nope (id)\n);\n`,
    });
    const err = await loadCatalog(dir, { cache: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemasageError);
    const e = err as SchemasageError;
    expect(e.location?.file).toMatch(/20240102000000_bad\.sql$/);
    expect(e.location?.line).toBe(2);
    expect(e.message).toMatch(/relation "public.nope" does not exist/);
  });
});
