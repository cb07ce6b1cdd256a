/**
 * The schemasage command line. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above
 * it, 2 bad input or usage (the message says what and where), 3 an internal error (a bug: please report).
 */
import { Command, CommanderError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SchemasageError } from '../errors.js';
import { analyze, loadCatalog, type LoadOptions } from '../pipeline.js';
import { render } from '../report/index.js';
import { SEVERITIES, type Layout, type ReviewResult, type Severity } from '../result.js';
import { TOOL_VERSION } from '../version.js';

const LAYOUTS: Layout[] = ['supabase', 'prisma', 'drizzle', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'plain'];
const FORMATS = ['text', 'md', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface CommonFlags {
  layout?: Layout;
  shadowDb?: string;
  schema?: string[];
  timings?: boolean;
  color: boolean;
  quiet?: boolean;
  cache: boolean;
}

interface ReviewFlags extends CommonFlags {
  format: Format;
  out?: string;
  failOn: Severity | 'none';
}

function loadOptions(flags: CommonFlags): LoadOptions {
  return {
    ...(flags.layout ? { layout: flags.layout } : {}),
    ...(flags.shadowDb ? { shadowDb: flags.shadowDb } : {}),
    ...(flags.schema?.length ? { schemas: flags.schema } : {}),
    cache: flags.cache,
  };
}

function useColor(flags: CommonFlags, toFile: boolean): boolean {
  if (!flags.color || toFile || process.env.NO_COLOR) return false;
  return Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === '1';
}

/** Refuse to write a report over the user's input. */
function writeOut(out: string, text: string, source: string | null): void {
  const target = resolve(out);
  if (source && resolve(source) === target) throw new SchemasageError(`--out ${out} is the source being reviewed; refusing to overwrite it`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}

function exitCodeFor(result: ReviewResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return 0;
  const limit = SEVERITIES.indexOf(failOn);
  return result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit) ? 1 : 0;
}

function printTimings(result: ReviewResult, fromCache: boolean): void {
  const t = result.timings;
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  process.stderr.write(
    `timings: load ${fmt(t.loadMs)}, apply ${fmt(t.applyMs)}, introspect ${fmt(t.introspectMs)}, analyze ${fmt(t.analyzeMs)}, render ${fmt(t.renderMs)}${fromCache ? ' (catalog from cache)' : ''}\n`,
  );
}

async function runReview(source: string | undefined, flags: ReviewFlags): Promise<number> {
  const loaded = await loadCatalog(source ?? null, loadOptions(flags));
  const out = analyze(loaded);
  const t = performance.now();
  const color = useColor(flags, Boolean(flags.out));
  let text = render(flags.format, out, { color });
  out.result.timings.renderMs = performance.now() - t;
  if (flags.format === 'json') text = render('json', out, { color: false });
  if (flags.out) {
    writeOut(flags.out, text, source ?? null);
    if (!flags.quiet) process.stderr.write(`wrote ${flags.out}\n`);
  } else {
    process.stdout.write(text);
  }
  if (flags.timings) printTimings(out.result, out.fromCache);
  return exitCodeFor(out.result, flags.failOn);
}

async function runInspect(source: string | undefined, flags: CommonFlags & { out?: string }): Promise<number> {
  const loaded = await loadCatalog(source ?? null, loadOptions(flags));
  const text = `${JSON.stringify(loaded.catalog, null, 2)}\n`;
  if (flags.out) writeOut(flags.out, text, source ?? null);
  else process.stdout.write(text);
  return 0;
}

function addCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option('--layout <layout>', 'migration folder layout (default: detected)').choices(LAYOUTS))
    .option('--shadow-db <url>', 'apply into a temporary database on this PostgreSQL server instead of the embedded engine (created and dropped)')
    .option('--schema <name...>', 'only review these schemas (default: all non-system schemas)')
    .option('--timings', 'print phase times on stderr')
    .option('--no-color', 'disable colors')
    .option('--no-cache', 'do not read or write the result cache')
    .option('--quiet', 'print only the report');
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('schemasage')
    .description('Reviews PostgreSQL schemas like a senior database architect.\nSources: a .sql file, a migrations folder (Supabase, Prisma, Drizzle, Flyway, golang-migrate, goose, dbmate, plain numbered) or a postgres:// URL.')
    .version(TOOL_VERSION, '-v, --version')
    .showHelpAfterError('(run schemasage --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Exit codes:
  0  no finding at or above --fail-on (default: high)
  1  findings at or above --fail-on
  2  bad input or usage; the message names the file:line:column or the object
  3  internal error (a bug in schemasage: please report it)

Examples:
  schemasage review examples/supabase-app
  schemasage review db/structure.sql --format md --out review.md
  schemasage review postgres://app@db.internal:5432/app --fail-on critical
  schemasage                      # reviews the source found in the current folder`);

  const reviewCmd = addCommon(
    program
      .command('review', { isDefault: true })
      .description('review a schema: findings by severity with the SQL that fixes them')
      .argument('[source]', 'a .sql file, a migrations folder or a postgres:// URL (default: the source in the current folder, or the PG* environment)'),
  )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .action(async (source: string | undefined, flags: ReviewFlags) => setExit(await runReview(source, flags)));
  void reviewCmd;

  addCommon(
    program
      .command('inspect')
      .description('print the normalised catalog (tables, columns, constraints, indexes, policies, … with provenance) as JSON')
      .argument('[source]', 'a .sql file, a migrations folder or a postgres:// URL'),
  )
    .option('--out <file>', 'write the JSON to a file instead of stdout')
    .option('--format <format>', 'only json is supported', 'json')
    .action(async (source: string | undefined, flags: CommonFlags & { out?: string }) => setExit(await runInspect(source, flags)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `schemasage review … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are successes; everything else is a usage error
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof SchemasageError) {
      process.stderr.write(`schemasage: error: ${err.format()}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`schemasage: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.SCHEMASAGE_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    else process.stderr.write('  (set SCHEMASAGE_DEBUG=1 for the stack trace, and please report it)\n');
    return 3;
  }
}
