import type { FinetuneOptions } from '@metricopt/core';
import { UsageError } from '../../bench-config.js';
import type { TaskOption } from '../../registry.js';

/** The finetune knobs the synthetic suite exposes (METHOD.md defaults when a flag is absent). */
export type MethodKnobs = Pick<
  FinetuneOptions,
  'lambda' | 'sigma' | 'perturbations' | 'warmupRounds' | 'esLearningRate' | 'gp' | 'trust' | 'guide' | 'valueStep' | 'conflict' | 'mixing' | 'lossGroups' | 'groupRidge'
>;

export const METHOD_KNOB_OPTIONS: TaskOption[] = [
  { flags: '--lambda <l>', type: 'float', description: 'λ: weight of the norm-matched value gradient (default 3)' },
  { flags: '--sigma <s>', type: 'float', description: 'σ: perturbation size in normalised coordinates (default 0.1)' },
  { flags: '--perturbations <k>', type: 'int', description: 'K antithetic pairs per round, 2K + 1 metric calls (default 4)' },
  { flags: '--warmup-rounds <n>', type: 'int', description: 'rounds before V is trusted (default 3)' },
  { flags: '--es-lr <rate>', type: 'float', description: 'Adam learning rate of the es baseline (default 0.03)' },
  { flags: '--gp-window <n>', type: 'int', description: 'rounds the local GP is fitted on (default 30)' },
  { flags: '--gp-lengthscales <list>', type: 'list', description: 'GP lengthscale grid, multiples of the perturbation norm (default 2,5,20)' },
  { flags: '--gp-noise <list>', type: 'list', description: 'GP noise grid (default 0.1,0.3,1)' },
  { flags: '--gp-reselect-every <n>', type: 'int', description: 'search the GP grid every n-th fit only (default 1)' },
  { flags: '--gp-differences <kind>', type: 'string', description: "GP observations: centre (each perturbation − centre, default) or antithetic (+σε − −σε pairs)" },
  { flags: '--trust-ref <tau>', type: 'float', description: 'τ that earns full trust (default 0.25)' },
  { flags: '--trust-fixed <t>', type: 'float', description: 'constant trust after warm-up instead of the τ gate (ablation)' },
  { flags: '--trust-ema <w>', type: 'float', description: 'weight of the newest τ in trust’s moving average (default 0.2)' },
  { flags: '--guide-share <a>', type: 'float', description: 'guided exploration: share of each perturbation in the guide directions (default 0: isotropic)' },
  { flags: '--guide-directions <list>', type: 'list', description: 'guide directions: loss, value, step, groups (default loss,value)' },
  { flags: '--conflict <rule>', type: 'string', description: "the loss gradient's part V says hurts the metric: keep (default) or project" },
  { flags: '--mixing <rule>', type: 'string', description: 'how V and the loss combine: norm-matched (default) or loss-prior (V = c·(−L) + GP residual)' },
  { flags: '--loss-groups <kind>', type: 'string', description: "with --mixing loss-prior: 'label' fits one weight per class's loss (default: one weight for the whole loss)" },
  { flags: '--group-ridge <list>', type: 'list', description: 'with --loss-groups: ridge on each group weight’s deviation from the loss as given (default 1); several: chosen by marginal likelihood' },
  { flags: '--value-lr <rate>', type: 'float', description: "V's own Adam step in δ at full trust (default off: V mixed into the loss gradient)" },
  { flags: '--value-beta1 <b>', type: 'float', description: "momentum of V's own Adam step (default 0.9)" },
];

/** The finetune options set by the knob flags in `options` (only those given). */
export function resolveMethodKnobs(options: Record<string, unknown>): MethodKnobs {
  const knobs: MethodKnobs = {};
  const num = (key: string): number | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`--${kebab(key)} expects a number, got ${String(v)}`);
    return v;
  };
  const list = (key: string): number[] | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    const values = (v as string[]).map(Number);
    if (values.length === 0 || !values.every((x) => x > 0 && Number.isFinite(x))) {
      throw new UsageError(`--${kebab(key)} expects positive numbers like 2,5,20, got ${String(v)}`);
    }
    return values;
  };
  const set = <K extends keyof MethodKnobs>(k: K, v: MethodKnobs[K] | undefined) => {
    if (v !== undefined) knobs[k] = v;
  };
  set('lambda', num('lambda'));
  set('sigma', num('sigma'));
  set('perturbations', num('perturbations'));
  set('warmupRounds', num('warmupRounds'));
  set('esLearningRate', num('esLr'));
  const gp: NonNullable<MethodKnobs['gp']> = {};
  if (num('gpWindow') !== undefined) gp.window = num('gpWindow')!;
  if (list('gpLengthscales') !== undefined) gp.lengthscaleMultipliers = list('gpLengthscales')!;
  if (list('gpNoise') !== undefined) gp.noiseGrid = list('gpNoise')!;
  if (num('gpReselectEvery') !== undefined) gp.reselectEvery = num('gpReselectEvery')!;
  const differences = options.gpDifferences;
  if (differences !== undefined) {
    if (differences !== 'centre' && differences !== 'antithetic') throw new UsageError(`--gp-differences expects centre or antithetic, got ${String(differences)}`);
    gp.differences = differences;
  }
  if (Object.keys(gp).length > 0) knobs.gp = gp;
  const trust: NonNullable<MethodKnobs['trust']> = {};
  if (num('trustRef') !== undefined) trust.ref = num('trustRef')!;
  if (num('trustEma') !== undefined) trust.ema = num('trustEma')!;
  if (num('trustFixed') !== undefined) trust.fixed = num('trustFixed')!;
  if (Object.keys(trust).length > 0) knobs.trust = trust;
  const conflict = options.conflict;
  if (conflict !== undefined) {
    if (conflict !== 'keep' && conflict !== 'project') throw new UsageError(`--conflict expects keep or project, got ${String(conflict)}`);
    knobs.conflict = conflict;
  }
  const mixing = options.mixing;
  if (mixing !== undefined) {
    if (mixing !== 'norm-matched' && mixing !== 'loss-prior') throw new UsageError(`--mixing expects norm-matched or loss-prior, got ${String(mixing)}`);
    knobs.mixing = mixing;
  }
  const groups = options.lossGroups;
  if (groups !== undefined) {
    if (groups !== 'label') throw new UsageError(`--loss-groups expects label, got ${String(groups)}`);
    knobs.lossGroups = 'label';
  }
  const ridges = list('groupRidge');
  if (ridges !== undefined) knobs.groupRidge = ridges.length === 1 ? ridges[0]! : ridges;
  const valueLr = num('valueLr');
  if (valueLr !== undefined) knobs.valueStep = { learningRate: valueLr, ...(num('valueBeta1') !== undefined ? { beta1: num('valueBeta1')! } : {}) };
  const share = num('guideShare');
  if (share !== undefined) {
    const dirs = options.guideDirections as string[] | undefined;
    const known = ['loss', 'value', 'step', 'groups'];
    if (dirs !== undefined && !dirs.every((d) => known.includes(d))) {
      throw new UsageError(`--guide-directions expects some of ${known.join(',')}, got ${String(dirs)}`);
    }
    knobs.guide = { share, ...(dirs ? { directions: dirs as ('loss' | 'value' | 'step' | 'groups')[] } : {}) };
  }
  return knobs;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
