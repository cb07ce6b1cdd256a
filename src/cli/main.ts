/**
 * The schemasage command line. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above
 * it, 2 bad input or usage (the message says what and where), 3 an internal error (a bug: please report).
 */
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { readBaseline, writeBaseline } from '../config/baseline.js';
import { DEFAULT_BASELINE_FILE, loadConfig, type ResolvedConfig } from '../config/load.js';
import { shownPath } from '../paths.js';
import { SchemasageError } from '../errors.js';
import { attachAudit, auditDatabase, DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_SAMPLE_MIN_ROWS, terminalProgress, type SampleSettings } from '../audit/index.js';
import { checkSources, driftAgainst } from '../diff/check.js';
import { reviewPr } from '../diff/review.js';
import { isPostgresUrl } from '../engine/postgres.js';
import { analyze, loadCatalog } from '../pipeline.js';
import { render, renderGithubAnnotations, renderReport } from '../report/index.js';
import { SEVERITIES, type ReviewResult, type Severity } from '../result.js';
import { TOOL_VERSION } from '../version.js';
import { registerDocs } from './docs.js';
import { registerFix } from './fix.js';
import { addCommon, configFor, exitCodeFor, FORMATS, loadOptions, printReport, printTimings, useColor, writeOut, type CommonFlags, type Format } from './shared.js';

/** Flags of `audit` and `review --audit`. */
interface AuditFlags {
  checkTimeout?: string;
  sample?: string;
  sampleMinRows?: string;
}

interface ReviewFlags extends CommonFlags, AuditFlags {
  expect?: string;
  audit?: boolean;
  format: Format;
  out?: string;
  /** Unset: the config's failOn, else high. */
  failOn?: Severity | 'none';
  baseline?: string;
  writeBaseline?: boolean;
}

