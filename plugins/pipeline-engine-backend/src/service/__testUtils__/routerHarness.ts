import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import type { Test } from 'supertest';
import type { PipelineAdminApi } from '../adminTypes';
import type { AdmissionGate } from '../../engine/admissionGate';
import type { ApprovalService } from '../approvals';
import type { InterventionService } from '../interventions';
import { createRouter } from '../router';
import type { TemplateApi } from '../TemplateService';
import { FakePermissions, type FakePolicy } from './FakePermissions';
import { FakePipelineEngine } from './FakePipelineEngine';

/** Authorization header of the test user. */
export const USER = mockCredentials.user.header('user:default/jane');

/** A PipelineAdminApi whose every method is a jest mock. */
export function mockAdmin(): jest.Mocked<PipelineAdminApi> {
  return {
    listInputSets: jest.fn(),
    getInputSet: jest.fn(),
    createInputSet: jest.fn(),
    updateInputSet: jest.fn(),
    deleteInputSet: jest.fn(),
    listTriggers: jest.fn(),
    getTrigger: jest.fn(),
    createTrigger: jest.fn(),
    updateTrigger: jest.fn(),
    deleteTrigger: jest.fn(),
    rotateWebhookToken: jest.fn(),
    authenticateWebhook: jest.fn(),
    runTrigger: jest.fn(),
    getDefaultExecutionConfig: jest.fn(),
    getCustomerExecutionConfig: jest.fn(),
    updateExecutionConfig: jest.fn(),
    resetExecutionConfig: jest.fn(),
  };
}

/** An ApprovalService whose every method is a jest mock. */
export function mockApprovals(): jest.Mocked<ApprovalService> {
  return {
    listWaiting: jest.fn(),
    listForExecution: jest.fn(),
    pipelineOf: jest.fn(),
    act: jest.fn(),
  } as unknown as jest.Mocked<ApprovalService>;
}

/**
 * The router on an express app with a fake engine, an in-process policy
 * and mock auth where requests without a token carry no credentials.
 */
export async function createTestApp(
  options: {
    policy?: FakePolicy;
    admin?: PipelineAdminApi;
    api?: FakePipelineEngine;
    templates?: TemplateApi;
    approvals?: ApprovalService;
    admission?: AdmissionGate;
  } = {},
) {
  const api = options.api ?? new FakePipelineEngine();
  const admin = options.admin ?? mockAdmin();
  const permissions = new FakePermissions(options.policy);
  const router = await createRouter({
    api,
    admin,
    ...(options.templates ? { templates: options.templates } : {}),
    permissions,
    httpAuth: mockServices.httpAuth({
      pluginId: 'pipeline-engine',
      defaultCredentials: mockCredentials.none(),
    }),
    logger: mockServices.logger.mock(),
    logStream: { pollIntervalMs: 25, keepAliveMs: 40 },
    approvals: options.approvals ?? mockApprovals(),
    interventions: {
      act: jest.fn(),
    } as unknown as InterventionService,
    ...(options.admission ? { admission: options.admission } : {}),
  });
  const app = express().use(router);
  return { app, api, admin, permissions, router };
}

/** Buffers a text/event-stream response into `res.body` as text. */
export function readEventStream(
  test: Test,
  onText?: (textSoFar: string) => void,
): Test {
  return test.buffer(true).parse((res, callback) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      onText?.(text);
    });
    res.on('end', () => callback(null, text));
  });
}

/** One parsed Server-Sent Event; comments are kept apart. */
export interface ParsedEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Splits an event stream into events. */
export function parseEventStream(text: string): ParsedEvent[] {
  return text
    .split('\n\n')
    .filter(block => block.trim() !== '')
    .map(block => {
      const event: ParsedEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          event.comment = line.slice(1).trim();
          continue;
        }
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id' || field === 'event' || field === 'data') {
          event[field] = value;
        }
      }
      return event;
    });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
