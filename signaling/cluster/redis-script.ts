/**
 * A Lua script run by its SHA1 (EVALSHA), and sent whole (EVAL) only when
 * Redis does not know it: the first time, and after Redis restarted and
 * forgot its scripts. What ioredis's `defineCommand` does, without adding
 * untyped methods to a client that several parts of the node share.
 *
 * A script runs atomically in Redis, which is why the lease and the rate
 * limits are scripts: a check and the write that depends on it cannot be
 * separated by another node's command.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
