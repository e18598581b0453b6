import { mockServices } from '@backstage/backend-test-utils';
import { announceParked } from './parkedNotices';
import { MASK, SecretMasker } from './secretMasker';

describe('announceParked', () => {
  it('calls every onParked with its payload; a throw or a rejection is a masked warning and stops nothing', async () => {
    const logger = mockServices.logger.mock();
    const masker = new SecretMasker();
    masker.add('hunter2-secret');
    const told: string[] = [];
    announceParked(
      [
        {
          nodeFqn: 'steps.a',
          payload: { n: 'a' },
          onParked: async () => {
            throw new Error('rejected with hunter2-secret');
          },
        },
        {
          nodeFqn: 'steps.b',
          payload: { n: 'b' },
          onParked: () => {
            throw new Error('thrown');
          },
        },
        {
          nodeFqn: 'steps.c',
          payload: { n: 'c' },
          onParked: payload => told.push(String(payload.n)),
        },
      ],
      { executionId: 'exec-1', masker, logger },
    );
    // Not awaited by the caller: the rejection is reported a tick later.
    await new Promise(resolve => setImmediate(resolve));
    expect(told).toEqual(['c']);
    expect(logger.warn.mock.calls.map(([message]) => message).sort()).toEqual([
      `execution exec-1: onParked of steps.a failed: rejected with ${MASK}`,
      'execution exec-1: onParked of steps.b failed: thrown',
    ]);
  });
});
