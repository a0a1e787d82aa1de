/** How a plugin was found: a workspace package, a package in the cwd's node_modules, `METRICOPT_PLUGINS`, or `--plugin`. */
export type PluginOrigin = 'workspace' | 'node_modules' | 'env' | 'flag';

/** One module to import for tasks. */
export interface PluginSource {
  origin: PluginOrigin;
  /** The package name, or the module path as given: what messages call it. */
  name: string;
  /** Absolute path of the module to import. */
  module: string;
  /** The package.json that declared it (absent for a bare module path). */
  manifest?: string;
}

/** The plugin as error messages name it: `@acme/tasks (/repo/packages/acme/package.json)`. */
export function pluginLabel(source: Pick<PluginSource, 'name' | 'manifest' | 'module'>): string {
  return `${source.name} (${source.manifest ?? source.module})`;
}