/** `--write-baseline`: records the findings left after the other suppressions; the review is not printed. */
function printBaselineWritten(path: string, doc: ReturnType<typeof writeBaseline>): void {
  const bySeverity = SEVERITIES.map((s) => [s, doc.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const counts = bySeverity.length > 0 ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})` : '';
  process.stdout.write(`wrote ${path}: ${doc.findings.length} ${doc.findings.length === 1 ? 'finding' : 'findings'}${counts}\n`);
  const byRule = new Map<string, number>();
  for (const f of doc.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  for (const [rule, n] of byRule) process.stdout.write(`  ${rule} ×${n}\n`);
}

/** `30s`, `500ms`, `2m` or a bare number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(text);
  if (!m) throw new SchemasageError(`${flag} ${text}: expected a duration such as 30s, 500ms or 2m`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000;
  if (ms < 1) throw new SchemasageError(`${flag} ${text}: must be at least 1ms`);
  return ms;
}

function auditSettings(flags: AuditFlags & { quiet?: boolean }): { checkTimeoutMs: number; sample: SampleSettings | null; progress: ReturnType<typeof terminalProgress> } {
  const checkTimeoutMs = flags.checkTimeout !== undefined ? parseDuration(flags.checkTimeout, '--check-timeout') : DEFAULT_CHECK_TIMEOUT_MS;
  let sample: SampleSettings | null = null;
  if (flags.sample !== undefined) {
    const percent = Number(flags.sample.replace(/%$/, ''));
    if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) throw new SchemasageError(`--sample ${flags.sample}: expected a percentage between 0 and 100 (e.g. 1 or 0.5)`);
    const minRows = flags.sampleMinRows !== undefined ? Number(flags.sampleMinRows) : DEFAULT_SAMPLE_MIN_ROWS;
    if (!Number.isInteger(minRows) || minRows < 0) throw new SchemasageError(`--sample-min-rows ${flags.sampleMinRows}: expected a whole number of rows`);
    sample = { percent, minRows };
  } else if (flags.sampleMinRows !== undefined) {
    throw new SchemasageError('--sample-min-rows needs --sample PERCENT');
  }
  return { checkTimeoutMs, sample, progress: flags.quiet ? null : terminalProgress() };
}

/** Invariants Postgres rejected are bad input: the report is still written, then exit 2. */
function invalidInvariants(invalid: string[], config: ResolvedConfig): never {
  throw new SchemasageError(`${config.path ?? 'config'}: ${invalid.length === 1 ? 'an invariant could not be evaluated' : `${invalid.length} invariants could not be evaluated`}:\n  ${invalid.join('\n  ')}`, {
    hint: 'each invariant\'s "sql" must be a read-only query or predicate that returns true when the data is sound',
  });
}

async function runReview(source: string | undefined, flags: ReviewFlags): Promise<number> {
  const config = configFor(source, flags);
  // Read before loading: a missing --baseline file should fail fast, not after the schema is applied.
  const baseline = flags.writeBaseline ? null : flags.baseline !== undefined ? readBaseline(flags.baseline, { required: true }) : undefined;
  const loaded = await loadCatalog(source ?? null, loadOptions(flags, config));
  const out = analyze(loaded, 'review', { config, ...(baseline !== undefined ? { baseline } : {}) });
  if (flags.expect) out.result.drift = (await driftAgainst(loaded, flags.expect, { cache: flags.cache })).drift;
  let invalid: string[] = [];
  if (flags.audit) {
    if (flags.writeBaseline) throw new SchemasageError('--audit and --write-baseline do not go together: the baseline records review findings');
    const { checkTimeoutMs, sample, progress } = auditSettings(flags);
    invalid = await attachAudit(out, { url: loaded.source.kind === 'live' ? source ?? null : null, config, checkTimeoutMs, sample, progress });
  } else if (flags.sample !== undefined || flags.checkTimeout !== undefined || flags.sampleMinRows !== undefined) {
    throw new SchemasageError('--sample, --sample-min-rows and --check-timeout apply to the data audit: add --audit');
  }
  if (flags.writeBaseline) {
    const target = flags.baseline ?? config.baseline ?? DEFAULT_BASELINE_FILE;
    const shown = shownPath(resolve(target));
    if (source && resolve(source) === resolve(target)) throw new SchemasageError(`the baseline file ${shown} is the source being reviewed; refusing to overwrite it`);
    printBaselineWritten(shown, writeBaseline(target, out.result.findings));
    if (flags.baseline === undefined && config.baseline === null && !flags.quiet) {
      process.stderr.write(`use it with --baseline ${shown}, or set "baseline": "${shown}" in the config\n`);
    }
    if (flags.timings) printTimings(out.result, out.fromCache);
    return 0;
  }
  const t = performance.now();
  const color = useColor(flags, Boolean(flags.out));
  let text = await renderReport(flags.format, out, { color });
  out.result.timings.renderMs = performance.now() - t;
  if (flags.format === 'json') text = render('json', out, { color: false });
  printReport(text, flags, source ?? null);
  emitAnnotations(out.result, flags);
  if (flags.timings) printTimings(out.result, out.fromCache);
  if (invalid.length > 0) invalidInvariants(invalid, config);
  return exitCodeFor(out.result, flags.failOn ?? config.failOn ?? 'high');
}

interface AuditCmdFlags extends AuditFlags {
  format: Format;
  out?: string;
  failOn?: Severity | 'none';
  config?: string;
  schema?: string[];
  color: boolean;
  quiet?: boolean;
}

async function runAuditCommand(url: string | undefined, flags: AuditCmdFlags): Promise<number> {
  const config = loadConfig({ source: null, ...(flags.config !== undefined ? { file: flags.config } : {}) });
  const { checkTimeoutMs, sample, progress } = auditSettings(flags);
  const schemas = flags.schema?.length ? flags.schema : config.schemas ?? undefined;
  const { out, invalidInvariants: invalid } = await auditDatabase(url ?? null, { config, checkTimeoutMs, sample, progress, ...(schemas ? { schemas } : {}) });
  const text = await renderReport(flags.format, out, { color: useColor({ ...flags, cache: false }, Boolean(flags.out)) });
  printReport(text, flags, null);
  emitAnnotations(out.result, { ...flags, cache: false } as ReviewFlags);
  if (invalid.length > 0) invalidInvariants(invalid, config);
  return exitCodeFor(out.result, flags.failOn ?? config.failOn ?? 'high');
}

/**
 * In GitHub Actions, findings also become workflow annotations on the changed lines. The runner reads
 * workflow commands from the step's output; when stdout carries a machine-readable report (json,
 * sarif, md piped into a file by the shell) they go to stderr so that report stays parseable.
 */
function emitAnnotations(result: ReviewResult, flags: ReviewFlags): void {
  if (process.env.GITHUB_ACTIONS !== 'true' || process.env.SCHEMASAGE_GITHUB_ANNOTATIONS === '0') return;
  const text = renderGithubAnnotations(result, {
    ...(process.env.GITHUB_WORKSPACE ? { workspace: process.env.GITHUB_WORKSPACE } : {}),
    cwd: process.cwd(),
  });
  if (flags.out || flags.format === 'text') process.stdout.write(text);
  else process.stderr.write(text);
}

interface CheckFlags extends CommonFlags {
  expect: string;
  format: Format;
  out?: string;
  failOn?: Severity | 'none';
}

async function runCheck(actual: string | undefined, flags: CheckFlags): Promise<number> {
  const config = configFor(actual, flags);
  const schemas = flags.schema?.length ? flags.schema : config.schemas ?? undefined;
  const out = await checkSources(actual ?? null, flags.expect, { config, cache: flags.cache, ...(schemas ? { schemas } : {}) });
  const text = await renderReport(flags.format, out, { color: useColor(flags, Boolean(flags.out)) });
  printReport(text, flags, actual ?? null);
  return exitCodeFor(out.result, flags.failOn ?? config.failOn ?? 'high');
}

interface DiffFlags {
  format: Format;
  out?: string;
  failOn?: Severity | 'none';
  pgVersion?: string;
  target?: string;
  expect?: string;
  config?: string;
  color: boolean;
  quiet?: boolean;
}

async function runDiff(before: string, after: string, flags: DiffFlags): Promise<number> {
  const pgVersion = flags.pgVersion === undefined ? undefined : Number(flags.pgVersion);
  if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 10 || pgVersion > 18)) {
    throw new SchemasageError(`--pg-version ${flags.pgVersion}: expected a PostgreSQL major version from 10 to 18`);
  }
  if (flags.target !== undefined && !isPostgresUrl(flags.target)) throw new SchemasageError(`--target ${flags.target}: expected a postgres:// URL`);
  const config = loadConfig({ source: after, ...(flags.config !== undefined ? { file: flags.config } : {}) });
  const out = await reviewPr(before, after, { config, ...(pgVersion !== undefined ? { pgVersion } : {}), ...(flags.target ? { target: flags.target } : {}), ...(flags.expect ? { expect: flags.expect } : {}) });
  const color = flags.color && !flags.out && !process.env.NO_COLOR && (Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === '1');
  const text = await renderReport(flags.format, out, { color });
  printReport(text, flags, after);
  emitAnnotations(out.result, { ...flags, color: flags.color, cache: true } as ReviewFlags);
  return exitCodeFor(out.result, flags.failOn ?? config.failOn ?? 'high');
}


