/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, so
 * findings show up on the lines of the pull request's diff. GitHub shows at most 10 annotations of
 * each level per step, so the lines go out highest severity first (the first ones are the ones
 * kept), after a summary notice that gives the totals and says where the rest are.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { SEVERITIES, type Finding, type ReviewResult, type Severity } from '../result.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export const ANNOTATION_LEVELS: Record<Severity, AnnotationLevel> = {
  critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice',
};

/** Annotations of one level GitHub displays per step; the rest are only in the log. */
export const GITHUB_SHOWN_PER_LEVEL = 10;

export interface GithubOptions {
  /**
   * The checkout root (GITHUB_WORKSPACE). Annotation paths must be relative to it; finding paths are
   * relative to `cwd`, so they are rebased when the two differ. Left out: paths are used as they are.
   */
  workspace?: string;
  /** The directory finding paths are relative to (default: process.cwd()). */
  cwd?: string;
}

/** The message part of a workflow command, as @actions/core escapes it. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (file=, title=): also `:` and `,`, which would end the property. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(level: AnnotationLevel, properties: Array<[string, string | number]>, message: string): string {
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function annotationPath(file: string, opts: GithubOptions): string {
  if (!opts.workspace) return file.replace(/\\/g, '/');
  const absolute = resolve(opts.cwd ?? process.cwd(), file);
  const rel = relative(opts.workspace, absolute);
  // Outside the checkout GitHub cannot place it on a diff; the absolute path at least names the file.
  return (rel.startsWith('..') || isAbsolute(rel) ? absolute : rel).replace(/\\/g, '/');
}

function annotation(f: Finding, opts: GithubOptions): string {
  const props: Array<[string, string | number]> = [];
  if (f.location) {
    props.push(['file', annotationPath(f.location.file, opts)]);
    if (f.location.line >= 1) props.push(['line', f.location.line]);
    if (f.location.line >= 1 && f.location.column >= 1) props.push(['col', f.location.column]);
  }
  props.push(['title', `${f.id} ${f.rule}`]);
  const fix = f.fix && f.fix.sql.trim() !== '' ? `\n\nFix:\n${f.fix.sql.trim()}` : '';
  return command(ANNOTATION_LEVELS[f.severity], props, `${f.message}${fix}`);
}

function summary(result: ReviewResult): string {
  const counts = result.summary.findings;
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  const bySeverity = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
  const parts = [total === 0 ? `schemasage ${result.command}: no findings` : `schemasage ${result.command}: ${total} ${total === 1 ? 'finding' : 'findings'} (${bySeverity})`];
  if (result.summary.grade) parts.push(`grade ${result.summary.grade}`);
  if (result.summary.suppressed > 0) parts.push(`${result.summary.suppressed} suppressed`);
  const levels = new Map<AnnotationLevel, number>();
  for (const f of result.findings) levels.set(ANNOTATION_LEVELS[f.severity], (levels.get(ANNOTATION_LEVELS[f.severity]) ?? 0) + 1);
  // The summary is itself a notice, so one notice slot fewer is left for findings.
  const hidden = [...levels].some(([level, n]) => n > GITHUB_SHOWN_PER_LEVEL - (level === 'notice' ? 1 : 0));
  let text = `${parts.join(' · ')}.`;
  if (hidden) text += ` GitHub shows ${GITHUB_SHOWN_PER_LEVEL} annotations of each level per step, highest severity first; the full list is in this step's log and the report.`;
  return command('notice', [['title', 'schemasage']], text);
}

/** The workflow commands for a result: a summary notice, then one line per finding, highest severity first. */
export function renderGithubAnnotations(result: ReviewResult, opts: GithubOptions = {}): string {
  const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity);
  // A stable sort keeps the runner's order (rule, object) within a severity.
  const ordered = [...result.findings].sort((a, b) => rank(a) - rank(b));
  return `${[summary(result), ...ordered.map((f) => annotation(f, opts))].join('\n')}\n`;
}
