import { mockServices } from '@backstage/backend-test-utils';
import { readHarnessActionsConfig } from './config';

const read = (harness?: unknown) =>
  readHarnessActionsConfig(
    mockServices.rootConfig({ data: harness === undefined ? {} : { harness } }),
  );

describe('readHarnessActionsConfig', () => {
  it('has defaults', () => {
    expect(read()).toEqual({
      harnessOrigins: [],
      apiKeySecrets: {},
      harnessPollIntervalMs: 5000,
      enginePollIntervalMs: 1000,
    });
  });

  it('reads origins of base URLs, secrets and intervals', () => {
    expect(
      read({
        baseUrls: [
          'https://app.harness.io/',
          'https://harness.example.com:8443/ng',
        ],
        apiKeySecrets: { idp: 'pat.x' },
        pollIntervalMs: 100,
        enginePollIntervalMs: 50,
      }),
    ).toEqual({
      harnessOrigins: [
        'https://app.harness.io',
        'https://harness.example.com:8443',
      ],
      apiKeySecrets: { idp: 'pat.x' },
      harnessPollIntervalMs: 100,
      enginePollIntervalMs: 50,
    });
  });

  it('rejects malformed values at startup', () => {
    expect(() => read({ baseUrls: ['app.harness.io'] })).toThrow(
      'harness.baseUrls entry "app.harness.io" is not a URL',
    );
    expect(() => read({ pollIntervalMs: 0 })).toThrow(
      'harness.pollIntervalMs must be a positive number, got 0',
    );
  });
});
