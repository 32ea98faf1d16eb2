/**
 * A visitor's INVITE to a queue, from the 100 Trying until it is answered,
 * given up or cancelled: the stateful part of the proxy (RFC 3261 §16).
 *
 * One agent is rung at a time (sequential forking, §16.6): a decline, a busy
 * or unavailable answer, a lost connection or the ring timeout moves the
 * call to the next agent; when nobody is left the caller gets 486 (someone
 * declined or was busy) or 480 (nobody could take it). A CANCEL from the
 * caller is answered at once and passed on; the caller then gets 487.
 *
 * ```
 *   INVITE ──▶ trying ──(agent found)──▶ ringing agent A ──2xx──▶ answered (a Dialog)
 *                 │                         │  decline / busy / timeout / lost
 *                 │                         ▼
 *                 │                    ringing agent B … ──(nobody left)──▶ 480/486
 *                 └──── CANCEL (at any point) ──▶ cancelling ──487──▶ done
 * ```
 */
import type { SipFlow } from './sip-flow.js';
import { OutgoingSip, newBranch, responseTo, type SipRequest, type SipResponse } from './sip-message.js';
import type { Binding } from './registrar.js';
import type { CallEndReason } from '../store/call-store.js';

export interface Leg {
  agentId: string;
  flow: SipFlow;
  branch: string;
  /** Our Via for this leg (also the only Via of its CANCEL and ACK). */
  via: string;
  /** The INVITE as we sent it. */
  invite: OutgoingSip;
  provisional: boolean;
  cancelState: 'none' | 'pending' | 'sent';
  /** Why we are cancelling this leg (a timeout moves on to the next agent; the caller's CANCEL does not). */
  cancelCause?: 'caller' | 'timeout';
  timer?: { cancel(): void };
}

export interface Attempt {
  callId: string;
  callRecordId: string;
  interactionId: string;
  queue: string;
  caller: SipFlow;
  invite: SipRequest;
  tried: Set<string>;
  /** Final statuses of the legs that failed, to choose what to tell the caller. */
  failures: number[];
  cancelled: boolean;
  current?: Leg;
}

/** What the attempt needs from the proxy around it. */
export interface AttemptHost {
  via(flow: SipFlow, branch: string): string;
  recordRoute: string;
  pickAgent(attempt: Attempt): Binding | undefined;
  holdAgent(agentId: string): void;
  releaseAgent(agentId: string): void;
  /** Passes a response from the ringing agent on to the caller. */
  relay(attempt: Attempt, leg: Leg, response: SipResponse): void;
  /** The leg was answered: the proxy records the dialog. */
  answered(attempt: Attempt, leg: Leg, response: SipResponse): void;
  /** The attempt is over without an answer. */
  ended(attempt: Attempt, reason: CallEndReason): void;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  ringTimeoutMs: number;
}

/** Final responses after which another agent may answer (§16.7 step 5 leaves the choice to the proxy). */
const TRY_NEXT = new Set([408, 480, 486, 487, 600, 603]);

/** How long to wait for the 487 after a CANCEL before giving the leg up. */
const CANCEL_GRACE_MS = 4000;

const cseqNumber = (invite: OutgoingSip) => (invite.get('CSeq') ?? '1 INVITE').split(/\s+/)[0];

export class CallAttempts {
  private readonly byCallId = new Map<string, Attempt>();
  private readonly byBranch = new Map<string, Attempt>();

  constructor(private readonly host: AttemptHost) {}

  get(callId: string): Attempt | undefined {
    return this.byCallId.get(callId);
  }

  byLegBranch(branch: string): Attempt | undefined {
    return this.byBranch.get(branch);
  }

  all(): Attempt[] {
    return [...this.byCallId.values()];
  }

  start(attempt: Attempt) {
    this.byCallId.set(attempt.callId, attempt);
    this.ringNext(attempt);
  }

  /** The caller's CANCEL (already answered 200 by the proxy). */
  cancel(attempt: Attempt) {
    attempt.cancelled = true;
    const leg = attempt.current;
    if (leg) this.cancelLeg(leg, 'caller');
    else this.finish(attempt, 487, 'Request Terminated', 'cancelled');
  }

  /** The caller's connection is gone: stop ringing, nobody to answer to. */
  callerLeft(attempt: Attempt) {
    attempt.cancelled = true;
    if (attempt.current) this.cancelLeg(attempt.current, 'caller');
    else this.finish(attempt, undefined, undefined, 'cancelled');
  }

  /** The ringing agent's connection is gone: as if they were unavailable. */
  legLost(attempt: Attempt) {
    const leg = attempt.current;
    if (!leg) return;
    this.dropLeg(attempt, leg);
    attempt.failures.push(480);
    if (attempt.cancelled) this.finish(attempt, 487, 'Request Terminated', 'cancelled');
    else this.ringNext(attempt);
  }

