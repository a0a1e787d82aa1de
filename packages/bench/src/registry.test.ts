import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@metricopt/core';
import { getTask, listTasks, registerTask, type BenchTask } from './registry.js';
import { silentReporter } from './reporter.js';

function task(name: string, extra: Partial<BenchTask> = {}): BenchTask {
  return {
    name,
    description: `test task ${name}`,
    defaultMethods: ['loss'],
    options: [{ flags: '--knob <n>', type: 'int', description: 'a knob' }],
    run: async () => ({ task: name, dataset: 'd', metric: { name: 'm', higherIsBetter: false }, methods: {} }),
    ...extra,
  };
}

describe('task registry', () => {
  it('registers, finds and lists tasks in order', () => {
    const a = registerTask(task('reg-alpha'));
    registerTask(task('reg-beta'));
    expect(getTask('reg-alpha')).toBe(a);
    const names = listTasks().map((t) => t.name);
    expect(names.indexOf('reg-alpha')).toBeLessThan(names.indexOf('reg-beta'));
  });

  it('rejects an unknown name with the list of known ones', () => {
    registerTask(task('reg-gamma'));
    let error: unknown;
    try {
      getTask('nope');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('"nope"');
    expect((error as Error).message).toContain('reg-gamma');
  });

  it('freezes entries', () => {
    const t = registerTask(task('reg-frozen'));
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.options)).toBe(true);
    expect(Object.isFrozen(t.options[0])).toBe(true);
    expect(() => (t.defaultMethods as string[]).push('x')).toThrow();
  });

  it('is idempotent for the same object and refuses a second task under a taken name', () => {
    const original = task('reg-twice');
    const first = registerTask(original);
    expect(registerTask(original)).toBe(first);
    expect(registerTask(first)).toBe(first);
    expect(() => registerTask(task('reg-twice'))).toThrow(/already registered/);
  });

  it.each([
    ['a bad name', task('Bad Name')],
    ['no run', { ...task('reg-norun'), run: undefined as never }],
    ['no default methods', task('reg-nomethods', { defaultMethods: [] })],
    ['a default method it does not know', task('reg-unknownmethod', { methods: ['loss'], defaultMethods: ['es'] })],
    ['an option that shadows a common flag', task('reg-shadow', { options: [{ flags: '--steps <n>', description: 'x' }] })],
  ])('rejects a task with %s', (_, t) => {
    expect(() => registerTask(t)).toThrow(InvalidArgumentError);
  });

  it('runs what it registered', async () => {
    const t = registerTask(task('reg-run'));
    const r = await t.run({ task: 'reg-run', dataset: 'd', methods: ['loss'], seeds: [1], options: {} }, silentReporter);
    expect(r.task).toBe('reg-run');
  });
});
