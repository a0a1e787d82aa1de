import type { SceneItemSource } from '@metricopt/detection';
import { UsageError } from '../../bench-config.js';
import { isPositiveInt, optionValues, steerOption } from '../../task-option-values.js';
import type { BenchConfig, TaskOption } from '../../registry.js';


/** The knobs of the detection suite (CLI: `--train-scenes 1500`, `--pretrain-steps 600`, …). */
export interface DetectionSettings {
  steps: number;
  /** Scenes: training canvases (pretraining and the finetune loss). */
  trainScenes: number;
  /** Scenes: held-out canvases drawn like the training ones; each seed splits them into the metric split and its twin. */
  poolScenes: number;
  /** Scenes: test canvases, pasted from the items' test set. */
  testScenes: number;
  minObjects: number;
  maxObjects: number;
  items: SceneItemSource;
  /** Scenes: class c is pasted with relative frequency imbalance^(c/(C−1)) in every split (1: as the items hold them). */
  imbalance: number;
  /** Seeds the scenes (train, pool, test): the "dataset". */
  sceneSeed: number;
  /** COCO data: the share of the training images held out as the pool (default 0.3). */
  poolFraction: number;
  /** COCO / VOC: use at most this many training and this many test images (the first by id; null: all). */
  maxImages: number | null;
  /** Side of the square detector input; COCO images are stretched to it. */
  imageSize: number;
  /** Input channels (default: 1 for scenes, 3 for COCO). */
  channels: 1 | 3 | null;
  filters: number[];
  headFilters: number;
  /** A FiLM on the detector's outputs (`head_out_film`): per output channel a scale and shift (default false). */
  outputFilm: boolean;
  /** FiLM layers adapted with the 1×1 head: names (default head_conv; head_out: the output FiLM); the first is the trunk/head boundary. */
  film: string[];
  pretrainSteps: number;
  pretrainBatchSize: number;
  pretrainLearningRate: number;
  /** Seeds the detector's initial weights and pretraining batches (the run seeds vary the finetune). */
  pretrainSeed: number;
  learningRate: number;
  batchSize: number;
  observeEvery: number;
  /** MetricOpt's knobs (null: finetune's defaults, METHOD.md): λ, σ, K antithetic pairs. */
  lambda: number | null;
  sigma: number | null;
  perturbations: number | null;
  /** The parts of φ the rounds perturb and V / ES steer: segment kinds or FiLM layers (null: all of φ); the loss trains all of φ. */
  steer: string[] | null;
  /** Added to every run seed (`--seeds 3 --seed-offset 100` runs 101–103: tune apart from the reported seeds). */
  seedOffset: number;
  /** Decoding: peaks kept per image, class-wise NMS IoU, score floor. */
  topK: number;
  nmsIou: number;
  scoreThreshold: number;
  /** Scenes and pretrained detectors are kept here (null: $METRICOPT_CACHE/detection or ~/.cache/metricopt/detection). */
  cacheDir: string | null;
  /** Pretrain again and replace the cached detector. */
  retrain: boolean;
}

export const DEFAULT_DETECTION_SETTINGS: Readonly<DetectionSettings> = Object.freeze({
  steps: 200,
  trainScenes: 1500,
  poolScenes: 600,
  testScenes: 500,
  minObjects: 1,
  maxObjects: 6,
  items: 'embedded',
  imbalance: 1,
  sceneSeed: 1,
  poolFraction: 0.3,
  maxImages: null,
  imageSize: 96,
  channels: null,
  filters: [16, 32, 32, 32],
  headFilters: 32,
  outputFilm: false,
  film: ['head_conv'],
  pretrainSteps: 600,
  pretrainBatchSize: 32,
  pretrainLearningRate: 2e-3,
  pretrainSeed: 1,
  learningRate: 1e-3,
  batchSize: 64,
  observeEvery: 10,
  lambda: null,
  sigma: null,
  perturbations: null,
  // V (and ES) steer the output biases — heatmap prior per class, box size and offset shift — while the loss trains all
  // of φ: in these 14 coordinates the rounds' gradient is sharp enough to add to the loss (docs/results.md, detection).
  steer: ['head-bias'],
  seedOffset: 0,
  topK: 20,
  nmsIou: 0.6,
  scoreThreshold: 0.01,
  cacheDir: null,
  retrain: false,
} as DetectionSettings);

