import { initBackend } from '@metricopt/core';

await initBackend();
