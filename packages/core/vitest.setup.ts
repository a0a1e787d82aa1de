import { initBackend } from './src/backend/init-backend.js';

// Runs before each test file: tests see the same backend (and registered gradients) as users do.
await initBackend();
