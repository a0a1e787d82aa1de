import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { FormatError, InvalidArgumentError, describe } from '../errors.js';
import { deserializeRound, type ObservationRound, type SerializedRound } from '../observation.js';
import type { ParamLayout } from '../param-view.js';
import { checkLayout } from './value-encoder.js';

export const TRAJECTORY_FORMAT = 'metricopt-trajectory';
export const TRAJECTORY_FORMAT_VERSION = 1;

/**
 * The first line of a trajectory file: what the run was, so that its rounds can be read (and
 * reused for meta-training) without the code that made them. See docs/trajectories.md.
 */
export interface TrajectoryHeader {
  format: typeof TRAJECTORY_FORMAT;
  version: number;
  /** The run's name, unique within its collection (e.g. 'synthetic-3'). */
  run: string;
  /** The bench task (or any source) that made it. */
  task: string;
  dataset: string;
  /** The metric the rounds observed; scores are its values, negated when lower is better. */
  metric: { name: string; higherIsBetter: boolean };
  /** What φ belongs to, in words (e.g. 'mlp 64-64', 'small-cnn'). */
  backbone: string;
  /** φ's layout: every round's points are δ in this layout. */
  layout: ParamLayout;
  /** How the run was made (mode, σ, learning rate, seed, steps, data subset, …): free-form JSON. */
  settings: Record<string, unknown>;
}

/** The header without its format fields (the writer adds them). */
export type TrajectoryHeaderInput = Omit<TrajectoryHeader, 'format' | 'version'>;

/** The last line: the run finished and wrote this many rounds. */
export interface TrajectoryEnd {
  end: true;
  rounds: number;
  /** Anything the source wants to keep about the finished run (e.g. its best metric). */
  summary?: Record<string, unknown>;
}

/** A complete trajectory as read back. */
export interface Trajectory {
  header: TrajectoryHeader;
  rounds: ObservationRound[];
  summary: Record<string, unknown> | null;
}

/** `missing`: no file; `partial`: a run that stopped before its end line (redo it); `complete`: usable. */
export type TrajectoryStatus = 'missing' | 'partial' | 'complete';

/**
 * Writes one run's trajectory as JSON lines — header, one round per line, then the end line —
 * appending and flushing (fsync) every line as it comes, so that a run killed midway leaves a
 * `partial` file (no end line), never a complete-looking one. `create` truncates an existing file.
 *
 * ```ts
 * const writer = await TrajectoryWriter.create('out/trajectories/synthetic-0.jsonl', { run: 'synthetic-0', task: 'synthetic',
 *   dataset: 'long-tailed', metric: { name: 'balanced-error', higherIsBetter: false }, backbone: 'mlp 64-64',
 *   layout: params.layout, settings: { mode: 'es', sigma: 0.1 } });
 * await finetune({ ...options, onRound: (info) => void writer.append(info.observation) });
 * await writer.finish({ best: run.best });
 * ```
 */
export class TrajectoryWriter {
  private queue: Promise<void> = Promise.resolve();
  private count = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly header: TrajectoryHeader,
    private readonly handle: FileHandle,
  ) {}

  /** Creates (or truncates) `path`, writes the header line and flushes it. */
  static async create(path: string, header: TrajectoryHeaderInput): Promise<TrajectoryWriter> {
    if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('TrajectoryWriter.create', 'path', 'a file path', describe(path));
    const full = checkHeaderInput('TrajectoryWriter.create', header);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'w');
    const writer = new TrajectoryWriter(path, full, handle);
    try {
      await writer.write(`${JSON.stringify(full)}\n`);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return writer;
  }

  /** Rounds written so far. */
  get rounds(): number {
    return this.count;
  }

  /** Appends one round and flushes it; calls are written in the order they were made. */
  async append(round: ObservationRound): Promise<void> {
    // Everything up to the enqueue runs synchronously, so calls keep their order without awaiting each.
    if (this.closed) throw new InvalidArgumentError('TrajectoryWriter.append', 'this', 'an open writer', 'a finished or aborted one');
    const line = roundLine(round, this.header, 'TrajectoryWriter.append');
    this.count++;
    return this.enqueue(line);
  }

  /** Writes the end line, flushes and closes: from here on the file reads as `complete`. */
  async finish(summary?: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new InvalidArgumentError('TrajectoryWriter.finish', 'this', 'an open writer', 'a finished or aborted one');
    const end: TrajectoryEnd = { end: true, rounds: this.count, ...(summary === undefined ? {} : { summary }) };
    this.closed = true;
    try {
      await this.enqueue(`${JSON.stringify(end)}\n`);
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without the end line: the file stays `partial` and will be redone. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await this.handle.close();
  }

  private enqueue(text: string): Promise<void> {
    const next = this.queue.then(() => this.write(text));
    // A failed write fails its own caller and every later one.
    this.queue = next;
    return next;
  }

  private async write(text: string): Promise<void> {
    await this.handle.write(text);
    await this.handle.datasync();
  }
}