async function runInspect(source: string | undefined, flags: CommonFlags & { out?: string }): Promise<number> {
  const loaded = await loadCatalog(source ?? null, loadOptions(flags, configFor(source, flags)));
  const text = `${JSON.stringify(loaded.catalog, null, 2)}\n`;
  if (flags.out) writeOut(flags.out, text, source ?? null);
  else process.stdout.write(text);
  return 0;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('schemasage')
    .description('Reviews PostgreSQL schemas like a senior database architect.\nSources: a .sql file, a migrations folder (Supabase, Prisma, Drizzle, Flyway, golang-migrate, goose, dbmate, plain numbered), schema.prisma, a Drizzle schema module, a .dbml file, a Markdown design doc, or a postgres:// URL; <path>@<git-ref> reads a path as it was at a commit.')
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
  schemasage review db/ --format sarif --out schemasage.sarif   # for GitHub code scanning
  schemasage review db/ --write-baseline && schemasage review db/ --baseline schemasage-baseline.json
  schemasage diff base/migrations pr/migrations --format md --out review.md   # a PR's migration
  schemasage check postgres://app@db/app --expect prisma/schema.prisma        # drift from the design
  schemasage audit postgres://app@db/app --sample 1                           # does the data obey the rules?
  schemasage review db/ --format html --out review.html                       # one offline file: diagram, filters
  schemasage docs supabase/migrations --out docs/schema                      # Markdown + Mermaid, schema.svg, index.html
  schemasage fix db/structure.sql --out fix.sql                               # verified, lock-safe migration
  schemasage                      # reviews the source found in the current folder

In GitHub Actions (GITHUB_ACTIONS=true) findings are also printed as workflow annotations: on stdout
with --format text or --out, on stderr otherwise (SCHEMASAGE_GITHUB_ANNOTATIONS=0 turns them off).`);

  const reviewCmd = addCommon(
    program
      .command('review', { isDefault: true })
      .description('review a schema: findings by severity with the SQL that fixes them, and the missing elements with DDL')
      .argument('[source]', 'a .sql file, a migrations folder, schema.prisma, a Drizzle schema (.ts) or drizzle.config.ts, a .dbml file, a Markdown design doc, or a postgres:// URL; <path>@<git-ref> reads the path as it was at that commit (default: the source in the current folder, or the PG* environment)'),
  )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity (default: the config\'s "failOn", else high)').choices([...SEVERITIES, 'none']))
    .option('--expect <source>', 'also report where the schema drifted from this expected schema (a design doc, a Prisma schema, migrations, …)')
    .option('--baseline <file>', 'suppress the findings recorded in this baseline file (default: the config\'s "baseline", when the file exists)')
    .option('--write-baseline', `record the current findings in the baseline file (--baseline, the config's "baseline", else ${DEFAULT_BASELINE_FILE}) and exit 0`)
    .option('--audit', 'also audit the data (live databases only): orphans, duplicates, values of closed-set columns, never-NULL columns, unhashed secrets, exclusive flags, the config\'s invariants')
    .option('--check-timeout <duration>', `with --audit: statement_timeout of each audit check (e.g. 30s, 2m; default ${DEFAULT_CHECK_TIMEOUT_MS / 1000}s)`)
    .option('--sample <percent>', 'with --audit: read tables of --sample-min-rows or more estimated rows through TABLESAMPLE SYSTEM (percent)')
    .option('--sample-min-rows <n>', `with --sample: the size from which a table is sampled (default ${DEFAULT_SAMPLE_MIN_ROWS.toLocaleString('en-US')})`)
    .action(async (source: string | undefined, flags: ReviewFlags) => setExit(await runReview(source, flags)));
  void reviewCmd;

  addCommon(
    program
      .command('check')
      .description('drift: where the actual schema (often a live database) deviates from the expected one, each difference with the SQL that brings actual to expected')
      .argument('[actual]', 'the schema as it is: a postgres:// URL, migrations, a .sql dump, … (default: the PG* environment)'),
  )
    .requiredOption('--expect <source>', 'the schema as designed: a Markdown design doc (only the tables it defines are compared), a Prisma schema, migrations, a .sql file, …')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a difference is at or above this severity (default: the config\'s "failOn", else high)').choices([...SEVERITIES, 'none']))
    .action(async (actual: string | undefined, flags: CheckFlags) => setExit(await runCheck(actual, flags)));

  program
    .command('audit')
    .description('audit the data of a live database, read-only: orphaned rows, duplicates, the values of closed-set columns, columns never NULL, secrets not hashed, exclusive flags set twice, and the config\'s invariants — counts and a few sample keys, never secret values')
    .argument('[url]', 'a postgres:// URL (default: the PG* environment)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when an audit finding is at or above this severity (default: the config\'s "failOn", else high)').choices([...SEVERITIES, 'none']))
    .option('--check-timeout <duration>', `statement_timeout of each check; a check that exceeds it is reported as timed out and the others still run (e.g. 30s, 2m; default ${DEFAULT_CHECK_TIMEOUT_MS / 1000}s)`)
    .option('--sample <percent>', 'read tables of --sample-min-rows or more estimated rows through TABLESAMPLE SYSTEM (percent); counts are then of the sample')
    .option('--sample-min-rows <n>', `with --sample: the size from which a table is sampled (default ${DEFAULT_SAMPLE_MIN_ROWS.toLocaleString('en-US')})`)
    .option('--config <file>', 'read this config file (rules, ignore entries, "invariants")')
    .option('--schema <name...>', 'only audit these schemas')
    .option('--no-color', 'disable colors')
    .option('--quiet', 'print only the report (no progress bar)')
    .action(async (url: string | undefined, flags: AuditCmdFlags) => setExit(await runAuditCommand(url, flags)));

  program
    .command('diff')
    .description('review a pull request\'s migration: what it changes, lock and rewrite risks, design findings on the new objects, a verified rollback, and a verdict')
    .argument('<before>', 'the schema before the change: the base branch\'s migrations folder (or a .sql file); <path>@<git-ref> reads it from git, e.g. supabase/migrations@origin/main')
    .argument('<after>', 'the schema after it: the same folder with the PR\'s new migration files')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity (default: the config\'s "failOn", else high)').choices([...SEVERITIES, 'none']))
    .option('--pg-version <major>', 'PostgreSQL major version the migration will run on (lock and rewrite rules depend on it; default 15, or the --target\'s)')
    .option('--expect <source>', 'a design (Markdown design doc, Prisma schema, SQL, …): report where the changed tables deviate from it')
    .option('--target <url>', 'the database the migration will run on (postgres://…, read-only): table sizes raise or lower severities and estimate how long locks are held')
    .option('--config <file>', 'read this config file')
    .option('--no-color', 'disable colors')
    .option('--quiet', 'print only the report')
    .action(async (before: string, after: string, flags: DiffFlags) => setExit(await runDiff(before, after, flags)));

  addCommon(
    program
      .command('inspect')
      .description('print the normalised catalog (tables, columns, constraints, indexes, policies, … with provenance) as JSON')
      .argument('[source]', 'a .sql file, a migrations folder or a postgres:// URL'),
  )
    .option('--out <file>', 'write the JSON to a file instead of stdout')
    .option('--format <format>', 'only json is supported', 'json')
    .action(async (source: string | undefined, flags: CommonFlags & { out?: string }) => setExit(await runInspect(source, flags)));

  registerDocs(program, setExit);
  registerFix(program, setExit);

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
