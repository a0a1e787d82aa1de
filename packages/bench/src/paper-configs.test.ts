import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBenchConfig } from './bench-config.js';
import { configFileSettings, readBenchConfigFile } from './config-file.js';
import { getTask } from './registry.js';
import { registerBuiltinTasks } from './tasks/index.js';
import { resolveClassificationSettings } from './tasks/classification/classification-settings.js';
import { resolveDetectionSettings } from './tasks/detection/detection-settings.js';
import { resolveRetrievalSettings } from './tasks/retrieval/retrieval-settings.js';

const CONFIGS = fileURLToPath(new URL('../configs/', import.meta.url));

// The paper's settings: dataset and metric per file.
const EXPECTED: Record<string, [task: string, dataset: string, metric: string]> = {
  'cifar10.json': ['classification', 'cifar-10', 'error-rate'],
  'cifar10-aucpr.json': ['classification', 'cifar-10', 'aucpr'],
  'cifar100.json': ['classification', 'cifar-100', 'error-rate'],
  'cub.json': ['retrieval', 'cub', 'recall@1'],
  'cars.json': ['retrieval', 'cars', 'recall@1'],
  'sop.json': ['retrieval', 'sop', 'recall@1'],
  'voc.json': ['detection', 'voc', 'map'],
  'coco.json': ['detection', 'coco', 'map'],
};

const SETTINGS: Record<string, (c: { dataset: string; steps?: number; options: Record<string, unknown> }) => unknown> = {
  classification: resolveClassificationSettings,
  retrieval: resolveRetrievalSettings,
  detection: resolveDetectionSettings,
};

describe('the paper-setting configs (packages/bench/configs)', () => {
  it('holds one file per setting', async () => {
    expect((await readdir(CONFIGS)).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s parses and resolves against its task, with a dataDir placeholder', async (name, [taskName, dataset, metric]) => {
    registerBuiltinTasks();
    const path = join(CONFIGS, name);
    const file = await readBenchConfigFile(path);
    expect([file.task, file.dataset, file.metric]).toEqual([taskName, dataset, metric]);
    expect(file.dataDir).toMatch(/^\/path\/to\//);
    expect(file.description?.length).toBeGreaterThan(20);
    const task = getTask(taskName);
    const { flags, options } = configFileSettings(task, file, path);
    const config = resolveBenchConfig(task, flags, options);
    expect(config.seeds.length).toBeGreaterThanOrEqual(3);
    expect(config.methods).toContain('metricopt');
    expect(config.methods).toContain('loss');
    // The task's own settings accept every option value.
    expect(() => SETTINGS[taskName]!(config)).not.toThrow();
  });
});
