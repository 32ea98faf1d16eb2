export interface SpawnedServer {
  readonly url: string;
  port: number;
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}
export function spawnServer(options?: { env?: Record<string, string> }): Promise<SpawnedServer>;
