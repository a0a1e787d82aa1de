// The plugin entry named by package.json's "metricopt": { "benchTasks": "./dist/bench-task.js" }:
// `metricopt bench` imports it and registers every BenchTask it exports.
export { tabularTask } from './tabular-task.js';
