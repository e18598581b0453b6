import { expect, test } from '@playwright/test';
import { signInAsGuest, snap } from './helpers';

const STEPS = [
  'CookieCutter',
  'CreateRepo',
  'createcatalog',
  'DirectPush',
  'registercatalog',
  'slacknotify',
];

test('the self-service template runs from Create and its execution page shows every step, a log and the outputs', async ({
  page,
}, testInfo) => {
  const service = `e2e-service-${Date.now()}`;
  await signInAsGuest(page);

  await page.getByRole('link', { name: 'Create' }).first().click();
  await expect(
    page.getByText('Create a service (self-service flow)'),
  ).toBeVisible();
  await snap(page, testInfo, '01-create');
  await page.getByPlaceholder('Search').fill('self-service');
  await expect(page.getByRole('button', { name: 'Choose' })).toHaveCount(1);
  await page.getByRole('button', { name: 'Choose' }).click();

  await page.getByLabel('Name of the service').fill(service);
  // The default comes from the catalog module's $pipelineEngineUrl placeholder.
  await expect(page.getByLabel('Cookiecutter template URL')).toHaveValue(
    'http://localhost:7007/api/pipeline-engine/git/templates/service.git',
  );
  await page.getByLabel('Your e-mail address').fill('jane.doe@example.com');
  await snap(page, testInfo, '02-form');
  await page.getByRole('button', { name: 'Next' }).click();
  await page
    .getByLabel('Repository description')
    .fill('Created by the e2e suite');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const executionLink = page.getByRole('link', { name: 'Pipeline execution' });
  await expect(executionLink).toBeVisible({ timeout: 150_000 });
  await snap(page, testInfo, '03-task');
  await expect(executionLink).toHaveAttribute(
    'href',
    /\/pipelines\/executions\/[^/]+$/,
  );
  // The scaffolder opens absolute output links in a new tab.
  const opened = page
    .context()
    .waitForEvent('page', { timeout: 10_000 })
    .catch(() => page);
  await executionLink.click();
  const execution = await opened;

  await expect(execution).toHaveURL(/\/pipelines\/executions\/[^/]+$/);
  for (const step of STEPS) {
    await expect(
      execution.getByRole('button', { name: `${step}: Success` }),
    ).toBeVisible();
  }
  await execution.getByRole('button', { name: 'CreateRepo: Success' }).click();
  await expect(execution.getByLabel('Step log')).not.toBeEmpty();
  const outputs = execution.getByRole('table', { name: 'Execution outputs' });
  await expect(outputs).toContainText('repositoryUrl');
  await expect(outputs).toContainText(service);
  // The Run card's labels stay on one line however long the values are
  // (the theme's break-word used to split them: "Statu s", "Pipeli ne").
  const summary = execution.getByRole('table', { name: 'Execution summary' });
  const labelLines = await summary.locator('th').evaluateAll(cells =>
    cells.map(cell => {
      const text = document.createRange();
      text.selectNodeContents(cell);
      const lineTops = new Set(
        Array.from(text.getClientRects(), rect => Math.round(rect.top)),
      );
      return { label: cell.textContent, lines: lineTops.size };
    }),
  );
  expect(labelLines.length).toBeGreaterThan(5);
  expect(labelLines.filter(({ lines }) => lines !== 1)).toEqual([]);
  await snap(execution, testInfo, '04-execution');
});

test('the actions page shows the URL shapes with their <org> placeholders', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/create/actions');
  await page.getByText('trigger:harness-custom-pipeline').click();
  await expect(
    page
      .getByText('orgs/<org>/projects/<project>/pipelines/<pipeline>')
      .first(),
  ).toBeVisible();
  await snap(page, testInfo, '05-actions');
});
