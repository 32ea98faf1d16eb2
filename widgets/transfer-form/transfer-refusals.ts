/**
 * Why a transfer target cannot take an interaction, by the server's code
 * (protocol/errors.ts), in the agent's language: the transfer form's
 * disabled targets, and a refused transfer on the call bar and the console.
 */
import type { Localize, TermKey } from '../base/localize.js';
import type { ConsultRefusalCode } from '../protocol/errors.js';

const REFUSAL_TERMS = {
  self: 'refusedSelf',
  skills: 'refusedSkills',
  no_calls: 'refusedNoCalls',
  no_chats: 'refusedNoChats',
  offline: 'refusedOffline',
  away: 'refusedAway',
  no_phone: 'refusedNoPhone',
  busy: 'refusedBusy',
  closed: 'refusedClosed',
  unstaffed: 'refusedUnstaffed',
  declined: 'refusedDeclined',
  no_answer: 'refusedNoAnswer',
  unreachable: 'refusedUnreachable',
} as const satisfies Record<ConsultRefusalCode, TermKey>;

/** "Bob Chen (away)": the target and why; the target alone for a code newer than this console. */
export function refusalOf(t: Localize, target: string, code: ConsultRefusalCode): string {
  const key = REFUSAL_TERMS[code] as (typeof REFUSAL_TERMS)[ConsultRefusalCode] | undefined;
  return key ? t.term('refusalOf', target, t.term(key)) : target;
}
