import * as tfl from '@tensorflow/tfjs-layers';
import { cutPoint } from './cut-point.js';
import { runNodes } from './model-graph.js';

/**
 * A model cut in two LayersModels at a boundary layer: `head(trunk(x))` computes `model(x)`.
 * Both are rebuilt from the model's own layers, so they share its weights.
 */
export interface ModelCut {
  /** The frozen part: the model's input to the input of the boundary layer. */
  trunk: tfl.LayersModel;
  /** The boundary layer and every layer after it, on trunk features: what finetuning adapts. */
  head: tfl.LayersModel;
  /**
   * Gives back the cut's references on the shared layers and frees the layers only the cut has
   * (its new inputs and `headInput`). The model keeps its own: a weight is freed once both the
   * cut and the model are disposed, in either order. Later calls do nothing.
   */
  dispose(): void;
}

export interface CutModelOptions {
  /** New layers applied to the head's input before the boundary layer (e.g. a reshape); the cut owns them. */
  headInput?: tfl.layers.Layer[];
}

/**
 * Cuts a single-input, single-output model at the input of `boundary` into a trunk and a head
 * LayersModel, so trunk features can be computed once (and cached across methods) and the head
 * finetuned on them (METHOD.md §1). The boundary's input must be one tensor every path from the
 * input to the output goes through (a skip connection may not jump over it); the head may be
 * any graph after it. With boundary null the trunk is the identity and the head the whole model.
 * Use `cut.dispose()`, never `trunk.dispose()` or `head.dispose()`: they hold references on
 * the model's layers that only the cut may give back.
 *
 * ```ts
 * const cut = cutModel(model, 'block3_film');
 * const features = cut.trunk.predict(images);   // once per data set
 * finetune({ model: cut.head, ... });            // φ's variables are the model's
 * cut.dispose();
 * model.dispose();                               // frees every weight
 * ```
 */
export function cutModel(model: tfl.LayersModel, boundary: string | null, options: CutModelOptions = {}): ModelCut {
  const { input, output, cut, trunkNodes, headNodes } = cutPoint('cutModel', model, boundary);
  const headInput = options.headInput ?? [];
  // Both parts start from new inputs, so each applies the layers anew and holds a reference on them.
  const image = tfl.input({ shape: input.shape.slice(1) as number[], dtype: input.dtype, name: `${model.name}_trunk_input` });
  const [features] = runNodes(trunkNodes, new Map([[input.id, image]]), [cut]);
  const trunk = tfl.model({ inputs: image, outputs: features!, name: `${model.name}_trunk` });
  const fed = tfl.input({ shape: cut.shape.slice(1) as number[], dtype: cut.dtype, name: `${boundary ?? model.name}_features` });
  let x = fed;
  for (const layer of headInput) x = layer.apply(x) as tfl.SymbolicTensor;
  const [out] = runNodes(headNodes, new Map([[cut.id, x]]), [output]);
  const head = tfl.model({ inputs: fed, outputs: out!, name: `${model.name}_head` });
  let disposed = false;
  return {
    trunk,
    head,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      trunk.dispose();
      head.dispose();
    },
  };
}

