import type { AttachmentAuth } from '../attachment/warmline-attachment.component.js';

/**
 * Internal, not for host pages: a `<warmline-attachment>` asks the element
 * around it that holds the credentials (the visitor's attach button in the
 * chat, the agent's softphone) how to fetch its file. That element fills in
 * `detail.auth` and stops the event, so it goes no further.
 */
export type WarmlineAttachmentAuthEvent = CustomEvent<{ auth?: AttachmentAuth }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-attachment-auth': WarmlineAttachmentAuthEvent;
  }
}
