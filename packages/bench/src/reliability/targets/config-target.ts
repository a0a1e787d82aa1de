import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { configFileSettings, readBenchConfigFile } from '../../config-file.js';
import { getTask, listTasks } from '../../registry.js';
import { registerBuiltinTasks } from '../../tasks/index.js';
import { mutatedJson } from '../json-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface ConfigContext {
  path: string;
  seeds: unknown[];
}

/** The shipped bench configs (packages/bench/configs/*.json): the seeds are real files. */
async function shippedConfigs(): Promise<unknown[]> {
  const dir = fileURLToPath(new URL('../../../configs/', import.meta.url));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as unknown));
}

/** `metricopt bench <task> --config FILE`: readBenchConfigFile, then configFileSettings against the task the file names. */
export const configTarget: FuzzTarget<string, ConfigContext> = {
  name: 'bench-config',
  reader: 'readBenchConfigFile, configFileSettings (bench --config)',
  async setup(dir) {
    if (listTasks().length === 0) registerBuiltinTasks();
    return { path: join(dir, 'config.json'), seeds: await shippedConfigs() };
  },
  arbitrary: ({ seeds }) => mutatedJson(seeds),
  async run(text, { path }) {
    await writeFile(path, text);
    const file = await readBenchConfigFile(path);
    // The file names its task: an unknown one is the CLI's usage error, not the file reader's.
    const task = listTasks().find((t) => t.name === file.task) ?? getTask(listTasks()[0]!.name);
    configFileSettings(task, file, path);
  },
  names: ({ path }) => [path],
};
