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

/** The embedded proxy's confirmed dialogs (table sip_dialogs). */
export class DialogStore {
  constructor(private readonly db: Db) {}

  async insert(dialog: DialogRecord) {
    const row = {
      call_id: dialog.callId,
      call_record_id: dialog.callRecordId,
      interaction_id: dialog.interactionId,
      agent_id: dialog.agentId,
      item_id: dialog.itemId,
      caller: JSON.stringify(dialog.caller),
      callee: JSON.stringify(dialog.callee),
      created_at: dialog.createdAt,
    };
    await this.db
      .insertInto('sip_dialogs')
      .values(row)
      .onConflict((oc) => oc.column('call_id').doUpdateSet(row))
      .execute();
  }

  /** A side's CSeq or remote target moved on. */
  async updateSides(callId: string, caller: StoredSide, callee: StoredSide) {
    await this.db.updateTable('sip_dialogs').set({ caller: JSON.stringify(caller), callee: JSON.stringify(callee) }).where('call_id', '=', callId).execute();
  }

  async remove(callId: string) {
    await this.db.deleteFrom('sip_dialogs').where('call_id', '=', callId).execute();
  }

  async list(): Promise<DialogRecord[]> {
    const rows = await this.db.selectFrom('sip_dialogs').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({
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
