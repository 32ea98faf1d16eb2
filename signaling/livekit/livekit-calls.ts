/**
 * Calls over LiveKit (`media: livekit`): one room per call interaction.
 * The routing engine decides who is offered the call, exactly as for SIP;
 * this is its CallSignaling on this path. Ringing is an offer on the
 * agent's console (there is no SIP INVITE to ring a phone with); answering
 * mints the agent's token; the visitor polls the call's state while it
 * waits; LiveKit's webhooks (participant left, room finished) and either
 * side hanging up end the call and close the room.
 *
 * ```
 *  waiting ─▶ ringing ─▶ answered ─▶ ended
 *     ▲          │                     ▲
 *     └──────────┘ (declined, timed out)│ (anyone hangs up, the room finishes, nobody takes it)
 * ```
 */
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { AppError } from '../errors.js';
import type { Stores } from '../store/stores.js';
import type { CallEndReason as StoredEndReason } from '../store/call-store.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { consoleReason, type CallSignaling, type RoutingService } from '../routing/routing-service.js';
import type { WithdrawReason } from '../routing/routing-engine.js';
import type { AgentServerMessage, Offer } from '../../widgets/protocol/agent-server-messages.js';
import { newId } from '../ids.js';
import { identityFor, mintToken, roomName, type LiveKitSettings, type MintedToken } from './livekit-tokens.js';
import type { RoomCloser } from './room-closer.js';

/** What the visitor's widget is told of its call (GET /api/v1/calls/current). */
export type CallView =
  | { state: 'waiting'; position: number; waitSeconds: number }
  | { state: 'ringing' }
  | { state: 'answered'; agent: string }
  | { state: 'ended'; reason: 'no-agent' | 'busy' | 'remote-hangup' | 'local-hangup' | 'failed' }
  | { state: 'none' };

interface LiveCall {
  interactionId: string;
  itemId: string;
  callRecordId: string;
  room: string;
  queue: string;
  status: 'waiting' | 'ringing' | 'answered' | 'ended';
  place?: { position: number; waitSeconds: number };
  ringing?: string;
  agentId?: string;
  agentName?: string;
  answeredAt?: number;
  ended?: Extract<CallView, { state: 'ended' }>['reason'];
}

export interface LiveKitCallsOptions {
  config: Config;
  settings: LiveKitSettings;
  stores: Stores;
  routing: RoutingService;
  rooms: RoomCloser;
  /** Sends a frame to every console of an agent. */
  toAgent: (agentId: string, frame: AgentServerMessage) => void;
  clock: Clock;
  log: Logger;
}

export class LiveKitCalls implements CallSignaling {
  /** Calls by interaction; an ended one stays until the next, so the widget can read how it ended. */
  private readonly calls = new Map<string, LiveCall>();

  constructor(private readonly o: LiveKitCallsOptions) {}

  // ── The visitor ────────────────────────────────────────────────────

  /** A visitor calls a queue: the call is queued, and they get a token for the call's room. */
  async start(interaction: InteractionRecord, queue: string): Promise<MintedToken> {
    const current = this.calls.get(interaction.id);
    if (current && current.status !== 'ended') throw AppError.conflict('A call is already under way in this conversation.');
    const itemId = newId('wi');
    const callRecordId = newId('ca');
    const room = roomName(interaction.id);
    const record = { id: callRecordId, interactionId: interaction.id, sipCallId: room, queue, createdAt: this.o.clock.now() };
    this.o.stores.later.push(() => this.o.stores.calls.insert(record));
    const call: LiveCall = { interactionId: interaction.id, itemId, callRecordId, room, queue, status: 'waiting' };
    this.calls.set(interaction.id, call);
    const queued = await this.o.routing.enqueueCall(interaction, queue, itemId);
    if ('refused' in queued) {
      this.end(call, 'no-agent', 'no-agent');
      throw new AppError(409, 'queue_unstaffed', `${queued.refused}. Leave a message and we will get back to you.`);
    }
    return mintToken(this.o.settings, { role: 'visitor', interactionId: interaction.id, who: interaction.id, name: 'Visitor' }, this.o.clock.now());
  }

