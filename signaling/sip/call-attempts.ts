/**
 * An INVITE from the moment it arrives until it is answered, given up or
 * cancelled: the stateful part of the proxy (RFC 3261 §16).
 *
 * A *queued* attempt (a visitor calling a queue, or a transfer) waits for
 * the routing engine: the caller hears 182 Queued with their place in line,
 * and the engine says whom to ring (`ring`) and when to stop (`stopRinging`);
 * a failed ring is reported back and the engine chooses again. A *direct*
 * attempt (an agent dialling a callback, the end of a warm transfer) rings
 * one known target, and its failure is the caller's answer.
 *
 * One leg rings at a time (sequential forking, §16.6); a leg being cancelled
 * may still finish in the background. A CANCEL from the caller is answered
 * at once and passed on; the caller then gets 487.
 *
 * ```
 *  INVITE ─▶ queued ─ring─▶ ringing ──2xx──▶ answered (a Dialog)
 *              ▲  ◀─stop / failed─┘
 *              └──── CANCEL, reject ──▶ done (487, 480…)
 * ```
 */
import type { SipFlow } from './sip-flow.js';
import { OutgoingSip, newBranch, responseTo, type SipRequest, type SipResponse } from './sip-message.js';
import type { CallEndReason } from '../store/call-store.js';
import { CONSULT_REFUSAL_HEADER, type ConsultRefusalCode } from '../../widgets/protocol/errors.js';

/** Who is rung: an agent's registration, or a visitor waiting for their callback. */
export interface RingTarget {
  agentId?: string;
  flow: SipFlow;
  contact: string;
}

export interface Leg {
  target: RingTarget;
  branch: string;
  /** Our Via for this leg (also the only Via of its CANCEL and ACK). */
  via: string;
  /** The INVITE as we sent it. */
  invite: OutgoingSip;
  provisional: boolean;
  cancelState: 'none' | 'pending' | 'sent';
  /** The Reason (RFC 3326) our CANCEL gives, if any. */
  cancelReason?: string;
  timer?: { cancel(): void };
}

export interface Attempt {
  mode: 'queued' | 'direct';
  callId: string;
  callRecordId: string;
  interactionId: string;
  /** The routing engine's item for a queued attempt. */
  itemId?: string;
  caller: SipFlow;
  invite: SipRequest;
  /** Headers the proxy adds to the INVITE it forwards (X-Warmline-Interaction…). */
  addHeaders: Array<[string, string]>;
  cancelled: boolean;
  current?: Leg;
  /** Legs being cancelled that have not answered yet. */
  ending: Set<Leg>;
  /** What the caller finally hears if a direct attempt fails with nothing better. */
  lastFailure?: number;
  /** Our To tag for the responses the proxy itself sends the caller (182 Queued, the final one). */
  queueTag: string;
}

/** What the attempts need from the proxy around them. */
export interface AttemptHost {
  via(flow: SipFlow, branch: string): string;
  recordRoute: string;
  /** The proxy's own Contact, for the responses it sends as a UAS. */
  contact: string;
  /** Passes a response from the ringing side on to the caller. */
  relay(attempt: Attempt, leg: Leg, response: SipResponse): void;
  /** The leg was answered: the proxy records the dialog. */
  answered(attempt: Attempt, leg: Leg, response: SipResponse): void;
  /** A queued attempt's ring failed (declined, busy, gone); the engine decides what next. */
  ringFailed(attempt: Attempt, leg: Leg, status: number): void;
  /** The caller cancelled or left before an answer. */
  callerLeft(attempt: Attempt): void;
  /** The attempt is over without an answer. */
  ended(attempt: Attempt, reason: CallEndReason): void;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

/** How long to wait for the 487 after a CANCEL before giving the leg up. */
const CANCEL_GRACE_MS = 4000;

const cseqNumber = (invite: OutgoingSip) => (invite.get('CSeq') ?? '1 INVITE').split(/\s+/)[0];

export class CallAttempts {
  private readonly byCallId = new Map<string, Attempt>();
  private readonly byBranch = new Map<string, { attempt: Attempt; leg: Leg }>();

