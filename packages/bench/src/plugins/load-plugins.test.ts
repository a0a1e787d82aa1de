import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../cli-capture.fixture.js';
import { getTask, registerTask } from '../registry.js';
import { extractPluginFlags } from './cli-plugins.js';
import { discoverPlugins } from './discover-plugins.js';
import { loadPlugins, registerPlugins } from './load-plugins.js';
import { PluginError } from './plugin-error.js';
import { tasksOfModule } from './plugin-tasks.js';
import { taskModuleSource, writePackage, writeTaskPackage } from './plugin.fixture.js';

const cli = (argv: string[], cwd: string, env: Record<string, string> = {}) => captureCli(argv, { cwd, env });

let root: string;
let ws: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bench-plugins-'));
  // A pnpm workspace: a plugin package, a plain package, an excluded plugin, an unbuilt plugin, and a plugin in node_modules.
  ws = join(root, 'ws');
  await writeFile(join(root, 'placeholder'), '');
  await writePackage(ws, { name: 'ws-root', private: true }, { 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - '!packages/excluded'\n" });
  await writeTaskPackage(join(ws, 'packages', 'alpha'), '@fix/alpha', ['ws-alpha', 'ws-alpha-two']);
  await writePackage(join(ws, 'packages', 'plain'), { name: '@fix/plain' }, { 'index.js': 'export const x = 1;\n' });
  await writeTaskPackage(join(ws, 'packages', 'excluded'), '@fix/excluded', ['ws-excluded']);
  await writePackage(join(ws, 'packages', 'unbuilt'), { name: '@fix/unbuilt', metricopt: { benchTasks: './dist/bench-task.js' } });
  await writeTaskPackage(join(ws, 'node_modules', '@fix', 'installed'), '@fix/installed', ['nm-installed']);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('plugin discovery', () => {
  it('finds workspace packages by the pnpm-workspace.yaml globs (with exclusions) and packages in the cwd node_modules', async () => {
    const { sources, failures } = await discoverPlugins({ cwd: ws, env: {} });
    expect(sources.map((s) => [s.name, s.origin])).toEqual([['@fix/alpha', 'workspace'], ['@fix/installed', 'node_modules']]);
    expect(sources[0]!.module).toBe(join(ws, 'packages', 'alpha', 'dist', 'bench-task.js'));
    // The unbuilt package is reported, naming it and the missing module.
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(PluginError);
    expect(failures[0]!.error.kind).toBe('not-found');
    expect(failures[0]!.error.message).toMatch(/@fix\/unbuilt .*package\.json.*"\.\/dist\/bench-task\.js", which does not exist/);
    // From inside a package the workspace is found by walking up; only the cwd's own node_modules is scanned.
    const inner = await discoverPlugins({ cwd: join(ws, 'packages', 'plain'), env: {} });
    expect(inner.sources.map((s) => s.name)).toEqual(['@fix/alpha']);
  });

  it('adds modules from METRICOPT_PLUGINS and --plugin: a file, a package directory, a package name; each once', async () => {
    const file = join(root, 'loose-task.js');
    await writeFile(file, taskModuleSource(['loose']));
    const pkgDir = await writeTaskPackage(join(root, 'pkg-dir'), 'pkg-dir', ['from-dir']);
    const { sources, failures } = await discoverPlugins({
      cwd: ws,
      scan: false,
      env: { METRICOPT_PLUGINS: `${file},${pkgDir}` },
      plugins: ['@fix/installed', './packages/alpha', file],
    });
    expect(failures).toEqual([]);
    expect(sources.map((s) => [s.name, s.origin])).toEqual([
      [file, 'env'], ['pkg-dir', 'env'], ['@fix/installed', 'flag'], ['@fix/alpha', 'flag'],
    ]);
  });

  it('takes --plugin flags out of argv before commander sees them', () => {
    expect(extractPluginFlags(['--plugin', 'a.js', 'bench', 'x', '--plugin=b', '--seeds', '2', '--', '--plugin', 'c'])).toEqual({
      argv: ['bench', 'x', '--seeds', '2', '--', '--plugin', 'c'],
      plugins: ['a.js', 'b'],
    });
    expect(() => extractPluginFlags(['bench', '--plugin'])).toThrow(/--plugin needs a module/);
  });
});

describe('plugin modules', () => {
  it('takes tasks from named exports, a default list or benchTasks, once each', () => {
    const task = { name: 'mod-a', description: 'd', defaultMethods: ['loss'], options: [], run: async () => ({}) };
    expect(tasksOfModule({ a: task, b: task, other: { name: 'not a task' }, n: 3 }, 'p')).toEqual([task]);
    expect(tasksOfModule({ default: [task] }, 'p')).toEqual([task]);
    expect(tasksOfModule({ benchTasks: [task] }, 'p')).toEqual([task]);
  });

  it.each([
    [{ helper: () => 1 }, 'no-tasks', /exports no BenchTask .* its exports: helper/],
    [{ benchTasks: 'x' }, 'invalid-task', /export 'benchTasks' must be a list/],
    [{ benchTasks: [{ name: 'x' }] }, 'invalid-task', /export 'benchTasks'\[0\] is not a BenchTask/],
    [{ t: { name: 'Bad Name', run: (): number => 0, defaultMethods: ['a'], options: [] } }, 'invalid-task', /export 't' \(task "Bad Name"\): 'task\.name' .* kebab-case/],
    [{ t: { name: 'no-options', run: (): number => 0, defaultMethods: ['a'] } }, 'invalid-task', /'task\.options' passed to registerTask must be a list/],
    [{ t: { name: 'reuses-flag', run: (): number => 0, defaultMethods: ['a'], options: [{ flags: '--seeds <n>' }] } }, 'invalid-task', /--seeds/],
    [
      { a: { name: 'twice', run: (): number => 0, defaultMethods: ['a'], options: [] }, b: { name: 'twice', run: (): number => 1, defaultMethods: ['a'], options: [] } },
      'duplicate', /two different tasks named 'twice'/,
    ],
  ])('rejects bad exports with a PluginError naming the plugin (%#)', (exports, kind, message) => {
    let error: unknown;
    try {
      tasksOfModule(exports as Record<string, unknown>, '@fix/bad (/x/package.json)');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).kind).toBe(kind);
    expect((error as PluginError).message).toMatch(/^plugin @fix\/bad \(\/x\/package\.json\): /);
    expect((error as PluginError).message).toMatch(message);
  });

  it('reports a bad manifest, a module that throws on import and a duplicate task name, naming both plugins', async () => {
    const dir = join(root, 'bad');
    const badField = await writePackage(join(dir, 'bad-field'), { name: 'bad-field', metricopt: { benchTasks: 3 } });
    const outside = await writePackage(join(dir, 'outside'), { name: 'outside', metricopt: { benchTasks: '../x.js' } });
    const throwing = await writePackage(join(dir, 'throwing'), { name: 'throwing', metricopt: { benchTasks: './t.js' } }, { 't.js': "throw new Error('boom');\n" });
    const { plugins, failures } = await loadPlugins({ cwd: dir, scan: false, env: {}, plugins: [badField, outside, throwing] });
    expect(plugins).toEqual([]);
    expect(failures.map((f) => [f.origin, f.error.kind])).toEqual([['flag', 'manifest'], ['flag', 'manifest'], ['flag', 'import']]);
    expect(failures[0]!.error.message).toMatch(/^plugin bad-field \(.*bad-field\/package\.json\): "metricopt\.benchTasks" must be a module path .* got 3/);
    expect(failures[1]!.error.message).toMatch(/must be a path inside the package .* got "\.\.\/x\.js"/);
    expect(failures[2]!.error.message).toMatch(/^plugin throwing .*: importing .*t\.js failed: boom/);

    const one = await writeTaskPackage(join(dir, 'one'), '@fix/one', ['clash']);
    const two = await writeTaskPackage(join(dir, 'two'), '@fix/two', ['clash']);
    const loaded = await loadPlugins({ cwd: dir, scan: false, env: {}, plugins: [one, two] });
    expect(() => registerPlugins(loaded.plugins)).toThrow(/^plugin @fix\/two \(.*two\/package\.json\): task 'clash' is also defined by @fix\/one \(.*one\/package\.json\)/);
    // The same package found twice registers once.
    expect(() => registerPlugins([loaded.plugins[0]!, loaded.plugins[0]!])).not.toThrow();
    expect(getTask('clash').description).toBe('fixture task clash');
  });

  it('a plugin task that takes a built-in name is an error naming both', async () => {
    registerTask({ name: 'built-in-one', description: 'd', defaultMethods: ['a'], options: [], run: async () => ({}) as never });
    const pkg = await writeTaskPackage(join(root, 'shadow'), '@fix/shadow', ['built-in-one']);
    const { plugins } = await loadPlugins({ cwd: root, scan: false, env: {}, plugins: [pkg] });
    expect(() => registerPlugins(plugins)).toThrow(/^plugin @fix\/shadow .*: task 'built-in-one' is also defined by @metricopt\/bench \(built in\)/);
  });
});

describe('metricopt with plugins', () => {
  it('runs a workspace plugin task through `metricopt bench`, with its options, and warns about skipped packages', async () => {
    const r = await cli(['bench', 'ws-alpha', '--dataset', 'other', '--seeds', '2', '--knob', '7', '--json'], ws);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.task, result.dataset, result.settings.knob]).toEqual(['ws-alpha', 'other', 7]);
    expect(result.methods.loss.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
    expect(r.stderr).toMatch(/^warning: plugin @fix\/unbuilt .* \(skipped\)$/m);
  }, 30_000);

  it('an unknown task lists the skipped plugins; a bad --plugin or METRICOPT_PLUGINS module exits 1 naming it', async () => {
    const unknown = await cli(['bench', 'unbuilt-task'], ws);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown task 'unbuilt-task'; known tasks: .*ws-alpha.*\(skipped plugins: @fix\/unbuilt/);
    const flag = await cli(['--plugin', './nowhere.js', 'bench', 'ws-alpha'], ws);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/error: plugin \.\/nowhere\.js: no file, package directory or installed package/);
    const env = await cli(['bench', 'ws-alpha'], ws, { METRICOPT_PLUGINS: './packages/plain' });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/error: plugin \.\/packages\/plain \(.*plain\/package\.json\): its package\.json declares no "metricopt"/);
  });

  it('loads a --plugin module outside any workspace', async () => {
    const file = join(root, 'flag-task.js');
    await writeFile(file, taskModuleSource(['flag-task'], 'default'));
    const r = await cli(['bench', 'flag-task', `--plugin=${file}`, '--seeds', '1', '--json'], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).task).toBe('flag-task');
    expect(r.stderr).not.toMatch(/warning/);
  }, 30_000);
});
