import { InvalidArgumentError } from '@metricopt/core';
import type { BenchConfig, TaskOption } from '@metricopt/bench';
import { DEFAULT_RARE_POSITIVES } from './rare-positives.js';

/** The knobs of the tabular task (CLI: `--hidden 32,32`, `--positive-rate 0.05`, …). */
export interface TabularSettings {
  steps: number;
  hidden: number[];
  /** FiLM layers adapted with the head: names, or 'last' / 'all' / 'none'. */
  film: string[];
  pretrainEpochs: number;
  pretrainLearningRate: number;
  learningRate: number;
  batchSize: number;
  observeEvery: number;
  /** rare-positives: the generator's knobs and split sizes (rows). */
  positiveRate: number;
  features: number;
  separation: number;
  geometrySeed: number;
  trainSize: number;
  metricSize: number;
  testSize: number;
  /** breast-cancer and csv: the share of each class held out as metric split, twin and test. */
  metricFraction: number;
  testFraction: number;
  /** Added to every run seed (tune on 101–105 with --seed-offset 100, report 1–5). */
  seedOffset: number;
}

export const TABULAR_DATASETS = ['rare-positives', 'breast-cancer', 'csv'] as const;

export const DEFAULT_TABULAR_SETTINGS: Readonly<TabularSettings> = Object.freeze({
  steps: 200,
  hidden: [32, 32],
  film: ['last'],
  pretrainEpochs: 30,
  pretrainLearningRate: 1e-3,
  learningRate: 1e-3,
  batchSize: 128,
  observeEvery: 10,
  positiveRate: 0.05,
  features: DEFAULT_RARE_POSITIVES.dim,
  separation: DEFAULT_RARE_POSITIVES.separation,
  geometrySeed: DEFAULT_RARE_POSITIVES.geometrySeed,
  trainSize: 3000,
  metricSize: 1000,
  testSize: 3000,
  metricFraction: 0.15,
  testFraction: 0.25,
  seedOffset: 0,
});

const d = DEFAULT_TABULAR_SETTINGS;
export const TABULAR_OPTIONS: TaskOption[] = [
  { flags: '--hidden <widths>', type: 'list', description: `hidden layer widths of the MLP (default ${d.hidden.join(',')})` },
  { flags: '--film <layers>', type: 'list', description: "FiLM layers adapted with the head: names, 'last' (default), 'all' or 'none'" },
  { flags: '--pretrain-epochs <n>', type: 'int', description: `cross-entropy pretraining epochs (default ${d.pretrainEpochs})` },
  { flags: '--lr <rate>', type: 'float', description: `finetune Adam learning rate (default ${d.learningRate})` },
  { flags: '--batch-size <n>', type: 'int', description: `finetune batch size (default ${d.batchSize})` },
  { flags: '--observe-every <n>', type: 'int', description: `steps between observation rounds (default ${d.observeEvery})` },
  { flags: '--positive-rate <r>', type: 'float', description: `rare-positives: share of positive rows (default ${d.positiveRate})` },
  { flags: '--features <n>', type: 'int', description: `rare-positives: feature count (default ${d.features}, 6 informative)` },
  { flags: '--separation <d>', type: 'float', description: `rare-positives: distance of positive blobs from negative ones, in noise stds (default ${d.separation})` },
  { flags: '--geometry-seed <n>', type: 'int', description: 'rare-positives: seed of the blob geometry (the "dataset"; run seeds vary the rows)' },
  { flags: '--train-size <n>', type: 'int', description: `rare-positives: training rows (default ${d.trainSize})` },
  { flags: '--metric-size <n>', type: 'int', description: `rare-positives: rows of the metric split and of its twin (default ${d.metricSize})` },
  { flags: '--test-size <n>', type: 'int', description: `rare-positives: test rows (default ${d.testSize})` },
  { flags: '--metric-fraction <f>', type: 'float', description: `breast-cancer, csv: share of each class for the metric split and for the twin (default ${d.metricFraction})` },
  { flags: '--test-fraction <f>', type: 'float', description: `breast-cancer, csv: share of each class for test (default ${d.testFraction})` },
  { flags: '--seed-offset <n>', type: 'int', description: 'added to every seed (default 0)' },
];

/**
 * The settings of a run: the defaults, then the CLI's. A bad value is an InvalidArgumentError
 * naming the flag.
 *
 * ```ts
 * resolveTabularSettings({ steps: 50, options: { hidden: ['16'] } }).hidden;   // [16]
 * ```
 */
export function resolveTabularSettings(config: Pick<BenchConfig, 'steps' | 'options'>): TabularSettings {
  const o = config.options;
  const s: TabularSettings = { ...d, hidden: [...d.hidden], film: [...d.film] };
  if (config.steps !== undefined) s.steps = config.steps;
  const num = (key: keyof TabularSettings & string, ok: (v: number) => boolean, expected: string): void => {
    const v = o[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !ok(v)) throw new InvalidArgumentError('tabular', `--${kebab(key)}`, expected, String(v));
    (s as unknown as Record<string, number>)[key] = v;
  };
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  num('pretrainEpochs', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  num('batchSize', posInt, 'a positive integer');
  num('observeEvery', posInt, 'a positive integer');
  num('positiveRate', (v) => v > 0 && v < 0.5, 'a rate in (0, 0.5)');
  num('features', (v) => Number.isInteger(v) && v >= 6, 'an integer ≥ 6 (6 informative features)');
  num('separation', (v) => v > 0, 'a positive number');
  num('geometrySeed', Number.isInteger, 'an integer');
  num('trainSize', (v) => Number.isInteger(v) && v >= 50, 'an integer ≥ 50');
  num('metricSize', (v) => Number.isInteger(v) && v >= 20, 'an integer ≥ 20');
  num('testSize', (v) => Number.isInteger(v) && v >= 20, 'an integer ≥ 20');
  num('metricFraction', (v) => v > 0 && v < 0.3, 'a fraction in (0, 0.3)');
  num('testFraction', (v) => v > 0 && v < 0.5, 'a fraction in (0, 0.5)');
  num('seedOffset', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  if (o.lr !== undefined) {
    if (typeof o.lr !== 'number' || !(o.lr > 0)) throw new InvalidArgumentError('tabular', '--lr', 'a positive number', String(o.lr));
    s.learningRate = o.lr;
  }
  if (o.hidden !== undefined) {
    const widths = Array.isArray(o.hidden) ? o.hidden.map(Number) : [];
    if (widths.length === 0 || !widths.every(posInt)) throw new InvalidArgumentError('tabular', '--hidden', 'positive integers like 32,32', String(o.hidden));
    s.hidden = widths;
  }
  if (o.film !== undefined) {
    if (!Array.isArray(o.film) || o.film.length === 0) throw new InvalidArgumentError('tabular', '--film', "layer names, 'last', 'all' or 'none'", String(o.film));
    s.film = o.film.map(String);
  }
  return s;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