  constructor(private readonly host: AttemptHost) {}

  get(callId: string): Attempt | undefined {
    return this.byCallId.get(callId);
  }

  byItem(itemId: string): Attempt | undefined {
    return [...this.byCallId.values()].find((a) => a.itemId === itemId);
  }

  byLegBranch(branch: string): { attempt: Attempt; leg: Leg } | undefined {
    return this.byBranch.get(branch);
  }

  all(): Attempt[] {
    return [...this.byCallId.values()];
  }

  add(attempt: Attempt) {
    this.byCallId.set(attempt.callId, attempt);
  }

  /** Rings a target (a new leg); a leg still ringing is cancelled first. */
  ring(attempt: Attempt, target: RingTarget) {
    if (attempt.current) this.cancelLeg(attempt, attempt.current);
    const branch = newBranch();
    const via = this.host.via(target.flow, branch);
    const invite = OutgoingSip.from(attempt.invite);
    invite.startLine = `INVITE ${target.contact} SIP/2.0`;
    // The caller's credentials are for us (§22.3), and only we say which interaction this is.
    // What the caller said about its interaction is replaced by what the proxy verified.
    invite.remove('Proxy-Authorization').remove('X-Warmline-Interaction').remove('User-to-User').remove('X-Warmline-Token').remove('X-Warmline-Transfer');
    for (const [name, value] of attempt.addHeaders) invite.set(name, value);
    invite.set('Max-Forwards', String(Number(attempt.invite.getHeader('max-forwards') ?? 70) - 1));
    invite.prepend('Record-Route', this.host.recordRoute);
    invite.prepend('Via', via);
    const leg: Leg = { target, branch, via, invite, provisional: false, cancelState: 'none' };
    attempt.current = leg;
    this.byBranch.set(branch, { attempt, leg });
    target.flow.send(invite);
  }

  /** Stops ringing the current leg (the engine withdrew the offer); the attempt waits on. */
  stopRinging(attempt: Attempt, noAnswer: boolean) {
    if (!attempt.current) return;
    if (noAnswer) attempt.current.cancelReason = 'SIP;cause=408;text="No answer"';
    this.cancelLeg(attempt, attempt.current);
  }

  /** The caller's CANCEL (already answered 200 by the proxy). */
  cancel(attempt: Attempt) {
    attempt.cancelled = true;
    this.host.callerLeft(attempt);
    this.finish(attempt, 487, 'Request Terminated', 'cancelled');
  }

  /** The caller's connection is gone. */
  callerGone(attempt: Attempt) {
    attempt.cancelled = true;
    this.host.callerLeft(attempt);
    this.finish(attempt, undefined, undefined, 'cancelled');
  }

  /** The ringing side's connection is gone: as if it answered 480. */
  targetGone(attempt: Attempt, flow: SipFlow) {
    for (const leg of [...attempt.ending]) if (leg.target.flow === flow) this.forget(attempt, leg);
    const leg = attempt.current;
    if (leg?.target.flow === flow) this.failed(attempt, leg, 480);
  }

  /** Ends an attempt that cannot be served, telling the caller why: in English (Warning) and, for a consultation, as a code. */
  reject(attempt: Attempt, status: number, reason: string, warning: string, why: CallEndReason, refusal?: ConsultRefusalCode) {
    this.finish(attempt, status, reason, why, warning, refusal);
  }

  /**
   * 182 Queued (RFC 3261 §21.1.3) with the caller's place in line. Its To
   * tag makes it dialog-creating, so it carries a Contact (§12.1.1): without
   * one sip.js, rightly, drops it as malformed.
   */
  queued(attempt: Attempt, position: number, waitSeconds: number) {
    if (attempt.caller.open && !attempt.cancelled) {
      const headers: Array<[string, string]> = [
        ['Contact', this.host.contact],
        ['X-Warmline-Queue', `position=${position};wait=${waitSeconds}`],
      ];
      attempt.caller.send(responseTo(attempt.invite, 182, 'Queued', headers, attempt.queueTag));
    }
  }

