/**
 * Prisma as a source: `schema.prisma`, or a folder of .prisma files (a multi-file schema). The DDL
 * is what Prisma Migrate would create on an empty database, from Prisma's own schema engine running
 * as WASM; validation errors are Prisma's own, at the user's file, line and column; every table,
 * column, index and constraint points back at the model, field or attribute that declared it.
 */
import type { LoadNote, Location } from '../../catalog/model.js';
import { SchemasageError } from '../../errors.js';
import { ensureParser } from '../split.js';
import { TextIndex } from '../text.js';
import type { GeneratedSource } from '../types.js';
import { readPrismaSchema, resolvePrismaFiles, type PrismaSchemaFiles, type PrismaSourceFile } from './files.js';
import { ProbeDatabase, probeAdapterFactory } from './adapter.js';
import { placeDdl } from './locate.js';
import { firstString } from './scan.js';
import {
  diffFromEmpty, engineError, getDatamodel, type Datamodel, knownPreviewFeatures, lintSchema, preloadEngine, type LintDiagnostic, type SchemaFilesInput,
} from './wasm.js';

export { prismaSnippet } from './snippets.js';

const POSTGRES_PROVIDERS = new Set(['postgresql', 'postgres']);

/** Stands in for a missing datasource block (a folder of models whose datasource lives elsewhere). */
const ASSUMED_DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';

function providerCheck(schema: PrismaSchemaFiles, shown: string): LoadNote | null {
  const ds = schema.datasource;
  if (!ds) {
    return { kind: 'info', message: `${shown} has no datasource block: reviewed as provider = "postgresql"`, location: null };
  }
  const p = ds.properties.find((x) => x.key === 'provider');
  const provider = p ? firstString(p.value) : null;
  if (p && provider !== null && !POSTGRES_PROVIDERS.has(provider)) {
    throw new SchemasageError(`the datasource provider is "${provider}": schemasage reviews PostgreSQL schemas`, {
      location: p.location,
      hint: provider === 'cockroachdb'
        ? 'CockroachDB speaks the PostgreSQL protocol but its DDL differs; review it as provider = "postgresql" only if the schema also targets PostgreSQL'
        : 'schemasage reads Prisma schemas whose datasource has provider = "postgresql"',
    });
  }
  return null;
}

/**
 * A position in the user's file from a lint offset. Prisma's lint counts UTF-16 code units (what
 * editors use), and the engine's text has the user's characters on every line (blanked, never
 * removed), so the offset is a string index into the user's text.
 */
function locationOf(file: PrismaSourceFile, offset: number): Location {
  return { file: file.path, ...new TextIndex(file.text).position(Math.min(offset, file.text.length)) };
}

function describe(d: LintDiagnostic, files: Map<string, PrismaSourceFile>): string {
  const f = files.get(d.file_name);
  const l = f ? locationOf(f, d.start) : null;
  return `${l ? `${l.file}:${l.line}:${l.column}: ` : ''}${d.text}`;
}

/** Prisma's validation, as one SchemasageError at the first error (the others in the hint). */
function validate(input: SchemaFilesInput, files: Map<string, PrismaSourceFile>): LoadNote[] {
  const diagnostics = lintSchema(input);
  const errors = diagnostics.filter((d) => !d.is_warning);
  if (errors.length > 0) {
    const first = errors[0] as LintDiagnostic;
    const file = files.get(first.file_name);
    const more = errors.slice(1);
    throw new SchemasageError(first.text, {
      location: file ? locationOf(file, first.start) : null,
      hint: more.length === 0
        ? null
        : `Prisma reported ${more.length} more error${more.length === 1 ? '' : 's'}: ${more.slice(0, 3).map((d) => describe(d, files)).join('; ')}${more.length > 3 ? '; …' : ''}`,
    });
  }
  return diagnostics.map((d) => {
    const file = files.get(d.file_name);
    return { kind: 'info' as const, message: `Prisma: ${d.text}`, location: file ? locationOf(file, d.start) : null };
  });
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** An engine failure after validation passed: its `-->  file:line` when it names one. */
function engineFailure(e: unknown, files: Map<string, PrismaSourceFile>): SchemasageError {
  const { code, message } = engineError(e);
  const plain = message.replace(ANSI, '');
  const m = /^\s*-->\s+(.+?):(\d+)\s*$/m.exec(plain);
  const file = m ? files.get(m[1] as string) : undefined;
  const line = m ? Number(m[2]) : 0;
  const text = plain.split('\n')[0]?.replace(/^error:\s*/, '').trim() || plain.trim();
  let location: Location | null = null;
  if (file) {
    const lineText = file.text.split('\n')[line - 1] ?? '';
    location = { file: file.path, line, column: lineText.length - lineText.trimStart().length + 1 };
  }
  return new SchemasageError(`${text}${code && code !== 'P1012' ? ` (${code})` : ''}`, {
    location,
    hint: location ? null : 'raised by Prisma\'s schema engine while generating the DDL',
  });
}

/** Loads a Prisma schema (file or folder) into DDL plus the user's model and field locations. */
export async function loadPrisma(absPath: string, display: (abs: string) => string, _cwd: string): Promise<GeneratedSource> {
  preloadEngine();
  const paths = resolvePrismaFiles(absPath);
  if (paths.length === 0) throw new SchemasageError(`${display(absPath)} holds no .prisma files`);
  const schema = readPrismaSchema(paths, display, knownPreviewFeatures());
  const shown = display(absPath);
  const notes: LoadNote[] = [];
  const assumed = providerCheck(schema, shown);
  if (assumed) notes.push(assumed);

  const byName = new Map(schema.files.map((f) => [f.path, f]));
  const input: SchemaFilesInput = schema.files.map((f) => [f.path, f.engineText]);
  if (assumed) input.push(['(schemasage) datasource.prisma', ASSUMED_DATASOURCE]);
  notes.push(...validate(input, byName));
  let datamodel: Datamodel;
  try {
    datamodel = getDatamodel(input);
  } catch (e) {
    throw engineFailure(e, byName);
  }
  const views = schema.files.flatMap((f) => f.blocks.filter((b) => b.kind === 'view'));
  if (views.length > 0) {
    notes.push({
      kind: 'skipped',
      message: `Prisma views (${views.map((v) => v.name).join(', ')}) are not created by Prisma Migrate, so they are not reviewed; review the SQL that creates them`,
      location: views[0]?.location ?? null,
    });
  }

  const db = new ProbeDatabase();
  let ddl: string;
  try {
    ddl = await diffFromEmpty(input, probeAdapterFactory(db));
  } catch (e) {
    throw engineFailure(e, byName);
  } finally {
    await db.close();
  }
  await ensureParser();
  const placed = placeDdl(ddl, schema, datamodel);
  return {
    kind: 'prisma',
    files: schema.files.map((f) => ({ path: f.path, text: f.text })),
    sql: placed.sql,
    locations: placed.locations,
    notes,
    orm: 'prisma',
    // Prisma's DDL never needs the Supabase shim: a schema that models auth.users creates it itself.
    supabase: false,
  };
}
