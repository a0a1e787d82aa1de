import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';

describe('the README example', () => {
  it('is examples/balanced-error.ts word for word, and runs both modes from the same φ₀', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('../examples/balanced-error.ts', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Example'));
    expect(/```ts\n([\s\S]*?)```/.exec(section)?.[1]).toBe(example);

    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      await import('../examples/balanced-error.js');
    } finally {
      log.mockRestore();
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^pretrained: test balanced error 0\.\d{4}$/);
    const parsed = lines.slice(1).map((l) => /^(loss|loss\+value): test balanced error (0\.\d{4}) \(best on the metric split (0\.\d{4}) at step (\d+), 271 metric calls\)$/.exec(l));
    expect(parsed.map((m) => m?.[1])).toEqual(['loss', 'loss+value']);
    // Printed as in the README's output block.
    const output = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    expect(output?.trim().split('\n')).toEqual(lines);
  }, 120_000);
});
