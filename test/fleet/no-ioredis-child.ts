/** Child of store.test.ts, run without ioredis resolvable: prints what redisStore() throws. */
import { redisStore } from '../../src/redis.js';

try {
  await redisStore({ url: 'redis://127.0.0.1:1', prefix: 'x' });
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message }));
}
