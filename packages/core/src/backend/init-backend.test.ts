import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, InvalidArgumentError } from '../errors.js';
import { BACKEND_NAMES } from './backend-name.js';
import { formatBackendReport } from './backend-report.js';
import { BACKEND_ENV_VAR, describeBackends, initBackend } from './init-backend.js';

const original = process.env[BACKEND_ENV_VAR];

afterEach(async () => {
  if (original === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = original;
  await initBackend();
});

describe('initBackend', () => {
  it('picks the first backend that loads, in the documented order, and says why the others did not', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const report = await initBackend();
    expect(report.attempts.map((attempt) => attempt.name)).toEqual([...BACKEND_NAMES]);
    const pickedAt = report.attempts.findIndex((attempt) => attempt.loaded);
    expect(report.attempts[pickedAt]?.name).toBe(report.name);
    expect(report.attempts.filter((attempt) => attempt.loaded)).toHaveLength(1);
    for (const attempt of report.attempts) expect(attempt.reason.length).toBeGreaterThan(10);
    for (const later of report.attempts.slice(pickedAt + 1)) expect(later.reason).toBe(`not tried: ${report.name} was picked first`);
    expect(tf.getBackend()).toBe(report.tfBackend);
  });

  it('reports the native backends that are not usable here, with the package name', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const report = await initBackend();
    const native = report.attempts.filter((attempt) => attempt.name.startsWith('tensorflow') && !attempt.loaded);
    for (const attempt of native) expect(attempt.reason).toMatch(/@tensorflow\/tfjs-node(-gpu)? is (not installed|installed but)/);
  });

  it('returns the same report on a second call without loading again, and re-activates its backend', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const first = await initBackend();
    const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    await tf.setBackend('cpu');
    const second = await initBackend();
    expect(second).toBe(first);
    expect(tf.getBackend()).toBe(first.tfBackend);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(kernel);
  });

  it('registers the gradients training needs', async () => {
    await initBackend();
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2])).arraySync());
    expect(grad).toEqual([2, -4]);
  });

  it('uses the backend METRICOPT_BACKEND forces, and lists the others as not tried', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const report = await initBackend();
    expect(report).toMatchObject({ name: 'cpu', tfBackend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(report.attempts.find((attempt) => attempt.name === 'cpu')).toMatchObject({ loaded: true });
    expect(report.attempts.find((attempt) => attempt.name === 'wasm')).toEqual({
      name: 'wasm',
      loaded: false,
      reason: 'not tried: METRICOPT_BACKEND=cpu',
    });
  });

  it('rejects an unknown METRICOPT_BACKEND, listing the valid names', async () => {
    process.env[BACKEND_ENV_VAR] = 'gpu';
    const attempt = initBackend();
    await expect(attempt).rejects.toThrow(InvalidArgumentError);
    await expect(attempt).rejects.toThrow(
      `'METRICOPT_BACKEND' passed to initBackend must be one of tensorflow-gpu, tensorflow, wasm, cpu, got "gpu"`,
    );
  });

  it('fails with a BackendError naming a forced backend that does not load, and why', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const native = (await initBackend()).attempts.find((attempt) => attempt.name === 'tensorflow');
    if (native?.loaded !== false || native.reason.startsWith('not tried')) return; // tfjs-node works on this machine
    process.env[BACKEND_ENV_VAR] = 'tensorflow';
    const attempt = initBackend();
    await expect(attempt).rejects.toThrow(BackendError);
    await expect(attempt).rejects.toThrow(`METRICOPT_BACKEND=tensorflow but the tensorflow backend could not be loaded: ${native.reason}`);
  });

  it('tries a preferred backend first, and validates the preference', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const report = await initBackend({ prefer: 'cpu' });
    expect(report.name).toBe('cpu');
    expect(report.attempts[0]).toMatchObject({ name: 'cpu', loaded: true });
    await expect(initBackend({ prefer: 'webgl' as never })).rejects.toThrow(InvalidArgumentError);
  });
});

describe('describeBackends and formatBackendReport', () => {
  it('probe the backends initBackend did not try and print one line per backend', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const picked = await initBackend();
    const described = await describeBackends();
    expect(described.name).toBe(picked.name);
    expect(tf.getBackend()).toBe(picked.tfBackend);
    if (picked.name !== 'cpu') {
      expect(described.attempts.find((attempt) => attempt.name === 'cpu')?.reason).toMatch(
        new RegExp(`^available, not used: ${picked.name} comes first`),
      );
    }
    const text = formatBackendReport(described);
    expect(text.split('\n')[0]).toBe(`compute backend: ${picked.name} (tfjs backend '${picked.tfBackend}')`);
    for (const attempt of described.attempts) expect(text).toContain(`${attempt.name.padEnd(14)}  ${attempt.reason}`);
    expect(text).toContain('METRICOPT_BACKEND=tensorflow-gpu|tensorflow|wasm|cpu forces one.');
  });
});