  view(interactionId: string): CallView {
    const call = this.calls.get(interactionId);
    if (!call) return { state: 'none' };
    switch (call.status) {
      case 'waiting':
        return { state: 'waiting', position: call.place?.position ?? 1, waitSeconds: call.place?.waitSeconds ?? 0 };
      case 'ringing':
        return { state: 'ringing' };
      case 'answered':
        return { state: 'answered', agent: call.agentName ?? '' };
      case 'ended':
        return { state: 'ended', reason: call.ended ?? 'failed' };
    }
  }

  /** The visitor hangs up, or gives up waiting. */
  hangupByVisitor(interactionId: string) {
    const call = this.live(interactionId);
    if (!call) return;
    if (call.status === 'answered') this.o.routing.callEnded(call.itemId);
    else this.o.routing.callerLeft(call.itemId);
    this.end(call, call.status === 'answered' ? 'hangup-visitor' : 'cancelled', 'local-hangup');
  }

  /** A key the visitor pressed, for the agent's call bar. */
  dtmf(interactionId: string, digit: string) {
    const call = this.live(interactionId);
    if (call?.status !== 'answered' || !call.agentId) throw AppError.conflict('There is no call in progress to send keys to.');
    this.o.toAgent(call.agentId, { type: 'dtmf', interactionId, digit });
  }

  // ── The agent ──────────────────────────────────────────────────────

  /** The agent answers the call ringing on their console: it is theirs, and they get the room's token. */
  async answer(agent: { id: string; username: string; name: string }, interactionId: string): Promise<MintedToken> {
    const call = this.live(interactionId);
    if (!call || call.status === 'answered') throw AppError.conflict('This call is no longer ringing for you: it was answered elsewhere or the caller left.');
    if (!this.take(call, agent)) throw AppError.conflict('This call is no longer ringing for you: it went to someone else.');
    return mintToken(this.o.settings, { role: 'agent', interactionId, who: agent.username, name: agent.name }, this.o.clock.now());
  }

  /** The call becomes this agent's (the engine agrees), and is recorded as answered. */
  private take(call: LiveCall, agent: { id: string; name: string }): boolean {
    this.o.routing.callAnswered(call.itemId, agent.id);
    if (this.o.routing.engine.get(call.itemId)?.agentId !== agent.id) return false;
    call.status = 'answered';
    call.agentId = agent.id;
    call.agentName = agent.name;
    call.answeredAt = this.o.clock.now();
    delete call.ringing;
    const answeredAt = call.answeredAt;
    this.o.stores.later.push(() => this.o.stores.calls.answered(call.callRecordId, agent.id, answeredAt));
    return true;
  }

  hangupByAgent(agentId: string, interactionId: string) {
    const call = this.live(interactionId);
    if (!call || call.agentId !== agentId) throw new AppError(403, 'not_assigned', 'This call is not yours to end.');
    this.o.routing.callEnded(call.itemId);
    this.end(call, 'hangup-agent', 'remote-hangup');
  }

  /** Calls in progress, for supervisors. */
  liveCalls() {
    return Promise.all(
      [...this.calls.values()]
      .filter((c) => c.status === 'answered')
      .map(async (c) => {
        const context = (await this.o.stores.interactions.findById(c.interactionId))?.context;
        return {
          interactionId: c.interactionId,
          agent: c.agentName ?? '',
          visitor: context?.visitor.identity?.name ?? 'Visitor',
          topic: context?.topic ?? '',
          answeredAt: c.answeredAt ?? 0,
        };
      }),
    );
  }

  /** A supervisor listens in, whispers to the agent, or joins (barge). */
  async monitor(supervisor: { username: string; name: string }, interactionId: string, mode: 'listen' | 'whisper' | 'barge') {
    const call = this.live(interactionId);
    if (call?.status !== 'answered' || !call.agentId) throw AppError.notFound('There is no call in progress in this interaction.');
    const agent = await this.o.stores.agents.findById(call.agentId);
    const livekit = await mintToken(this.o.settings, { role: mode, interactionId, who: supervisor.username, name: supervisor.name }, this.o.clock.now());
    return { livekit, agentIdentity: identityFor('agent', agent?.username ?? '') };
  }

