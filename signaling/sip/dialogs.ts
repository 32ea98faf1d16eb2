/**
 * The calls that were answered (confirmed dialogs), as far as the proxy
 * needs to know them: which two flows they join, and enough of each side
 * (URI with tag, contact, last CSeq) to end the call in that side's name
 * when its WebSocket closes. RFC 3261 §12 has the rules for the BYE this
 * builds; sip.js checks them on the receiving side.
 */
import type { SipFlow } from './sip-flow.js';
import { OutgoingSip } from './sip-message.js';

export interface DialogSide {
  flow: SipFlow;
  /** The side's From/To header value, with its tag. */
  nameAddr: string;
  /** Its remote target: where requests to it go. */
  contact: string;
  /** The highest CSeq number it has used in this dialog. */
  cseq: number;
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
}

export class Dialogs {
  private readonly byCallId = new Map<string, Dialog>();

  add(dialog: Dialog) {
    this.byCallId.set(dialog.callId, dialog);
  }

  get(callId: string): Dialog | undefined {
    return this.byCallId.get(callId);
  }

  remove(callId: string): Dialog | undefined {
    const dialog = this.byCallId.get(callId);
    this.byCallId.delete(callId);
    return dialog;
  }

  all(): Dialog[] {
    return [...this.byCallId.values()];
  }

  withFlow(flow: SipFlow): Dialog[] {
    return [...this.byCallId.values()].filter((d) => d.caller.flow === flow || d.callee.flow === flow);
  }

  forInteraction(interactionId: string): Dialog[] {
    return [...this.byCallId.values()].filter((d) => d.interactionId === interactionId);
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
