import cliProgress from 'cli-progress';

/**
 * Where a bench tells how far it is. The CLI gives a progress bar on a terminal, plain lines
 * otherwise, always on stderr (stdout is kept for results).
 */
export interface BenchReporter {
  /** A unit of work begins (e.g. one method on one seed) with `total` of `unit` (default 'steps'). */
  begin(label: string, total: number, unit?: string): void;
  /** `done` of the current unit's `total` steps; `info` is a short status (e.g. the loss). */
  progress(done: number, info?: string): void;
  /** The current unit ended; `summary` is one line about it. */
  end(summary?: string): void;
  /** A free line of information. */
  log(message: string): void;
}

/** Swallows everything (for tests and library use). */
export const silentReporter: BenchReporter = Object.freeze({
  begin() {},
  progress() {},
  end() {},
  log() {},
});

/** One line per begin/end/log on `stream` (no carriage returns: fit for logs and CI). */
export class LineReporter implements BenchReporter {
  private label = '';
  private started = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  begin(label: string, total: number, unit = 'steps'): void {
    this.label = label;
    this.started = performance.now();
    this.stream.write(`${label}: ${total} ${unit}\n`);
  }

  progress(): void {}

  end(summary?: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.label}: done in ${seconds} s${summary ? `, ${summary}` : ''}\n`);
  }

  log(message: string): void {
    this.stream.write(`${message}\n`);
  }
}

/** A cli-progress bar per unit of work, for a terminal. */
export class BarReporter implements BenchReporter {
  private bar: cliProgress.SingleBar | null = null;
  private label = '';

  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  begin(label: string, total: number, unit = 'steps'): void {
    this.stop();
    this.label = label;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `{label} [{bar}] {value}/{total} ${unit} {info}`,
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, total), 0, { label, info: '' });
  }

  progress(done: number, info = ''): void {
    this.bar?.update(done, { info });
  }

  end(summary?: string): void {
    this.stop();
    this.stream.write(`${this.label}${summary ? `: ${summary}` : ': done'}\n`);
  }

  log(message: string): void {
    if (this.bar === null) {
      this.stream.write(`${message}\n`);
      return;
    }
    // cli-progress redraws on the current line: clear it, print, and let the next update redraw.
    this.stream.write(`\r\x1b[K${message}\n`);
  }

  private stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** A bar when `stream` is a terminal, plain lines otherwise. */
export function createReporter(stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): BenchReporter {
  return stream.isTTY === true ? new BarReporter(stream) : new LineReporter(stream);
}
