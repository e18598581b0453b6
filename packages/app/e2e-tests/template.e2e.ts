import { expect, test } from '@playwright/test';
import { expectAccessible, signInAsGuest, snap } from './helpers';

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
  const card = page
    .getByRole('article')
    .filter({ hasText: 'Create a service (self-service flow)' });
  await expect(card).toBeVisible();
  await snap(page, testInfo, '01-create');
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByLabel('Name of the service').fill(service);
  await page
    .getByLabel('Cookiecutter template URL')
    .fill('http://localhost:7007/api/pipeline-engine/git/templates/service.git');
  await page.getByLabel('Your e-mail address').fill('jane.doe@example.com');
  await snap(page, testInfo, '02-form');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Repository description').fill('Created by the e2e suite');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const executionLink = page.getByRole('link', { name: 'Pipeline execution' });
  await expect(executionLink).toBeVisible({ timeout: 150_000 });
  await snap(page, testInfo, '03-task');
  await expect(executionLink).toHaveAttribute(
    'href',
    /\/pipelines\/executions\/[^/]+$/,
  );
  await executionLink.click();

  await expect(page).toHaveURL(/\/pipelines\/executions\/[^/]+$/);
  for (const step of STEPS) {
    await expect(
      page.getByRole('button', { name: `${step}: Success` }),
    ).toBeVisible();
  }
  await page.getByRole('button', { name: 'CreateRepo: Success' }).click();
  await expect(page.getByLabel('Step log')).not.toBeEmpty();
  const outputs = page.getByRole('table', { name: 'Execution outputs' });
  await expect(outputs).toContainText('repositoryUrl');
  await expect(outputs).toContainText(service);
  await snap(page, testInfo, '04-execution');
  await expectAccessible(page, testInfo);
});
