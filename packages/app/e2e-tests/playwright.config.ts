import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';

/** Artifacts land in <repo>/e2e-output (screenshots of every page, failures). */
const output = resolve(__dirname, '../../../e2e-output');

export default defineConfig({
  testDir: '.',
  testMatch: '*.e2e.ts',
  outputDir: resolve(output, 'test-results'),
  // One backend with one worker: the specs share it and run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://localhost:7007',
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
