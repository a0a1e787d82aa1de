import { cpus, loadavg } from 'node:os';
import { InvalidArgumentError } from '@metricopt/core';
import type { BenchTask } from '../registry.js';
import type { BenchReporter } from '../reporter.js';
import { measureOverhead, type OverheadRow } from './overhead.js';
import { SPEED_BATCH, SPEED_MODELS, type SpeedModelName } from './speed-models.js';
import { measureTfjsThroughput, tfjsThreads, type ThroughputRun } from './tfjs-throughput.js';
import { DEFAULT_PYTHON, TorchReference, type TorchInfo } from './torch-reference.js';

export interface SpeedOptions {
  models: readonly SpeedModelName[];
  /** Seconds per timed run. */
  seconds: number;
  /** Timed runs per model and runtime, tfjs and PyTorch alternating; medians are reported. */
  repeats: number;
  /** At least this many steps per timed run (default 1). */
  minSteps?: number;
  /** The Python with torch (default /usr/bin/python3); false leaves PyTorch out. */
  python?: string | false;
  /** Also time PyTorch with glibc's malloc tuned (an extra row). */
  tunedMalloc?: boolean;
  /** PyTorch's threads (default: as many as the tfjs backend uses). */
  torchThreads?: number;
  /** Tasks for the overhead comparison (those with demo settings run); empty for none. */
  tasks: readonly BenchTask[];
  overheadSteps: number;
  /** Seeds per method in the overhead comparison (default 2). */
  overheadSeeds?: number;
  /** The tfjs backend in words (e.g. `wasm`), for the record. */
  backend: string;
  reporter: BenchReporter;
}

/** PyTorch as installed, and with glibc's malloc tuned (see TorchReference.start). */
export type TorchRuntime = 'pytorch' | 'pytorch-tuned-malloc';

/** The timed runs of one model on one runtime, and their medians. */
export interface ThroughputRow {
  model: SpeedModelName;
  runtime: 'tfjs' | TorchRuntime;
  /** e.g. `tfjs wasm` or `pytorch 1.13.1`. */
  label: string;
  threads: number;
  runs: ThroughputRun[];
  stepsPerSecond: number;
  stepsPerCpuSecond: number;
}

/** tfjs throughput over PyTorch's (above 1: tfjs is faster). */
export interface SpeedRatio {
  model: SpeedModelName;
  /** The PyTorch row's label. */
  against: string;
  wall: number;
  cpu: number;
}

/** What `metricopt bench speed --json` prints and `--out` writes (speed.json). */
export interface SpeedResult {
  task: 'speed';
  backend: string;
  batch: number;
  settings: {
    models: SpeedModelName[]; seconds: number; repeats: number; minSteps: number; overheadSteps: number; overheadSeeds: number; tasks: string[];
  };
  machine: { cpus: number; cpuModel: string; node: string; loadBefore: number[]; loadAfter: number[] };
  tfjs: { threads: number };
  torch: { available: true; info: TorchInfo; threads: number; tunedMalloc: boolean } | { available: false; reason: string };
  models: Partial<Record<SpeedModelName, string>>;
  throughput: ThroughputRow[];
  ratios: SpeedRatio[];
  overhead: OverheadRow[];
}

/**
 * `metricopt bench speed`: training throughput of the speed models on the active tfjs backend and,
 * where torch imports, in PyTorch with matched threads; then MetricOpt's overhead per task.
 *
 * ```ts
 * const result = await runSpeedBench({ models: ['cnn'], seconds: 3, repeats: 3, tasks: [], overheadSteps: 40,
 *   backend: 'wasm', reporter: silentReporter });
 * result.ratios[0].cpu;   // tfjs steps per CPU-second over PyTorch's
 * ```
 */
