import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { ConfigFileError, applyConfigFile, configFileSettings, mergeConfigFile, parseBenchConfigFile, readBenchConfigFile } from './config-file.js';
import type { BenchTask } from './registry.js';

const task: BenchTask = {
  name: 'toy',
  description: 'toy',
  datasets: ['a', 'b'],
  metrics: ['m1', 'm2'],
  methods: ['loss', 'metricopt', 'es'],
  defaultMethods: ['loss'],
  options: [
    { flags: '--pretrain-epochs <n>', type: 'int', description: '' },
    { flags: '--lr <rate>', type: 'float', description: '' },
    { flags: '--film <layers>', type: 'list', description: '' },
    { flags: '--architecture <name>', type: 'string', description: '' },
    { flags: '--retrain', type: 'boolean', description: '' },
  ],
  run: async () => ({}) as never,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench config files', () => {
  it('parses the common fields and the task options, by flag name or camelCase, typed like the flags', () => {
    const file = parseBenchConfigFile(JSON.stringify({
      description: 'x', task: 'toy', dataset: 'b', dataDir: '/data', metric: 'm2', methods: ['loss', 'es'], seeds: 5, steps: 40, valueFunction: '/vf',
      options: { 'pretrain-epochs': 3, lr: '0.01', film: ['last'], architecture: 'small-cnn', retrain: true },
    }), 'toy.json');
    const s = configFileSettings(task, file, 'toy.json');
    expect(s.flags).toEqual({ dataset: 'b', dataDir: '/data', metric: 'm2', methods: ['loss', 'es'], seeds: 5, steps: 40, valueFunction: '/vf' });
    expect(s.options).toEqual({ pretrainEpochs: 3, lr: 0.01, film: ['last'], architecture: 'small-cnn', retrain: true });
    expect(configFileSettings(task, parseBenchConfigFile('{"task":"toy","options":{"pretrainEpochs":2,"film":"a,b"}}', 'f'), 'f').options)
      .toEqual({ pretrainEpochs: 2, film: ['a', 'b'] });
  });

  it.each([
    ['{', '(root)', /not valid JSON/],
    ['[]', '(root)', /expected object/],
    ['{"dataset": "a"}', 'task', /expected string/],
    ['{"task": "toy", "seeds": -1}', 'seeds', /expected number to be >0|too small/i],
    ['{"task": "toy", "seeds": 1.5}', 'seeds', /int/i],
    ['{"task": "toy", "methods": []}', 'methods', /too small|>=1/i],
    ['{"task": "toy", "sedes": 3}', 'sedes', /unknown field; known: .*seeds/],
    ['{"task": "toy", "options": {"lr": {"x": 1}}}', 'options.lr', /invalid/i],
  ])('rejects %s with a ConfigFileError naming the file and field %s', (text, field, reason) => {
    let error: unknown;
    try {
      parseBenchConfigFile(text, 'bad.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as ConfigFileError).field).toBe(field);
    expect((error as ConfigFileError).message).toMatch(new RegExp(`^bad\\.json: ${field.replace(/[().]/g, '\\$&')}: `));
    expect((error as ConfigFileError).message).toMatch(reason);
  });

  it.each([
    [{ task: 'other' }, 'task', /for task 'other'/],
    [{ task: 'toy', dataset: 'c' }, 'dataset', /unknown dataset 'c' .*known: a, b/],
    [{ task: 'toy', metric: 'm3' }, 'metric', /unknown metric 'm3'/],
    [{ task: 'toy', methods: ['loss', 'adam'] }, 'methods.1', /unknown method 'adam' .*known: loss, metricopt, es/],
    [{ task: 'toy', options: { epochs: 3 } }, 'options.epochs', /no option --epochs; known: pretrain-epochs, lr, film, architecture, retrain/],
    [{ task: 'toy', options: { 'pretrain-epochs': 'many' } }, 'options.pretrain-epochs', /expects an integer, got 'many'/],
    [{ task: 'toy', options: { lr: [1] } }, 'options.lr', /expected a number/],
    [{ task: 'toy', options: { retrain: 'yes' } }, 'options.retrain', /expected true or false/],
  ])('rejects a file that does not fit the task (%#)', (value, field, reason) => {
    const file = parseBenchConfigFile(JSON.stringify(value), 'f.json');
    expect(() => configFileSettings(task, file, 'f.json')).toThrow(ConfigFileError);
    expect(() => configFileSettings(task, file, 'f.json')).toThrow(new RegExp(`^f\\.json: ${field.replace(/[().]/g, '\\$&')}: `));
    expect(() => configFileSettings(task, file, 'f.json')).toThrow(reason);
  });

  it('flags typed on the command line win over the file; the file wins over defaults', async () => {
    const fromFile = { flags: { seeds: 5, steps: 300, dataset: 'b' }, options: { lr: 0.01, pretrainEpochs: 3 } };
    const merged = mergeConfigFile(fromFile, { seeds: 3, steps: 20, dataset: 'a', json: true }, { lr: 0.001, pretrainEpochs: 1 },
      (key) => (['steps', 'lr'].includes(key) ? 'cli' : 'default'));
    expect(merged).toEqual({ flags: { seeds: 5, steps: 20, dataset: 'b', json: true }, options: { lr: 0.001, pretrainEpochs: 3 } });

    const path = join(dir, 'toy.json');
    await writeFile(path, JSON.stringify({ task: 'toy', seeds: 4, options: { lr: 0.5 } }));
    const applied = await applyConfigFile(task, { config: path, seeds: 3 }, {}, () => 'default');
    expect(applied).toEqual({ flags: { config: path, seeds: 4 }, options: { lr: 0.5 } });
    expect(await applyConfigFile(task, { seeds: 3 }, { lr: 1 }, () => 'cli')).toEqual({ flags: { seeds: 3 }, options: { lr: 1 } });
  });

  it('an unreadable file is a ConfigFileError naming it', async () => {
    await expect(readBenchConfigFile(join(dir, 'none.json'))).rejects.toThrow(/none\.json: \(file\): cannot read it \(ENOENT\)/);
  });
});
