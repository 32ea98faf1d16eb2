/**
 * An agent's call as the softphone's phone reports it (telephony/agent-phone.ts),
 * for component tests that render call bars without a real call: ringing from
 * a visitor unless `change` says otherwise.
 */
import type { AgentCall } from '../../widgets/telephony/agent-phone.js';

export const agentCall = (change: Partial<AgentCall> = {}): AgentCall => ({
  id: 'c1',
  direction: 'in',
  interactionId: 'in_abcdefgh',
  caller: 'Visitor',
  state: 'ringing',
  muted: false,
  digits: '',
  ringingSince: Date.now(),
  connectedAt: undefined,
  endReason: undefined,
  transfer: undefined,
  transferring: undefined,
  consultFor: undefined,
  ...change,
});
