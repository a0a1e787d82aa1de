import type { SpeedResult } from './speed-bench.js';

/**
 * The speed bench as text: throughput per model and runtime (medians), the tfjs/PyTorch ratios,
 * then MetricOpt's overhead per task, with the thread counts and the machine's load.
 */
export function formatSpeedResult(result: SpeedResult): string {
  const { machine, settings } = result;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const lines = [
    `Training steps, batch ${result.batch}; median of ${settings.repeats} runs of ${settings.seconds} s each, tfjs and PyTorch alternating`,
    `machine: ${machine.cpuModel} x${machine.cpus}, node ${machine.node}; load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after`,
    `tfjs backend ${result.backend}: ${result.tfjs.threads} thread${result.tfjs.threads === 1 ? '' : 's'}; ` +
      (result.torch.available
        ? `PyTorch ${result.torch.info.torch}: ${result.torch.threads} thread${result.torch.threads === 1 ? '' : 's'} (its default here: ${result.torch.info.defaultThreads})`
        : `PyTorch: ${result.torch.reason}`),
    '',
  ];
  const table: string[][] = [['model', 'runtime', 'threads', 'steps/s', 'steps/cpu-s', 'cpu ms/step', 'runs (steps/cpu-s)']];
  for (const row of result.throughput) {
    table.push([
      row.model, row.label, `${row.threads}`, row.stepsPerSecond.toFixed(2), row.stepsPerCpuSecond.toFixed(2),
      (1000 / row.stepsPerCpuSecond).toFixed(1), row.runs.map((r) => (r.steps / r.cpuSeconds).toFixed(2)).join(' '),
    ]);
  }
  for (const ratio of result.ratios) {
    table.push([ratio.model, `tfjs / ${ratio.against}`, '', `${ratio.wall.toFixed(2)}x`, `${ratio.cpu.toFixed(2)}x`, '', '']);
  }
  lines.push(...align(table), '');
  for (const [model, description] of Object.entries(result.models)) lines.push(`${model}: ${description}`);
  if (result.overhead.length > 0) {
    lines.push('', `MetricOpt overhead: loss+value against loss-only finetuning, ${settings.overheadSteps} steps × ${settings.overheadSeeds} seeds, after a warm-up (wall seconds, summed)`);
    const rows: string[][] = [['task', 'dataset', 'loss s', 'metricopt s', 'ratio', 'metric s (loss / metricopt)', 'value fn s', 'ratio without metric calls']];
    for (const row of result.overhead) {
      rows.push([
        row.task, row.dataset, row.loss.wallSeconds.toFixed(2), row.metricopt.wallSeconds.toFixed(2), `${row.ratio.toFixed(2)}x`,
        `${row.loss.metricSeconds.toFixed(2)} / ${row.metricopt.metricSeconds.toFixed(2)} (${row.loss.metricCalls} / ${row.metricopt.metricCalls} calls)`,
        row.metricopt.valueSeconds.toFixed(2), `${row.ratioWithoutMetric.toFixed(2)}x`,
      ]);
    }
    lines.push(...align(rows));
  }
  return `${lines.join('\n')}\n`;
}

function align(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}
