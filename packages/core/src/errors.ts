/** The one base class of every error MetricOpt throws, so callers can catch the whole family. */
export class MetricOptError extends Error {
  override name = 'MetricOptError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An argument had the wrong type, shape or value. The message names the function, the argument, what was expected and what was got. */
export class InvalidArgumentError extends MetricOptError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly fn: string,
    readonly argument: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`'${argument}' passed to ${fn} must be ${expected}, got ${got}`);
  }
}

/** A metric call failed: it threw, returned a non-finite value, or ran past its timeout. */
export class MetricError extends MetricOptError {
  override name = 'MetricError';
  constructor(
    readonly metric: string,
    readonly step: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`metric '${metric}' at step ${step}: ${reason}`, options);
  }
}

export class MetricTimeoutError extends MetricError {
  override name = 'MetricTimeoutError';
  constructor(metric: string, step: number, readonly timeoutMs: number) {
    super(metric, step, `did not finish within ${timeoutMs} ms`);
  }
}

/** A checkpoint could not be written, read, or does not belong to this run. */
export class CheckpointError extends MetricOptError {
  override name = 'CheckpointError';
}

/** Training diverged: the loss or φ stopped being finite. The message names the step (and the checkpoint a resumed run started from). */
export class DivergenceError extends MetricOptError {
  override name = 'DivergenceError';
}

/** A compute backend was asked for and could not be loaded. */
export class BackendError extends MetricOptError {
  override name = 'BackendError';
}

/** A file or serialised object is malformed: the message names the input and what is wrong. */
export class FormatError extends MetricOptError {
  override name = 'FormatError';
  constructor(readonly input: string, reason: string, options?: { cause?: unknown }) {
    super(`${input}: ${reason}`, options);
  }
}

/** Describes a value for an error message: its type, and its length or shape when it has one. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : `${value} (not finite)`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as { length: number }).length}`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `a tensor of shape [${shape.join(', ')}]`;
  return typeof value;
}
