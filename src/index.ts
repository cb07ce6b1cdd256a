/** The library API: load any source into a Catalog, review it, render it. */
export { loadCatalog, analyze, review, type AnalyzeOptions, type LoadOptions, type LoadedCatalog, type ReviewOptions, type ReviewOutput } from './pipeline.js';
export {
  loadConfig, findConfigFile, readConfigFile, resolveConfig, defaultConfig, validateConfig, knownRuleIds, readBaseline,
  writeBaseline, buildBaseline, type ConfigFile, type ConfigIssue, type IgnoreEntry, type Invariant, type LoadConfigOptions,
  type ResolvedConfig, type BaselineEntry, type BaselineFile, type LoadedBaseline,
} from './config/index.js';
export { render, renderReport, renderHtml, erSvg, type AnyFormat, type ReportFormat, type ErSvg, type ErSvgOptions, type HtmlOptions } from './report/index.js';
export { fixSource, planAndVerify, type FixOptions, type FixOutput, type FixPlan, type FixStep } from './fix/index.js';
export { writeDocs, buildDocsModel, type DocsModel, type Decision, type Relation, type Cardinality } from './docs/index.js';
export { allRules, getRule } from './rules/index.js';
export { runRules } from './rules/run.js';
export { SchemasageError } from './errors.js';
export type * from './catalog/model.js';
export type * from './result.js';
export type { Rule, RuleMeta, FindingDraft, RuleContext } from './rules/types.js';
