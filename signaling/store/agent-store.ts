import type { Db } from './database.js';

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

interface AgentRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  presence: 'available' | 'away';
  language: string | null;
  created_at: number;
}

const toRecord = (row: AgentRow): AgentRecord => ({
  id: row.id,
  username: row.username,
  name: row.display_name,
  passwordHash: row.password_hash,
  presence: row.presence,
  language: row.language,
  createdAt: row.created_at,
});

export class AgentStore {
  private readonly byId;
  private readonly byUsername;
  private readonly insertStmt;
  private readonly presenceStmt;
  private readonly passwordStmt;
  private readonly languageStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.byId = db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?');
    this.byUsername = db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE username = ?');
    this.insertStmt = db.prepare(
      'INSERT INTO agents (id, username, display_name, password_hash, created_at) VALUES (@id, @username, @name, @passwordHash, @createdAt)',
    );
    this.presenceStmt = db.prepare('UPDATE agents SET presence = ? WHERE id = ?');
    this.passwordStmt = db.prepare('UPDATE agents SET password_hash = ? WHERE id = ?');
    this.languageStmt = db.prepare('UPDATE agents SET language = ? WHERE id = ?');
    this.listStmt = db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY username');
  }

  insert(agent: Omit<AgentRecord, 'presence' | 'language'>) {
    this.insertStmt.run(agent);
  }

  findById(id: string): AgentRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  findByUsername(username: string): AgentRecord | undefined {
    const row = this.byUsername.get(username);
    return row && toRecord(row);
  }

  setPresence(id: string, presence: AgentRecord['presence']) {
    this.presenceStmt.run(presence, id);
  }

  setPasswordHash(id: string, hash: string) {
    this.passwordStmt.run(hash, id);
  }

  setLanguage(id: string, language: string | null) {
    this.languageStmt.run(language, id);
  }

  list(): AgentRecord[] {
    return this.listStmt.all().map(toRecord);
  }
}