  // ── LiveKit's webhooks ─────────────────────────────────────────────

  /** What LiveKit saw happen in a call's room (signed events only reach here). */
  async onRoomEvent(interactionId: string, event: 'participant_joined' | 'participant_left' | 'room_finished', identity?: string) {
    const before = this.live(interactionId);
    if (!before) return;
    // The agents concerned are read first; the call is looked at after, as it is then.
    const joined = event === 'participant_joined' && identity?.startsWith('agent-') ? await this.o.stores.agents.findByUsername(identity.slice('agent-'.length)) : undefined;
    const held = before.agentId ? await this.o.stores.agents.findById(before.agentId) : undefined;
    const call = this.live(interactionId);
    if (!call) return;
    if (event === 'participant_joined') {
      // An agent's token is only minted on answer; an agent in the room while it still rings answered elsewhere (another tab).
      const agent = joined;
      if (agent && call.status !== 'answered' && call.ringing === agent.id && this.take(call, agent)) {
        // The agent's other consoles stop ringing: it was answered.
        this.o.toAgent(agent.id, { type: 'offer-withdrawn', interactionId, reason: 'taken' });
      }
      return;
    }
    if (event === 'room_finished' || identity === identityFor('visitor', interactionId)) {
      if (call.status === 'answered') this.o.routing.callEnded(call.itemId);
      else this.o.routing.callerLeft(call.itemId);
      this.end(call, call.status === 'answered' ? 'hangup-visitor' : 'cancelled', 'remote-hangup');
      return;
    }
    const agent = held?.id === call.agentId ? held : undefined;
    if (agent && identity === identityFor('agent', agent.username)) {
      this.o.routing.callEnded(call.itemId);
      this.end(call, 'hangup-agent', 'remote-hangup');
    }
  }

  // ── CallSignaling, for the routing engine ──────────────────────────

  ring(itemId: string, agentId: string, offer?: Offer) {
    const call = this.byItem(itemId);
    if (!call || !offer) return;
    call.status = 'ringing';
    call.ringing = agentId;
    this.o.toAgent(agentId, { type: 'offer', offer });
  }

  stopRinging(itemId: string, reason: WithdrawReason, agentId?: string) {
    const call = this.byItem(itemId);
    if (!call) return;
    const to = agentId ?? call.ringing;
    if (call.status === 'ringing') call.status = 'waiting';
    delete call.ringing;
    if (to) this.o.toAgent(to, { type: 'offer-withdrawn', interactionId: call.interactionId, reason: consoleReason(reason) });
  }

  queued(itemId: string, position: number, waitSeconds: number) {
    const call = this.byItem(itemId);
    if (call) call.place = { position, waitSeconds };
  }

  reject(itemId: string, status: number) {
    const call = this.byItem(itemId);
    if (call) this.end(call, status === 486 || status === 603 ? 'declined' : 'no-agent', status === 486 || status === 603 ? 'busy' : 'no-agent');
  }

  /** No callbacks to a browser on this path. */
  callbackReachable(): boolean {
    return false;
  }

  // ── ────────────────────────────────────────────────────────────────

  private live(interactionId: string): LiveCall | undefined {
    const call = this.calls.get(interactionId);
    return call && call.status !== 'ended' ? call : undefined;
  }

  private byItem(itemId: string): LiveCall | undefined {
    return [...this.calls.values()].find((c) => c.itemId === itemId && c.status !== 'ended');
  }

  /** Records the end, tells a console that was ringing, and closes the room (everyone in it leaves). */
  private end(call: LiveCall, stored: StoredEndReason, told: NonNullable<LiveCall['ended']>) {
    if (call.ringing) this.o.toAgent(call.ringing, { type: 'offer-withdrawn', interactionId: call.interactionId, reason: 'closed' });
    call.status = 'ended';
    call.ended = told;
    delete call.ringing;
    const endedAt = this.o.clock.now();
    this.o.stores.later.push(() => this.o.stores.calls.ended(call.callRecordId, endedAt, stored));
    void this.o.rooms.close(call.room).catch((err: unknown) => this.o.log.warn(`could not close LiveKit room ${call.room}`, err));
  }
}
