import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-write.js';
import { FormatError, describe } from '../errors.js';
import type { ParamLayout } from '../param-view.js';
import { ENCODER_KINDS } from './encoder-registry.js';
import { checkLayout, type EncoderConfig, type EncoderWeights, type ValueEncoder } from './value-encoder.js';

export const VALUE_NET_FORMAT = 'metricopt-global-value-net';
export const VALUE_NET_FORMAT_VERSION = 1;
const WEIGHTS_FILE = 'weights.bin';

/** metadata.json of a saved GlobalValueNet: everything but the weights. */
export interface ValueNetMetadata {
  format: typeof VALUE_NET_FORMAT;
  formatVersion: number;
  encoder: EncoderConfig;
  /** The layout the net was trained on (a `set` encoder can be loaded for another one). */
  layout: ParamLayout;
  metric: { name: string; higherIsBetter: boolean } | null;
  /** Score units per unit of raw V (the least-squares fit to within-round differences). */
  calibration: number;
  /** V(δ) = calibration · encoder(δ / inputScale); null before the first training. */
  normalisation: { inputScale: number | null };
}


/** Writes model.json (tfjs weightsManifest) + weights.bin, then metadata.json last, each atomically. */
export async function writeValueNet(dir: string, encoder: ValueEncoder, metadata: ValueNetMetadata): Promise<void> {
  await mkdir(dir, { recursive: true });
  const named = encoder.weightNames.map((name, i) => ({ name, tensor: encoder.variables[i]! as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(await new Blob(data).arrayBuffer());
  const model = {
    format: VALUE_NET_FORMAT,
    generatedBy: '@metricopt/core',
    convertedBy: null,
    modelTopology: { encoder: encoder.getConfig() },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(model, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
}

/** Reads and checks a saved net's metadata and weights (float32 weights in the tfjs manifest format). */
export async function readValueNet(dir: string): Promise<{ metadata: ValueNetMetadata; weights: EncoderWeights }> {
  const metadata = parseMetadata(await readJson(join(dir, 'metadata.json')), join(dir, 'metadata.json'));
  const modelPath = join(dir, 'model.json');
  const model = (await readJson(modelPath)) as { weightsManifest?: unknown };
  const manifest = model?.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) throw new FormatError(modelPath, 'expected a non-empty weightsManifest array');
  // No prototype: a weight named '__proto__' is just an unknown name, refused later, not a prototype.
  const weights: EncoderWeights = Object.create(null) as EncoderWeights;
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    const paths = group?.paths;
    const specs = group?.weights;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && /^[\w.-]+$/.test(p)) || !Array.isArray(specs)) {
      throw new FormatError(modelPath, 'each weightsManifest group needs paths (plain file names in this directory) and weights');
    }
    if (new Set(paths).size !== paths.length) throw new FormatError(modelPath, `a weightsManifest group names a file twice: ${paths.join(', ').slice(0, 200)}`);
    const shards: Uint8Array[] = [];
    for (const p of paths as string[]) shards.push(await readBytes(join(dir, p)));
    const buffer = Buffer.concat(shards);
    let offset = 0;
    for (const spec of specs as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }[]) {
      const shape = spec?.shape;
      if (typeof spec?.name !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new FormatError(modelPath, `a weight spec needs a name and an integer shape, got name ${describe(spec?.name)} and shape ${describe(shape)}`);
      }
      if (Object.hasOwn(weights, spec.name)) throw new FormatError(modelPath, `weight '${spec.name.slice(0, 80)}' is listed twice`);
      if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
        throw new FormatError(modelPath, `weight '${spec.name.slice(0, 80)}' must be unquantised float32, got ${describe(spec.dtype)}`);
      }
      const size = (shape as number[]).reduce((a, b) => a * b, 1);
      if (offset + 4 * size > buffer.length) {
        throw new FormatError(join(dir, paths.join('+')), `too short: weight '${spec.name}' needs bytes ${offset}–${offset + 4 * size}, the file has ${buffer.length}`);
      }
      weights[spec.name] = new Float32Array(buffer.buffer.slice(buffer.byteOffset + offset, buffer.byteOffset + offset + 4 * size));
      offset += 4 * size;
    }
    if (offset !== buffer.length) {
      throw new FormatError(join(dir, paths.join('+')), `holds ${buffer.length} bytes, the manifest describes ${offset}`);
    }
  }
  return { metadata, weights };
}

function parseMetadata(json: unknown, source: string): ValueNetMetadata {
  const m = json as Partial<ValueNetMetadata> | null;
  if (typeof m !== 'object' || m === null || m.format !== VALUE_NET_FORMAT) {
    throw new FormatError(source, `not a saved GlobalValueNet (expected format '${VALUE_NET_FORMAT}')`);
  }
  if (m.formatVersion !== VALUE_NET_FORMAT_VERSION) {
    throw new FormatError(source, `format version ${describe(m.formatVersion)} is not supported (this version reads ${VALUE_NET_FORMAT_VERSION})`);
  }
  if (typeof m.encoder !== 'object' || m.encoder === null || !ENCODER_KINDS.includes(m.encoder.kind)) {
    throw new FormatError(source, `encoder.kind must be one of ${ENCODER_KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(m.encoder?.kind)}`);
  }
  try {
    checkLayout('GlobalValueNet.load', 'layout', m.layout);
  } catch (err) {
    throw new FormatError(source, (err as Error).message, { cause: err });
  }
  const metric = m.metric;
  if (metric !== null && (typeof metric !== 'object' || typeof metric?.name !== 'string' || typeof metric.higherIsBetter !== 'boolean')) {
    throw new FormatError(source, 'metric must be null or {name: string, higherIsBetter: boolean}');
  }
  if (typeof m.calibration !== 'number' || !Number.isFinite(m.calibration)) throw new FormatError(source, 'calibration must be a finite number');
  const inputScale = m.normalisation?.inputScale;
  if (inputScale !== null && !(typeof inputScale === 'number' && inputScale > 0 && Number.isFinite(inputScale))) {
    throw new FormatError(source, 'normalisation.inputScale must be null or a positive number');
  }
  return m as ValueNetMetadata;
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new FormatError(path, code === 'ENOENT' ? 'missing: not a complete saved GlobalValueNet' : `unreadable (${code ?? (err as Error).message})`, { cause: err });
  }
}

async function readJson(path: string): Promise<unknown> {
  const bytes = await readBytes(path);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatError(path, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
