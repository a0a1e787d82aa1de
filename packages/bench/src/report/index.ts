export { curveFromHistory, readCurve, type CurvePoint, type CurveRound } from './curve.js';
export {
  curveBands,
  finalBars,
  finalPoints,
  gainPoints,
  beforeLevel,
  type CurveBandRow,
  type FinalBarRow,
  type FinalPointRow,
  type GainPointRow,
} from './chart-data.js';
export { curveChartSpec, finalChartSpec, gainChartSpec, curvePanelRows, type CurvePanelRow } from './chart-specs.js';
export { renderChartSvg, renderChartPng } from './render-chart.js';
export { pairedComparisons, formatPairedComparisons, formatGain } from './paired-summary.js';
export { buildReport, type BuiltReport, type ReportChart, type ReportChartName, type ReportOptions } from './build-report.js';
export { writeReport, type WrittenReport } from './write-report.js';
export { formatTableAndComparison, recordBackend } from './console-summary.js';
