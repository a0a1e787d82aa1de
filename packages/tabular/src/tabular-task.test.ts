import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runCli, silentReporter, validateBenchResult, type CliIo } from '@metricopt/bench';
import { resolveTabularSettings } from './tabular-settings.js';
import { runTabular, tabularTask } from './tabular-task.js';

const tiny = { trainSize: 300, metricSize: 60, testSize: 200, pretrainEpochs: 2, hidden: ['8'], observeEvery: 2, positiveRate: 0.1 };

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('tabular task', () => {
  it('resolves settings from the options, rejecting bad values by flag', () => {
    const s = resolveTabularSettings({ steps: 9, options: { hidden: ['16', '8'], lr: 0.01, positiveRate: 0.2 } });
    expect([s.steps, s.hidden, s.learningRate, s.positiveRate, s.film]).toEqual([9, [16, 8], 0.01, 0.2, ['last']]);
    expect(() => resolveTabularSettings({ options: { hidden: ['0'] } })).toThrow(/'--hidden' passed to tabular/);
    expect(() => resolveTabularSettings({ options: { positiveRate: 0.7 } })).toThrow(/--positive-rate/);
    expect(() => resolveTabularSettings({ options: { lr: -1 } })).toThrow(/--lr/);
  });

  it('runs every method from the same pretrained start, reproducibly, leaking no tensors', async () => {
    const config = { task: 'tabular', dataset: 'rare-positives', metric: 'aucpr', methods: ['loss', 'metricopt', 'es', 'weighted-ce'], seeds: [1], steps: 4, options: tiny };
    const tensors = tf.memory().numTensors;
    const a = await runTabular(config, silentReporter);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(a.metric).toEqual({ name: 'aucpr', higherIsBetter: true });
    const runs = Object.values(a.methods).map((m) => m.runs[0]!);
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.before)).size).toBe(1);
    for (const r of runs) {
      expect([r.trainCount, r.metricCount, r.testCount]).toEqual([300, 60, 200]);
      for (const v of [r.before, r.after, r.metricSplitAfter!, r.twinAfter!]) expect(v).toBeGreaterThan(0);
      for (const v of [r.before, r.after]) expect(v).toBeLessThanOrEqual(1);
    }
    const b = await runTabular(config, silentReporter);
    const strip = (r: typeof a) => Object.values(r.methods).map((m) => m.runs.map(({ before, after, twinAfter, metricCalls }) => ({ before, after, twinAfter, metricCalls })));
    expect(strip(b)).toEqual(strip(a));
  });

  it('runs on the bundled breast-cancer data with F1', async () => {
    const r = await runTabular({ task: 'tabular', dataset: 'breast-cancer', metric: 'f1', methods: ['loss'], seeds: [2], steps: 2, options: { ...tiny, hidden: ['4'] } }, silentReporter);
    // 569 rows, per class 25% test: round(0.25·212) + round(0.25·357) = 53 + 89.
    expect(r.methods.loss!.runs[0]).toMatchObject({ testCount: 142, metricCount: 32 + 54 });
    expect(r.metric.name).toBe('f1');
  });

  it('rejects an unknown metric, method or dataset, and csv without --data-dir', async () => {
    const base = { task: 'tabular', dataset: 'rare-positives', methods: ['loss'], seeds: [1], steps: 1, options: tiny };
    await expect(runTabular({ ...base, metric: 'roc' }, silentReporter)).rejects.toThrow(/--metric/);
    await expect(runTabular({ ...base, methods: ['adam'] }, silentReporter)).rejects.toThrow(/--methods/);
    await expect(runTabular({ ...base, dataset: 'iris' }, silentReporter)).rejects.toThrow(/--dataset/);
    await expect(runTabular({ ...base, dataset: 'csv' }, silentReporter)).rejects.toThrow(/--data-dir/);
  });

  it('is a plugin: package.json names the module that exports it, and `metricopt bench tabular` runs it', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.metricopt).toEqual({ benchTasks: './dist/bench-task.js' });
    const entry = fileURLToPath(new URL('./bench-task.ts', import.meta.url));
    expect((await import('./bench-task.js')).tabularTask).toBe(tabularTask);
    const stdout = new Capture();
    const stderr = new Capture();
    // scan: false — the test runs before this package's dist/ is built; --plugin names the source module.
    const code = await runCli(
      ['bench', 'tabular', '--plugin', entry, '--methods', 'loss,weighted-ce', '--seeds', '1', '--steps', '2', '--train-size', '200', '--test-size', '100',
        '--metric-size', '40', '--pretrain-epochs', '1', '--hidden', '4', '--json'],
      { stdout, stderr } as CliIo,
      { scan: false, env: {} },
    );
    expect(stderr.text).not.toMatch(/error/);
    expect(code).toBe(0);
    const result = validateBenchResult(JSON.parse(stdout.text));
    expect([result.task, result.dataset, Object.keys(result.methods)]).toEqual(['tabular', 'rare-positives', ['loss', 'weighted-ce']]);
  });
});