  /** A response from the ringing side to our INVITE or CANCEL on a leg. */
  onResponse(attempt: Attempt, leg: Leg, response: SipResponse) {
    if (response.method === 'CANCEL') return; // 200 to our CANCEL: nothing more to do.
    const status = response.statusCode ?? 500;
    const current = attempt.current === leg;
    if (status < 200) {
      leg.provisional = true;
      if (leg.cancelState === 'pending') this.sendCancel(leg);
      // 100 Trying is hop-by-hop (§16.7 step 5); a leg being cancelled is not the caller's business.
      if (status > 100 && current && !attempt.cancelled) this.host.relay(attempt, leg, response);
      return;
    }
    leg.timer?.cancel();
    this.byBranch.delete(leg.branch);
    attempt.ending.delete(leg);
    if (status < 300) {
      // Answered, even if we were stopping it (the race §16.7 step 5 allows): it is the call.
      if (attempt.current && attempt.current !== leg) this.cancelLeg(attempt, attempt.current);
      attempt.current = undefined;
      this.byCallId.delete(attempt.callId);
      for (const other of attempt.ending) this.cancelLeg(attempt, other);
      this.host.relay(attempt, leg, response);
      this.host.answered(attempt, leg, response);
      return;
    }
    // A non-2xx final response is acknowledged hop by hop (§17.1.1.3).
    leg.target.flow.send(this.sameTransaction(leg, 'ACK', response.getHeader('to') ?? ''));
    if (current) this.failed(attempt, leg, status);
  }

  private failed(attempt: Attempt, leg: Leg, status: number) {
    this.forget(attempt, leg);
    if (attempt.current === leg) attempt.current = undefined;
    attempt.lastFailure = status;
    if (attempt.cancelled) return;
    if (attempt.mode === 'queued') this.host.ringFailed(attempt, leg, status);
    else {
      const reason = status === 486 || status === 600 || status === 603 ? 'declined' : 'no-answer';
      this.finish(attempt, status >= 500 ? 480 : status, status >= 500 ? 'Temporarily Unavailable' : failureReason(status), reason);
    }
  }

  /**
   * Stops ringing a leg. A CANCEL may only follow a provisional response
   * (§9.1): until one arrives it waits. If the ringing side never answers
   * the CANCEL, the leg is forgotten after a grace period.
   */
  private cancelLeg(attempt: Attempt, leg: Leg) {
    if (attempt.current === leg) attempt.current = undefined;
    attempt.ending.add(leg);
    if (leg.cancelState !== 'none') return;
    if (leg.provisional) this.sendCancel(leg);
    else leg.cancelState = 'pending';
    leg.timer = this.host.setTimer(() => this.forget(attempt, leg), CANCEL_GRACE_MS);
  }

  private forget(attempt: Attempt, leg: Leg) {
    leg.timer?.cancel();
    this.byBranch.delete(leg.branch);
    attempt.ending.delete(leg);
  }

  private sendCancel(leg: Leg) {
    leg.cancelState = 'sent';
    const cancel = this.sameTransaction(leg, 'CANCEL', leg.invite.get('To') ?? '');
    if (leg.cancelReason) cancel.headers.push(['Reason', leg.cancelReason]);
    leg.target.flow.send(cancel);
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

  private finish(attempt: Attempt, status: number | undefined, reason: string | undefined, why: CallEndReason, warning?: string, refusal?: ConsultRefusalCode) {
    if (!this.byCallId.has(attempt.callId)) return;
    this.byCallId.delete(attempt.callId);
    if (attempt.current) this.cancelLeg(attempt, attempt.current);
    if (status && reason && attempt.caller.open) {
      const extra: Array<[string, string]> = warning ? [['Warning', `399 warmline "${warning}"`]] : [];
      if (refusal) extra.push([CONSULT_REFUSAL_HEADER, refusal]);
      attempt.caller.send(responseTo(attempt.invite, status, reason, extra, attempt.queueTag));
    }
    this.host.ended(attempt, why);
  }
}

function failureReason(status: number): string {
  return { 408: 'Request Timeout', 480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 600: 'Busy Everywhere', 603: 'Decline' }[status] ?? 'Call Failed';
}
