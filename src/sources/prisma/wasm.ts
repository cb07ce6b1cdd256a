/**
 * Prisma's own toolchain, offline: `@prisma/prisma-schema-wasm` (validation with spans, the
 * datamodel with db names) and `@prisma/schema-engine-wasm` (the DDL Prisma Migrate would run).
 * The Prisma CLI is never used: it downloads native engines at run time and fails offline.
 *
 * Node 20 cannot import the engine's .wasm as an ES module, so it is instantiated by hand with the
 * package's own JS glue. The engine insists on a database connection when it starts, even for a
 * diff between two schema files; adapter.ts provides one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

type SchemaWasm = typeof import('@prisma/prisma-schema-wasm');
type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type SchemaFilesInput = Array<[string, string]>;

/** The Rust panic hook of both packages reports through this global before the call throws. */
interface PanicRegistry {
  set_message(message: string): void;
}
let lastPanic = '';
function installPanicRegistry(): void {
  const g = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanic = message;
    },
  };
}

/** The message of a panic inside Prisma's WASM (the thrown error only says "unreachable"). */
export function panicMessage(e: unknown): string {
  const own = e instanceof Error ? e.message : String(e);
  return lastPanic !== '' && /unreachable|RuntimeError/i.test(own) ? lastPanic : own;
}

let schemaWasm: SchemaWasm | null = null;

export function prismaSchemaWasm(): SchemaWasm {
  installPanicRegistry();
  schemaWasm ??= require('@prisma/prisma-schema-wasm') as SchemaWasm;
  return schemaWasm;
}

/** A diagnostic from `lint`: UTF-16 offsets into the named file. */
export interface LintDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

export function lintSchema(files: SchemaFilesInput): LintDiagnostic[] {
  return JSON.parse(prismaSchemaWasm().lint(JSON.stringify(files))) as LintDiagnostic[];
}

export function knownPreviewFeatures(): Set<string> {
  return new Set(JSON.parse(prismaSchemaWasm().preview_features()) as string[]);
}

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  nativeType: [string, string[]] | null;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}

export interface DmmfEnum {
  name: string;
  dbName: string | null;
  schema?: string | null;
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
}

/** Prisma's datamodel (the `datamodel` part of the DMMF): models, fields, db names, relations. */
export function getDatamodel(files: SchemaFilesInput): Datamodel {
  return JSON.parse(prismaSchemaWasm().get_datamodel(JSON.stringify({ prismaSchema: files }))) as Datamodel;
}

let engineModule: Promise<EngineModule> | null = null;

/** Compiles and instantiates the schema engine's WASM once per process. */
function loadEngine(): Promise<EngineModule> {
  engineModule ??= (async () => {
    installPanicRegistry();
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule;
    const dir = dirname(require.resolve('@prisma/schema-engine-wasm'));
    const module = await WebAssembly.compile(readFileSync(join(dir, 'schema_engine_bg.wasm')));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return engineModule;
}

/** Starts compiling the engine while other work goes on. */
export function preloadEngine(): void {
  void loadEngine().catch(() => {
    // reported by the call that needs it
  });
}

/** Prisma's engine error: P1012 for schema validation, with a rendered message. */
export interface EngineError {
  code: string | null;
  message: string;
}

export function engineError(e: unknown): EngineError {
  const code = e !== null && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null;
  const message = panicMessage(e);
  // prisma-schema-wasm throws its errors as JSON: {"error_code":"P1012","message":"…"}.
  if (message.startsWith('{')) {
    try {
      const parsed = JSON.parse(message) as { error_code?: unknown; message?: unknown };
      if (typeof parsed.message === 'string') return { code: typeof parsed.error_code === 'string' ? parsed.error_code : code, message: parsed.message };
    } catch {
      // not JSON after all
    }
  }
  return { code, message };
}

/**
 * The DDL Prisma Migrate would run to create `files` on an empty database (`prisma migrate diff
 * --from-empty --to-schema … --script`).
 */
export async function diffFromEmpty(files: SchemaFilesInput, factory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const bg = await loadEngine();
  const engine = await bg.SchemaEngine.new({ datamodels: files }, () => undefined, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: files.map(([path, content]) => ({ path, content })) },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? '';
  } finally {
    engine.free();
  }
}
