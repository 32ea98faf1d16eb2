/**
 * Who takes a call: the simple choice of the first release, as for chat. An
 * agent can take a call when their softphone is registered, they are
 * available, and they are not on (or being rung for) another call. The agent
 * already chatting with this visitor goes first, so the conversation stays
 * with one person; then whoever has been free of calls longest.
 */
import type { ChatRouter } from '../routing/chat-router.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { Clock } from '../clock.js';
import type { Binding, Registrar } from './registrar.js';

export class CallTargets {
  private readonly busy = new Set<string>();
  private readonly freeSince = new Map<string, number>();

  constructor(
    private readonly registrar: Registrar,
    private readonly router: ChatRouter,
    private readonly interactions: InteractionService,
    private readonly clock: Clock,
  ) {}

  pick(interactionId: string, exclude: ReadonlySet<string>): Binding | undefined {
    const candidates = this.registrar
      .agents()
      .filter((b) => !exclude.has(b.agentId) && !this.busy.has(b.agentId) && this.router.presenceOf(b.agentId) === 'available');
    const chatting = this.interactions.get(interactionId)?.agentId;
    const preferred = candidates.find((b) => b.agentId === chatting);
    if (preferred) return preferred;
    return candidates.sort((a, b) => (this.freeSince.get(a.agentId) ?? 0) - (this.freeSince.get(b.agentId) ?? 0))[0];
  }

  /** Whether anyone could take a call now (registered and available), busy or not. */
  anyoneOnDuty(): boolean {
    return this.registrar.agents().some((b) => this.router.presenceOf(b.agentId) === 'available');
  }

  hold(agentId: string) {
    this.busy.add(agentId);
  }

  release(agentId: string) {
    this.busy.delete(agentId);
    this.freeSince.set(agentId, this.clock.now());
  }

  isBusy(agentId: string): boolean {
    return this.busy.has(agentId);
  }
}
