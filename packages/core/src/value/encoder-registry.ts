import { InvalidArgumentError, describe } from '../errors.js';
import type { ParamLayout } from '../param-view.js';
import { MlpEncoder } from './mlp-encoder.js';
import { SetEncoder } from './set-encoder.js';
import type { EncoderConfig, EncoderKind, EncoderWeights, ValueEncoder } from './value-encoder.js';

export const ENCODER_KINDS: readonly EncoderKind[] = ['mlp', 'set'];

/** Rebuilds an encoder from its config, a layout and its weights (what a saved net holds). */
export function encoderFromConfig(config: EncoderConfig, layout: ParamLayout, weights: EncoderWeights): ValueEncoder {
  switch (config?.kind) {
    case 'mlp':
      return new MlpEncoder({ layout, hidden: config.hidden, activation: config.activation, weights });
    case 'set':
      return new SetEncoder({ layout, tokenHidden: config.tokenHidden, headHidden: config.headHidden, activation: config.activation, weights });
    default:
      throw new InvalidArgumentError('encoderFromConfig', 'config.kind', `one of ${ENCODER_KINDS.map((k) => `'${k}'`).join(', ')}`,
        describe((config as { kind?: unknown } | null)?.kind));
  }
}
