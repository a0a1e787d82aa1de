import { Writable } from 'node:stream';
import { runCli, type CliIo } from './program.js';
import type { PluginContext } from './plugins/cli-plugins.js';

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in-process and captures what it prints: `const { code, stdout } = await captureCli(['bench', 'demo'])`. */
export async function captureCli(argv: string[], plugins?: PluginContext): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr } as CliIo, plugins);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
