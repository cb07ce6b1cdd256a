/** `schemasage docs <source> --out DIR`: Markdown (+ Mermaid) and HTML documentation with an SVG ER diagram. */
import { Option, type Command } from 'commander';
import { checkOutDir, foreignTargets, HTML_FILE, README, refuseForeign, SVG_FILE, writeDocs, type DocsFormat } from '../docs/index.js';
import { isLiveSource, analyze, loadCatalog } from '../pipeline.js';
import { addCommon, configFor, loadOptions, printTimings, type CommonFlags } from './shared.js';

interface DocsFlags extends CommonFlags {
  out: string;
  format: DocsFormat;
  force?: boolean;
  title?: string;
}

async function runDocs(source: string | undefined, flags: DocsFlags): Promise<number> {
  const protect = source && !isLiveSource(source) ? [source] : [];
  // Fail before loading when the answer is already known: a bad --out, or the user's own README there.
  const dir = checkOutDir(flags.out, { protect });
  if (!flags.force) {
    const fixed = [SVG_FILE, ...(flags.format !== 'html' ? [README] : []), ...(flags.format !== 'md' ? [HTML_FILE] : [])];
    refuseForeign(flags.out, foreignTargets(dir, fixed));
  }
  const config = configFor(source, flags);
  const loaded = await loadCatalog(source ?? null, loadOptions(flags, config));
  const out = analyze(loaded, 'docs', { config });
  const t = performance.now();
  const written = await writeDocs(out, {
    out: flags.out,
    format: flags.format,
    protect,
    ...(flags.force ? { force: true } : {}),
    ...(flags.title !== undefined ? { title: flags.title } : {}),
  });
  out.result.timings.renderMs = performance.now() - t;
  if (!flags.quiet) {
    const removed = written.removed.length > 0 ? `; removed ${written.removed.length} stale ${written.removed.length === 1 ? 'page' : 'pages'}` : '';
    process.stderr.write(`wrote ${flags.out}: ${written.written.length} files (${written.tables} tables, ${written.domains} domains)${removed}\n`);
  }
  if (flags.timings) printTimings(out.result, out.fromCache);
  // Documentation never gates a build on findings.
  return 0;
}

export function registerDocs(program: Command, setExit: (code: number) => void): void {
  addCommon(
    program
      .command('docs')
      .description('write documentation of a schema into a directory: README.md with architecture decisions and a Mermaid ER diagram, a page per domain and per table, schema.svg and a self-contained index.html')
      .argument('[source]', 'a .sql file, a migrations folder, schema.prisma, a Drizzle schema, a .dbml file, a Markdown design doc, or a postgres:// URL (default: the source in the current folder)'),
  )
    .requiredOption('--out <dir>', 'the directory to write into (created if missing; files not written by schemasage docs are never overwritten without --force)')
    .addOption(new Option('--format <format>', 'md: Markdown pages; html: index.html; all: both (schema.svg is always written)').choices(['md', 'html', 'all']).default('all'))
    .option('--force', 'overwrite files in --out that schemasage docs did not write')
    .option('--title <title>', 'the documentation title (default: named after the source)')
    .action(async (source: string | undefined, flags: DocsFlags) => setExit(await runDocs(source, flags)));
}
