import { AdmissionGate } from './admissionGate';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Whether `promise` has settled after pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await jest.advanceTimersByTimeAsync(0);
  return done;
}

describe('AdmissionGate', () => {
  it('lets work through at once when no admission is in flight', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 1000 });
    expect(await settled(gate.clearForStep())).toBe(true);
  });

  it('holds work until the last admission in flight ends', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 1000, quietMs: 10 });
    const first = gate.enter();
    const second = gate.enter();
    const waiting = gate.clearForStep();
    first();
    first(); // leaving twice counts once
    expect(gate.inFlight).toBe(1);
    expect(await settled(waiting)).toBe(false);
    second();
    // Requests of a burst come a few ms apart: work waits a quiet period.
    expect(await settled(waiting)).toBe(false);
    await jest.advanceTimersByTimeAsync(10);
    expect(await settled(waiting)).toBe(true);
    expect(gate.busy).toBe(false);
  });

  it('lets work through right after a lone admission', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 1000, quietMs: 10 });
    const leave = gate.enter();
    const waiting = gate.clearForStep();
    expect(await settled(waiting)).toBe(false);
    leave();
    // Nothing else came within the quiet period: no burst to wait for.
    expect(await settled(waiting)).toBe(true);
    expect(gate.busy).toBe(false);
  });

  it('does not treat admissions one after another as a burst', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 1000, quietMs: 10 });
    gate.enter()();
    await jest.advanceTimersByTimeAsync(3);
    const leave = gate.enter();
    const waiting = gate.clearForClaim();
    expect(await settled(waiting)).toBe(false);
    leave();
    // Neither overlapped another: the execution may start at once.
    expect(await settled(waiting)).toBe(true);
  });

  it('keeps work waiting when an admission starts within the quiet period', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 1000, quietMs: 10 });
    const first = gate.enter();
    gate.enter()();
    first();
    const waiting = gate.clearForStep();
    await jest.advanceTimersByTimeAsync(5);
    const leave = gate.enter();
    await jest.advanceTimersByTimeAsync(20);
    expect(await settled(waiting)).toBe(false);
    leave();
    await jest.advanceTimersByTimeAsync(10);
    expect(await settled(waiting)).toBe(true);
  });

  it('holds work no longer than its bound, so admissions cannot starve it', async () => {
    const gate = new AdmissionGate({ stepWaitMs: 200, claimWaitMs: 2000 });
    gate.enter();
    const step = gate.clearForStep();
    const claim = gate.clearForClaim();
    await jest.advanceTimersByTimeAsync(199);
    expect(await settled(step)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await settled(step)).toBe(true);
    // New work waits for the burst longer than running work does.
    await jest.advanceTimersByTimeAsync(1799);
    expect(await settled(claim)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await settled(claim)).toBe(true);
  });

  it('lets claims through as soon as a burst is over', async () => {
    const gate = new AdmissionGate({ claimWaitMs: 2000, quietMs: 10 });
    const first = gate.enter();
    const second = gate.enter();
    const claim = gate.clearForClaim();
    first();
    second();
    await jest.advanceTimersByTimeAsync(10);
    expect(await settled(claim)).toBe(true);
  });
});
