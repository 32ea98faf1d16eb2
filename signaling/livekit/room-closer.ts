/**
 * Closing a call's room when the call ends, so that nobody (a supervisor,
 * a forgotten tab) stays in it: LiveKit's RoomService DeleteRoom, through
 * livekit-server-sdk. Behind an interface so the call logic can be tested
 * without a LiveKit server, which cannot run on the build machines.
 */
import { RoomServiceClient } from 'livekit-server-sdk';
import type { LiveKitSettings } from './livekit-tokens.js';

export interface RoomCloser {
  close(room: string): Promise<void>;
}

export function liveKitRoomCloser(settings: LiveKitSettings): RoomCloser {
  // The server API is HTTP on the same host as the WebSocket the browsers use.
  const client = new RoomServiceClient(settings.url.replace(/^ws/, 'http'), settings.apiKey, settings.apiSecret);
  return {
    async close(room) {
      await client.deleteRoom(room);
    },
  };
}
