/**
 * `docs`: writes the documentation of a schema into a directory. Nothing of the user's is
 * overwritten: every file written starts with MARKER, a target that exists without it stops the
 * run before anything is written (unless `force`), and only marked files are removed as stale.
 */
import { existsSync, mkdirSync, openSync, readdirSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/model.js';
import { isPartition, userTables } from '../catalog/helpers.js';
import { SchemasageError } from '../errors.js';
import { shownPath } from '../paths.js';
import { erSvg, type ErSvg } from '../report/er-svg.js';
import { renderHtml } from '../report/html.js';
import type { ReviewResult } from '../result.js';
import { MARKER, MARKER_TEXT, MAX_INLINE_DIAGRAM_TABLES } from './context.js';
import { README, renderDocsMarkdown } from './markdown.js';
import { buildDocsModel, type DocsModel } from './model.js';

export { buildDocsModel } from './model.js';
export type { Cardinality, Decision, DecisionTopic, DocsDomain, DocsModel, DocsTable, Relation, TableRef } from './model.js';
export { MARKER } from './context.js';

export type DocsFormat = 'md' | 'html' | 'all';

export interface WriteDocsOptions {
  /** The output directory. */
  out: string;
  /** `md`: README, domain and table pages; `html`: index.html; `all` (default): both. schema.svg is always written. */
  format?: DocsFormat;
  /** Overwrite files that were not written by `docs`. */
  force?: boolean;
  title?: string;
  /** Relative paths resolve against it (default: process.cwd()). */
  cwd?: string;
  /** Paths the output must not be, or lie inside when they are directories: the source being read. */
  protect?: readonly string[];
}

export interface WriteDocsResult {
  /** The output directory as given. */
  dir: string;
  /** Files written, relative to the directory, `/`-separated, sorted. */
  written: string[];
  /** Stale generated files removed (tables or domains no longer in the schema). */
  removed: string[];
  tables: number;
  domains: number;
  model: DocsModel;
}

export const SVG_FILE = 'schema.svg';
export const HTML_FILE = 'index.html';

/** The directories whose generated pages are replaced as a whole on each run. */
const PAGE_DIRS = ['tables', 'domains'];

const inside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/** The first bytes of a file: the marker sits on the first line (after an XML declaration in the SVG). */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function isGenerated(path: string): boolean {
  return head(path).includes(MARKER_TEXT);
}

/**
 * Refuses an output directory that is the source or lies inside a source folder, or that is a
 * file. Cheap: the CLI calls it before loading the schema.
 */
export function checkOutDir(out: string, opts: Pick<WriteDocsOptions, 'cwd' | 'protect'> = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const dir = resolve(cwd, out);
  for (const p of opts.protect ?? []) {
    const src = resolve(cwd, p);
    if (!existsSync(src)) continue;
    const isDir = statSync(src).isDirectory();
    if (dir === src || (isDir && inside(dir, src))) {
      throw new SchemasageError(`--out ${out} ${dir === src ? 'is' : 'is inside'} the source being read (${shownPath(src, cwd)}); write the docs somewhere else, e.g. --out docs/schema`);
    }
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new SchemasageError(`--out ${out} is a file; docs are written into a directory`);
  return dir;
}

/** Targets that exist and were not written by `docs`: writing over them would destroy the user's work. */
export function foreignTargets(dir: string, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(dir, p);
    if (!existsSync(abs)) continue;
    if (statSync(abs).isDirectory() || !isGenerated(abs)) out.push(p);
  }
  return out;
}

export function refuseForeign(out: string, foreign: readonly string[]): void {
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).map((f) => `${out.replace(/[\\/]+$/, '')}/${f}`);
  throw new SchemasageError(
    `${shown.join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''} ${foreign.length === 1 ? 'exists and was' : 'exist and were'} not written by schemasage docs; refusing to overwrite`,
    { hint: 'choose another --out directory, or pass --force to overwrite' },
  );
}

function withSvgMarker(svg: string): string {
  const decl = /^\s*<\?xml[^>]*\?>\s*/.exec(svg);
  return decl ? `${decl[0].trimEnd()}\n${MARKER}\n${svg.slice(decl[0].length)}` : `${MARKER}\n${svg}`;
}

/** Generated pages of an earlier run that this run does not produce. */
function stalePages(dir: string, produced: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const sub of PAGE_DIRS) {
    const abs = resolve(dir, sub);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) continue;
    for (const name of readdirSync(abs).sort()) {
      const rel = `${sub}/${name}`;
      if (!name.endsWith('.md') || produced.has(rel)) continue;
      const file = resolve(abs, name);
      if (statSync(file).isFile() && isGenerated(file)) out.push(rel);
    }
  }
  return out;
}

export async function writeDocs(input: { result: ReviewResult; catalog: Catalog }, opts: WriteDocsOptions): Promise<WriteDocsResult> {
  const cwd = opts.cwd ?? process.cwd();
  const format = opts.format ?? 'all';
  const protect = [...(opts.protect ?? []), ...(input.result.source.kind === 'live' ? [] : [input.result.source.path])];
  const dir = checkOutDir(opts.out, { cwd, protect });
  const { result, catalog } = input;
  const model = buildDocsModel(catalog, result, opts.title !== undefined ? { title: opts.title } : {});
  const tableCount = userTables(catalog).filter((t) => !isPartition(t)).length;
  const md = format !== 'html';
  const html = format !== 'md';

  let diagram: ErSvg | null = null;
  if (tableCount > 0) diagram = await erSvg(catalog, { columns: tableCount > MAX_INLINE_DIAGRAM_TABLES ? 'keys' : 'all' });

  const files = new Map<string, string>();
  if (diagram) files.set(SVG_FILE, withSvgMarker(diagram.svg));
  if (md) {
    for (const f of renderDocsMarkdown(model, catalog, result, { outDir: dir, cwd, html, svg: diagram !== null })) files.set(f.path, f.content);
  }
  if (html) files.set(HTML_FILE, `${MARKER}\n${renderHtml({ result, catalog }, { diagram, docs: model })}`);

  const paths = [...files.keys()].sort();
  if (!opts.force) refuseForeign(opts.out, foreignTargets(dir, paths));
  else {
    const dirs = paths.filter((p) => existsSync(resolve(dir, p)) && statSync(resolve(dir, p)).isDirectory());
    if (dirs.length > 0) throw new SchemasageError(`${dirs.map((d) => `${opts.out}/${d}`).join(', ')} ${dirs.length === 1 ? 'is a directory' : 'are directories'}; cannot write ${dirs.length === 1 ? 'a file' : 'files'} there`);
  }
  const removed = md ? stalePages(dir, new Set(paths)) : [];

  for (const p of paths) {
    const abs = resolve(dir, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, files.get(p) as string);
  }
  for (const p of removed) rmSync(resolve(dir, p));
  return { dir: opts.out, written: paths, removed, tables: tableCount, domains: model.domains.length, model };
}

export { README };
