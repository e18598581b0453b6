import { mockServices } from '@backstage/backend-test-utils';
import {
  createApproverNotifier,
  type ApprovalNotice,
} from './approverNotifications';

const notice: ApprovalNotice = {
  executionId: 'exec-1',
  pipelineIdentifier: 'onboarding',
  stepName: 'approve',
  approvalMessage: 'Create repository payments?',
  userGroups: ['group:default/platform', 'group:default/security'],
  minimumCount: 1,
  link: 'http://portal.test/pipelines/executions/exec-1',
};

describe('createApproverNotifier', () => {
  it('notifies the approver groups with a link to the execution page', async () => {
    const send = jest.fn(async () => {});
    await createApproverNotifier({
      notifications: { send },
      logger: mockServices.logger.mock(),
    })(notice);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/platform', 'group:default/security'],
      },
      payload: {
        title: 'Approval needed: onboarding — approve',
        description: 'Create repository payments?',
        link: 'http://portal.test/pipelines/executions/exec-1',
        severity: 'high',
        topic: 'pipeline-engine-approval',
        scope: 'pipeline-engine:approval:exec-1:approve',
      },
    });
  });

  it('broadcasts when any signed-in user may approve', async () => {
    const send = jest.fn(async () => {});
    await createApproverNotifier({
      notifications: { send },
      logger: mockServices.logger.mock(),
    })({
      ...notice,
      userGroups: ['_account_all_users'],
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({ recipients: { type: 'broadcast' } }),
    );
  });

  it('never rejects, and warns once when sends fail (no notifications backend)', async () => {
    const logger = mockServices.logger.mock();
    const send = jest.fn(async () => {
      throw new Error('Request failed with 404 Not Found');
    });
    const notify = createApproverNotifier({ notifications: { send }, logger });
    await expect(notify(notice)).resolves.toBeUndefined();
    await expect(notify(notice)).resolves.toBeUndefined();
    expect(send).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'approver notification for execution exec-1 was not sent',
      ),
    );
    expect(logger.debug).toHaveBeenCalledTimes(1);
  });
});
