import { createHmac } from 'node:crypto';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import { signPayloadStep } from './signPayloadStep';

describe('SignPayload', () => {
  it('outputs the HMAC-SHA256 of the payload with the secret key', async () => {
    const run = await runMockStep(
      signPayloadStep,
      { payload: 'hello', keySecret: 'org.key' },
      { secrets: { key: 's3cret' } },
    );
    expect(run.error).toBeUndefined();
    expect(run.outputs.signature).toBe(
      createHmac('sha256', 's3cret').update('hello').digest('hex'),
    );
    expect(run.masked).toEqual(['s3cret']);
    expect(run.logLines()).toEqual(['info: signed 5 bytes with org.key']);
  });

  it('fails naming the secret when it is not configured', async () => {
    const run = await runMockStep(signPayloadStep, {
      payload: 'hello',
      keySecret: 'nope',
    });
    expect(run.error?.message).toBe('secret "nope" is not configured');
  });

  it('rejects a spec without keySecret', async () => {
    const run = await runMockStep(signPayloadStep, { payload: 'hello' });
    expect(run.error?.name).toBe('InputError');
    expect(run.error?.message).toContain('spec.keySecret');
  });
});
