/** The store the configuration asks for: Redis when `REDIS_URL` is set (a cluster client with REDIS_MODE=cluster), else in memory. */
import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis.js';
import type { SharedStore } from './types.js';

export function createStore(config: Config, onError: (error: Error) => void): SharedStore {
  const url = config.store.redisUrl;
  if (!url) return createMemoryStore();
  return createRedisStore({
    url,
    mode: config.store.redisMode,
    commandTimeoutMs: config.store.commandTimeoutMs,
    onError,
    ...(config.store.redisPassword ? { password: config.store.redisPassword } : {}),
  });
}
