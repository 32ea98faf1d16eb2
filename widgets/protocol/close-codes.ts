/** WebSocket close codes the server uses (4000-4999 are for applications, RFC 6455 §7.4.2). */
export const CloseCode = {
  /** The server is restarting: reconnect at once. */
  Restart: 1012,
  /** The token was missing, wrong or expired: do not retry with it. */
  Unauthorized: 4001,
  /** No hello arrived in time. */
  HelloTimeout: 4002,
  /** The client broke the protocol (invalid frames, too many of them). */
  ProtocolError: 4003,
  /** The agent signed out or the session was revoked. */
  SignedOut: 4004,
} as const;
