/**
 * Real livekit-client rooms for browser tests, without a LiveKit server
 * (none can run here): `connect` is the one network call stubbed. Whatever
 * else the code under test asks of the room (publish, metadata,
 * subscription permissions) runs in livekit-client as it would before the
 * signal connection is up, which sends nothing; `recordCalls` spies on such
 * a method, calling through. Tests play the server's side of the room with
 * `room.emit(RoomEvent.X, …)`.
 */
import { Room } from 'livekit-client';

export interface StubbedRoom {
  room: Room;
  /** The url and token each connect was called with. */
  connects: Array<{ url: string; token: string }>;
  published: Array<{ track: unknown; source: unknown }>;
  metadata: string[];
  permissions: Array<{ allParticipants: boolean; permissions: unknown[] }>;
}

/** Replaces the room's connect (its only network call) with one that resolves at once and records its arguments. */
export function stubConnect(room: Room, connects: StubbedRoom['connects']) {
  room.connect = async (url: string, token: string) => {
    connects.push({ url, token });
  };
}

/** Wraps `target[method]` to record its arguments, calling the real method after. */
export function recordCalls<T extends object, K extends keyof T>(target: T, method: K, record: (...args: any[]) => void) {
  const real = (target[method] as (...args: unknown[]) => unknown).bind(target);
  target[method] = ((...args: unknown[]) => {
    record(...args);
    return real(...args);
  }) as T[K];
}

/** A new room with connect stubbed and what is asked of its local participant recorded. */
export function stubbedRoom(): StubbedRoom {
  const room = new Room();
  const made: StubbedRoom = { room, connects: [], published: [], metadata: [], permissions: [] };
  stubConnect(room, made.connects);
  const local = room.localParticipant;
  recordCalls(local, 'publishTrack', (track, options) => made.published.push({ track, source: options?.source }));
  recordCalls(local, 'setMetadata', (metadata: string) => made.metadata.push(metadata));
  recordCalls(local, 'setTrackSubscriptionPermissions', (allParticipants: boolean, permissions: unknown[] = []) =>
    made.permissions.push({ allParticipants, permissions }),
  );
  return made;
}

/** A real remote audio track, received on a real (unconnected) peer connection's transceiver. */
export async function remoteAudioTrack(sid: string) {
  const { RemoteAudioTrack } = await import('livekit-client');
  const pc = new RTCPeerConnection();
  const receiver = pc.addTransceiver('audio', { direction: 'recvonly' }).receiver;
  return new RemoteAudioTrack(receiver.track, sid, receiver);
}
