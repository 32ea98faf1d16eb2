import type { Db } from './database.js';

/** Who a side of a call is: an agent's phone, or the visitor's browser of an interaction. */
export type SideOwner = { kind: 'agent'; agentId: string } | { kind: 'visitor'; interactionId: string };

/** One side of a confirmed dialog, as kept across restarts (the flow it is reached over is not: it is found again). */
export interface StoredSide {
  owner: SideOwner;
  /** The side's From/To header value, with its tag. */
  nameAddr: string;
  /** Its remote target: where requests to it go. */
  contact: string;
  /** The highest CSeq number it has used in this dialog. */
  cseq: number;
}

export interface DialogRecord {
  callId: string;
  callRecordId: string;
  interactionId: string;
  agentId: string;
  itemId: string | null;
  caller: StoredSide;
  callee: StoredSide;
  createdAt: number;
}

interface Row {
  call_id: string;
  call_record_id: string;
  interaction_id: string;
  agent_id: string;
  item_id: string | null;
  caller: string;
  callee: string;
  created_at: number;
}

/** The embedded proxy's confirmed dialogs (table sip_dialogs). */
export class DialogStore {
  private readonly insertStmt;
  private readonly sidesStmt;
  private readonly deleteStmt;
  private readonly allStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT OR REPLACE INTO sip_dialogs (call_id, call_record_id, interaction_id, agent_id, item_id, caller, callee, created_at) VALUES (@callId, @callRecordId, @interactionId, @agentId, @itemId, @caller, @callee, @createdAt)',
    );
    this.sidesStmt = db.prepare('UPDATE sip_dialogs SET caller = ?, callee = ? WHERE call_id = ?');
    this.deleteStmt = db.prepare('DELETE FROM sip_dialogs WHERE call_id = ?');
    this.allStmt = db.prepare<[], Row>('SELECT * FROM sip_dialogs ORDER BY created_at');
  }

  insert(dialog: DialogRecord) {
    this.insertStmt.run({ ...dialog, caller: JSON.stringify(dialog.caller), callee: JSON.stringify(dialog.callee) });
  }

  /** A side's CSeq or remote target moved on. */
  updateSides(callId: string, caller: StoredSide, callee: StoredSide) {
    this.sidesStmt.run(JSON.stringify(caller), JSON.stringify(callee), callId);
  }

  remove(callId: string) {
    this.deleteStmt.run(callId);
  }

  list(): DialogRecord[] {
    return this.allStmt.all().map((r) => ({
      callId: r.call_id,
      callRecordId: r.call_record_id,
      interactionId: r.interaction_id,
      agentId: r.agent_id,
      itemId: r.item_id,
      caller: JSON.parse(r.caller) as StoredSide,
      callee: JSON.parse(r.callee) as StoredSide,
      createdAt: r.created_at,
    }));
  }
}