export async function runSpeedBench(options: SpeedOptions): Promise<SpeedResult> {
  for (const [name, value] of [['seconds', options.seconds], ['overheadSteps', options.overheadSteps]] as const) {
    if (!(value > 0)) throw new InvalidArgumentError('runSpeedBench', `options.${name}`, 'a positive number', String(value));
  }
  if (!Number.isInteger(options.repeats) || options.repeats < 1) {
    throw new InvalidArgumentError('runSpeedBench', 'options.repeats', 'a positive integer', String(options.repeats));
  }
  const { reporter } = options;
  const cores = cpus().length;
  const loadBefore = loadavg();
  const threads = tfjsThreads(cores);
  const minSteps = options.minSteps ?? 1;
  const torchThreads = options.torchThreads ?? threads;
  const references: Array<{ runtime: TorchRuntime; reference: TorchReference }> = [];
  let torchReason: string | undefined;
  if (options.python === false) torchReason = 'left out (--no-torch)';
  else {
    const variants: TorchRuntime[] = options.tunedMalloc === true ? ['pytorch', 'pytorch-tuned-malloc'] : ['pytorch'];
    for (const runtime of variants) {
      const started = await TorchReference.start(options.python ?? DEFAULT_PYTHON, { tunedMalloc: runtime === 'pytorch-tuned-malloc' });
      if (started.reference === undefined) {
        torchReason = started.reason;
        break;
      }
      references.push({ runtime, reference: started.reference });
    }
  }
  if (torchReason !== undefined) {
    reporter.log(`speed: PyTorch skipped: ${torchReason}`);
    for (const { reference } of references.splice(0)) reference.close();
  }
  const rows: ThroughputRow[] = [];
  const row = (model: SpeedModelName, runtime: ThroughputRow['runtime'], label: string, rowThreads: number): ThroughputRow => {
    let found = rows.find((r) => r.model === model && r.runtime === runtime);
    if (found === undefined) {
      found = { model, runtime, label, threads: rowThreads, runs: [], stepsPerSecond: 0, stepsPerCpuSecond: 0 };
      rows.push(found);
    }
    return found;
  };
  try {
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const model of options.models) {
        const seed = repeat + 1;
        reporter.log(`speed: ${model} on tfjs ${options.backend}, run ${repeat + 1}/${options.repeats}`);
        row(model, 'tfjs', `tfjs ${options.backend}`, threads).runs.push(measureTfjsThroughput(model, { seconds: options.seconds, minSteps, seed }));
        for (const { runtime, reference } of references) {
          const label = `pytorch ${reference.info.torch}${runtime === 'pytorch-tuned-malloc' ? ', malloc tuned' : ''}`;
          reporter.log(`speed: ${model} on ${label}, run ${repeat + 1}/${options.repeats}`);
          const { threads: used, ...timed } = await reference.run(model, { seconds: options.seconds, threads: torchThreads, minSteps, seed });
          row(model, runtime, label, used).runs.push(timed);
        }
      }
    }
  } finally {
    for (const { reference } of references) reference.close();
  }
  for (const r of rows) {
    r.stepsPerSecond = median(r.runs.map((run) => run.steps / run.wallSeconds));
    r.stepsPerCpuSecond = median(r.runs.map((run) => run.steps / run.cpuSeconds));
  }
  const ratios: SpeedRatio[] = [];
  for (const model of options.models) {
    const ours = rows.find((r) => r.model === model && r.runtime === 'tfjs');
    for (const theirs of rows.filter((r) => r.model === model && r.runtime !== 'tfjs')) {
      if (ours === undefined) continue;
      ratios.push({
        model, against: theirs.label, wall: ours.stepsPerSecond / theirs.stepsPerSecond, cpu: ours.stepsPerCpuSecond / theirs.stepsPerCpuSecond,
      });
    }
  }
  const overheadSeeds = options.overheadSeeds ?? 2;
  const overhead = await measureOverhead(options.tasks, { steps: options.overheadSteps, seeds: overheadSeeds, reporter });
  return {
    task: 'speed',
    backend: options.backend,
    batch: SPEED_BATCH,
    settings: {
      models: [...options.models], seconds: options.seconds, repeats: options.repeats, minSteps,
      overheadSteps: options.overheadSteps, overheadSeeds, tasks: options.tasks.filter((t) => t.demo !== undefined).map((t) => t.name),
    },
    machine: { cpus: cores, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadBefore, loadAfter: loadavg() },
    tfjs: { threads },
    torch: references[0] === undefined
      ? { available: false, reason: torchReason ?? 'unknown' }
      : { available: true, info: references[0].reference.info, threads: torchThreads, tunedMalloc: references.length > 1 },
    models: Object.fromEntries(options.models.map((m) => [m, SPEED_MODELS[m].description])),
    throughput: rows,
    ratios,
    overhead,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
