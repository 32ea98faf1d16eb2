import { expect } from '@open-wc/testing';
import { DefaultReconnectPolicy } from './reconnect-policy.js';

describe('DefaultReconnectPolicy', () => {
  it('retries at once, then backs off with bounded jitter, capped', () => {
    const policy = new DefaultReconnectPolicy(10_000, 120_000, () => 1);
    const delays = [0, 1, 2, 3, 4, 5, 6, 20].map((retryCount) => policy.nextRetryDelayInMs({ retryCount, elapsedMs: 0 }));
    expect(delays).to.deep.equal([0, 390, 1560, 3510, 6240, 9100, 13000, 13000]);
    const noJitter = new DefaultReconnectPolicy(10_000, 120_000, () => 0);
    expect(noJitter.nextRetryDelayInMs({ retryCount: 40, elapsedMs: 0 })).to.equal(10_000);
  });

  it('gives up after its time limit instead of retrying forever', () => {
    const policy = new DefaultReconnectPolicy(10_000, 60_000);
    expect(policy.nextRetryDelayInMs({ retryCount: 3, elapsedMs: 59_999 })).to.be.a('number');
    expect(policy.nextRetryDelayInMs({ retryCount: 3, elapsedMs: 60_000 })).to.equal(null);
  });
});
