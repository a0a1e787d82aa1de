import { EMBEDDING_ARCHITECTURES, type EmbeddingArchitecture, type EmbeddingFilm } from '@metricopt/retrieval';
import { UsageError } from '../../bench-config.js';
import { isPositiveInt, optionValues } from '../../task-option-values.js';
import type { BenchConfig, TaskOption } from '../../registry.js';

/** The knobs of the retrieval suite (CLI: `--pretrain-steps 300`, `--glyph-samples 16`, …). */
export interface RetrievalSettings {
  steps: number;
  /** Share of the non-test classes held out as metric classes (their samples halved into the metric split and its twin). */
  metricFraction: number;
  /** Share of the classes kept unseen for testing, where the dataset has no convention (glyphs). */
  testFraction: number;
  /** At most this many test images per class (null: all). */
  testPerClass: number | null;
  dim: number;
  architecture: EmbeddingArchitecture | null;
  filters: [number, number] | null;
  units: number | null;
  widths: number[] | null;
  film: EmbeddingFilm;
  pretrainLoss: 'contrastive' | 'triplet';
  pretrainSteps: number;
  pretrainClasses: number;
  pretrainLearningRate: number;
  learningRate: number;
  /** Finetune batch, in groups of `samplesPerClass` images of one class (24 × 4 = 96 images a step). */
  batchSize: number;
  samplesPerClass: number;
  groupings: number;
  observeEvery: number;
  /** Glyphs: images per class, faces a class needs, and a spread subset of the inventory (null: all classes). */
  glyphSamples: number;
  glyphMinFaces: number;
  glyphClasses: number | null;
  /** CUB, Cars196, SOP: decoded image side, images kept per class, classes kept. */
  imageSize: number;
  perClass: number | null;
  maxClasses: number | null;
  /** Where rendered glyphs and pretrained models are cached (null: $METRICOPT_CACHE or ~/.cache/metricopt). */
  cacheDir: string | null;
  retrain: boolean;
}

export const DEFAULT_RETRIEVAL_SETTINGS: Readonly<RetrievalSettings> = Object.freeze({
  steps: 200,
  metricFraction: 0.25,
  testFraction: 0.3,
  testPerClass: null,
  dim: 64,
  architecture: null,
  filters: [8, 16] as [number, number],
  units: null,
  widths: null,
  film: 'last' as EmbeddingFilm,
  pretrainLoss: 'contrastive' as const,
  pretrainSteps: 300,
  pretrainClasses: 16,
  pretrainLearningRate: 1e-3,
  learningRate: 1e-3,
  batchSize: 24,
  samplesPerClass: 4,
  groupings: 4,
  observeEvery: 10,
  glyphSamples: 16,
  glyphMinFaces: 4,
  glyphClasses: null,
  imageSize: 32,
  perClass: null,
  maxClasses: null,
  cacheDir: null,
  retrain: false,
});

export const RETRIEVAL_OPTIONS: TaskOption[] = [
  { flags: '--metric-fraction <f>', type: 'float', description: 'share of the non-test classes held out as metric classes (default 0.25)' },
  { flags: '--test-fraction <f>', type: 'float', description: 'share of the classes kept unseen for testing, glyphs (default 0.3; other datasets use their own test classes)' },
  { flags: '--test-per-class <n>', type: 'int', description: 'at most n test images per class (default: all)' },
  { flags: '--dim <n>', type: 'int', description: 'embedding width (default 64)' },
  { flags: '--architecture <name>', type: 'string', description: `${EMBEDDING_ARCHITECTURES.join(' | ')} (default: small-cnn for gray images, small-resnet for colour)` },
  { flags: '--filters <f1,f2>', type: 'list', description: 'small-cnn: filters of its two convolutions (default 8,16)' },
  { flags: '--units <n>', type: 'int', description: 'small-cnn: width of the feature layer (default 64)' },
  { flags: '--widths <list>', type: 'list', description: 'small-resnet: one residual block per width (default 16,32,64)' },
  { flags: '--film <layers>', type: 'list', description: "FiLM layers adapted with the projection: 'last' (default), 'none', or names" },
  { flags: '--pretrain-loss <name>', type: 'string', description: 'contrastive (default) | triplet: the pretraining loss, also the finetune loss of loss/metricopt' },
  { flags: '--pretrain-steps <n>', type: 'int', description: 'pretraining steps on M-per-class batches (default 300)' },
  { flags: '--pretrain-classes <n>', type: 'int', description: 'classes per pretraining batch, 4 images each (default 16)' },
  { flags: '--pretrain-lr <rate>', type: 'float', description: 'pretraining Adam learning rate (default 1e-3)' },
  { flags: '--lr <rate>', type: 'float', description: 'finetune Adam learning rate (default 1e-3)' },
  { flags: '--batch-size <n>', type: 'int', description: 'finetune batch in groups of --samples-per-class images of one class (default 24)' },
  { flags: '--samples-per-class <n>', type: 'int', description: 'M: images of one class per group in finetune batches (default 4)' },
  { flags: '--groupings <n>', type: 'int', description: 'independent M-per-class groupings of the training split stacked (default 4)' },
  { flags: '--observe-every <n>', type: 'int', description: 'steps between observation rounds (default 10)' },
  { flags: '--glyph-samples <n>', type: 'int', description: 'glyphs: images per character class (default 16)' },
  { flags: '--glyph-min-faces <n>', type: 'int', description: 'glyphs: font faces a character needs to be a class (default 4)' },
  { flags: '--glyph-classes <n>', type: 'int', description: 'glyphs: use n classes spread over the inventory (default: all, ~700)' },
  { flags: '--image-size <n>', type: 'int', description: 'cub/cars/sop: images resized to n×n (default 32)' },
  { flags: '--per-class <n>', type: 'int', description: 'images kept per class (fashion-mnist default 1000; cub/cars/sop default all)' },
  { flags: '--max-classes <n>', type: 'int', description: 'cub/cars/sop: keep n classes, half train half test (SOP has 22,634)' },
  { flags: '--cache-dir <dir>', type: 'string', description: 'where glyphs and pretrained models are cached (default $METRICOPT_CACHE or ~/.cache/metricopt)' },
  { flags: '--retrain', type: 'boolean', description: 'pretrain again and replace the cached model' },
];

