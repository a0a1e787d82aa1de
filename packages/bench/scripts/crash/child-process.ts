import { fork, type ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Wall time from spawn to exit (ms). */
  ms: number;
}

export interface Child {
  proc: ChildProcess;
  /** Resolves when the process has exited (killed or not). */
  exited: Promise<ChildExit>;
  /** Calls `fn` for every IPC message until it returns true. */
  onMessage(fn: (message: Record<string, unknown>) => boolean | void): void;
  kill(): void;
}

/** Starts `script` in a child Node process with an IPC channel (TypeScript through tsx when it ends in .ts). */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const started = performance.now();
  const proc = fork(script, args, {
    execArgv: script.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<ChildExit>((resolve) => {
    proc.on('exit', (code, signal) => {
      // stderr may still be draining: give it a moment.
      setTimeout(() => resolve({ code, signal, stderr, ms: performance.now() - started }), 20);
    });
  });
  return {
    proc,
    exited,
    onMessage(fn) {
      const listener = (m: unknown) => {
        if (typeof m === 'object' && m !== null && fn(m as Record<string, unknown>) === true) proc.off('message', listener);
      };
      proc.on('message', listener);
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}