/** Writes a whole trajectory at once (temporary file, fsync, rename): the file is complete or absent. */
export async function writeTrajectory(
  path: string,
  header: TrajectoryHeaderInput,
  rounds: readonly ObservationRound[],
  summary?: Record<string, unknown>,
): Promise<void> {
  const full = checkHeaderInput('writeTrajectory', header);
  if (!Array.isArray(rounds)) throw new InvalidArgumentError('writeTrajectory', 'rounds', 'an array of observation rounds', describe(rounds));
  const lines = [JSON.stringify(full), ...rounds.map((r) => roundLine(r, full, 'writeTrajectory').trimEnd())];
  const end: TrajectoryEnd = { end: true, rounds: rounds.length, ...(summary === undefined ? {} : { summary }) };
  lines.push(JSON.stringify(end));
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${lines.join('\n')}\n`);
}

/** Reads a complete trajectory; anything else (missing, partial, malformed) is a FormatError naming the file and line. */
export async function readTrajectory(path: string): Promise<Trajectory> {
  const parsed = parseTrajectory(await readText(path), path);
  if (parsed.status !== 'complete') {
    throw new FormatError(path, parsed.header === null
      ? 'incomplete: no whole header line (a run that stopped before it began)'
      : `incomplete: no end line after ${parsed.rounds.length} rounds (a run that stopped before it finished)`);
  }
  return { header: parsed.header!, rounds: parsed.rounds, summary: parsed.summary };
}

/**
 * What a resumed collection does with `path`: `missing` and `partial` runs are (re)done, `complete`
 * ones skipped. A file whose whole lines do not parse is a FormatError (it is not an interrupted
 * run: it is left for a person to look at).
 */
export async function trajectoryStatus(path: string): Promise<TrajectoryStatus> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return 'missing';
    throw new FormatError(path, `unreadable (${(err as { code?: string }).code ?? (err as Error).message})`, { cause: err });
  }
  return parseTrajectory(text, path).status;
}

/** Parses the text of a trajectory file: whole lines must be valid; a last line without its newline is a torn write (partial). */
function parseTrajectory(text: string, path: string): {
  status: 'partial' | 'complete';
  header: TrajectoryHeader | null;
  rounds: ObservationRound[];
  summary: Record<string, unknown> | null;
} {
  const lines = text.split('\n');
  // After the last '\n' comes '' for a whole file, or the torn fragment of an interrupted write.
  const torn = lines.pop() !== '';
  if (lines.length === 0) return { status: 'partial', header: null, rounds: [], summary: null };
  const header = parseHeader(parseLine(lines[0]!, path, 1), `${path}: line 1`);
  const rounds: ObservationRound[] = [];
  for (let i = 1; i < lines.length; i++) {
    const where = `${path}: line ${i + 1}`;
    const value = parseLine(lines[i]!, path, i + 1);
    if (typeof value === 'object' && value !== null && 'end' in value) {
      const end = value as Partial<TrajectoryEnd>;
      if (end.end !== true || end.rounds !== rounds.length) {
        throw new FormatError(where, `the end line must be {"end": true, "rounds": ${rounds.length}}, got ${JSON.stringify(value).slice(0, 80)}`);
      }
      if (i !== lines.length - 1 || torn) throw new FormatError(`${path}: line ${i + 2}`, 'nothing may follow the end line');
      const summary = end.summary;
      if (summary !== undefined && (typeof summary !== 'object' || summary === null || Array.isArray(summary))) {
        throw new FormatError(where, 'summary must be an object');
      }
      return { status: 'complete', header, rounds, summary: summary ?? null };
    }
    rounds.push(parseRound(value, header, where));
  }
  return { status: 'partial', header, rounds, summary: null };
}

function parseLine(line: string, path: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new FormatError(`${path}: line ${n}`, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

function parseHeader(value: unknown, where: string): TrajectoryHeader {
  const h = value as Partial<TrajectoryHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== TRAJECTORY_FORMAT) {
    throw new FormatError(where, `not a trajectory header (expected format '${TRAJECTORY_FORMAT}')`);
  }
  if (h.version !== TRAJECTORY_FORMAT_VERSION) {
    throw new FormatError(where, `trajectory format version ${JSON.stringify(h.version)} is not supported (this version reads ${TRAJECTORY_FORMAT_VERSION})`);
  }
  try {
    checkHeaderInput('readTrajectory', h as TrajectoryHeaderInput);
  } catch (err) {
    throw new FormatError(where, (err as Error).message, { cause: err });
  }
  return h as TrajectoryHeader;
}

function parseRound(value: unknown, header: TrajectoryHeader, where: string): ObservationRound {
  const deltas = (value as { deltas?: unknown } | null)?.deltas;
  if (Array.isArray(deltas) && !deltas.every((d) => Array.isArray(d) && d.every((v) => typeof v === 'number'))) {
    throw new FormatError(where, 'deltas must be arrays of numbers');
  }
  const round = deserializeRound(value, where);
  const size = header.layout.size;
  if (round.deltas[0]!.length !== size) throw new FormatError(where, `points must have the layout's size ${size}, got ${round.deltas[0]!.length}`);
  const sign = header.metric.higherIsBetter ? 1 : -1;
  if (round.scores.some((s, i) => s !== sign * round.metrics[i]!)) {
    throw new FormatError(where, `scores must be the metrics${sign < 0 ? ', negated (lower is better)' : ''}`);
  }
  return round;
}