/** The settings of a run: defaults, then the CLI's. */
export function resolveRetrievalSettings(config: Pick<BenchConfig, 'steps' | 'options'>): RetrievalSettings {
  const o = config.options;
  const s: RetrievalSettings = { ...DEFAULT_RETRIEVAL_SETTINGS };
  if (config.steps !== undefined) s.steps = config.steps;
  const { num, ints } = optionValues(o);
  const posInt = isPositiveInt;
  const fraction = (v: number) => v > 0 && v < 1;
  s.metricFraction = num('metricFraction', fraction, 'a fraction in (0, 1)') ?? s.metricFraction;
  s.testFraction = num('testFraction', fraction, 'a fraction in (0, 1)') ?? s.testFraction;
  s.testPerClass = num('testPerClass', posInt, 'a positive integer') ?? s.testPerClass;
  s.dim = num('dim', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.dim;
  s.units = num('units', posInt, 'a positive integer') ?? s.units;
  s.pretrainSteps = num('pretrainSteps', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0') ?? s.pretrainSteps;
  s.pretrainClasses = num('pretrainClasses', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.pretrainClasses;
  s.pretrainLearningRate = num('pretrainLr', (v) => v > 0, 'a positive number') ?? s.pretrainLearningRate;
  s.learningRate = num('lr', (v) => v > 0, 'a positive number') ?? s.learningRate;
  s.batchSize = num('batchSize', posInt, 'a positive integer') ?? s.batchSize;
  s.samplesPerClass = num('samplesPerClass', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.samplesPerClass;
  s.groupings = num('groupings', posInt, 'a positive integer') ?? s.groupings;
  s.observeEvery = num('observeEvery', posInt, 'a positive integer') ?? s.observeEvery;
  s.glyphSamples = num('glyphSamples', (v) => Number.isInteger(v) && v >= 4, 'an integer ≥ 4') ?? s.glyphSamples;
  s.glyphMinFaces = num('glyphMinFaces', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.glyphMinFaces;
  s.glyphClasses = num('glyphClasses', (v) => Number.isInteger(v) && v >= 8, 'an integer ≥ 8') ?? s.glyphClasses;
  s.imageSize = num('imageSize', (v) => Number.isInteger(v) && v >= 8, 'an integer ≥ 8') ?? s.imageSize;
  s.perClass = num('perClass', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.perClass;
  s.maxClasses = num('maxClasses', (v) => Number.isInteger(v) && v >= 8, 'an integer ≥ 8') ?? s.maxClasses;
  const filters = ints('filters', 2);
  if (filters) s.filters = [filters[0]!, filters[1]!];
  s.widths = ints('widths') ?? s.widths;
  if (o.architecture !== undefined) {
    if (!(EMBEDDING_ARCHITECTURES as readonly unknown[]).includes(o.architecture)) {
      throw new UsageError(`--architecture expects one of ${EMBEDDING_ARCHITECTURES.join(', ')}, got ${String(o.architecture)}`);
    }
    s.architecture = o.architecture as EmbeddingArchitecture;
  }
  if (o.pretrainLoss !== undefined) {
    if (o.pretrainLoss !== 'contrastive' && o.pretrainLoss !== 'triplet') throw new UsageError(`--pretrain-loss expects contrastive or triplet, got ${String(o.pretrainLoss)}`);
    s.pretrainLoss = o.pretrainLoss;
  }
  if (o.film !== undefined) {
    const film = o.film as string[];
    s.film = film.length === 1 && (film[0] === 'last' || film[0] === 'none') ? film[0] : [...film];
  }
  if (o.cacheDir !== undefined) s.cacheDir = String(o.cacheDir);
  if (o.retrain !== undefined) s.retrain = o.retrain === true;
  return s;
}

