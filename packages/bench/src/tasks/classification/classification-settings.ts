import { CLASSIFIER_ARCHITECTURES, type ClassifierArchitecture, type FilmChoice } from '@metricopt/classification';
import { UsageError } from '../../bench-config.js';
import { isPositiveInt, optionValues, steerOption } from '../../task-option-values.js';
import type { BenchConfig, TaskOption } from '../../registry.js';

/** The knobs of the classification suite (CLI: `--imbalance 0.05`, `--per-class 2000`, …). */
export interface ClassificationSettings {
  steps: number;
  /** Class c of the training data keeps imbalance^(c/(C−1)) of its images (1: all). */
  imbalance: number;
  /** Instead: keep this many training images per class (null: use `imbalance`). */
  perClass: number | null;
  metricFraction: number;
  /** Cap on the test split, the first ⌊n/C⌋ test images of each class (null: the whole test split). */
  testLimit: number | null;
  /** null: small-cnn for one channel, small-resnet for colour. */
  architecture: ClassifierArchitecture | null;
  filters: [number, number] | null;
  units: number | null;
  widths: number[] | null;
  film: FilmChoice;
  pretrainEpochs: number;
  pretrainBatchSize: number;
  pretrainLearningRate: number;
  learningRate: number;
  batchSize: number;
  observeEvery: number;
  /** The parts of φ the rounds perturb and V / ES steer: segment kinds or FiLM layers (null: all of φ, the default). */
  steer: string[] | null;
  /** Perturbation size in normalised coordinates (null: finetune's default, 0.1). */
  sigma: number | null;
  /** Where pretrained models are cached (null: $METRICOPT_CACHE/pretrained or ~/.cache/metricopt/pretrained). */
  cacheDir: string | null;
  /** Pretrain again and replace the cached model. */
  retrain: boolean;
}

export const DEFAULT_CLASSIFICATION_SETTINGS: Readonly<ClassificationSettings> = Object.freeze({
  steps: 300,
  imbalance: 0.05,
  perClass: null,
  metricFraction: 0.15,
  testLimit: null,
  architecture: null,
  filters: null,
  units: null,
  widths: null,
  film: 'last',
  pretrainEpochs: 2,
  pretrainBatchSize: 64,
  pretrainLearningRate: 1e-3,
  learningRate: 1e-3,
  batchSize: 128,
  observeEvery: 10,
  steer: null,
  sigma: null,
  cacheDir: null,
  retrain: false,
});

export const CLASSIFICATION_OPTIONS: TaskOption[] = [
  { flags: '--imbalance <ratio>', type: 'float', description: 'class c keeps ratio^(c/(C-1)) of its training images (default 0.05; 1 keeps all)' },
  { flags: '--per-class <n>', type: 'int', description: 'keep n training images per class instead (a balanced subset, e.g. 2000)' },
  { flags: '--metric-fraction <f>', type: 'float', description: 'share of the kept training data held out as the metric split (default 0.15)' },
  { flags: '--test-limit <n>', type: 'int', description: 'use only the first n/C test images of each class (default: the whole test split)' },
  { flags: '--architecture <name>', type: 'string', description: `${CLASSIFIER_ARCHITECTURES.join(' | ')} (default: small-cnn for gray images, small-resnet for colour)` },
  { flags: '--filters <f1,f2>', type: 'list', description: 'small-cnn: filters of its two convolutions (default 16,32)' },
  { flags: '--units <n>', type: 'int', description: 'small-cnn: width of the feature layer (default 64)' },
  { flags: '--widths <list>', type: 'list', description: 'small-resnet: one residual block per width (default 16,32,64)' },
  { flags: '--film <layers>', type: 'list', description: "FiLM layers adapted with the head: 'last' (default), 'none', or names" },
  { flags: '--sigma <s>', type: 'float', description: 'perturbation size of the observation rounds in normalised coordinates (default 0.1)' },
  { flags: '--steer <parts>', type: 'list', description: 'parts of φ the rounds perturb and V / ES steer: film, film-scale, film-shift, head-kernel, head-bias or --film layers (default all)' },
  { flags: '--pretrain-epochs <n>', type: 'int', description: 'cross-entropy pretraining epochs (default 2)' },
  { flags: '--pretrain-batch-size <n>', type: 'int', description: 'pretraining batch size (default 64)' },
  { flags: '--pretrain-lr <rate>', type: 'float', description: 'pretraining Adam learning rate (default 1e-3)' },
  { flags: '--lr <rate>', type: 'float', description: 'finetune Adam learning rate (default 1e-3)' },
  { flags: '--batch-size <n>', type: 'int', description: 'finetune batch size (default 128)' },
  { flags: '--observe-every <n>', type: 'int', description: 'steps between observation rounds (default 10)' },
  { flags: '--cache-dir <dir>', type: 'string', description: 'where pretrained models are cached (default $METRICOPT_CACHE/pretrained or ~/.cache/metricopt/pretrained)' },
  { flags: '--retrain', type: 'boolean', description: 'pretrain again and replace the cached model' },
];

