/** Configuration and suppression: schemasage.config.{json,yaml}, `ignore` entries, inline and COMMENT ON ignores, the baseline. */
export {
  CONFIG_FILE_NAMES, DEFAULT_BASELINE_FILE, defaultConfig, findConfigFile, loadConfig, readConfigFile, resolveConfig,
  type IgnoreEntry, type LoadConfigOptions, type ResolvedConfig,
} from './load.js';
export { configSchema, knownRuleIds, validateConfig, type ConfigFile, type ConfigIssue, type Invariant, type RuleValue } from './schema.js';
export { buildBaseline, readBaseline, writeBaseline, type BaselineEntry, type BaselineFile, type LoadedBaseline } from './baseline.js';
export { applySuppressions, commentMarkers, ignoreMatches, inlineIgnoresOf, objectNames, type ResultNote, type Suppressed } from './suppress.js';
export { compileGlob, globMatches, globProblem } from './glob.js';
