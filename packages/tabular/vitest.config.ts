import { defineConfig } from 'vitest/config';

// Tests run on the backend initBackend() picks (wasm here; METRICOPT_BACKEND=cpu forces cpu).
export default defineConfig({
  test: { setupFiles: ['./vitest.setup.ts'], hookTimeout: 30_000, testTimeout: 30_000 },
});
