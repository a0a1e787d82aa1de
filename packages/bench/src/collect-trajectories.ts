import { join } from 'node:path';
import { InvalidArgumentError, TrajectoryWriter, configKey, trajectoryStatus, type ObservationRound } from '@metricopt/core';
import type { BenchReporter } from './reporter.js';
import type { TrajectoryRunPlan, TrajectorySource } from './trajectory-sources.js';

/** What collection did with one planned run. */
export interface CollectedRun {
  task: string;
  run: string;
  path: string;
  /** `kept`: complete on disk already, skipped; `collected`: run now; `redone`: a partial file was run again. */
  status: 'kept' | 'collected' | 'redone';
}

/** The file of a planned run: `<task>-<name>-<hash of its settings>.jsonl`. */
export function trajectoryFile(dir: string, task: string, run: TrajectoryRunPlan): string {
  return join(dir, `${task}-${run.name}-${configKey({ task, name: run.name, settings: run.settings })}.jsonl`);
}

/**
 * Collects the planned runs of every source into `dir` (one trajectory file per run), resumably:
 * a run already complete on disk is kept and skipped, a partial one (a collection that stopped
 * midway) is run again, a malformed one stops the collection with a FormatError naming it.
 *
 * ```ts
 * const runs = await collectTrajectories({ sources: [syntheticTrajectories], runsPerTask: 8, seed: 1, dir: 'meta/trajectories', reporter });
 * runs.filter((r) => r.status === 'kept').length;   // on a second call: 8
 * ```
 */
export async function collectTrajectories(options: {
  sources: readonly TrajectorySource[];
  runsPerTask: number;
  seed: number;
  dir: string;
  reporter: BenchReporter;
}): Promise<CollectedRun[]> {
  const { sources, runsPerTask, seed, dir, reporter } = options;
  const out: CollectedRun[] = [];
  for (const source of sources) {
    for (const run of source.plan(runsPerTask, seed)) {
      const path = trajectoryFile(dir, source.task, run);
      const before = await trajectoryStatus(path);
      if (before === 'complete') {
        out.push({ task: source.task, run: run.name, path, status: 'kept' });
        continue;
      }
      if (before === 'partial') reporter.log(`${path}: partial (an interrupted run), running it again`);
      await collectOne(source, run, path, reporter);
      out.push({ task: source.task, run: run.name, path, status: before === 'partial' ? 'redone' : 'collected' });
    }
  }
  return out;
}

async function collectOne(source: TrajectorySource, run: TrajectoryRunPlan, path: string, reporter: BenchReporter): Promise<void> {
  let writer: TrajectoryWriter | null = null;
  const writes: Promise<void>[] = [];
  // Rounds that arrive before `start` resolves wait for the writer.
  let pending: ObservationRound[] = [];
  try {
    const summary = await source.collect(run, {
      start: async (info) => {
        writer = await TrajectoryWriter.create(path, { run: `${source.task}-${run.name}`, task: source.task, metric: source.metric, settings: run.settings, ...info });
        for (const r of pending) writes.push(writer.append(r));
        pending = [];
      },
      round: (round) => {
        if (writer === null) pending.push(round);
        else writes.push(writer.append(round));
      },
    }, reporter);
    await Promise.all(writes);
    if (writer === null) {
      throw new InvalidArgumentError('collectTrajectories', `sources['${source.task}'].collect`, 'a run that calls sink.start', `run '${run.name}' finished without it`);
    }
    await (writer as TrajectoryWriter).finish(summary);
  } catch (err) {
    await Promise.allSettled(writes);
    // The file stays partial (no end line): the next collection runs it again.
    await (writer as TrajectoryWriter | null)?.abort();
    throw err;
  }
}
