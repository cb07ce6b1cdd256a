/** What every command shares: the common flags, loading options, colors, writing the report, exit codes. */
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { SchemasageError } from '../errors.js';
import type { LoadOptions } from '../pipeline.js';
import { SEVERITIES, type Layout, type ReviewResult, type Severity } from '../result.js';

export const LAYOUTS: Layout[] = ['supabase', 'prisma', 'drizzle', 'flyway', 'golang-migrate', 'goose', 'dbmate', 'plain'];
export const FORMATS = ['text', 'md', 'json', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface CommonFlags {
  layout?: Layout;
  shadowDb?: string;
  schema?: string[];
  timings?: boolean;
  color: boolean;
  quiet?: boolean;
  cache: boolean;
  config?: string;
}


/** Flags win over the config's defaults (`schemas`). */
export function loadOptions(flags: CommonFlags, config: ResolvedConfig): LoadOptions {
  const schemas = flags.schema?.length ? flags.schema : config.schemas;
  return {
    ...(flags.layout ? { layout: flags.layout } : {}),
    ...(flags.shadowDb ? { shadowDb: flags.shadowDb } : {}),
    ...(schemas?.length ? { schemas } : {}),
    cache: flags.cache,
  };
}

export function configFor(source: string | undefined, flags: CommonFlags): ResolvedConfig {
  return loadConfig({ source: source ?? null, ...(flags.config !== undefined ? { file: flags.config } : {}) });
}


export function useColor(flags: CommonFlags, toFile: boolean): boolean {
  if (!flags.color || toFile || process.env.NO_COLOR) return false;
  return Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === '1';
}

/** Refuse to write a report over the user's input. */
export function writeOut(out: string, text: string, source: string | null): void {
  const target = resolve(out);
  if (source && resolve(source) === target) throw new SchemasageError(`--out ${out} is the source being reviewed; refusing to overwrite it`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}

/** The report to --out (never over the source) or to stdout. */
export function printReport(text: string, flags: { out?: string; quiet?: boolean }, source: string | null): void {
  if (flags.out) {
    writeOut(flags.out, text, source);
    if (!flags.quiet) process.stderr.write(`wrote ${flags.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

export function exitCodeFor(result: ReviewResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return 0;
  const limit = SEVERITIES.indexOf(failOn);
  const over = (s: Severity) => SEVERITIES.indexOf(s) <= limit;
  return [...result.findings, ...(result.drift ?? []), ...(result.audit ?? [])].some((f) => over(f.severity)) ? 1 : 0;
}


export function printTimings(result: ReviewResult, fromCache: boolean): void {
  const t = result.timings;
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  process.stderr.write(
    `timings: load ${fmt(t.loadMs)}, apply ${fmt(t.applyMs)}, introspect ${fmt(t.introspectMs)}, analyze ${fmt(t.analyzeMs)}, render ${fmt(t.renderMs)}${fromCache ? ' (catalog from cache)' : ''}\n`,
  );
}


export function addCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option('--layout <layout>', 'migration folder layout (default: detected)').choices(LAYOUTS))
    .option('--shadow-db <url>', 'apply into a temporary database on this PostgreSQL server instead of the embedded engine (created and dropped)')
    .option('--config <file>', 'read this config file (default: schemasage.config.json/.yaml/.yml or "schemasage" in package.json, searched from the source\'s folder up to the repository root)')
    .option('--schema <name...>', 'only review these schemas (default: the config\'s "schemas", else all non-system schemas)')
    .option('--timings', 'print phase times on stderr')
    .option('--no-color', 'disable colors')
    .option('--no-cache', 'do not read or write the result cache')
    .option('--quiet', 'print only the report');
}
