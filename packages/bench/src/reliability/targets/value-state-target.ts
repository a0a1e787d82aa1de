import fc from 'fast-check';
import { GlobalValueNet, MlpEncoder, Rng, ValueFunction, initBackend, type ParamLayout } from '@metricopt/core';
import type { FuzzTarget } from '../fuzz-target.js';
import { mutatedValue } from '../value-mutations.js';
import { finetuneProblem } from '../finetune-problem.js';
import { landscape } from './value-landscape.js';

const SOURCE = 'fuzzed value-function state';

interface ValueStateContext {
  layout: ParamLayout;
  /** States of a GP-only value function, one with loss slopes, and one whose global net trains online. */
  seeds: unknown[];
}

const gpOnly = () => new ValueFunction({ trust: { warmupRounds: 2 } });
const withGlobal = (layout: ParamLayout) =>
  new ValueFunction({
    global: new GlobalValueNet({ encoder: new MlpEncoder({ layout, hidden: [4], rng: new Rng(1) }), rng: new Rng(2), steps: 5 }),
    trainGlobalOnline: true,
    trust: { warmupRounds: 2 },
  });

/** ValueFunction.setState on mutated states (the object a checkpoint's `value` field holds), for each kind of value function. */
export const valueStateTarget: FuzzTarget<{ kind: number; state: unknown }, ValueStateContext> = {
  name: 'value-state',
  reader: 'ValueFunction.setState (GP, GP + slopes, global net online)',
  init: () => initBackend(),
  async setup() {
    const problem = finetuneProblem(20, 3);
    const layout = problem.params.layout;
    problem.model.dispose();
    const rounds = landscape(layout.size, 6, 4);
    const a = gpOnly();
    const b = gpOnly();
    const c = withGlobal(layout);
    for (const r of rounds) {
      a.addRound(r);
      b.addRound(r, { surrogateSlopes: [Float64Array.from(r.deltas[0]!, (v) => -v)] });
      c.addRound(r);
    }
    const seeds = [a, b, c].map((v) => JSON.parse(JSON.stringify(v.getState())) as unknown);
    c.dispose();
    return { layout, seeds };
  },
  // Each state is fed to either kind of value function (one that trains a global net online, or not).
  arbitrary: ({ seeds }) => fc.record({ kind: fc.nat(2), state: mutatedValue(seeds) }),
  async run({ kind, state }, { layout }) {
    const value = kind === 2 ? withGlobal(layout) : gpOnly();
    try {
      value.setState(state as never, SOURCE);
    } finally {
      value.dispose();
    }
  },
  names: () => [SOURCE],
};