/** The settings of a run: defaults, then the CLI's. */
export function resolveClassificationSettings(config: Pick<BenchConfig, 'steps' | 'options'>): ClassificationSettings {
  const o = config.options;
  const s: ClassificationSettings = { ...DEFAULT_CLASSIFICATION_SETTINGS };
  if (config.steps !== undefined) s.steps = config.steps;
  const { num, ints } = optionValues(o);
  const posInt = isPositiveInt;
  s.imbalance = num('imbalance', (v) => v > 0 && v <= 1, 'a ratio in (0, 1]') ?? s.imbalance;
  s.perClass = num('perClass', posInt, 'a positive integer') ?? s.perClass;
  s.metricFraction = num('metricFraction', (v) => v > 0 && v < 0.5, 'a fraction in (0, 0.5)') ?? s.metricFraction;
  s.testLimit = num('testLimit', posInt, 'a positive integer') ?? s.testLimit;
  s.units = num('units', posInt, 'a positive integer') ?? s.units;
  s.pretrainEpochs = num('pretrainEpochs', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0') ?? s.pretrainEpochs;
  s.pretrainBatchSize = num('pretrainBatchSize', posInt, 'a positive integer') ?? s.pretrainBatchSize;
  s.pretrainLearningRate = num('pretrainLr', (v) => v > 0, 'a positive number') ?? s.pretrainLearningRate;
  s.learningRate = num('lr', (v) => v > 0, 'a positive number') ?? s.learningRate;
  s.batchSize = num('batchSize', posInt, 'a positive integer') ?? s.batchSize;
  s.observeEvery = num('observeEvery', posInt, 'a positive integer') ?? s.observeEvery;
  s.sigma = num('sigma', (v) => v > 0 && Number.isFinite(v), 'a positive number') ?? s.sigma;
  const filters = ints('filters', 2);
  if (filters) s.filters = [filters[0]!, filters[1]!];
  s.widths = ints('widths') ?? s.widths;
  if (o.architecture !== undefined) {
    if (!(CLASSIFIER_ARCHITECTURES as readonly unknown[]).includes(o.architecture)) {
      throw new UsageError(`--architecture expects one of ${CLASSIFIER_ARCHITECTURES.join(', ')}, got ${String(o.architecture)}`);
    }
    s.architecture = o.architecture as ClassifierArchitecture;
  }
  if (o.film !== undefined) {
    const film = o.film as string[];
    s.film = film.length === 1 && (film[0] === 'last' || film[0] === 'none') ? film[0] : [...film];
  }
  const steer = steerOption(o.steer, Array.isArray(s.film) ? s.film : []);
  if (steer !== undefined) s.steer = steer;
  if (o.cacheDir !== undefined) s.cacheDir = String(o.cacheDir);
  if (o.retrain !== undefined) s.retrain = o.retrain === true;
  return s;
}

