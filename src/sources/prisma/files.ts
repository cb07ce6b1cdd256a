/**
 * Which .prisma files make up the schema, and the text Prisma 7's engine is given for each: the
 * user's text with what the engine rejects blanked in place (connection URLs, preview features it
 * no longer knows), so every line and column Prisma reports is still the user's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SchemasageError } from '../../errors.js';
import { naturalCompare } from '../layouts.js';
import { scanPrismaFile, type PrismaBlock, type PrismaProperty } from './scan.js';

export interface PrismaSourceFile {
  abs: string;
  /** As shown to the user (and as the file is named to Prisma's engines). */
  path: string;
  /** As read. */
  text: string;
  /** As given to the engines: same length and line breaks, rejected properties blanked. */
  engineText: string;
  blocks: PrismaBlock[];
}

export interface PrismaSchemaFiles {
  files: PrismaSourceFile[];
  /** The first datasource block, when there is one. */
  datasource: PrismaBlock | null;
}

/** Folders a multi-file schema never spreads into. */
const SKIP_DIRS = new Set(['node_modules', 'migrations', '.git', 'generated']);

function prismaFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort(naturalCompare);
    } catch {
      return;
    }
    for (const name of names) {
      const abs = join(d, name);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(abs);
      } else if (name.endsWith('.prisma')) out.push(abs);
    }
  };
  walk(dir);
  return out;
}

const DATASOURCE = /^\s*datasource\s+[A-Za-z_][A-Za-z0-9_]*\s*\{/m;

/**
 * The schema's files. A folder is a multi-file schema (every .prisma file below it). A single file
 * is the schema on its own, unless it is one file of a multi-file schema: its folder holds other
 * .prisma files and exactly one of them all declares the datasource. Folders of independent
 * schemas (each with its own datasource) are read one file at a time.
 */
export function resolvePrismaFiles(absPath: string): string[] {
  let isDir = false;
  try {
    isDir = statSync(absPath).isDirectory();
  } catch {
    throw new SchemasageError(`no such file or directory: ${absPath}`);
  }
  if (isDir) return prismaFilesIn(absPath);
  const siblings = prismaFilesIn(dirname(absPath)).filter((f) => f !== absPath);
  if (siblings.length === 0) return [absPath];
  const own = DATASOURCE.test(readFileSync(absPath, 'utf8')) ? 1 : 0;
  const others = siblings.filter((f) => DATASOURCE.test(readFileSync(f, 'utf8'))).length;
  return own + others === 1 ? prismaFilesIn(dirname(absPath)) : [absPath];
}

/** Connection settings Prisma 7 moved to prisma.config.ts; they never change the DDL. */
const URL_PROPERTIES = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

/** `t[start, end)` replaced by spaces, keeping line breaks. */
function blank(t: string, start: number, end: number): string {
  return t.slice(0, start) + t.slice(start, end).replace(/[^\r\n]/g, ' ') + t.slice(end);
}

/** `t[start, end)` replaced by `text`, padded so the length and the line breaks stay the same. */
function overwrite(t: string, start: number, end: number, text: string): string {
  const old = t.slice(start, end);
  const breaks = (old.match(/\n/g) ?? []).length;
  const body = text + ' '.repeat(Math.max(0, end - start - breaks - text.length)) + '\n'.repeat(breaks);
  return t.slice(0, start) + body + t.slice(end);
}

function stringsIn(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] as string);
}

/** Keeps the preview features Prisma's engine knows; the others are client-only, GA or gone and never change the DDL. */
function filterPreviewFeatures(t: string, p: PrismaProperty, known: ReadonlySet<string>): string {
  const features = stringsIn(p.value);
  const kept = features.filter((f) => known.has(f));
  if (kept.length === features.length) return t;
  return overwrite(t, p.valueStart, p.end, `[${kept.map((f) => `"${f}"`).join(', ')}]`);
}

/** Reads the files and prepares the engine's text of each. */
export function readPrismaSchema(paths: string[], display: (abs: string) => string, knownPreviewFeatures: ReadonlySet<string>): PrismaSchemaFiles {
  const files: PrismaSourceFile[] = [];
  let datasource: PrismaBlock | null = null;
  for (const abs of paths) {
    const text = readFileSync(abs, 'utf8');
    const path = display(abs);
    const blocks = scanPrismaFile(path, text);
    let engineText = text;
    for (const b of blocks) {
      if (b.kind === 'datasource') {
        datasource ??= b;
        // Right to left, so earlier offsets stay valid.
        for (const p of [...b.properties].reverse()) {
          if (URL_PROPERTIES.has(p.key)) engineText = blank(engineText, p.start, p.end);
        }
      } else if (b.kind === 'generator') {
        const p = b.properties.find((x) => x.key === 'previewFeatures');
        if (p) engineText = filterPreviewFeatures(engineText, p, knownPreviewFeatures);
      }
    }
    files.push({ abs, path, text, engineText, blocks });
  }
  return { files, datasource };
}
