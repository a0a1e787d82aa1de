import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from './atomic-write.js';
import { FormatError, InvalidArgumentError, MetricOptError, describe } from './errors.js';
import { FiLM } from './params/film-layer.js';
import { resolveInside } from './safe-path.js';

/** The two files a saved model is made of, in its directory. */
export const MODEL_JSON = 'model.json';
export const MODEL_WEIGHTS = 'weights.bin';

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/**
 * A tf.io handler that saves a model as `model.json` + `weights.bin` in `dir` (the TensorFlow.js
 * layers format, one weights file) and loads it back: what tfjs-node's `file://` handler does,
 * without tfjs-node. Each file is written atomically, weights first, so a `model.json` that exists
 * always has its weights beside it.
 *
 * ```ts
 * await model.save(fileHandler('/tmp/cnn'));                        // writes model.json, weights.bin
 * const again = await tfl.loadLayersModel(fileHandler('/tmp/cnn'));
 * ```
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError('fileHandler', 'dir', 'a directory path', describe(dir));
  }
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (!(artifacts.modelTopology !== null && typeof artifacts.modelTopology === 'object') || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new InvalidArgumentError('fileHandler.save', 'artifacts.modelTopology', 'a JSON model topology', describe(artifacts.modelTopology));
      }
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${MODEL_WEIGHTS}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      await writeFileAtomic(join(dir, MODEL_WEIGHTS), new Uint8Array(weights));
      await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const jsonPath = join(dir, MODEL_JSON);
      const modelJson = parseModelJson(jsonPath, await readOrFail(jsonPath));
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const paths = manifest.flatMap((group) => group.paths);
        if (paths.length !== 1) {
          throw new FormatError(jsonPath, `expected one weights file in weightsManifest, got ${paths.length} (${paths.join(', ')})`);
        }
        // The manifest names its weights file; it may not lead out of the model's directory.
        const weightsPath = resolveInside(dir, paths[0], `${jsonPath}: weightsManifest paths[0]`);
        const bytes = await readOrFail(weightsPath);
        const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(jsonPath, s), 0);
        if (bytes.length !== expected) {
          throw new FormatError(weightsPath, `has ${bytes.length} bytes, but ${jsonPath} describes ${expected} bytes of weights (truncated or from another model)`);
        }
        // A fresh ArrayBuffer: the Buffer's may be a shared pool larger than the file.
        const copy = new Uint8Array(bytes.length);
        copy.set(bytes);
        return [specs, copy.buffer];
      });
    },
  };
}

/**
 * Saves a LayersModel to `dir` as `model.json` + `weights.bin` (see fileHandler).
 *
 * ```ts
 * await saveModel(model, `${cacheDir}/cnn-3f2a`);
 * ```
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  if (!(model instanceof tfl.LayersModel)) throw new InvalidArgumentError('saveModel', 'model', 'a tf.LayersModel', describe(model));
  await model.save(fileHandler(dir));
}

/**
 * Loads a LayersModel saved by saveModel (or any single-weights-file layers model); FiLM layers
 * are recognised. A missing, truncated or malformed file is a FormatError naming it.
 *
 * ```ts
 * const model = await loadModel(`${cacheDir}/cnn-3f2a`);
 * model.getLayer('block3_film').getClassName();   // 'FiLM'
 * ```
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  // The class must be in tfjs's registry for deserialisation; registering again is harmless.
  tf.serialization.registerClass(FiLM);
  const handler = fileHandler(dir);
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await tfl.loadLayersModel(handler);
  } catch (err) {
    // A topology that fails half-way leaves the variables of the layers it built: free them.
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
    if (err instanceof MetricOptError) throw err;
    const reason = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]!.slice(0, 300)}` : String(err);
    throw new FormatError(join(dir, MODEL_JSON), `is not a loadable TensorFlow.js layers model (${reason})`, { cause: err });
  }
}

async function readOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FormatError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`, { cause: err });
  }
}

function parseModelJson(path: string, bytes: Buffer): tf.io.ModelJSON {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatError(path, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const json = value as Partial<tf.io.ModelJSON>;
  if (json === null || typeof json !== 'object' || json.modelTopology === null || typeof json.modelTopology !== 'object') {
    throw new FormatError(path, 'has no modelTopology object: not a TensorFlow.js layers model');
  }
  if (!Array.isArray(json.weightsManifest) || !json.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) {
    throw new FormatError(path, 'has no valid weightsManifest (a list of { paths, weights })');
  }
  json.weightsManifest.forEach((group, g) => {
    group.paths.forEach((p, i) => {
      if (typeof p !== 'string') throw new FormatError(path, `weightsManifest[${g}].paths[${i}] must be a file name, got ${describe(p)}`);
    });
    group.weights.forEach((spec, i) => checkWeightSpec(path, spec, `weightsManifest[${g}].weights[${i}]`));
  });
  return json as tf.io.ModelJSON;
}

/** One weights-manifest entry: a name, a dtype and a shape of non-negative integers (so sizes can be computed before reading). */
function checkWeightSpec(path: string, spec: unknown, at: string): void {
  const s = spec as Partial<tf.io.WeightsManifestEntry> | null;
  if (s === null || typeof s !== 'object') throw new FormatError(path, `${at} must be an object { name, shape, dtype }, got ${describe(spec)}`);
  if (typeof s.name !== 'string') throw new FormatError(path, `${at}.name must be a string, got ${describe(s.name)}`);
  if (typeof s.dtype !== 'string') throw new FormatError(path, `${at}.dtype must be a string, got ${describe(s.dtype)}`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError(path, `${at}.shape must be a list of non-negative integers, got ${describe(s.shape)}`);
  }
  const q = s.quantization as unknown;
  if (q !== undefined && (q === null || typeof q !== 'object')) throw new FormatError(path, `${at}.quantization must be an object, got ${describe(q)}`);
}

function bytesPerElement(path: string, spec: tf.io.WeightsManifestEntry): number {
  const size = spec.quantization === undefined ? BYTES_PER_ELEMENT[spec.dtype] : spec.quantization.dtype === 'float16' ? 2 : spec.quantization.dtype === 'uint16' ? 2 : 1;
  if (size === undefined) throw new FormatError(path, `weight '${spec.name}' has dtype '${spec.dtype}', which this loader does not read`);
  return size;
}