  /** A response from the agent's side to our INVITE or CANCEL on `leg`. */
  onResponse(attempt: Attempt, response: SipResponse) {
    const leg = attempt.current;
    if (!leg) return;
    const relay = (r: SipResponse) => this.host.relay(attempt, leg, r);
    if (response.method === 'CANCEL') return; // 200 to our CANCEL: nothing more to do.
    const status = response.statusCode ?? 500;
    if (status < 200) {
      leg.provisional = true;
      if (leg.cancelState === 'pending') this.sendCancel(leg);
      // 100 Trying is hop-by-hop (§16.7 step 5): not forwarded.
      if (status > 100 && !attempt.cancelled) relay(response);
      return;
    }
    leg.timer?.cancel();
    this.byBranch.delete(leg.branch);
    if (status < 300) {
      attempt.current = undefined;
      this.byCallId.delete(attempt.callId);
      relay(response);
      this.host.answered(attempt, leg, response);
      return;
    }
    // A non-2xx final response is acknowledged hop by hop (§17.1.1.3).
    leg.flow.send(this.ackFor(leg, response));
    this.host.releaseAgent(leg.agentId);
    attempt.current = undefined;
    attempt.failures.push(status);
    if (attempt.cancelled) {
      this.finish(attempt, 487, 'Request Terminated', 'cancelled');
    } else if (TRY_NEXT.has(status) || status >= 500) {
      this.ringNext(attempt);
    } else {
      // Anything else (488 Not Acceptable Here…) is about the call itself: tell the caller.
      relay(response);
      this.finish(attempt, undefined, undefined, 'rejected');
    }
  }

  private ringNext(attempt: Attempt) {
    const target = this.host.pickAgent(attempt);
    if (!target) {
      const declined = attempt.failures.some((s) => s === 486 || s === 600 || s === 603);
      const timedOut = attempt.failures.length > 0 && !declined;
      if (declined) this.finish(attempt, 486, 'Busy Here', 'declined', 'No agent could take the call');
      else this.finish(attempt, 480, 'Temporarily Unavailable', timedOut ? 'no-answer' : 'no-agent', 'No agent is available right now');
      return;
    }
    attempt.tried.add(target.agentId);
    this.host.holdAgent(target.agentId);
    const branch = newBranch();
    const via = this.host.via(target.flow, branch);
    const invite = OutgoingSip.from(attempt.invite);
    invite.startLine = `INVITE ${target.contact} SIP/2.0`;
    // The caller's credentials are for us (§22.3), and only we say which interaction this is.
    invite.remove('Proxy-Authorization').remove('X-Warmline-Interaction').remove('X-Warmline-Token');
    invite.set('X-Warmline-Interaction', attempt.interactionId);
    invite.set('Max-Forwards', String(Number(attempt.invite.getHeader('max-forwards') ?? 70) - 1));
    invite.prepend('Record-Route', this.host.recordRoute);
    invite.prepend('Via', via);
    const leg: Leg = { agentId: target.agentId, flow: target.flow, branch, via, invite, provisional: false, cancelState: 'none' };
    attempt.current = leg;
    this.byBranch.set(branch, attempt);
    leg.timer = this.host.setTimer(() => this.cancelLeg(leg, 'timeout'), this.host.ringTimeoutMs);
    target.flow.send(invite);
  }

  /**
   * Stops ringing a leg. A CANCEL may only follow a provisional response
   * (§9.1): until one arrives it waits. If the agent's side never answers
   * the CANCEL, the leg is given up after a grace period.
   */
  private cancelLeg(leg: Leg, cause: 'caller' | 'timeout') {
    leg.cancelCause ??= cause;
    if (leg.cancelState !== 'none') return;
    leg.timer?.cancel();
    if (leg.provisional) this.sendCancel(leg);
    else leg.cancelState = 'pending';
    leg.timer = this.host.setTimer(() => {
      const attempt = this.byBranch.get(leg.branch);
      if (!attempt || attempt.current !== leg) return;
      this.dropLeg(attempt, leg);
      attempt.failures.push(408);
      if (attempt.cancelled) this.finish(attempt, 487, 'Request Terminated', 'cancelled');
      else this.ringNext(attempt);
    }, CANCEL_GRACE_MS);
  }

  private sendCancel(leg: Leg) {
    leg.cancelState = 'sent';
    const cancel = this.sameTransaction(leg, 'CANCEL', leg.invite.get('To') ?? '');
    if (leg.cancelCause === 'timeout') cancel.headers.push(['Reason', 'SIP;cause=408;text="No answer"']);
    leg.flow.send(cancel);
  }

  private ackFor(leg: Leg, response: SipResponse): OutgoingSip {
    return this.sameTransaction(leg, 'ACK', response.getHeader('to') ?? '');
  }

  /**
   * A CANCEL (§9.1) or an ACK for a non-2xx (§17.1.1.3) of the INVITE we sent
   * on this leg: its Request-URI, only our Via (same branch), its From,
   * Call-ID, CSeq number and Route set; To as given.
   */
  private sameTransaction(leg: Leg, method: 'CANCEL' | 'ACK', to: string): OutgoingSip {
    const invite = leg.invite;
    return new OutgoingSip(invite.startLine.replace(/^INVITE /, `${method} `), [
      ['Via', leg.via],
      ['Max-Forwards', '70'],
      ['From', invite.get('From') ?? ''],
      ['To', to],
      ['Call-ID', invite.get('Call-ID') ?? ''],
      ['CSeq', `${cseqNumber(invite)} ${method}`],
      ...invite.getAll('Route').map((r) => ['Route', r] as [string, string]),
    ]);
  }

  private dropLeg(attempt: Attempt, leg: Leg) {
    leg.timer?.cancel();
    this.byBranch.delete(leg.branch);
    this.host.releaseAgent(leg.agentId);
    if (attempt.current === leg) attempt.current = undefined;
  }

  private finish(attempt: Attempt, status: number | undefined, reason: string | undefined, why: CallEndReason, warning?: string) {
    if (attempt.current) this.dropLeg(attempt, attempt.current);
    this.byCallId.delete(attempt.callId);
    if (status && reason && attempt.caller.open) {
      const extra: Array<[string, string]> = warning ? [['Warning', `399 warmline "${warning}"`]] : [];
      attempt.caller.send(responseTo(attempt.invite, status, reason, extra));
    }
    this.host.ended(attempt, why);
  }
}
