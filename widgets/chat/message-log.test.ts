import { expect } from '@open-wc/testing';
import { MessageLog } from './message-log.js';

describe('MessageLog', () => {
  it('shows a pending message once, from sending to read, under one key', () => {
    const log = new MessageLog('visitor');
    log.addPending('cid-000001', 'Hello', 1);
    expect(log.entries()).to.have.length(1);
    expect(log.entries()[0]).to.include({ status: 'sending', key: 'ccid-000001' });
    log.ack('cid-000001', 1, 2);
    // The broadcast of the same message arrives too: still one entry.
    log.add({ seq: 1, cid: 'cid-000001', from: 'visitor', text: 'Hello', at: 2 });
    expect(log.entries()).to.have.length(1);
    expect(log.entries()[0]).to.include({ status: 'sent', key: 'ccid-000001', seq: 1 });
    log.setReceipt({ delivered: 1, read: 0 });
    expect(log.entries()[0]?.status).to.equal('delivered');
    log.setReceipt({ delivered: 1, read: 1 });
    expect(log.entries()[0]?.status).to.equal('read');
    // Receipts never go backwards.
    log.setReceipt({ delivered: 0, read: 0 });
    expect(log.entries()[0]?.status).to.equal('read');
  });

  it('orders by sequence, puts pending last, ignores duplicates and counts unread', () => {
    const log = new MessageLog('visitor');
    expect(log.add({ seq: 2, from: 'agent', text: 'b', at: 2 })).to.equal(true);
    expect(log.add({ seq: 1, from: 'agent', text: 'a', at: 1 })).to.equal(true);
    expect(log.add({ seq: 2, from: 'agent', text: 'b', at: 2 })).to.equal(false);
    log.add({ seq: 3, from: 'system', text: 'joined', at: 3 });
    log.addPending('cid-000002', 'c', 4);
    expect(log.entries().map((e) => e.text)).to.deep.equal(['a', 'b', 'joined', 'c']);
    expect(log.lastSeq).to.equal(3);
    expect(log.unreadAfter(1)).to.equal(1);
  });
});
