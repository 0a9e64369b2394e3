// Playwright Test for make bench's side-by-side figures (docs/bench.md): the
// same browser flows as dvcqa's, against a standalone `dvcqa mock serve`.
// System Chromium (no browser download): the bench passes the binary dvcqa
// itself starts in DVCQA_CHROMIUM; --no-sandbox because CI runs as root.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: 'flows.spec.ts',
  fullyParallel: true, // with --workers 2 the flows spread over both workers
  retries: 0,
  timeout: 120_000,
  outputDir: process.env.DVCQA_PW_OUT || 'test-results',
  reporter: [['json', { outputFile: process.env.DVCQA_PW_REPORT || 'report.json' }]],
  use: {
    headless: true,
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.DVCQA_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox'],
    },
  },
});