export const DETECTION_OPTIONS: TaskOption[] = [
  { flags: '--train-scenes <n>', type: 'int', description: `scenes: training canvases (default ${DEFAULT_DETECTION_SETTINGS.trainScenes})` },
  { flags: '--pool-scenes <n>', type: 'int', description: `scenes: held-out canvases, split per seed into the metric split and its twin (default ${DEFAULT_DETECTION_SETTINGS.poolScenes})` },
  { flags: '--test-scenes <n>', type: 'int', description: `scenes: test canvases from the items' test set (default ${DEFAULT_DETECTION_SETTINGS.testScenes})` },
  { flags: '--min-objects <n>', type: 'int', description: 'scenes: fewest objects per canvas (default 1)' },
  { flags: '--max-objects <n>', type: 'int', description: 'scenes: most objects per canvas (default 6)' },
  { flags: '--items <source>', type: 'string', description: 'scenes: embedded (Fashion-MNIST subset, default) | fashion-mnist (the full dataset)' },
  { flags: '--imbalance <ratio>', type: 'float', description: 'scenes: class c is pasted ratio^(c/(C-1)) as often as class 0, in every split, long-tailed like COCO (default 1)' },
  { flags: '--scene-seed <n>', type: 'int', description: 'scenes: seed of the canvases (default 1)' },
  { flags: '--pool-fraction <f>', type: 'float', description: 'coco, voc: share of the training images held out for metric split + twin (default 0.3)' },
  { flags: '--max-images <n>', type: 'int', description: 'coco, voc: use at most n training and n test images, the first by id (default: all)' },
  { flags: '--image-size <n>', type: 'int', description: 'detector input side, a multiple of 4 (default 96)' },
  { flags: '--channels <n>', type: 'int', description: 'input channels, 1 or 3 (default: 1 for scenes, 3 for coco and voc)' },
  { flags: '--filters <list>', type: 'list', description: 'filters of the four trunk blocks (default 16,32,32,32)' },
  { flags: '--head-filters <n>', type: 'int', description: 'filters of the 3x3 head conv (default 32)' },
  { flags: '--output-film', type: 'boolean', description: 'give the detector a FiLM on its outputs (head_out_film: per channel scale and shift); adapt it with --film head_conv,head_out' },
  { flags: '--film <layers>', type: 'list', description: 'FiLM layers adapted with the 1x1 head (default head_conv; earlier ones make metric calls costlier)' },
  { flags: '--pretrain-steps <n>', type: 'int', description: `pretraining steps (default ${DEFAULT_DETECTION_SETTINGS.pretrainSteps})` },
  { flags: '--pretrain-batch-size <n>', type: 'int', description: 'pretraining batch size (default 32)' },
  { flags: '--pretrain-lr <rate>', type: 'float', description: 'pretraining Adam learning rate (default 2e-3)' },
  { flags: '--pretrain-seed <n>', type: 'int', description: 'seed of the detector weights and pretraining (default 1; run seeds vary the finetune)' },
  { flags: '--lr <rate>', type: 'float', description: 'finetune Adam learning rate (default 1e-3)' },
  { flags: '--batch-size <n>', type: 'int', description: 'finetune batch size (default 64)' },
  { flags: '--observe-every <n>', type: 'int', description: 'steps between observation rounds (default 10)' },
  { flags: '--lambda <l>', type: 'float', description: 'MetricOpt: weight of the norm-matched value gradient (default 3)' },
  { flags: '--sigma <s>', type: 'float', description: 'perturbation size in normalised coordinates (default 0.1)' },
  { flags: '--perturbations <k>', type: 'int', description: 'K antithetic pairs per round, 2K + 1 metric calls (default 4)' },
  { flags: '--steer <parts>', type: 'list', description: 'parts of φ the rounds perturb and V / ES steer: film (scale and shift), film-scale, film-shift, head-kernel, head-bias, or a --film layer; all: the whole of φ (default head-bias)' },
  { flags: '--seed-offset <n>', type: 'int', description: 'added to every seed: tune on 101–103 (--seed-offset 100), report 1–3 (default 0)' },
  { flags: '--top-k <n>', type: 'int', description: 'decoding: peaks kept per image (default 20)' },
  { flags: '--nms-iou <t>', type: 'float', description: 'decoding: class-wise NMS IoU threshold (default 0.6)' },
  { flags: '--score-threshold <s>', type: 'float', description: 'decoding: lowest score kept (default 0.01)' },
  { flags: '--cache-dir <dir>', type: 'string', description: 'where scenes and pretrained detectors are kept (default $METRICOPT_CACHE/detection or ~/.cache/metricopt/detection)' },
  { flags: '--retrain', type: 'boolean', description: 'pretrain again and replace the cached detector' },
];

