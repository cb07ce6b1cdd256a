/**
 * `schemasage fix <source> [--rule ID…] [--capability NAME…] [--finding ID…] --out FILE`: one
 * verified, lock-safe migration. Exit codes: 0 written and verified; 1 written and verified, but
 * some selected fixes were taken out because they failed verification; 2 nothing written (bad input
 * or usage, a live database, nothing that can be applied automatically, or nothing verified).
 */
import { Option, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SchemasageError } from '../errors.js';
import { FIX_HEADER, fixSource, formatOrmEdits, type FixOutput } from '../fix/index.js';
import { formatFixSummary } from '../fix/summary.js';
import { renderJson } from '../report/json.js';
import { renderFixMarkdown } from '../report/fix-md.js';
import { SEVERITIES, type Severity } from '../result.js';
import { addCommon, configFor, loadOptions, printTimings, writeOut, type CommonFlags } from './shared.js';

const FIX_FORMATS = ['sql', 'md', 'json'] as const;
type FixFormat = (typeof FIX_FORMATS)[number];

interface FixFlags extends CommonFlags {
  rule?: string[];
  capability?: string[];
  finding?: string[];
  minSeverity?: Severity;
  out?: string;
  force?: boolean;
  format: FixFormat;
}

/** A file we may replace: absent, or a migration this command wrote (its first line says so). */
function checkOut(out: string, force: boolean): void {
  const target = resolve(out);
  if (!existsSync(target) || force) return;
  const head = readFileSync(target, 'utf8').slice(0, 200);
  if (!head.startsWith(FIX_HEADER)) {
    throw new SchemasageError(`--out ${out} exists and was not written by schemasage fix; refusing to overwrite it`, {
      hint: 'choose another file, or add --force to replace it',
    });
  }
}

function checkNotSource(out: string, output: Pick<FixOutput, 'src'>, cwd: string): void {
  const target = resolve(out);
  const inputs = [output.src.path, ...output.src.files.map((f) => f.path)].map((p) => resolve(cwd, p));
  if (inputs.includes(target)) throw new SchemasageError(`--out ${out} is part of the source being fixed; refusing to overwrite it`);
}

async function runFix(source: string | undefined, flags: FixFlags): Promise<number> {
  const cwd = process.cwd();
  const config = configFor(source, flags);
  if (flags.out) {
    if (source && resolve(source) === resolve(flags.out)) throw new SchemasageError(`--out ${flags.out} is the source being fixed; refusing to overwrite it`);
    checkOut(flags.out, Boolean(flags.force));
  }
  const output = await fixSource(source ?? null, {
    ...loadOptions(flags, config),
    cwd,
    config,
    selection: {
      ...(flags.rule ? { rules: flags.rule } : {}),
      ...(flags.capability ? { capabilities: flags.capability } : {}),
      ...(flags.finding ? { findings: flags.finding } : {}),
      ...(flags.minSeverity ? { minSeverity: flags.minSeverity } : {}),
    },
    migrationName: flags.out ?? 'fix.sql',
  });
  const plan = output.plan;
  const result = output.review.result;
  const say = (text: string): void => {
    if (!flags.quiet) process.stderr.write(text);
  };

  if (output.selected.length === 0) {
    say(`nothing to fix: no finding at ${flags.minSeverity ?? 'high'} or above has a fix (choose others with --min-severity, --rule, --capability or --finding)\n`);
    if (flags.format === 'json') process.stdout.write(renderJson(result));
    return 0;
  }
  say(formatFixSummary(plan));
  if (plan.orm) say(formatOrmEdits(plan.orm));

  if (plan.verified) {
    if (flags.out) {
      checkNotSource(flags.out, output, cwd);
      writeOut(flags.out, plan.sql, source ?? null);
      say(`wrote ${flags.out}\n`);
    }
  }
  const t = performance.now();
  if (flags.format === 'json') process.stdout.write(renderJson(result));
  else if (flags.format === 'md') process.stdout.write(renderFixMarkdown(result));
  else if (!flags.out && plan.verified) process.stdout.write(plan.sql);
  result.timings.renderMs = performance.now() - t;
  if (flags.timings) {
    printTimings(result, false);
    process.stderr.write(`timings: verify ${Math.round(output.verifyMs)} ms (${plan.passes} ${plan.passes === 1 ? 'pass' : 'passes'})\n`);
  }
  if (!plan.verified) return 2;
  return output.dropped.length > 0 ? 1 : 0;
}

export function registerFix(program: Command, setExit: (code: number) => void): void {
  addCommon(
    program
      .command('fix')
      .description('write one lock-safe migration that fixes the chosen findings and adds the chosen missing capabilities, verified by applying it in the engine and reviewing again')
      .argument('[source]', 'a .sql file, a migrations folder, schema.prisma, a Drizzle schema, a .dbml file or a Markdown design doc (not a live database: fix a pg_dump --schema-only of it)'),
  )
    .option('--rule <id...>', 'fix the findings of these rules')
    .option('--capability <name...>', 'add these missing capabilities (refresh-tokens, password-reset, audit-log, …)')
    .option('--finding <id...>', 'fix these findings (ids as `schemasage review` numbers them: H1, M3, …)')
    .addOption(new Option('--min-severity <level>', 'without a selector: fix every finding at this severity or above that has a fix (default high); with selectors: only those at or above it').choices([...SEVERITIES]))
    .option('--out <file>', 'write the migration to this file (default: stdout); never over the source, nor over a file schemasage fix did not write unless --force')
    .option('--force', 'let --out replace an existing file that schemasage fix did not write')
    .addOption(new Option('--format <format>', 'stdout: the migration (sql), a document about it (md), or the review with the fix plan (json)').choices([...FIX_FORMATS]).default('sql'))
    .addHelpText('after', `
Exit codes:
  0  the migration was verified and written (or there was nothing to fix)
  1  verified and written, but some selected fixes were left out: Postgres rejected them, they did
     not remove their finding, or they brought a new high finding (each is named on stderr)
  2  nothing written: bad input or usage, a live database, no selected fix can be applied
     automatically, or nothing could be verified

Examples:
  schemasage fix examples/shop.sql --out fix.sql                 # every high and critical finding
  schemasage fix db/ --rule unindexed-foreign-key --out fix.sql
  schemasage fix supabase/migrations --capability audit-log --out supabase/migrations/20250101000000_audit_log.sql
  schemasage fix prisma/schema.prisma --finding H2 M1 --format md > fix.md`)
    .action(async (source: string | undefined, flags: FixFlags) => setExit(await runFix(source, flags)));
}
