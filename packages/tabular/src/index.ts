// The public surface of @metricopt/tabular.
export { parseTabularCsv, loadTabularCsv, loadBreastCancer, BREAST_CANCER_CSV, type TabularData } from './tabular-data.js';
export {
  makeRarePositives, sampleRarePositives, DEFAULT_RARE_POSITIVES, type RarePositives, type RarePositivesSpec,
} from './rare-positives.js';
export { stratifiedSplits, standardize, takeRows, type TabularSplits } from './tabular-splits.js';
export { positiveAveragePrecision, positiveF1, aucprMetric, f1Metric, TABULAR_METRICS } from './tabular-metrics.js';
export { tabularMethods, TABULAR_METHOD_NAMES, TABULAR_DEFAULT_METHODS } from './tabular-methods.js';
export {
  resolveTabularSettings, DEFAULT_TABULAR_SETTINGS, TABULAR_DATASETS, TABULAR_OPTIONS, type TabularSettings,
} from './tabular-settings.js';
export { tabularTask, runTabular, tabularSplits } from './tabular-task.js';
