import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The source of an ESM module exporting plain-object tasks named `names` (what a task package's dist/bench-task.js looks like). */
export function taskModuleSource(names: readonly string[], exportAs: 'named' | 'default' | 'benchTasks' = 'named'): string {
  const task = (name: string) => `{
  name: ${JSON.stringify(name)},
  description: 'fixture task ${name}',
  datasets: ['tiny', 'other'],
  metrics: ['score'],
  defaultMethods: ['loss'],
  methods: ['loss', 'metricopt'],
  options: [{ flags: '--knob <n>', type: 'int', description: 'a knob' }],
  async run(config) {
    const runs = config.seeds.map((seed) => ({ seed, before: 0.5, after: 0.5 + seed / 100, steps: config.steps ?? 1, metricCalls: 0, wallSeconds: 0 }));
    const mean = runs.reduce((a, r) => a + r.after, 0) / runs.length;
    const methods = Object.fromEntries(config.methods.map((m) => [m, { runs, after: { mean, std: 0 } }]));
    return { task: config.task, dataset: config.dataset, metric: { name: 'score', higherIsBetter: true }, methods,
      settings: { knob: config.options.knob ?? null, dataDir: config.dataDir ?? null } };
  },
}`;
  const consts = names.map((n, i) => `const task${i} = ${task(n)};`).join('\n');
  const list = names.map((_, i) => `task${i}`).join(', ');
  if (exportAs === 'default') return `${consts}\nexport default [${list}];\n`;
  if (exportAs === 'benchTasks') return `${consts}\nexport const benchTasks = [${list}];\n`;
  return `${consts}\n${names.map((_, i) => `export const exported${i} = task${i};`).join('\n')}\nexport const VERSION = '1';\n`;
}

/** Writes a package: package.json (with `metricopt` when given) and files relative to `dir`. */
export async function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', version: '0.0.0', ...pkg }, null, 2));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A package declaring `./dist/bench-task.js` with tasks `names`. */
export function writeTaskPackage(dir: string, name: string, names: readonly string[]): Promise<string> {
  return writePackage(dir, { name, metricopt: { benchTasks: './dist/bench-task.js' } }, { 'dist/bench-task.js': taskModuleSource(names) });
}
