import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { layersInOrder, nodesFor } from './model-graph.js';

// A diamond: in → a → (b, c) → add → out.
function diamond() {
  const input = tfl.input({ shape: [2], name: 'in' });
  const a = tfl.layers.dense({ name: 'a', units: 2 }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.dense({ name: 'b', units: 2 }).apply(a) as tfl.SymbolicTensor;
  const c = tfl.layers.dense({ name: 'c', units: 2 }).apply(a) as tfl.SymbolicTensor;
  const add = tfl.layers.add({ name: 'add' }).apply([b, c]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 1 }).apply(add) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs: input, outputs: out }), a, add };
}

describe('nodesFor', () => {
  it('lists each node once, every node after the nodes it reads', () => {
    const { model } = diamond();
    const order = nodesFor(model.outputs).nodes.map((n) => n.outboundLayer.name);
    expect(order).toHaveLength(5);
    const at = (l: string) => order.indexOf(l);
    expect(at('a')).toBeLessThan(at('b'));
    expect(at('a')).toBeLessThan(at('c'));
    expect(Math.max(at('b'), at('c'))).toBeLessThan(at('add'));
    expect(at('add')).toBeLessThan(at('out'));
    expect(layersInOrder(model).map((l) => l.name)[0]).toBe('in');
    model.dispose();
  });

  it('stops at the given tensors and reports the graph inputs it reached', () => {
    const { model, a, add } = diamond();
    const fromA = nodesFor(model.outputs, new Set([a.id]));
    expect(fromA.nodes.map((n) => n.outboundLayer.name).sort()).toEqual(['add', 'b', 'c', 'out']);
    expect(fromA.sources).toHaveLength(0);
    const upToAdd = nodesFor([add]);
    expect(upToAdd.sources.map((s) => s.sourceLayer.name)).toEqual(['in']);
    model.dispose();
  });
});
