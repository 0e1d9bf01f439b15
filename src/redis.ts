/**
 * `ezcaptcha-plugin/redis`: the fleet store on Redis (ioredis, an optional peer dependency: `npm install ioredis`).
 *
 * ```ts
 * import { CaptchaSolver } from 'ezcaptcha-plugin';
 * import { redisStore } from 'ezcaptcha-plugin/redis';
 * const store = await redisStore({ url: process.env.REDIS_URL, prefix: 'crawl-42' });
 * const solver = new CaptchaSolver({ store, prefetch: true, maxTotalPoints: 50_000 });
 * // ... crawl ...
 * await solver.close();
 * console.log(await store.stats());
 * await store.close();
 * ```
 */
export { BreakerOpenError, BudgetExceededError, StoreUnavailableError } from './fleet/errors.js';
export { type RedisStoreOptions, redisStore } from './fleet/redis.js';
export type { BreakerState, FleetStore, StoredFlight, StoredToken } from './fleet/types.js';