/** The settings of a run: defaults, then the CLI's; a bad value is a UsageError naming the flag. */
export function resolveDetectionSettings(config: Pick<BenchConfig, 'dataset' | 'steps' | 'options'>): DetectionSettings {
  const o = config.options;
  const s: DetectionSettings = { ...DEFAULT_DETECTION_SETTINGS, filters: [...DEFAULT_DETECTION_SETTINGS.filters], film: [...DEFAULT_DETECTION_SETTINGS.film],
    steer: DEFAULT_DETECTION_SETTINGS.steer && [...DEFAULT_DETECTION_SETTINGS.steer] };
  if (config.steps !== undefined) s.steps = config.steps;
  const { num } = optionValues(o);
  const posInt = isPositiveInt;
  const int0 = (v: number) => Number.isInteger(v) && v >= 0;
  s.trainScenes = num('trainScenes', posInt, 'a positive integer') ?? s.trainScenes;
  s.poolScenes = num('poolScenes', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.poolScenes;
  s.testScenes = num('testScenes', posInt, 'a positive integer') ?? s.testScenes;
  s.minObjects = num('minObjects', int0, 'an integer ≥ 0') ?? s.minObjects;
  s.maxObjects = num('maxObjects', posInt, 'a positive integer') ?? s.maxObjects;
  if (s.maxObjects < s.minObjects) throw new UsageError(`--max-objects (${s.maxObjects}) must be at least --min-objects (${s.minObjects})`);
  s.imbalance = num('imbalance', (v) => v > 0 && v <= 1, 'a ratio in (0, 1]') ?? s.imbalance;
  s.sceneSeed = num('sceneSeed', Number.isInteger, 'an integer') ?? s.sceneSeed;
  s.poolFraction = num('poolFraction', (v) => v > 0 && v < 1, 'a fraction in (0, 1)') ?? s.poolFraction;
  s.maxImages = num('maxImages', (v) => Number.isInteger(v) && v >= 4, 'an integer ≥ 4') ?? s.maxImages;
  s.imageSize = num('imageSize', (v) => posInt(v) && v % 4 === 0, 'a positive multiple of 4') ?? s.imageSize;
  const channels = num('channels', (v) => v === 1 || v === 3, '1 or 3');
  if (channels !== undefined) s.channels = channels as 1 | 3;
  s.headFilters = num('headFilters', posInt, 'a positive integer') ?? s.headFilters;
  s.pretrainSteps = num('pretrainSteps', int0, 'an integer ≥ 0') ?? s.pretrainSteps;
  s.pretrainBatchSize = num('pretrainBatchSize', posInt, 'a positive integer') ?? s.pretrainBatchSize;
  s.pretrainLearningRate = num('pretrainLr', (v) => v > 0, 'a positive number') ?? s.pretrainLearningRate;
  s.pretrainSeed = num('pretrainSeed', Number.isInteger, 'an integer') ?? s.pretrainSeed;
  s.learningRate = num('lr', (v) => v > 0, 'a positive number') ?? s.learningRate;
  s.batchSize = num('batchSize', posInt, 'a positive integer') ?? s.batchSize;
  s.observeEvery = num('observeEvery', posInt, 'a positive integer') ?? s.observeEvery;
  s.lambda = num('lambda', (v) => v >= 0, 'a number ≥ 0') ?? s.lambda;
  s.sigma = num('sigma', (v) => v > 0, 'a positive number') ?? s.sigma;
  s.perturbations = num('perturbations', posInt, 'a positive integer') ?? s.perturbations;
  s.seedOffset = num('seedOffset', int0, 'an integer ≥ 0') ?? s.seedOffset;
  s.topK = num('topK', posInt, 'a positive integer') ?? s.topK;
  s.nmsIou = num('nmsIou', (v) => v >= 0 && v <= 1, 'a number in [0, 1]') ?? s.nmsIou;
  s.scoreThreshold = num('scoreThreshold', (v) => v >= 0 && v < 1, 'a number in [0, 1)') ?? s.scoreThreshold;
  if (o.items !== undefined) {
    if (o.items !== 'embedded' && o.items !== 'fashion-mnist') throw new UsageError(`--items expects embedded or fashion-mnist, got ${String(o.items)}`);
    s.items = o.items;
  }
  if (o.filters !== undefined) {
    const f = (o.filters as string[]).map(Number);
    if (f.length !== 4 || !f.every(posInt)) throw new UsageError(`--filters expects four positive integers like 16,32,32,32, got ${String(o.filters)}`);
    s.filters = f;
  }
  if (o.film !== undefined) {
    const film = o.film as string[];
    if (film.length === 0) throw new UsageError('--film expects at least one layer name');
    s.film = [...film];
  }
  const steer = steerOption(o.steer, s.film);
  if (steer !== undefined) s.steer = steer;
  if (o.outputFilm !== undefined) s.outputFilm = o.outputFilm === true;
  if (o.cacheDir !== undefined) s.cacheDir = String(o.cacheDir);
  if (o.retrain !== undefined) s.retrain = o.retrain === true;
  return s;
}

