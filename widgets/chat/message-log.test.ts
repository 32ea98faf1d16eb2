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

  const page = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, from: 'agent' as const, text: `m${from + i}`, at: from + i }));

  it('keeps the newest page of a fresh welcome, resumes from its top, and reads earlier pages down to the first', () => {
    const log = new MessageLog('visitor');
    log.addPage({ messages: page(201, 300), more: true }, { after: 0 });
    expect(log.lastSeq).to.equal(300);
    expect(log.hasEarlier).to.equal(true);
    expect(log.oldestSeq).to.equal(201);
    expect(log.hole).to.equal(undefined, 'older messages are history, not a hole');
    log.addPage({ messages: page(101, 200), more: true }, { after: 0, before: 201 });
    expect(log.oldestSeq).to.equal(101);
    log.addPage({ messages: page(1, 100), more: false }, { after: 0, before: 101 });
    expect(log.hasEarlier).to.equal(false);
    expect(log.entries().map((e) => e.seq)).to.deep.equal(page(1, 300).map((m) => m.seq));
  });

  it('never resumes past a message it has not received: a resume that missed more than a page leaves a hole to read', () => {
    const log = new MessageLog('visitor');
    log.addPage({ messages: page(1, 10), more: false }, { after: 0 });
    expect(log.hasEarlier).to.equal(false);
    // Reconnected with since 10; 290 came meanwhile: the welcome is the newest 100.
    log.addPage({ messages: page(201, 300), more: true }, { after: 10 });
    expect(log.lastSeq).to.equal(10, 'still 10: 11 to 200 are missing');
    expect(log.hole).to.deep.equal({ after: 10, before: 201 });
    log.addPage({ messages: page(101, 200), more: true }, { after: 10, before: 201 });
    expect(log.hole).to.deep.equal({ after: 10, before: 101 });
    log.addPage({ messages: page(11, 100), more: false }, { after: 10, before: 101 });
    expect(log.hole).to.equal(undefined);
    expect(log.lastSeq).to.equal(300);
    expect(log.entries()).to.have.length(300);
  });

  it('resumes below a live message that came out of order until the one before it arrives', () => {
    const log = new MessageLog('agent');
    log.addPage({ messages: page(1, 5), more: false }, { after: 0 });
    log.add({ seq: 7, from: 'visitor', text: 'seven', at: 7 });
    expect(log.lastSeq).to.equal(5);
    log.add({ seq: 6, from: 'visitor', text: 'six', at: 6 });
    expect(log.lastSeq).to.equal(7);
  });
});
