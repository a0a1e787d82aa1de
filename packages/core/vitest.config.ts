import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every core test runs on the backend initBackend() picks (wasm here; METRICOPT_BACKEND=cpu forces
// cpu), set up once per test file by vitest.setup.ts.
export default defineConfig({
  // The README example (examples/) imports the package by its name: resolve that to the sources.
  resolve: {
    alias: [
      { find: /^@metricopt\/core$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^@metricopt\/core\/backbones$/, replacement: fileURLToPath(new URL('./src/backbones/index.ts', import.meta.url)) },
    ],
  },
  test: {
    setupFiles: ['./vitest.setup.ts'],
    // Loading tfjs-layers and compiling the wasm module takes a second or two on a busy machine.
    hookTimeout: 30_000,
    testTimeout: 30_000,
  },
});
