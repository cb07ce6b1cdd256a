/** Every output renders from the ReviewResult (the contract); the Catalog adds inventory detail. */
import type { Catalog } from '../catalog/model.js';
import { isPartition, tableKeysOf, userTables } from '../catalog/helpers.js';
import { SEVERITIES, type ReviewResult, type Severity } from '../result.js';
import { erSvg } from './er-svg.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './md.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'md' | 'json' | 'sarif';
export type AnyFormat = ReportFormat | 'html';

export interface RenderInput {
  result: ReviewResult;
  catalog: Catalog;
}

export function render(format: ReportFormat, input: RenderInput, opts: { color: boolean }): string {
  switch (format) {
    case 'json':
      return renderJson(input.result);
    case 'md':
      return renderMarkdown(input);
    case 'text':
      return renderText(input, opts);
    case 'sarif':
      return renderSarif(input.result);
  }
}

/** Every format, html included (its diagram is laid out by Graphviz, which loads asynchronously). */
export async function renderReport(format: AnyFormat, input: RenderInput, opts: { color: boolean }): Promise<string> {
  if (format !== 'html') return render(format, input, opts);
  // Shim tables (auth.users) are never drawn: a Supabase project with no tables of its own has no diagram.
  const drawable = userTables(input.catalog).some((t) => !isPartition(t));
  const diagram = drawable ? await erSvg(input.catalog, { highlight: worstByTable(input) }) : null;
  return renderHtml(input, { diagram });
}

/** Each table's worst finding (review, audit or drift), for the diagram's highlight. */
function worstByTable(input: RenderInput): Map<string, Severity> {
  const worst = new Map<string, Severity>();
  const all = [...input.result.findings, ...(input.result.audit ?? []), ...(input.result.drift ?? [])];
  for (const f of all) {
    for (const key of tableKeysOf(f.objects)) {
      const prev = worst.get(key);
      if (!prev || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(prev)) worst.set(key, f.severity);
    }
  }
  return worst;
}

export { renderHtml, type HtmlOptions } from './html.js';
export { erSvg, type ErSvg, type ErSvgOptions } from './er-svg.js';
export { renderJson, renderMarkdown, renderSarif, renderText };
export { buildSarif, SARIF_LEVELS, type SarifOptions } from './sarif.js';
export { ANNOTATION_LEVELS, escapeData, escapeProperty, renderGithubAnnotations, type GithubOptions } from './github.js';
export { ruleHelp, type RuleHelp } from './rule-help.js';
export { computeGrade, healthGrade, SEVERITY_WEIGHTS, type GradeLetter, type HealthGrade } from './grade.js';
export { groupDomains, type Domain } from './domains.js';
export { findStrengths, type Strength } from './strengths.js';
export { erDiagram, type ErDiagram } from './mermaid.js';
