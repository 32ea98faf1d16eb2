/**
 * The embedded SIP registrar and proxy: SIP over WebSocket (RFC 7118) for
 * the widgets' sip.js user agents. Agents register; visitors call a site's
 * queue with their conversation token and wait in the routing engine's
 * queue (hearing 182 Queued with their place); the proxy rings the agent the
 * engine chooses, adds `X-Warmline-Interaction` so the softphone can fetch
 * the context, stays in the path with Record-Route (RFC 3261 §16.6 step 4)
 * so that every later request of the call (ACK, BYE, re-INVITE, INFO, REFER)
 * passes through it, and ends a call when either side's WebSocket closes.
 *
 * Besides queue calls it routes an agent's callback to the visitor's
 * browser (sip:cb-<interaction>@domain) and transfers (sip:xfer-<id>@domain):
 * a visitor referred there is queued for the new agent or queue, an agent
 * calling there first consults the other agent, and a visitor referred
 * there after that consultation reaches that agent directly.
 *
 * Browsers cannot be reached at their Contact (an `.invalid` host), only
 * over the WebSocket they opened (the flow), so requests are routed by the
 * contact each flow announced.
 */
import { EventEmitter } from 'node:events';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { RoutingService, CallSignaling } from '../routing/routing-service.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Stores } from '../store/stores.js';
import type { CallEndReason } from '../store/call-store.js';
import type { Config, SiteConfig } from '../config/config-schema.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { queuesOf } from '../config/sites.js';
import { newId } from '../ids.js';
import { bearerChallenge, bearerToken } from './bearer.js';
import { siteAllowsOrigin } from '../http/origins.js';
import { INTERACTION_HEADER, userToUserValue } from '../../widgets/protocol/interaction-header.js';
import type { ConsultRefusalCode } from '../../widgets/protocol/errors.js';
import { CallAttempts, type Attempt, type Leg, type RingTarget } from './call-attempts.js';
import { Dialogs, tagOf, type Dialog, type DialogSide } from './dialogs.js';
import { DialogRecovery } from './dialog-recovery.js';
import type { SideOwner } from '../store/dialog-store.js';
import { Registrar } from './registrar.js';
import type { SipFlow } from './sip-flow.js';
import {
  OutgoingSip,
  isRequest,
  newBranch,
  newTag,
  parseContactUri,
  parseMalformedRequest,
  parseRoutes,
  parseSip,
  responseTo,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';

export interface SipProxyOptions {
  config: Config;
  sites: ReadonlyMap<string, SiteConfig>;
  auth: AgentAuth;
  interactions: InteractionService;
  routing: RoutingService;
  stores: Stores;
  clock: Clock;
  log: Logger;
  /** Largest SIP message accepted; larger ones get 513 (RFC 3261 §21.5.11). */
  maxMessageBytes?: number;
}

export interface SipProxyEventMap {
  'call-answered': [callRecordId: string, interactionId: string, agentId: string | undefined];
  'call-ended': [callRecordId: string, interactionId: string, reason: CallEndReason];
}

/** A request we passed on inside a call, waiting for its final response. */
interface Pending {
  request: SipRequest;
  dialog: Dialog;
  /** The sides it came from and goes to: their flows may change while it waits (a phone reconnecting). */
  from: DialogSide;
  to: DialogSide;
  timer: { cancel(): void };
  /** As forwarded, without our Via, and the flow it went over (none while parked). */
  out: OutgoingSip;
  sentOn: SipFlow | undefined;
}

/** A warm transfer once the first agent reached the second: the visitor is then sent to that very call's agent. */
interface Consultation {
  callId: string;
  target: RingTarget;
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, REGISTER';
const PROXY_USER = 'warmline-proxy';
const TRANSFER_PREFIX = 'xfer-';
const MANDATORY = [
  ['via', 'Via'],
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
] as const;
/** Timer F (64·T1, RFC 3261 §17.1.2.2): how long a request in a call may wait for its final response. */
const NON_INVITE_TIMEOUT_MS = 32_000;
/** How long a 2xx passed on late waits for the requester's own ACK. */
const LATE_ACK_MS = 1000;
/** Malformed messages in a row after which a connection is closed. */
const MAX_GARBAGE = 10;

const warning = (text: string): [string, string] => ['Warning', `399 warmline "${text.replace(/"/g, "'")}"`];

export class SipProxy extends EventEmitter<SipProxyEventMap> implements CallSignaling {
  readonly registrar: Registrar;
  private readonly attempts: CallAttempts;
  private readonly dialogs: Dialogs;
  private readonly recovery: DialogRecovery;
  /** The process is stopping: calls are kept for the next one, not ended. */
  private closing = false;
  private readonly pending = new Map<string, Pending>();
  /** Branches of requests the proxy made itself (BYE on a lost connection): their responses stop here. */
  private readonly own = new Set<string>();
  private readonly flows = new Set<SipFlow>();
  private readonly consultations = new Map<string, Consultation>();
  /** 2xx responses passed on after their transaction was lost, by "Call-ID CSeq": the proxy ACKs them itself if the requester does not. */
  private readonly lateAcks = new Map<string, { cancel(): void }>();
  private readonly recordRoute: string;
  private readonly siteAllows: (site: string, origin: string | undefined) => boolean;
  private readonly domain: string;
  private readonly maxMessageBytes: number;

  constructor(private readonly o: SipProxyOptions) {
    super();
    this.domain = o.config.sip.domain;
    const siteAllows = (key: string, origin: string | undefined) => {
      const site = o.sites.get(key);
      return !!site && siteAllowsOrigin(site, origin);
    };
    this.siteAllows = siteAllows;
    let ringable = new Set<string>();
    this.registrar = new Registrar(this.domain, o.auth, o.interactions, o.clock, siteAllows, (registered, callbacks) => {
      // Only agents registered now or until now can have changed.
      for (const id of new Set([...registered, ...o.routing.phonesReady()])) void o.routing.setPhoneReady(id, registered.has(id));
      // A visitor's browser that (re)registered for its callback, or went: an open offer of it says so.
      for (const id of new Set([...callbacks, ...ringable])) if (callbacks.has(id) !== ringable.has(id)) o.routing.callbackReachabilityChanged(id);
      ringable = new Set(callbacks);
    });
    this.recordRoute = `<sip:${PROXY_USER}@${this.domain};transport=ws;lr>`;
    this.maxMessageBytes = o.maxMessageBytes ?? 32 * 1024;
    this.attempts = new CallAttempts({
      via: (flow, branch) => this.via(flow, branch),
      recordRoute: this.recordRoute,
      contact: `<sip:${PROXY_USER}@${this.domain};transport=ws>`,
      relay: (attempt, leg, response) => attempt.caller.send(this.relayToCaller(leg, response)),
      answered: (attempt, leg, response) => this.onAnswered(attempt, leg, response),
      ringFailed: (attempt, leg, status) => {
        if (attempt.itemId && leg.target.agentId) o.routing.ringFailed(attempt.itemId, leg.target.agentId, status);
      },
      callerLeft: (attempt) => {
        if (attempt.itemId) o.routing.callerLeft(attempt.itemId);
      },
      ended: (attempt, reason) => this.endCall(attempt.callRecordId, attempt.interactionId, reason),
      setTimer: (fn, ms) => o.clock.setTimeout(fn, ms),
    });
    o.routing.attachCalls(this);
    this.dialogs = new Dialogs(o.stores.dialogs, o.stores.later);
    this.recovery = new DialogRecovery(this.dialogs, {
      via: (flow, branch) => this.via(flow, branch),
      sendOwn: (flow, message, branch) => this.sendOwn(flow, message, branch),
      gaveUp: (dialog) => this.lostForGood(dialog),
      rebound: (dialog, side) => this.resendTo(dialog, side),
      setTimer: (fn, ms) => o.clock.setTimeout(fn, ms),
    }, o.config.sip.recoverySeconds * 1000);
  }

  /** At start: answered calls an earlier process left wait for their phones to reconnect; the rest ended with it. */
  async start() {
    const kept = await this.dialogs.load();
    await this.o.stores.calls.endAllOpen(this.o.clock.now());
    await this.o.routing.keepCalls(new Set(kept.flatMap((d) => (d.itemId ? [d.itemId] : []))));
    this.recovery.waitForAll();
  }

  /** Live counts, for health checks and tests: agents' phones registered, calls ringing, answered, and waiting for a phone to come back. */
  stats() {
    return { flows: this.flows.size, phones: this.registrar.agents().length, ringing: this.attempts.all().length, calls: this.dialogs.size, reconnecting: this.recovery.waiting };
  }

  attach(flow: SipFlow) {
    this.flows.add(flow);
  }

  /**
   * A WebSocket closed: its registrations and its ringing end; its calls
   * wait for the phone to come back on another (dialog-recovery.ts), unless
   * this process is stopping, in which case they wait in the store for the next.
   */
  detach(flow: SipFlow) {
    this.flows.delete(flow);
    this.registrar.dropFlow(flow);
    for (const attempt of this.attempts.all()) {
      if (attempt.caller === flow) this.attempts.callerGone(attempt);
      else this.attempts.targetGone(attempt, flow);
    }
    if (!this.closing) this.recovery.lost(flow);
  }

  /** The process is about to stop (a deploy): the calls under way are kept for the next one, and nothing here runs on. */
  shutdown() {
    this.closing = true;
    this.registrar.stop();
    this.recovery.stop();
    for (const timer of this.lateAcks.values()) timer.cancel();
    this.lateAcks.clear();
    for (const pending of this.pending.values()) pending.timer.cancel();
    this.pending.clear();
  }

  /** An agent signed out or their session was revoked: their softphone may no longer take calls. */
  endSession(sessionId: string) {
    for (const flow of this.registrar.dropSession(sessionId)) flow.close(4004, 'Session ended');
  }

  // ── What the routing engine asks (CallSignaling) ────────────────────

  ring(itemId: string, agentId: string) {
    const attempt = this.attempts.byItem(itemId);
    const binding = this.registrar.agent(agentId);
    if (!attempt) return;
    if (!binding) {
      this.o.routing.ringFailed(itemId, agentId, 480);
      return;
    }
    this.attempts.ring(attempt, { agentId, flow: binding.flow, contact: binding.contact });
  }

  stopRinging(itemId: string, reason: string) {
    const attempt = this.attempts.byItem(itemId);
    if (attempt) this.attempts.stopRinging(attempt, reason === 'timeout');
  }

  callbackReachable(interactionId: string): boolean {
    return this.registrar.callback(interactionId) !== undefined;
  }

  queued(itemId: string, position: number, waitSeconds: number) {
    const attempt = this.attempts.byItem(itemId);
    if (attempt) this.attempts.queued(attempt, position, waitSeconds);
  }

  reject(itemId: string, status: number, reason: string, warningText: string, refusal?: ConsultRefusalCode) {
    const attempt = this.attempts.byItem(itemId);
    if (attempt) this.attempts.reject(attempt, status, reason, warningText, 'no-answer', refusal);
  }

  // ── Messages ────────────────────────────────────────────────────────

  async receive(flow: SipFlow, data: string) {
    // Keep-alive (RFC 5626 §4.4.1): a double-CRLF ping gets a single-CRLF pong, so a phone can tell its flow still works.
    if (!data.trim()) {
      if (data.includes('\r\n\r\n')) flow.send('\r\n');
      return;
    }
    if (Buffer.byteLength(data) > this.maxMessageBytes) return this.tooLarge(flow, data);
    const message = parseSip(data);
    if (!message) {
      // sip.js's parser drops a whole message over one bad header; a request that can still be
      // answered gets its 400 naming the header (RFC 3261 §16.3 step 1), not silence. It still counts as malformed.
      const broken = parseMalformedRequest(data);
      if (broken && broken.malformed !== 'Via' && broken.request.method !== 'ACK' && broken.request.hasHeader('via')) {
        flow.send(responseTo(broken.request, 400, `Malformed ${broken.malformed}`));
      }
      if (++flow.garbage >= MAX_GARBAGE) flow.close(1008, 'Too many malformed SIP messages');
      return;
    }
    flow.garbage = 0;
    try {
      if (isRequest(message)) await this.onRequest(flow, message, Buffer.byteLength(data));
      else this.onResponse(flow, message);
    } catch (err) {
      this.o.log.error('the SIP proxy failed on a message', err);
      if (isRequest(message) && message.method !== 'ACK' && message.hasHeader('via')) {
        flow.send(responseTo(message, 500, 'Server Internal Error'));
      }
    }
  }

  /**
   * 513 Message Too Large (RFC 3261 §21.5.11), without parsing the message:
   * sip.js's parser costs grow with size (a 60 KB display name takes a
   * quarter of a second), and an oversized message must not buy that. Only
   * the start line and the headers a response copies are read, each short.
   */
  private tooLarge(flow: SipFlow, data: string) {
    const lines = data.slice(0, 16 * 1024).split(/\r?\n/);
    const copied = lines.slice(1).filter((line) => line.length <= 1024 && /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i.test(line));
    const message = parseSip([lines[0] ?? '', ...copied, 'Content-Length: 0', '', ''].join('\r\n'));
    if (message && isRequest(message) && message.method !== 'ACK' && message.hasHeader('via')) flow.send(responseTo(message, 513, 'Message Too Large'));
    if (++flow.garbage >= MAX_GARBAGE) flow.close(1008, 'Too many malformed SIP messages');
  }

  private via(flow: SipFlow, branch: string) {
    return `SIP/2.0/${flow.transport} ${this.domain};branch=${branch}`;
  }

  private async onRequest(flow: SipFlow, request: SipRequest, bytes: number) {
    const method = request.method;
    const canAnswer = method !== 'ACK' && request.hasHeader('via');
    const reply = (status: number, reason: string, extra: Array<[string, string]> = []) => {
      if (canAnswer) flow.send(responseTo(request, status, reason, extra));
    };
    // §8.2: the headers every request needs, well formed.
    const parsedOk = { via: !!request.via, from: !!request.from, to: !!request.to, 'call-id': !!request.callId, cseq: !!request.cseq };
    for (const [key, name] of MANDATORY) {
      if (!request.hasHeader(key) || !parsedOk[key]) return reply(400, `Missing or malformed ${name}`);
    }
    const cseqMethod = (request.getHeader('cseq') ?? '').trim().split(/\s+/)[1];
    if (cseqMethod !== method) return reply(400, 'CSeq method does not match the request');
    if (bytes > this.maxMessageBytes) return reply(513, 'Message Too Large');
    // §18.3: on a message transport a body shorter than its Content-Length is an error; a request SHOULD get 400.
    if (Number(request.getHeader('content-length') ?? 0) > Buffer.byteLength(request.body ?? '')) return reply(400, 'Content-Length exceeds the body');
    // §8.2.2.1 (§16.3 step 2). sip.js leaves `ruri` undefined for any other scheme (tel:, urn:). Such a request is
    // well formed, so, like a 405, it resets the count of malformed messages rather than adding to it.
    const scheme = request.ruri?.scheme;
    if (scheme !== 'sip' && scheme !== 'sips') return reply(416, 'Unsupported URI Scheme');
    const maxForwards = request.hasHeader('max-forwards') ? Number(request.getHeader('max-forwards')) : 70;
    if (!Number.isInteger(maxForwards) || maxForwards < 0) return reply(400, 'Malformed Max-Forwards');

    if (method === 'REGISTER') return this.onRegister(flow, request);
    if (method === 'CANCEL') return this.onCancel(flow, request);
    if (request.toTag || method === 'ACK') return this.forwardInDialog(flow, request, maxForwards);
    if (method === 'OPTIONS') return reply(200, 'OK', [['Allow', ALLOW], ['Accept', 'application/sdp']]);
    if (method === 'INVITE') return this.onInvite(flow, request, maxForwards);
    return reply(405, 'Method Not Allowed', [['Allow', ALLOW]]);
  }

  /** A new call: from a visitor to a queue or a transfer, from an agent to a callback or a consultation. */
  private async onInvite(flow: SipFlow, request: SipRequest, maxForwards: number) {
    const reply = (status: number, reason: string, extra: Array<[string, string]> = []) => flow.send(responseTo(request, status, reason, extra));
    if (maxForwards === 0) return reply(483, 'Too Many Hops');
    if (this.attempts.get(request.callId) || this.dialogs.get(request.callId)) return reply(482, 'Loop Detected');
    const target = request.ruri!;
    if (target.host.toLowerCase() !== this.domain || !target.user) return reply(404, 'Not Found', [warning(`Call an address at ${this.domain}`)]);
    // The caller's remote target (§12.1.1): the dialog keeps it.
    if (!parseContactUri(request.getHeader('contact') ?? '')) return reply(400, 'Missing or malformed Contact');
    if (flow.identity.role === 'agent') return this.agentInvite(flow, request, target.user);

    const token = bearerToken(request.getHeader('proxy-authorization'));
    if (!token) return reply(407, 'Proxy Authentication Required', [['Proxy-Authenticate', bearerChallenge(this.domain)]]);
    const interaction = await this.o.interactions.findByToken(token);
    // Looked at again after the store answered: the same call may have begun meanwhile.
    if (this.attempts.get(request.callId) || this.dialogs.get(request.callId)) return reply(482, 'Loop Detected');
    if (!interaction) {
      return reply(407, 'Proxy Authentication Required', [['Proxy-Authenticate', bearerChallenge(this.domain, 'invalid_token')]]);
    }
    if (flow.identity.role === 'visitor' && flow.identity.interactionId !== interaction.id) {
      return reply(403, 'Forbidden', [warning('This connection belongs to another conversation')]);
    }
    // A conversation's token used from a page of another site (RFC 6455 §10.2: the browser's Origin is the check).
    if (!this.siteAllows(interaction.site, flow.origin.value)) return reply(403, 'Forbidden', [warning('This page may not call for this site')]);
    const claimed = request.getHeader('x-warmline-interaction');
    if (claimed && claimed !== interaction.id) return reply(403, 'Forbidden', [warning('The interaction id does not match the token')]);
    const busy = this.attempts.all().some((a) => a.interactionId === interaction.id && a.caller !== flow && a.mode === 'queued');
    if (busy) return reply(486, 'Busy Here', [warning('A call is already under way in this conversation')]);

    if (target.user.startsWith(TRANSFER_PREFIX)) {
      flow.identity = { role: 'visitor', interactionId: interaction.id, site: interaction.site };
      return this.visitorToTransfer(flow, request, interaction, target.user.slice(TRANSFER_PREFIX.length));
    }
    const site = this.o.sites.get(interaction.site);
    const queue = site && queuesOf(this.o.config, site).find((q) => q.id === target.user);
    if (!queue) {
      const isAgent = await this.o.stores.agents.findByUsername(target.user);
      return isAgent
        ? reply(403, 'Forbidden', [warning("Visitors may only call the site's queue addresses")])
        : reply(404, 'Not Found', [warning(`There is no queue "${target.user}"`)]);
    }
    flow.identity = { role: 'visitor', interactionId: interaction.id, site: interaction.site };
    await this.queueCall(flow, request, interaction, queue.id);
  }

  /**
   * Puts a call in the routing engine's queue. The attempt exists before the
   * engine sees the item, since the engine may ring an agent at once.
   */
  private async queueCall(flow: SipFlow, request: SipRequest, interaction: InteractionRecord, queue: string, transferId?: string, consultation = false) {
    const itemId = newId('wi');
    const attempt = this.startAttempt(flow, request, interaction, queue, { mode: 'queued', itemId, ...(transferId ? { transferId } : {}), consultation });
    flow.send(responseTo(request, 100, 'Trying'));
    const queued = await this.o.routing.enqueueCall(interaction, queue, itemId, transferId);
    if ('refused' in queued) this.attempts.reject(attempt, 480, 'Temporarily Unavailable', queued.refused, 'no-agent');
  }

  /** A visitor referred to a transfer address: to the consulted agent directly, or through the queue. */
  private async visitorToTransfer(flow: SipFlow, request: SipRequest, interaction: InteractionRecord, transferId: string) {
    const reply = (status: number, reason: string, extra: Array<[string, string]> = []) => flow.send(responseTo(request, status, reason, extra));
    const consultation = this.consultations.get(transferId);
    if (consultation) {
      const dialog = this.dialogs.get(consultation.callId);
      if (!dialog || dialog.interactionId !== interaction.id) return reply(481, 'Call/Transaction Does Not Exist', [warning('The transfer is over')]);
      reply(100, 'Trying');
      const attempt = this.startAttempt(flow, request, interaction, 'transfer', { mode: 'direct', transferId, itemId: dialog.itemId });
      this.attempts.ring(attempt, consultation.target);
      return;
    }
    const transfer = this.o.routing.pendingTransfer(transferId);
    if (!transfer || transfer.interactionId !== interaction.id) return reply(404, 'Not Found', [warning('There is no such transfer')]);
    await this.queueCall(flow, request, interaction, transfer.queue, transferId);
  }

  /**
   * An agent places a call: to a visitor waiting for the callback they hold
   * (sip:cb-<interaction>), or to a colleague to consult before a warm
   * transfer they prepared (sip:xfer-<id>). Nothing else.
   */
  private async agentInvite(flow: SipFlow, request: SipRequest, user: string) {
    const reply = (status: number, reason: string, extra: Array<[string, string]> = []) => flow.send(responseTo(request, status, reason, extra));
    const agentId = flow.identity.role === 'agent' ? flow.identity.agentId : '';
    if (user.startsWith(Registrar.CALLBACK_PREFIX)) {
      const interactionId = user.slice(Registrar.CALLBACK_PREFIX.length);
      const item = await this.o.routing.workOf(agentId, interactionId);
      const interaction = await this.o.interactions.get(interactionId);
      if (item?.kind !== 'callback' || !interaction) return reply(403, 'Forbidden', [warning('This callback is not assigned to you')]);
      const binding = this.registrar.callback(interactionId);
      if (!binding) return reply(480, 'Temporarily Unavailable', [warning('The visitor is not on the site now')]);
      reply(100, 'Trying');
      const attempt = this.startAttempt(flow, request, interaction, item.queue, { mode: 'direct' });
      this.attempts.ring(attempt, { flow: binding.flow, contact: binding.contact });
      return;
    }
    if (user.startsWith(TRANSFER_PREFIX)) {
      const transferId = user.slice(TRANSFER_PREFIX.length);
      const transfer = this.o.routing.pendingTransfer(transferId);
      if (!transfer || transfer.record.fromAgentId !== agentId || transfer.record.mode !== 'warm') {
        return reply(403, 'Forbidden', [warning('There is no transfer of yours to consult on')]);
      }
      const interaction = await this.o.interactions.require(transfer.interactionId);
      // Looked at again: another INVITE may have used the transfer while the store answered.
      if (this.o.routing.pendingTransfer(transferId) !== transfer) return reply(403, 'Forbidden', [warning('There is no transfer of yours to consult on')]);
      await this.queueCall(flow, request, interaction, transfer.queue, transferId, true);
      return;
    }
    return reply(403, 'Forbidden', [warning('Agents may call callbacks and transfer colleagues only')]);
  }

  private startAttempt(
    flow: SipFlow,
    request: SipRequest,
    interaction: InteractionRecord,
    queue: string,
    how: { mode: 'queued' | 'direct'; itemId?: string; transferId?: string; consultation?: boolean },
  ): Attempt {
    const callRecordId = newId('ca');
    const record = { id: callRecordId, interactionId: interaction.id, sipCallId: request.callId, queue, createdAt: this.o.clock.now() };
    this.o.stores.later.push(() => this.o.stores.calls.insert(record));
    const addHeaders: Array<[string, string]> = [
      [INTERACTION_HEADER, interaction.id],
      ['User-to-User', userToUserValue(interaction.id)],
    ];
    if (how.transferId) addHeaders.push(['X-Warmline-Transfer', `${how.transferId};${how.consultation ? 'consult' : how.mode === 'direct' ? 'complete' : 'blind'}`]);
    const attempt: Attempt = {
      mode: how.mode,
      callId: request.callId,
      callRecordId,
      interactionId: interaction.id,
      ...(how.itemId ? { itemId: how.itemId } : {}),
      caller: flow,
      invite: request,
      addHeaders,
      cancelled: false,
      ending: new Set(),
      queueTag: newTag(),
    };
    if (how.consultation && how.transferId) this.consultationFor.set(request.callId, how.transferId);
    this.attempts.add(attempt);
    return attempt;
  }

  /** Consultation calls being set up: their Call-ID and the transfer they prepare. */
  private readonly consultationFor = new Map<string, string>();

  /** CANCEL (§9.2): answered at once; the INVITE it names then ends with 487. */
  private onCancel(flow: SipFlow, request: SipRequest) {
    const attempt = this.attempts.get(request.callId);
    if (!attempt || attempt.caller !== flow || attempt.invite.viaBranch !== request.viaBranch) {
      return flow.send(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
    }
    flow.send(responseTo(request, 200, 'OK'));
    this.attempts.cancel(attempt);
  }

  /**
   * Requests inside a call (ACK for 2xx, BYE, re-INVITE, INFO, UPDATE, REFER,
   * NOTIFY): our own Route entry is removed, the Request-URI (the other
   * side's contact) says which flow, and only the two parties of the call
   * may use it.
   */
  private forwardInDialog(flow: SipFlow, request: SipRequest, maxForwards: number) {
    const isAck = request.method === 'ACK';
    const reply = (status: number, reason: string) => (isAck ? undefined : flow.send(responseTo(request, status, reason)));
    const dialog = this.dialogs.get(request.callId);
    // Only the call's two parties may use it; a phone that reconnected is known again by its credentials.
    const sides = dialog && !dialog.over ? (Dialogs.sides(dialog, flow) ?? this.recovery.adopt(dialog, flow, request.fromTag)) : undefined;
    if (!dialog || !sides) return reply(481, 'Call/Transaction Does Not Exist');
    if (maxForwards === 0) return reply(483, 'Too Many Hops');

    sides.from.cseq = Math.max(sides.from.cseq, request.cseq);
    if (isAck) {
      // The requester's own ACK for a 2xx passed on late: the proxy need not send one.
      this.lateAcks.get(`${request.callId} ${request.cseq}`)?.cancel();
      this.lateAcks.delete(`${request.callId} ${request.cseq}`);
    }
    // A re-INVITE is a target refresh (§12.2.1.1): its Contact is where this side is reached from now on.
    const refreshed = request.method === 'INVITE' ? parseContactUri(request.getHeader('contact') ?? '') : undefined;
    if (refreshed) sides.from.contact = refreshed.toString();
    this.dialogs.save(dialog);
    const out = OutgoingSip.from(request);
    this.dropOwnRoute(out);
    // Credentials are for this proxy (§22.3), never passed on.
    out.remove('Proxy-Authorization').remove('Authorization');
    out.set('Max-Forwards', String(maxForwards - 1));
    const branch = newBranch();
    const timer = isAck
      ? undefined
      : this.o.clock.setTimeout(() => {
          const pending = this.pending.get(branch);
          if (pending && this.pending.delete(branch) && pending.from.flow?.open) pending.from.flow.send(responseTo(request, 408, 'Request Timeout'));
        }, NON_INVITE_TIMEOUT_MS);
    // Sent now, or when the other side's phone is back (dialog-recovery.ts).
    const sentOn = this.recovery.deliver(dialog, sides.to, out, branch, isAck);
    if (timer) this.pending.set(branch, { request, dialog, from: sides.from, to: sides.to, timer, out, sentOn });
    if (request.method === 'BYE') {
      // The call is over for us as soon as either side says so (§15.1.1); the BYE may still wait for the other side.
      this.dialogEnded(dialog, sides.from.owner.kind === 'visitor' ? 'hangup-visitor' : 'hangup-agent', !sentOn);
    }
  }

  /** Responses find their way back through our Via: its branch names the transaction. */
  private onResponse(flow: SipFlow, response: SipResponse) {
    const branch = response.viaBranch;
    if (this.own.has(branch)) {
      if ((response.statusCode ?? 0) >= 200) this.own.delete(branch);
      return;
    }
    const ringing = this.attempts.byLegBranch(branch);
    if (ringing) {
      if (ringing.leg.target.flow !== flow) return;
      this.attempts.onResponse(ringing.attempt, ringing.leg, response);
      return;
    }
    const pending = this.pending.get(branch);
    if (!pending) return this.forwardLate2xx(flow, response);
    // Not from the side it went to: dropped (§16.7 step 2).
    if (pending.to.flow !== flow) return;
    const status = response.statusCode ?? 0;
    if (status >= 200) {
      pending.timer.cancel();
      this.pending.delete(branch);
    }
    // The 2xx to a re-INVITE refreshes the answering side's target too (§12.2.1.2).
    const refreshed = pending.request.method === 'INVITE' && status >= 200 && status < 300 ? parseContactUri(response.getHeader('contact') ?? '') : undefined;
    if (refreshed) {
      pending.to.contact = refreshed.toString();
      this.dialogs.save(pending.dialog);
    }
    if (pending.from.flow?.open) pending.from.flow.send(this.popVia(response));
  }

  /**
   * A 2xx to a re-INVITE whose transaction this proxy no longer has — it
   * was under way when the process restarted — sent again by the side that
   * answered (its UAS retransmits until the ACK comes, §13.3.1.4). Like a
   * proxy's INVITE transaction in its Accepted state (RFC 6026 §7.1), it
   * still goes to the other side of the call, which ACKs it; dropped, the
   * answering side would end the call when its retransmissions run out.
   * Anything else not ours is dropped (§16.7 step 2).
   */
  private forwardLate2xx(flow: SipFlow, response: SipResponse) {
    const status = response.statusCode ?? 0;
    if (response.method !== 'INVITE' || status < 200 || status >= 300) return;
    const dialog = this.dialogs.get(response.callId);
    const sides = dialog && !dialog.over ? Dialogs.sides(dialog, flow) : undefined;
    if (!dialog || !sides?.to.flow?.open) return;
    sides.to.flow.send(this.popVia(response));
    // The requester ACKs it, unless it had ACKed already (that ACK died with the old connection) and does
    // not again: then the proxy does, in its name, rather than let the answerer end the call for want of
    // one when its retransmissions run out (§13.3.1.4). The answer was in the 2xx; the ACK carries nothing.
    const key = `${dialog.callId} ${response.cseq}`;
    if (this.lateAcks.has(key)) return;
    const answerer = sides.from;
    const requester = sides.to;
    this.lateAcks.set(
      key,
      this.o.clock.setTimeout(() => {
        this.lateAcks.delete(key);
        if (this.dialogs.get(dialog.callId) !== dialog || dialog.over || !answerer.flow?.open) return;
        answerer.flow.send(Dialogs.ackFor(dialog, requester, answerer, response.cseq, this.via(answerer.flow, newBranch())));
      }, LATE_ACK_MS),
    );
  }

  /**
   * A response of the ringing side, for the caller: our Via off and, on the
   * answer, who answered (P-Asserted-Identity, RFC 3325: asserted by this
   * proxy, which authenticated the agent).
   */
  private relayToCaller(leg: Leg, response: SipResponse): OutgoingSip {
    const out = this.popVia(response).remove('P-Asserted-Identity');
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300 && leg.target.agentId) {
      // The binding rung knows who registered it (the store is not waited on mid-answer).
      const agent = this.registrar.agent(leg.target.agentId);
      if (agent) out.set('P-Asserted-Identity', `"${agent.name.replace(/["\\\\]/g, '')}" <sip:${agent.username}@${this.domain}>`);
    }
    return out;
  }

  private onAnswered(attempt: Attempt, leg: Leg, response: SipResponse) {
    const contact = parseContactUri(response.getHeader('contact') ?? '');
    const callerAgent = attempt.caller.identity.role === 'agent' ? attempt.caller.identity.agentId : undefined;
    // Who each side is, so that a phone that comes back on a new WebSocket gets its side back, and nobody else.
    const callerOwner: SideOwner = callerAgent ? { kind: 'agent', agentId: callerAgent } : { kind: 'visitor', interactionId: attempt.interactionId };
    const calleeOwner: SideOwner = leg.target.agentId ? { kind: 'agent', agentId: leg.target.agentId } : { kind: 'visitor', interactionId: attempt.interactionId };
    const from = attempt.invite.getHeader('from') ?? '';
    const to = response.getHeader('to') ?? '';
    const dialog: Dialog = {
      callId: attempt.callId,
      callRecordId: attempt.callRecordId,
      interactionId: attempt.interactionId,
      agentId: leg.target.agentId ?? callerAgent ?? '',
      ...(attempt.itemId ? { itemId: attempt.itemId } : {}),
      caller: {
        owner: callerOwner,
        flow: attempt.caller,
        nameAddr: from,
        tag: tagOf(from),
        contact: parseContactUri(attempt.invite.getHeader('contact') ?? '')?.toString() ?? '',
        cseq: attempt.invite.cseq,
        parked: [],
      },
      callee: { owner: calleeOwner, flow: leg.target.flow, nameAddr: to, tag: tagOf(to), contact: contact?.toString() ?? '', cseq: 0, parked: [] },
      createdAt: this.o.clock.now(),
    };
    this.dialogs.add(dialog);
    const transferId = this.consultationFor.get(attempt.callId);
    if (transferId) {
      this.consultationFor.delete(attempt.callId);
      this.consultations.set(transferId, { callId: attempt.callId, target: leg.target });
    }
    const answeredAt = this.o.clock.now();
    this.o.stores.later.push(() => this.o.stores.calls.answered(attempt.callRecordId, leg.target.agentId ?? callerAgent ?? '', answeredAt));
    if (attempt.mode === 'queued' && attempt.itemId && leg.target.agentId) this.o.routing.callAnswered(attempt.itemId, leg.target.agentId);
    this.emit('call-answered', attempt.callRecordId, attempt.interactionId, leg.target.agentId);
  }

  /**
   * A call is over: its record closes, and its work item once no other call
   * of the transfer carries it on. The dialog is forgotten too, unless its
   * BYE still waits for the other side's phone to come back.
   */
  private dialogEnded(dialog: Dialog, reason: CallEndReason, byeWaits = false) {
    if (byeWaits) this.dialogs.markOver(dialog);
    else {
      this.dialogs.remove(dialog.callId);
      this.recovery.forget(dialog);
    }
    if (dialog.ended) return;
    dialog.ended = true;
    dialog.over = true;
    for (const [id, consultation] of this.consultations) if (consultation.callId === dialog.callId) this.consultations.delete(id);
    this.endCall(dialog.callRecordId, dialog.interactionId, reason);
    if (dialog.itemId && !this.dialogs.all().some((d) => d.itemId === dialog.itemId && !d.over)) this.o.routing.callEnded(dialog.itemId);
  }

  /**
   * A side is reached over a new flow (its phone registered again): the
   * requests that waited for it go now, and one sent over the old flow that
   * got no answer, having gone into a WebSocket that died unnoticed (the
   * network changed under it), goes again, same branch, over the new one.
   */
  private resendTo(dialog: Dialog, side: DialogSide) {
    const flow = side.flow;
    if (!flow) return;
    for (const [branch, pending] of this.pending) {
      if (pending.dialog !== dialog || pending.to !== side || pending.sentOn === flow) continue;
      pending.sentOn = flow;
      flow.send(pending.out.clone().prepend('Via', this.via(flow, branch)));
    }
  }

  /** Nobody came back in time: what still waited in the call is answered, and the call ends. */
  private lostForGood(dialog: Dialog) {
    for (const [branch, pending] of this.pending) {
      if (pending.dialog !== dialog) continue;
      pending.timer.cancel();
      this.pending.delete(branch);
      if (pending.from.flow?.open && pending.request.method !== 'ACK') pending.from.flow.send(responseTo(pending.request, 481, 'Call/Transaction Does Not Exist'));
    }
    this.dialogEnded(dialog, 'connection-lost');
  }

  private endCall(callRecordId: string, interactionId: string, reason: CallEndReason) {
    const endedAt = this.o.clock.now();
    this.o.stores.later.push(() => this.o.stores.calls.ended(callRecordId, endedAt, reason));
    this.emit('call-ended', callRecordId, interactionId, reason);
  }

  /** A request the proxy makes itself (a BYE in a lost side's name): its responses stop here. */
  private sendOwn(flow: SipFlow, message: OutgoingSip, branch: string) {
    this.own.add(branch);
    // If the other side never answers, stop waiting for it (Timer F).
    this.o.clock.setTimeout(() => this.own.delete(branch), NON_INVITE_TIMEOUT_MS);
    flow.send(message);
  }

  /**
   * REGISTER: the registrar answers. A phone that registered again over a
   * new WebSocket (it reconnected, or this process restarted) is reached
   * over it in its calls from now on (dialog-recovery.ts).
   */
  private async onRegister(flow: SipFlow, request: SipRequest) {
    const response = await this.registrar.register(flow, request);
    flow.send(response);
    if (!response.startLine.startsWith('SIP/2.0 200')) return;
    const headerExpires = request.getHeader('expires');
    const live = request.getHeaders('contact').filter((_, i) => {
      const param = (request.parseHeader('contact', i) as { getParam?(name: string): string | undefined } | undefined)?.getParam?.('expires');
      return Number(param ?? headerExpires ?? 1) > 0;
    });
    this.recovery.found(flow, live);
  }

  private popVia(response: SipResponse): OutgoingSip {
    return OutgoingSip.from(response).removeFirst('Via');
  }

  /** Loose routing (§16.4): the top Route entry naming us is removed before forwarding. */
  private dropOwnRoute(out: OutgoingSip) {
    const top = out.get('Route');
    if (!top) return;
    const routes = parseRoutes(top);
    const first = routes?.[0];
    if (!first || first.uri.user !== PROXY_USER || first.uri.host.toLowerCase() !== this.domain) return;
    // A header line may hold several entries: keep the others where they were.
    const rest = routes!.slice(1).map((r) => r.raw);
    if (rest.length) out.replaceFirst('Route', rest.join(', '));
    else out.removeFirst('Route');
  }
}
