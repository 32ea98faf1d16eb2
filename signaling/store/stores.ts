import type { Db } from './database.js';
import { AgentStore } from './agent-store.js';
import { InteractionStore } from './interaction-store.js';
import { MessageStore } from './message-store.js';
import { SessionStore } from './session-store.js';
import { CallStore } from './call-store.js';
import { WorkItemStore } from './work-item-store.js';
import { NoteStore } from './note-store.js';
import { AttachmentStore } from './attachment-store.js';
import { DialogStore } from './dialog-store.js';

/** Every table's store over one database, plus its transaction helper. */
export class Stores {
  readonly agents: AgentStore;
  readonly sessions: SessionStore;
  readonly interactions: InteractionStore;
  readonly messages: MessageStore;
  readonly calls: CallStore;
  readonly workItems: WorkItemStore;
  readonly notes: NoteStore;
  readonly attachments: AttachmentStore;
  readonly dialogs: DialogStore;

  constructor(readonly db: Db) {
    this.agents = new AgentStore(db);
    this.sessions = new SessionStore(db);
    this.interactions = new InteractionStore(db);
    this.messages = new MessageStore(db);
    this.calls = new CallStore(db);
    this.workItems = new WorkItemStore(db);
    this.notes = new NoteStore(db);
    this.attachments = new AttachmentStore(db);
    this.dialogs = new DialogStore(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
