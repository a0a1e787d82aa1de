import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** One application of a layer in a model's graph (tfjs-layers' `Node`, which it does not export by name). */
export type LayerNode = tfl.layers.Layer['inboundNodes'][number];

type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** The node that produced a symbolic tensor. */
export function producerOf(t: tfl.SymbolicTensor): LayerNode {
  const node = t.sourceLayer.inboundNodes[t.nodeIndex];
  if (node === undefined) throw new Error(`tensor ${t.name} has no producing node in layer ${t.sourceLayer.name}`);
  return node;
}

/** A node with no inbound layers is an input layer's: a source of the graph. */
export function isSourceNode(node: LayerNode): boolean {
  return node.inboundLayers.length === 0;
}

/**
 * The nodes needed to compute `outputs`, in topological order, found by walking back from them;
 * the walk stops at tensors whose id is in `stopAt`. `sources` are the graph inputs it reached.
 */
export function nodesFor(
  outputs: tfl.SymbolicTensor[],
  stopAt: ReadonlySet<number> = new Set(),
): { nodes: LayerNode[]; sources: tfl.SymbolicTensor[] } {
  const nodes: LayerNode[] = [];
  const seen = new Set<LayerNode>();
  const sources = new Map<number, tfl.SymbolicTensor>();
  // Iterative post-order DFS: deep graphs must not hit the call-stack limit.
  const stack: { node: LayerNode; expanded: boolean }[] = [];
  const push = (t: tfl.SymbolicTensor) => {
    if (stopAt.has(t.id)) return;
    const node = producerOf(t);
    if (isSourceNode(node)) {
      sources.set(t.id, t);
      return;
    }
    if (!seen.has(node)) stack.push({ node, expanded: false });
  };
  outputs.forEach(push);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (seen.has(top.node)) {
      stack.pop();
      continue;
    }
    if (top.expanded) {
      stack.pop();
      seen.add(top.node);
      nodes.push(top.node);
      continue;
    }
    top.expanded = true;
    for (let i = top.node.inputTensors.length - 1; i >= 0; i--) push(top.node.inputTensors[i]!);
  }
  return { nodes, sources: [...sources.values()] };
}

/** The model's layers in topological order of their first use, input layers included. */
export function layersInOrder(model: tfl.LayersModel): tfl.layers.Layer[] {
  const out: tfl.layers.Layer[] = [];
  const seen = new Set<tfl.layers.Layer>();
  const add = (l: tfl.layers.Layer) => {
    if (!seen.has(l)) {
      seen.add(l);
      out.push(l);
    }
  };
  for (const t of model.inputs) add(t.sourceLayer);
  for (const n of nodesFor(model.outputs).nodes) add(n.outboundLayer);
  return out;
}

/**
 * Runs `nodes` (in topological order) from the tensors in `feeds` (keyed by symbolic tensor id)
 * and returns the values of `outputs`. With concrete tensors it computes eagerly (call inside
 * `tf.tidy`: the intermediate tensors are not disposed here); with symbolic ones it rebuilds
 * the graph on new inputs, adding a node (and a reference) to each layer. `training` undefined
 * keeps each node's own call arguments.
 */
export function runNodes<T extends tf.Tensor | tfl.SymbolicTensor>(
  nodes: LayerNode[],
  feeds: ReadonlyMap<number, T>,
  outputs: tfl.SymbolicTensor[],
  training?: boolean,
): T[] {
  const values = new Map(feeds);
  for (const node of nodes) {
    const ins = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (v === undefined) throw new Error(`no value for ${t.name}, the input of layer ${node.outboundLayer.name}`);
      return v;
    });
    // Masks recorded at build time (or left there by a tfjs execute) belong to the old graph.
    const { mask: _mask, ...callArgs } = (node.callArgs ?? {}) as Kwargs;
    const args = training === undefined ? callArgs : { ...callArgs, training };
    const out = node.outboundLayer.apply((ins.length === 1 ? ins[0]! : ins) as tf.Tensor | tf.Tensor[], args);
    const list = (Array.isArray(out) ? out : [out]) as T[];
    node.outputTensors.forEach((t, i) => values.set(t.id, list[i]!));
  }
  return outputs.map((t) => {
    const v = values.get(t.id);
    if (v === undefined) throw new Error(`no value for output ${t.name}`);
    return v;
  });
}