function checkHeaderInput(fn: string, header: TrajectoryHeaderInput): TrajectoryHeader {
  const h = header as Partial<TrajectoryHeaderInput> | null;
  if (typeof h !== 'object' || h === null) throw new InvalidArgumentError(fn, 'header', 'a trajectory header object', describe(h));
  for (const key of ['run', 'task', 'dataset', 'backbone'] as const) {
    if (typeof h[key] !== 'string' || h[key].length === 0) throw new InvalidArgumentError(fn, `header.${key}`, 'a non-empty string', describe(h[key]));
  }
  const m = h.metric;
  if (typeof m !== 'object' || m === null || typeof m.name !== 'string' || typeof m.higherIsBetter !== 'boolean') {
    throw new InvalidArgumentError(fn, 'header.metric', '{name: string, higherIsBetter: boolean}', JSON.stringify(m));
  }
  const layout = checkLayout(fn, 'header.layout', h.layout);
  if (typeof h.settings !== 'object' || h.settings === null || Array.isArray(h.settings)) {
    throw new InvalidArgumentError(fn, 'header.settings', 'an object', describe(h.settings));
  }
  return {
    format: TRAJECTORY_FORMAT,
    version: TRAJECTORY_FORMAT_VERSION,
    run: h.run!,
    task: h.task!,
    dataset: h.dataset!,
    metric: { name: m.name, higherIsBetter: m.higherIsBetter },
    backbone: h.backbone!,
    layout,
    settings: h.settings,
  };
}

/** One round as a JSON line; δ values with 9 significant digits, which give back the same float32. */
function roundLine(round: ObservationRound, header: TrajectoryHeader, fn: string): string {
  const r = round as Partial<ObservationRound> | null;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.deltas) || r.deltas.length === 0 || !r.deltas.every((d) => d instanceof Float32Array)) {
    throw new InvalidArgumentError(fn, 'round', 'an ObservationRound (deltas: Float32Array[])', describe(r?.deltas));
  }
  if (r.deltas.some((d) => !d.every(Number.isFinite))) throw new InvalidArgumentError(fn, 'round.deltas', 'finite points', 'a NaN or infinite value');
  if (r.deltas.some((d) => d.length !== header.layout.size)) {
    throw new InvalidArgumentError(fn, 'round.deltas', `points of the layout's size ${header.layout.size}`, describe(r.deltas.find((d) => d.length !== header.layout.size)));
  }
  const line: SerializedRound = {
    round: round.round,
    step: round.step,
    deltas: round.deltas.map((d) => Array.from(d, (v) => Number(v.toPrecision(9)))),
    metrics: round.metrics,
    scores: round.scores,
    wholeSplit: round.wholeSplit,
  };
  return `${JSON.stringify(line)}\n`;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new FormatError(path, code === 'ENOENT' ? 'missing: no such trajectory file' : `unreadable (${code ?? (err as Error).message})`, { cause: err });
  }
}
