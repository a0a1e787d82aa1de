export {
  registerTask,
  getTask,
  listTasks,
  knownTaskNames,
  type BenchTask,
  type BenchConfig,
  type TaskOption,
  type TaskOptionType,
  type DemoSettings,
} from './registry.js';
export {
  ResultsBuilder,
  validateBenchResult,
  meanStd,
  benchResultSchema,
  methodResultsSchema,
  runRecordSchema,
  type BenchResult,
  type MethodResults,
  type RunRecord,
  type RunTimings,
} from './results.js';
export { pairedComparison, type PairedComparison } from './paired-comparison.js';
export { formatResultsTable } from './results-table.js';
export { writeResultsJson } from './write-results.js';
export { createReporter, silentReporter, LineReporter, BarReporter, type BenchReporter } from './reporter.js';
export { UsageError, resolveBenchConfig, COMMON_BENCH_FLAGS, DEFAULT_SEEDS } from './bench-config.js';
export { runCli, createProgram, type CliIo } from './program.js';
export { runDemo } from './demo.js';
export { registerBuiltinTasks, BUILTIN_TASKS } from './tasks/index.js';
export {
  syntheticTask,
  runSynthetic,
  resolveSyntheticSettings,
  chooseFilmLayers,
  DEFAULT_SYNTHETIC_SETTINGS,
  SYNTHETIC_DATASETS,
  SYNTHETIC_METRICS,
  type SyntheticSettings,
} from './tasks/synthetic/synthetic-task.js';
export { SYNTHETIC_METHODS, SYNTHETIC_DEFAULT_METHODS, type SyntheticMethod } from './tasks/synthetic/synthetic-methods.js';
export {
  makeMixture,
  sampleMixture,
  longTailedCounts,
  takeRows,
  classCounts,
  DEFAULT_MIXTURE,
  type MixtureSpec,
  type GaussianMixture,
  type LabelledSamples,
} from './tasks/synthetic/gaussian-mixture.js';
export { makeSyntheticSplits, DEFAULT_SPLIT_SIZES, type SplitSizes, type SyntheticSplits } from './tasks/synthetic/synthetic-splits.js';
export { pretrainCrossEntropy, type PretrainOptions } from './tasks/synthetic/pretrain.js';
export { pretrainStart, type PretrainedStart } from './tasks/synthetic/pretrain-start.js';
export * from './report/index.js';
export { PluginError, type PluginErrorKind } from './plugins/plugin-error.js';
export { discoverPlugins, explicitPlugin, PLUGINS_ENV_VAR, type PluginDiscoveryOptions, type PluginFailure } from './plugins/discover-plugins.js';
export { importPlugin, loadPlugins, registerPlugins, type LoadedPlugin } from './plugins/load-plugins.js';
export { tasksOfModule } from './plugins/plugin-tasks.js';
export { readPluginManifest, PLUGIN_FIELD, PLUGIN_ENTRY } from './plugins/plugin-manifest.js';
export { findWorkspaceRoot, workspacePackageDirs } from './plugins/workspace-packages.js';
export { pluginLabel, type PluginSource, type PluginOrigin } from './plugins/plugin-source.js';
export { registerTaskPlugins, extractPluginFlags, type PluginContext } from './plugins/cli-plugins.js';
export { runMethods, type BenchMethod, type MethodRunOptions, type SharedFinetuneOptions } from './method-runner.js';
export {
  ConfigFileError,
  parseBenchConfigFile,
  readBenchConfigFile,
  configFileSettings,
  mergeConfigFile,
  applyConfigFile,
  benchConfigFileSchema,
  type BenchConfigFile,
  type ConfigFileSettings,
} from './config-file.js';
