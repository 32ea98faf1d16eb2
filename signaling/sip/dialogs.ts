/**
 * The calls that were answered (confirmed dialogs), as far as the proxy
 * needs to know them: who each side is, the WebSocket it is reached over
 * now (none while its phone reconnects), and enough of each side (URI with
 * tag, remote target, last CSeq) to route its requests and to end the call
 * in its name. RFC 3261 §12 has the rules for the BYE this builds; sip.js
 * checks them on the receiving side.
 *
 * Every dialog is also in the store (table sip_dialogs) from its 2xx to its
 * end, without the flows: a restarted proxy loads them and finds each side's
 * flow again when that phone reconnects (dialog-recovery.ts).
 */
import type { SipFlow } from './sip-flow.js';
import { OutgoingSip } from './sip-message.js';
import type { DialogStore, SideOwner, StoredSide } from '../store/dialog-store.js';
import type { SerialQueue } from '../serial-queue.js';

export interface DialogSide extends StoredSide {
  /** The WebSocket this side is reached over now; undefined while its phone reconnects. */
  flow: SipFlow | undefined;
  /** Its From (caller) or To (callee) tag. */
  tag: string;
  /** ACKs for this side that came while it was away (without our Via yet), sent when it is back (other requests wait as the proxy's pending ones). */
  parked: Array<{ out: OutgoingSip; branch: string }>;
}

export interface Dialog {
  callId: string;
  callRecordId: string;
  interactionId: string;
  agentId: string;
  /** The routing engine's item this call carries (a queue call), released when its last call ends. */
  itemId?: string;
  caller: DialogSide;
  callee: DialogSide;
  createdAt: number;
  /** No request may use it any more (a BYE was sent; it may wait, parked, for the other side to come back). */
  over?: boolean;
  /** Its call record is closed. */
  ended?: boolean;
}

/** Whether a WebSocket's authenticated party is this side's owner. */
export function owns(identity: SipFlow['identity'], owner: SideOwner): boolean {
  if (identity.role === 'agent') return owner.kind === 'agent' && owner.agentId === identity.agentId;
  if (identity.role === 'visitor') return owner.kind === 'visitor' && owner.interactionId === identity.interactionId;
  return false;
}

/** A side's tag, read from its From/To header value (the tag parameter after the URI). */
export function tagOf(nameAddr: string): string {
  return /;\s*tag=([^;,\s]+)/i.exec(nameAddr.slice(nameAddr.lastIndexOf('>') + 1))?.[1] ?? '';
}

const stored = (side: DialogSide): StoredSide => ({ owner: side.owner, nameAddr: side.nameAddr, contact: side.contact, cseq: side.cseq });

export class Dialogs {
  private readonly byCallId = new Map<string, Dialog>();

  constructor(
    private readonly store: DialogStore,
    /** Writes in the order the dialogs changed, without holding up the SIP that changed them. */
    private readonly writes: SerialQueue,
  ) {}

  /** The dialogs an earlier process left, every side without a flow yet. */
  async load(): Promise<Dialog[]> {
    const side = (s: StoredSide): DialogSide => ({ ...s, flow: undefined, tag: tagOf(s.nameAddr), parked: [] });
    for (const r of await this.store.list()) {
      this.byCallId.set(r.callId, {
        callId: r.callId,
        callRecordId: r.callRecordId,
        interactionId: r.interactionId,
        agentId: r.agentId,
        ...(r.itemId ? { itemId: r.itemId } : {}),
        caller: side(r.caller),
        callee: side(r.callee),
        createdAt: r.createdAt,
      });
    }
    return this.all();
  }

  add(dialog: Dialog) {
    this.byCallId.set(dialog.callId, dialog);
    const record = { ...dialog, itemId: dialog.itemId ?? null, caller: stored(dialog.caller), callee: stored(dialog.callee) };
    this.writes.push(() => this.store.insert(record));
  }

  /** Keeps a side's new CSeq or remote target. */
  save(dialog: Dialog) {
    if (this.byCallId.get(dialog.callId) !== dialog) return;
    const [caller, callee] = [stored(dialog.caller), stored(dialog.callee)];
    this.writes.push(() => this.store.updateSides(dialog.callId, caller, callee));
  }

  /** Over, but kept in memory until its BYE reaches the other side; no longer in the store. */
  markOver(dialog: Dialog) {
    dialog.over = true;
    this.writes.push(() => this.store.remove(dialog.callId));
  }

  get(callId: string): Dialog | undefined {
    return this.byCallId.get(callId);
  }

  remove(callId: string): Dialog | undefined {
    const dialog = this.byCallId.get(callId);
    this.byCallId.delete(callId);
    this.writes.push(() => this.store.remove(callId));
    return dialog;
  }

  all(): Dialog[] {
    return [...this.byCallId.values()];
  }

  withFlow(flow: SipFlow): Dialog[] {
    return this.all().filter((d) => d.caller.flow === flow || d.callee.flow === flow);
  }

  get size(): number {
    return this.byCallId.size;
  }

  /** The side of the dialog that sent a request on `flow`, and the other side. */
  static sides(dialog: Dialog, flow: SipFlow): { from: DialogSide; to: DialogSide } | undefined {
    if (dialog.caller.flow === flow) return { from: dialog.caller, to: dialog.callee };
    if (dialog.callee.flow === flow) return { from: dialog.callee, to: dialog.caller };
    return undefined;
  }

  /** The side whose tag a request's From carries, and the other side. */
  static sidesByTag(dialog: Dialog, fromTag: string): { from: DialogSide; to: DialogSide } | undefined {
    if (fromTag && dialog.caller.tag === fromTag) return { from: dialog.caller, to: dialog.callee };
    if (fromTag && dialog.callee.tag === fromTag) return { from: dialog.callee, to: dialog.caller };
    return undefined;
  }

  /**
   * An ACK in the name of `sender` for its re-INVITE of CSeq `cseq`, to
   * `answerer` (RFC 3261 §13.2.2.4: the same CSeq number, method ACK). The
   * last resort for a 2xx whose ACK died with a connection: the offer was in
   * the re-INVITE, so the ACK carries nothing.
   */
  static ackFor(dialog: Dialog, sender: DialogSide, answerer: DialogSide, cseq: number, via: string): OutgoingSip {
    return new OutgoingSip(`ACK ${answerer.contact} SIP/2.0`, [
      ['Via', via],
      ['Max-Forwards', '70'],
      ['From', sender.nameAddr],
      ['To', answerer.nameAddr],
      ['Call-ID', dialog.callId],
      ['CSeq', `${cseq} ACK`],
    ]);
  }

  /**
   * A BYE in the name of `gone`, to `other`: From and To are the two sides'
   * header values (with their tags), the CSeq follows gone's last one, and a
   * Reason (RFC 3326) says why.
   */
  static byeFor(dialog: Dialog, gone: DialogSide, other: DialogSide, via: string): OutgoingSip {
    gone.cseq += 1;
    return new OutgoingSip(`BYE ${other.contact} SIP/2.0`, [
      ['Via', via],
      ['Max-Forwards', '70'],
      ['From', gone.nameAddr],
      ['To', other.nameAddr],
      ['Call-ID', dialog.callId],
      ['CSeq', `${gone.cseq} BYE`],
      ['Reason', 'SIP;cause=408;text="Connection lost"'],
    ]);
  }
}
