import { expect, test } from '@playwright/test';
import { signInAsGuest, snap } from './helpers';

test('a waiting approval is approved in the browser with an approver input', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Pipelines' }).first().click();
  await page.getByRole('link', { name: 'Approval demo' }).click();
  const form = page.getByRole('form', { name: 'Run pipeline' });
  await form.getByRole('button', { name: 'Run' }).click();
  await expect(page).toHaveURL(/\/pipelines\/executions\/[^/]+$/);
  const executionUrl = page.url();

  // The Approvals page lists it, linked to its execution.
  await page.goto('/pipelines/approvals');
  await expect(page.getByText('Release Approval demo?').first()).toBeVisible({
    timeout: 60_000,
  });
  await snap(page, testInfo, '01-approvals-page');

  await page.goto(executionUrl);
  const approval = page.getByRole('region', {
    name: 'Approval Approve release',
  });
  await expect(approval).toContainText('Release Approval demo?', {
    timeout: 60_000,
  });
  const region = approval.getByRole('textbox', { name: 'region' });
  await expect(region).toHaveValue('eu');
  await region.fill('us');
  await approval.getByRole('textbox', { name: 'Comments' }).fill('ship it');
  await snap(page, testInfo, '02-approval-waiting');
  await approval.getByRole('button', { name: 'Approve' }).click();

  await expect(
    page.getByRole('button', { name: /^Release: Success, Run/ }),
  ).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: /^Release: Success, Run/ }).click();
  await expect(page.getByLabel('Step log')).toContainText('releasing to us');
  await expect(approval).toContainText('ship it');
  await snap(page, testInfo, '03-approved');
});
