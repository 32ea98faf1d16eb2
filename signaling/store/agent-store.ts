import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { AgentsTable } from './schema.js';

export interface AgentRecord {
  id: string;
  username: string;
  name: string;
  passwordHash: string;
  presence: 'available' | 'away';
  /** The console's language the agent chose (BCP 47); null: the browser's. */
  language: string | null;
  createdAt: number;
}

const toRecord = (row: Selectable<AgentsTable>): AgentRecord => ({
  id: row.id,
  username: row.username,
  name: row.display_name,
  passwordHash: row.password_hash,
  presence: row.presence,
  language: row.language,
  createdAt: row.created_at,
});

export class AgentStore {
  constructor(private readonly db: Db) {}

  async insert(agent: Omit<AgentRecord, 'presence' | 'language'>) {
    await this.db
      .insertInto('agents')
      .values({ id: agent.id, username: agent.username, display_name: agent.name, password_hash: agent.passwordHash, created_at: agent.createdAt })
      .execute();
  }

  async findById(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByUsername(username: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toRecord(row);
  }

  async setPresence(id: string, presence: AgentRecord['presence']) {
    await this.db.updateTable('agents').set({ presence }).where('id', '=', id).execute();
  }

  async setPasswordHash(id: string, hash: string) {
    await this.db.updateTable('agents').set({ password_hash: hash }).where('id', '=', id).execute();
  }

  async setLanguage(id: string, language: string | null) {
    await this.db.updateTable('agents').set({ language }).where('id', '=', id).execute();
  }

  async list(): Promise<AgentRecord[]> {
    return (await this.db.selectFrom('agents').selectAll().orderBy('username').execute()).map(toRecord);
  }
}
