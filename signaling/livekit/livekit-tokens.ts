/**
 * LiveKit access tokens, one per participant and call, with the least each
 * needs (livekit-server-sdk signs them with the API key and secret):
 *
 * | role     | joins          | publishes          | subscribes | also                         |
 * | -------- | -------------- | ------------------ | ---------- | ---------------------------- |
 * | visitor  | the call's room | microphone        | yes        | nothing: no data, no metadata |
 * | agent    | the call's room | microphone        | yes        | updates own metadata (hold)   |
 * | listen   | hidden          | nothing            | yes        |                              |
 * | whisper  | visible         | microphone (heard by the agent only: the client allows only them to subscribe) | yes |  |
 * | barge    | visible         | microphone         | yes        |                              |
 *
 * The room is named from the interaction id; the token's room configuration
 * gives it the interaction id (never personal data) as metadata, so the
 * first to join creates it as it should be.
 *
 * A whispering supervisor is not hidden: LiveKit lets nobody subscribe to a
 * hidden participant's tracks, the agent included (livekit/livekit#1857).
 * Track subscription permissions, set by the supervisor's client, keep the
 * visitor from hearing the whisper; the visitor's widget shows no one but
 * the agent.
 */
import { AccessToken, RoomConfiguration, TrackSource, type VideoGrant } from 'livekit-server-sdk';

export type LiveKitRole = 'visitor' | 'agent' | 'listen' | 'whisper' | 'barge';

export interface LiveKitSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
  tokenTtlSeconds: number;
  emptyTimeoutSeconds: number;
}

/** A call's room: one per interaction. */
export const roomName = (interactionId: string) => `warmline-${interactionId}`;

/** The interaction a room belongs to, from its name; undefined for rooms that are not ours. */
export function interactionOfRoom(name: string): string | undefined {
  const match = /^warmline-(in_[A-Za-z0-9_-]{8,40})$/.exec(name);
  return match?.[1];
}

/** Participant identities say who is who, for the widgets and the webhook. */
export const identityFor = (role: LiveKitRole, who: string) => (role === 'visitor' ? `visitor-${who}` : role === 'agent' ? `agent-${who}` : `supervisor-${who}`);

const MICROPHONE = [TrackSource.MICROPHONE];

function grantFor(role: LiveKitRole, room: string): VideoGrant {
  const base: VideoGrant = { roomJoin: true, room, canSubscribe: true, canPublishData: false, canUpdateOwnMetadata: false };
  switch (role) {
    case 'visitor':
      return { ...base, canPublish: true, canPublishSources: MICROPHONE };
    case 'agent':
      return { ...base, canPublish: true, canPublishSources: MICROPHONE, canUpdateOwnMetadata: true };
    case 'listen':
      return { ...base, canPublish: false, hidden: true };
    case 'whisper':
      return { ...base, canPublish: true, canPublishSources: MICROPHONE };
    case 'barge':
      return { ...base, canPublish: true, canPublishSources: MICROPHONE };
  }
}

export interface MintedToken {
  url: string;
  room: string;
  identity: string;
  token: string;
  expiresAt: number;
}

/** A token for `who` (a username, or the interaction for the visitor) to take part in the call of `interactionId` as `role`. */
export async function mintToken(
  settings: LiveKitSettings,
  input: { role: LiveKitRole; interactionId: string; who: string; name: string },
  nowMs: number,
): Promise<MintedToken> {
  const room = roomName(input.interactionId);
  const identity = identityFor(input.role, input.who);
  const token = new AccessToken(settings.apiKey, settings.apiSecret, { identity, name: input.name, ttl: settings.tokenTtlSeconds });
  token.addGrant(grantFor(input.role, room));
  token.roomConfig = new RoomConfiguration({
    name: room,
    metadata: JSON.stringify({ interactionId: input.interactionId }),
    emptyTimeout: settings.emptyTimeoutSeconds,
  });
  return { url: settings.url, room, identity, token: await token.toJwt(), expiresAt: nowMs + settings.tokenTtlSeconds * 1000 };
}
