import { defineConfig } from 'vitest/config';

// Every core test runs on the backend initBackend() picks (wasm here; METRICOPT_BACKEND=cpu forces
// cpu), set up once per test file by vitest.setup.ts.
export default defineConfig({
  test: {
    setupFiles: ['./vitest.setup.ts'],
    // Loading tfjs-layers and compiling the wasm module takes a second or two on a busy machine.
    hookTimeout: 30_000,
    testTimeout: 30_000,
  },
});
