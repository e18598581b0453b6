import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInAsGuest, snap } from './helpers';

/**
 * Runs axe-core on the page and fails on serious or critical violations,
 * listing each with the selectors of the elements at fault.
 */
async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    // The app shell (sidebar, header) is Backstage's; the plugin's content is ours.
    .include('main')
    .analyze();
  const serious = results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .map(n => `    ${n.target.join(' ')}`)
          .join('\n')}`,
    );
  expect(serious, `accessibility violations on ${what}`).toEqual([]);
}

test('the pipelines list, a pipeline page and an execution page have no serious accessibility violations', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Pipelines' }).first().click();
  await expect(
    page.getByRole('link', { name: 'Hello pipeline' }),
  ).toBeVisible();
  await expectNoSeriousViolations(page, 'the pipelines list');
  await snap(page, testInfo, '01-pipelines');

  await page.getByRole('link', { name: 'Hello pipeline' }).click();
  const form = page.getByRole('form', { name: 'Run pipeline' });
  await expect(form).toBeVisible();
  await expectNoSeriousViolations(page, 'the pipeline page');

  await form.getByRole('textbox', { name: /^name/ }).fill('Axe');
  await form.getByRole('textbox', { name: /^pause/ }).fill('0s');
  await form.getByRole('button', { name: 'Run' }).click();
  await expect(
    page.getByRole('button', { name: 'Say hello: Success' }),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Step log')).toContainText('Hello, Axe!');
  await expectNoSeriousViolations(page, 'the execution page');
});
