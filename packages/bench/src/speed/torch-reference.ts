import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@metricopt/core';
import type { SpeedModelName } from './speed-models.js';
import type { ThroughputRun } from './tfjs-throughput.js';

/** The Python the speed bench asks for PyTorch by default (Debian's, where `python3-torch` installs). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The PyTorch reference script shipped with this package (`python/` beside `src/` and `dist/`). */
export function torchScriptPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'python', 'speed_reference.py');
}

/** The glibc settings of `TorchReference.start(python, { tunedMalloc: true })`. */
export const TUNED_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 30),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
};

export interface TorchInfo {
  torch: string;
  /** torch.get_num_threads() before the script sets anything. */
  defaultThreads: number;
  python: string;
  mkldnn: boolean;
}

/**
 * The PyTorch side of the speed bench: one long-lived Python process running
 * python/speed_reference.py, asked for one timed run at a time (JSON lines), so Python's start-up
 * and `import torch` are paid once and runs can alternate with the tfjs ones.
 *
 * ```ts
 * const torch = await TorchReference.start();          // undefined reason when torch imports
 * if (torch.reference) { await torch.reference.run('cnn', { seconds: 3, threads: 1 }); torch.reference.close(); }
 * ```
 */
export class TorchReference {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly info: TorchInfo,
  ) {}

  /**
   * Starts the script; `reference` is undefined, with the reason, when Python or torch is missing.
   * `tunedMalloc`: glibc's malloc keeps freed blocks of any size instead of returning large ones
   * to the system (MALLOC_MMAP_THRESHOLD_), which spares PyTorch a page fault per fresh tensor page.
   */
  static async start(
    python = DEFAULT_PYTHON,
    options: { tunedMalloc?: boolean; script?: string } = {},
  ): Promise<{ reference?: TorchReference; reason?: string }> {
    if (!existsSync(python)) return { reason: `${python} not found` };
    const script = options.script ?? torchScriptPath();
    if (!existsSync(script)) return { reason: `the reference script ${script} is missing` };
    const env = options.tunedMalloc === true ? { ...process.env, ...TUNED_MALLOC_ENV } : process.env;
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    const reader = createInterface({ input: child.stdout });
    const lines = reader[Symbol.asyncIterator]();
    try {
      child.stdin.write(`${JSON.stringify({ op: 'info' })}\n`);
      const first = await Promise.race([lines.next(), failed]);
      const reply = first.done === true ? undefined : (JSON.parse(first.value) as Record<string, unknown>);
      if (reply?.ok !== true) {
        child.kill();
        const why = typeof reply?.error === 'string' ? reply.error : stderr.trim().split('\n').at(-1) ?? 'no reply';
        return { reason: `${python}: ${why}` };
      }
      return { reference: new TorchReference(child, lines, reply as unknown as TorchInfo) };
    } catch (err) {
      child.kill();
      return { reason: `${python}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** One timed stretch of `model`'s training steps in PyTorch with `threads` threads. */
  async run(model: SpeedModelName, options: { seconds: number; threads: number; minSteps?: number; seed?: number }): Promise<ThroughputRun & { threads: number }> {
    const { ok: _, ...run } = await this.ask({ op: 'run', model, ...options });
    return run as unknown as ThroughputRun & { threads: number };
  }

  /** The shapes of the PyTorch model's parameters, in order (to check it matches the tfjs one). */
  async shapes(model: SpeedModelName): Promise<number[][]> {
    return (await this.ask({ op: 'shapes', model })).shapes as number[][];
  }

  private async ask(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const next = await this.lines.next();
    if (next.done === true) throw new BackendError('the PyTorch reference script ended without a reply');
    const reply = JSON.parse(next.value) as Record<string, unknown>;
    if (reply.ok !== true) throw new BackendError(`the PyTorch reference script failed: ${String(reply.error)}`);
    return reply;
  }

  close(): void {
    this.child.stdin.end();
  }
}
