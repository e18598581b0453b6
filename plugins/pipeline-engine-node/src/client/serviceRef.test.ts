import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { PipelineEngineClient } from './PipelineEngineClient';
import type { PipelineEngineService } from './PipelineEngineService';
import { pipelineEngineServiceRef } from './serviceRef';

describe('pipelineEngineServiceRef', () => {
  it('provides a PipelineEngineClient by default', async () => {
    let service: PipelineEngineService | undefined;
    await startTestBackend({
      features: [
        createBackendPlugin({
          pluginId: 'consumer',
          register(env) {
            env.registerInit({
              deps: { pipelineEngine: pipelineEngineServiceRef },
              async init({ pipelineEngine }) {
                service = pipelineEngine;
              },
            });
          },
        }),
      ],
    });
    expect(service).toBeInstanceOf(PipelineEngineClient);
    expect(pipelineEngineServiceRef.id).toBe('pipeline-engine.client');
  });
});
