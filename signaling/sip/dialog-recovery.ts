/**
 * Calls that outlive their WebSockets. The audio of a call runs browser to
 * browser; only its signaling passes through the proxy. So when a side's
 * WebSocket closes (a network change, a page's connection blip) or the
 * whole process restarts (a deploy, a crash), the call is not over: the
 * proxy keeps the dialog (in memory and in the store) and waits for that
 * phone to come back on a new WebSocket — a new flow, in RFC 5626's words.
 *
 * A phone comes back by registering again with its credentials (RFC 5626
 * §4.2.1: a UA whose flow failed re-registers over a new one): an agent's
 * softphone its own address, a visitor's browser its conversation's
 * address. Every side that party owns, at the contact it registers, is then
 * reached over the new flow, and the requests that waited for it, or went
 * into the old flow unanswered, are sent over it. A request inside the call
 * from a flow whose party owns that side does the same.
 *
 * A side that does not come back within the window ends the call: the
 * proxy sends the side that is there a BYE in the missing side's name
 * (Reason: 408, "Connection lost"), as it did at once before.
 *
 * ```
 *  both flows ──flow closes / restart──▶ waiting (≤ windowMs) ──registers again──▶ both flows
 *                                              └──────── window ends ──▶ BYE to the side that is there, ended
 * ```
 */
import type { SipFlow } from './sip-flow.js';
import { contactKey } from './sip-flow.js';
import { Dialogs, owns, type Dialog, type DialogSide } from './dialogs.js';
import { newBranch, parseContactUri, type OutgoingSip } from './sip-message.js';

export interface RecoveryHost {
  /** Our Via for a request sent on a flow. */
  via(flow: SipFlow, branch: string): string;
  /** A BYE the proxy sends itself: its response stops at the proxy. */
  sendOwn(flow: SipFlow, message: OutgoingSip, branch: string): void;
  /** Nobody came back in time: close the call's records (the proxy's bookkeeping for an ended call). */
  gaveUp(dialog: Dialog): void;
  /**
   * A side is reached over a new flow: what was sent to it over the old one
   * and never answered (it died with that WebSocket, unnoticed) goes again.
   */
  rebound(dialog: Dialog, side: DialogSide): void;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

export class DialogRecovery {
  private readonly windows = new Map<string, { cancel(): void }>();

  constructor(
    private readonly dialogs: Dialogs,
    private readonly host: RecoveryHost,
    /** How long a call waits for a side's phone to come back (`sip.recoverySeconds`; the phones' back-off reaches 10 s between tries). */
    private readonly windowMs: number,
  ) {}

  /** Calls waiting for a side to come back. */
  get waiting(): number {
    return this.windows.size;
  }

  /** After a restart: every call kept in the store waits for both its phones. */
  waitForAll() {
    for (const dialog of this.dialogs.all()) this.startWindow(dialog);
  }

  /** A WebSocket closed: the sides it carried wait for their phones to come back. */
  lost(flow: SipFlow) {
    for (const dialog of this.dialogs.withFlow(flow)) {
      for (const side of [dialog.caller, dialog.callee]) if (side.flow === flow) side.flow = undefined;
      this.startWindow(dialog);
    }
  }

  /**
   * A party registered `contacts` over `flow` (its identity already set by
   * the registrar): each side it owns at one of those contacts is reached
   * over this flow from now on.
   */
  found(flow: SipFlow, contacts: string[]) {
    const keys = new Set(contacts.map((c) => parseContactUri(c)).flatMap((uri) => (uri ? [contactKey(uri)] : [])));
    if (!keys.size) return;
    for (const dialog of this.dialogs.all()) {
      for (const side of [dialog.caller, dialog.callee]) {
        if (side.flow === flow || !owns(flow.identity, side.owner)) continue;
        const uri = parseContactUri(side.contact);
        if (uri && keys.has(contactKey(uri))) this.rebind(dialog, side, flow);
      }
    }
  }

  /**
   * A request inside the call from a flow that is not (or no longer) its
   * side's: taken as that side's new flow if the flow's party owns the side
   * its From tag names. Returns the sending side and the other, or nothing.
   */
  adopt(dialog: Dialog, flow: SipFlow, fromTag: string): { from: DialogSide; to: DialogSide } | undefined {
    const sides = Dialogs.sidesByTag(dialog, fromTag);
    if (!sides || !owns(flow.identity, sides.from.owner)) return undefined;
    this.rebind(dialog, sides.from, flow);
    return sides;
  }

  /**
   * Sends a request to a side now, and returns the flow it went over; or,
   * that side being away, waits for it: a request that expects a response
   * is the proxy's to send again (`rebound`), an ACK is kept here.
   */
  deliver(dialog: Dialog, side: DialogSide, out: OutgoingSip, branch: string, isAck: boolean): SipFlow | undefined {
    if (side.flow?.open) {
      side.flow.send(out.clone().prepend('Via', this.host.via(side.flow, branch)));
      return side.flow;
    }
    if (isAck) side.parked.push({ out, branch });
    this.startWindow(dialog);
    return undefined;
  }

  /** The process stops: the calls wait in the store for the next one, not here. */
  stop() {
    for (const window of this.windows.values()) window.cancel();
    this.windows.clear();
  }

  /** The call ended: nothing waits for it any more. */
  forget(dialog: Dialog) {
    this.windows.get(dialog.callId)?.cancel();
    this.windows.delete(dialog.callId);
  }

  private rebind(dialog: Dialog, side: DialogSide, flow: SipFlow) {
    side.flow = flow;
    this.host.rebound(dialog, side);
    // A parked request gets its Via now, for the flow it finally goes over.
    for (const { out, branch } of side.parked.splice(0)) flow.send(out.clone().prepend('Via', this.host.via(flow, branch)));
    if (dialog.over) {
      // Its BYE is delivered: the call is over for everyone now.
      this.dialogs.remove(dialog.callId);
      this.forget(dialog);
      return;
    }
    if (dialog.caller.flow?.open && dialog.callee.flow?.open) this.forget(dialog);
  }

  private startWindow(dialog: Dialog) {
    if (this.windows.has(dialog.callId)) return;
    this.windows.set(
      dialog.callId,
      this.host.setTimer(() => this.giveUp(dialog), this.windowMs),
    );
  }

  /** The window ended with a side still away: the side that is there hears the call end. */
  private giveUp(dialog: Dialog) {
    this.windows.delete(dialog.callId);
    if (this.dialogs.get(dialog.callId) !== dialog) return;
    const sides: Array<[DialogSide, DialogSide]> = [
      [dialog.caller, dialog.callee],
      [dialog.callee, dialog.caller],
    ];
    if (!dialog.over) {
      for (const [gone, there] of sides) {
        if (gone.flow?.open || !there.flow?.open) continue;
        const branch = newBranch();
        this.host.sendOwn(there.flow, Dialogs.byeFor(dialog, gone, there, this.host.via(there.flow, branch)), branch);
      }
    }
    dialog.caller.parked.length = 0;
    dialog.callee.parked.length = 0;
    this.dialogs.remove(dialog.callId);
    this.host.gaveUp(dialog);
  }
}
