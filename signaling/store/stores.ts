import type { Db } from './database.js';
import type { Dialect } from './dialect.js';
import { AgentStore } from './agent-store.js';
import { InteractionStore } from './interaction-store.js';
import { MessageStore } from './message-store.js';
import { SessionStore } from './session-store.js';
import { CallStore } from './call-store.js';
import { WorkItemStore } from './work-item-store.js';
import { NoteStore } from './note-store.js';
import { AttachmentStore } from './attachment-store.js';
import { DialogStore } from './dialog-store.js';
import { SerialQueue } from '../serial-queue.js';

/** Every table's store over one database (or one transaction of it), plus the transaction helper. */
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
  /** Writes nobody waits for (a call's record, a dialog's CSeq), applied in the order asked. */
  readonly later: SerialQueue;

  constructor(
    readonly db: Db,
    readonly dialect: Dialect,
    later?: SerialQueue,
  ) {
    this.agents = new AgentStore(db);
    this.sessions = new SessionStore(db);
    this.interactions = new InteractionStore(db, dialect);
    this.messages = new MessageStore(db);
    this.calls = new CallStore(db);
    this.workItems = new WorkItemStore(db);
    this.notes = new NoteStore(db);
    this.attachments = new AttachmentStore(db);
    this.dialogs = new DialogStore(db);
    this.later = later ?? new SerialQueue();
  }

  /** Runs `fn` in one transaction, with stores bound to it (within one already, in that one). */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new Stores(trx, this.dialect, this.later)));
  }
}
