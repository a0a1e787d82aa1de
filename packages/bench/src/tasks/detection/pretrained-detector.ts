import type * as tfl from '@tensorflow/tfjs-layers';
import { loadOrPretrain, type PretrainedEntry } from '@metricopt/core';

/** How pretraining went, stored beside the model. */
export interface PretrainInfo {
  /** Mean loss of the last steps (null without steps). */
  loss: number | null;
  seconds: number;
}

export type PretrainedDetector = PretrainedEntry<PretrainInfo>;

function isPretrainInfo(info: unknown): info is PretrainInfo {
  const i = info as Partial<PretrainInfo> | null | undefined;
  return (typeof i?.loss === 'number' || i?.loss === null) && typeof i.seconds === 'number';
}

/**
 * The pretrained detector for `config`: core's `loadOrPretrain` with entries named
 * `<cacheRoot>/detector-<key>/` (the detection cache also holds scenes), an entry without
 * well-formed pretraining info being trained again.
 */
export function loadOrPretrainDetector(options: {
  cacheRoot: string;
  config: Record<string, unknown>;
  build: () => tfl.LayersModel;
  train: (model: tfl.LayersModel) => Promise<PretrainInfo>;
  refresh?: boolean;
}): Promise<PretrainedDetector> {
  const { cacheRoot, config, build, train, refresh } = options;
  return loadOrPretrain({ namespace: 'detection', cacheDir: cacheRoot, entryPrefix: 'detector-', config, build, train, refresh, checkInfo: isPretrainInfo });
}
