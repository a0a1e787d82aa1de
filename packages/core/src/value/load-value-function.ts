import { InvalidArgumentError, describe } from '../errors.js';
import type { ParamLayout } from '../param-view.js';
import { GlobalValueNet, type MetricIdentity } from './global-value-net.js';
import type { LocalGPOptions } from './local-gp.js';
import { ValueFunction, type ValueFunctionOptions } from './value-function.js';

export interface LoadValueFunctionOptions extends Omit<ValueFunctionOptions, 'global'> {
  /** φ's layout in the run that will use it (`params.layout`): checked against what the saved net can read. */
  layout: ParamLayout;
  /** The metric of that run (a Metric will do): must be the one the net was trained for, name and direction. */
  metric: MetricIdentity;
}

/**
 * A ValueFunction whose local GP has a saved (meta-trained) GlobalValueNet as its prior mean; the
 * GP keeps learning online from the run's own rounds. The saved net is refused — an
 * InvalidArgumentError naming the directory — when it was trained for another metric (name or
 * direction), or cannot read `layout`: an `mlp` net needs exactly its own layout; a `set` net
 * reads any layout with FiLM adapters (any number of layers and channels; the head and custom
 * segments are not read), and nothing without them. Broken files are FormatErrors.
 *
 * ```ts
 * const valueFunction = await loadValueFunction('meta/', { layout: params.layout, metric, trust: { warmupRounds: 3 } });
 * const run = await finetune({ model, params, metric, data, steps: 200, seed: 1, valueFunction });
 * valueFunction.dispose();
 * ```
 */
export async function loadValueFunction(dir: string, options: LoadValueFunctionOptions): Promise<ValueFunction> {
  const { layout, metric, ...rest } = options ?? ({} as LoadValueFunctionOptions);
  if (typeof layout !== 'object' || layout === null) throw new InvalidArgumentError('loadValueFunction', 'options.layout', "the run's ParamLayout (params.layout)", describe(layout));
  const net = await loadNet('loadValueFunction', dir, metric, layout);
  try {
    return new ValueFunction({ ...rest, global: net });
  } catch (err) {
    net.dispose();
    throw err;
  }
}

/**
 * Checks a saved value function before a run needs it — its files, its metric, and `layout` when
 * given — with loadValueFunction's errors, and keeps nothing: a bench can refuse a wrong one
 * before it pretrains anything.
 *
 * ```ts
 * await checkValueFunction('meta/', { metric: { name: 'balanced-error', higherIsBetter: false } });
 * ```
 */
export async function checkValueFunction(dir: string, options: { metric: MetricIdentity; layout?: ParamLayout }): Promise<void> {
  (await loadNet('checkValueFunction', dir, options?.metric, options?.layout)).dispose();
}

async function loadNet(fn: string, dir: string, metric: MetricIdentity | undefined, layout: ParamLayout | undefined): Promise<GlobalValueNet> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError(fn, 'dir', 'the directory of a saved value function', describe(dir));
  if (typeof metric !== 'object' || metric === null || typeof metric.name !== 'string' || typeof metric.higherIsBetter !== 'boolean') {
    throw new InvalidArgumentError(fn, 'options.metric', "the run's metric {name, higherIsBetter}", describe(metric));
  }
  try {
    return await GlobalValueNet.load(dir, { ...(layout !== undefined ? { layout } : {}), metric: { name: metric.name, higherIsBetter: metric.higherIsBetter } });
  } catch (err) {
    if (err instanceof InvalidArgumentError && err.fn === 'GlobalValueNet.load') {
      throw new InvalidArgumentError(fn, err.argument.replace(/^expect\./, 'options.'), `${err.expected} — the value function saved in ${dir} is refused`, err.got);
    }
    throw err;
  }
}

/**
 * The options finetune gives the value function it builds itself (local GP options, the trust
 * gate with its warm-up, τ on the perturbations for antithetic differences): pass them to
 * loadValueFunction so that a run with a loaded prior differs from a fresh one only by the prior.
 *
 * ```ts
 * const vf = await loadValueFunction(dir, { layout, metric, ...finetuneValueOptions({ warmupRounds: 3, gp: { reselectEvery: 5 } }) });
 * ```
 */
export function finetuneValueOptions(options: {
  warmupRounds?: number;
  gp?: Omit<LocalGPOptions, 'prior'>;
  trust?: { ref?: number; ema?: number; fixed?: number | null };
}): Omit<ValueFunctionOptions, 'global'> {
  return {
    local: { ...options.gp },
    trust: { ...options.trust, warmupRounds: options.warmupRounds ?? 3 },
    ...(options.gp?.differences === 'antithetic' ? { scoreOn: 'perturbations' as const } : {}),
  };
}
