import { expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Every page the suite visits is photographed here (README: "End-to-end tests"). */
export const SCREENSHOTS = resolve(
  __dirname,
  '../../../e2e-output/screenshots',
);

/** Saves a full-page screenshot as `<spec>-<name>.png`. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const spec = testInfo.titlePath[0].replace(/\.e2e\.ts$/, '');
  await page.screenshot({
    path: resolve(SCREENSHOTS, `${spec}-${name}.png`),
    fullPage: true,
  });
}

/** Signs in through the guest provider of the sign-in page. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const guest = page.getByRole('listitem').filter({ hasText: 'Guest' });
  await guest.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Pipelines' })).toBeVisible();
}
