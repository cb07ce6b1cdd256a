/** Every output renders from the ReviewResult (the contract); the Catalog adds inventory detail. */
import type { Catalog } from '../catalog/model.js';
import type { ReviewResult } from '../result.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './md.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'md' | 'json' | 'sarif';

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

export { renderJson, renderMarkdown, renderSarif, renderText };
export { buildSarif, SARIF_LEVELS, type SarifOptions } from './sarif.js';
export { ANNOTATION_LEVELS, escapeData, escapeProperty, renderGithubAnnotations, type GithubOptions } from './github.js';
export { ruleHelp, type RuleHelp } from './rule-help.js';
export { computeGrade, healthGrade, SEVERITY_WEIGHTS, type GradeLetter, type HealthGrade } from './grade.js';
export { groupDomains, type Domain } from './domains.js';
export { findStrengths, type Strength } from './strengths.js';
export { erDiagram, type ErDiagram } from './mermaid.js';
