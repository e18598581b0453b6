import { expect, test, type Page } from '@playwright/test';
import { signInAsGuest, snap } from './helpers';

/** Opens the hello pipeline's page from the pipelines list. */
async function openHelloPipeline(page: Page) {
  await page.getByRole('link', { name: 'Pipelines' }).first().click();
  await page.getByRole('link', { name: 'Hello pipeline' }).click();
  await expect(page.getByRole('form', { name: 'Run pipeline' })).toBeVisible();
}

/** Fills the generated run form of the hello pipeline and runs it. */
async function runHello(page: Page, name: string, pause: string) {
  const form = page.getByRole('form', { name: 'Run pipeline' });
  await form.getByRole('textbox', { name: /^name/ }).fill(name);
  await form.getByRole('textbox', { name: /^pause/ }).fill(pause);
  await form.getByRole('button', { name: 'Run' }).click();
  await expect(page).toHaveURL(/\/pipelines\/executions\/[^/]+$/);
}

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test('the run form rejects a value its regex forbids, then runs the pipeline', async ({
  page,
}, testInfo) => {
  await openHelloPipeline(page);
  const form = page.getByRole('form', { name: 'Run pipeline' });
  const name = form.getByRole('textbox', { name: /^name/ });
  await name.fill('42 <script>');
  await form.getByRole('button', { name: 'Run' }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(form).toContainText('does not match the regex of "name"');
  await snap(page, testInfo, '03-rejected');

  await runHello(page, 'Playwright', '0s');
  await expect(
    page.getByRole('button', { name: 'Say hello: Success' }),
  ).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Say hello: Success' }).click();
  await expect(page.getByLabel('Step log')).toContainText('Hello, Playwright!');
  await expect(
    page.getByRole('table', { name: 'Execution outputs' }),
  ).toContainText('Hello, Playwright!');
  await snap(page, testInfo, '04-execution');
});

test('a running pipeline can be aborted', async ({ page }, testInfo) => {
  await openHelloPipeline(page);
  await runHello(page, 'Patience', '10m');
  await expect(
    page.getByRole('button', { name: 'Wait a moment: Running' }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'Abort' }).click();
  await expect(page.getByRole('button', { name: /^greet: Abort/ })).toBeVisible(
    { timeout: 60_000 },
  );
  await snap(page, testInfo, '05-aborted');
});

test('a failed run shows its failure message', async ({ page }, testInfo) => {
  await openHelloPipeline(page);
  await runHello(page, 'Failure', 'soon');
  const wait = page.getByRole('button', { name: 'Wait a moment: Failed' });
  await expect(wait).toBeVisible({ timeout: 60_000 });
  await wait.click();
  // The run's and the step's failure both say what is wrong, without a stack trace.
  const failure = page
    .getByRole('alert')
    .filter({ hasText: 'spec.duration "soon" is not a duration' });
  await expect(failure.first()).toBeVisible();
  await expect(page.getByText(/\bat .*\.(js|ts):\d+/)).toHaveCount(0);
  await snap(page, testInfo, '06-failed');
});
