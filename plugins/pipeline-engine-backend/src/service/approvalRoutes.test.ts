import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createTestApp,
  mockApprovals,
  USER,
} from './__testUtils__/routerHarness';
import type { ApprovalView } from '@idp-pipelines/plugin-pipeline-engine-common';

const APPROVAL_ID = '6f1c1d9e-2b9a-4c1e-8f53-0d6c2b7d4a11';
const PIPELINE = {
  orgIdentifier: 'default',
  projectIdentifier: 'default',
  pipelineIdentifier: 'seed',
};
/** Allows everything but `pipeline-engine.approval.respond`. */
const denyRespond = (permission: Permission): PolicyDecision => ({
  result:
    permission.name === 'pipeline-engine.approval.respond'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
});
const view = {
  id: APPROVAL_ID,
  ...PIPELINE,
  status: 'APPROVED',
} as ApprovalView;

describe('approval routes', () => {
  it('records an activity of the signed-in user after checking approval.respond on the pipeline', async () => {
    const approvals = mockApprovals();
    approvals.pipelineOf.mockResolvedValue(PIPELINE);
    approvals.act.mockResolvedValue(view);
    const { app, permissions } = await createTestApp({ approvals });
    const res = await request(app)
      .post(`/approvals/${APPROVAL_ID}/activity`)
      .set('authorization', USER)
      .send({
        action: 'APPROVE',
        comments: 'ok',
        approverInputs: { region: 'us' },
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(view);
    expect(approvals.act).toHaveBeenCalledWith(
      APPROVAL_ID,
      'user:default/jane',
      {
        action: 'APPROVE',
        comments: 'ok',
        approverInputs: { region: 'us' },
      },
    );
    expect(permissions.asked).toContainEqual({
      permission: 'pipeline-engine.approval.respond',
      resourceRef: 'default:default:seed',
    });
  });

  it('answers 403 without pipeline-engine.approval.respond and records nothing', async () => {
    const approvals = mockApprovals();
    approvals.pipelineOf.mockResolvedValue(PIPELINE);
    const { app } = await createTestApp({
      approvals,
      policy: denyRespond,
    });
    const res = await request(app)
      .post(`/approvals/${APPROVAL_ID}/activity`)
      .set('authorization', USER)
      .send({ action: 'APPROVE' });
    expect(res.status).toBe(403);
    expect(approvals.act).not.toHaveBeenCalled();
  });

  it('answers 403 for a service token: approvals are given by people', async () => {
    const approvals = mockApprovals();
    const { app } = await createTestApp({ approvals });
    const res = await request(app)
      .post(`/approvals/${APPROVAL_ID}/activity`)
      .set('authorization', mockCredentials.service.header())
      .send({ action: 'APPROVE' });
    expect(res.status).toBe(403);
    expect(approvals.act).not.toHaveBeenCalled();
  });

  it('passes a refusal of the service on as 403 with its message', async () => {
    const approvals = mockApprovals();
    approvals.pipelineOf.mockResolvedValue(PIPELINE);
    approvals.act.mockRejectedValue(
      new NotAllowedError(
        'user:default/jane is not a member of the approver groups group:default/admins',
      ),
    );
    const { app } = await createTestApp({ approvals });
    const res = await request(app)
      .post(`/approvals/${APPROVAL_ID}/activity`)
      .set('authorization', USER)
      .send({ action: 'APPROVE' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'user:default/jane is not a member of the approver groups group:default/admins',
    );
  });

  it('lists what the user may act on, asking approval.respond per pipeline', async () => {
    const approvals = mockApprovals();
    approvals.listWaiting.mockImplementation(async (_user, mayRespond) =>
      (await mayRespond(PIPELINE)) ? [view] : [],
    );
    const { app } = await createTestApp({ approvals });
    const res = await request(app)
      .get('/approvals?status=waiting')
      .set('authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [view], totalCount: 1 });
    expect(approvals.listWaiting).toHaveBeenCalledWith(
      'user:default/jane',
      expect.any(Function),
    );
    const denied = await createTestApp({
      approvals,
      policy: denyRespond,
    });
    const none = await request(denied.app)
      .get('/approvals')
      .set('authorization', USER);
    expect(none.body).toEqual({ items: [], totalCount: 0 });
    const bad = await request(app)
      .get('/approvals?status=done')
      .set('authorization', USER);
    expect(bad.status).toBe(400);
  });
});
