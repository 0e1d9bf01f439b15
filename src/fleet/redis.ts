/**
 * The Redis fleet store (`ezcaptcha-plugin/redis`), on ioredis (an optional peer dependency, loaded when a store is
 * made). Solvers on the same Redis and prefix are one fleet. Decisions are Lua scripts (atomic on the server); pool
 * keys expire with a token's life, budget and stats after `ttlMs` of silence; waiting is a Pub/Sub subscription,
 * never polling (waiters look again at each heartbeat too: a process that died announces nothing); a heartbeat key
 * per process tells the others when its tasks in flight are theirs to collect.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import createDebug from 'debug';
import type { Redis, RedisOptions } from 'ioredis';
import { InvalidOptionsError } from '../api/errors.js';
import type { SolverStats } from '../solve/types.js';
import { StoreUnavailableError } from './errors.js';
import type { BreakerState, FleetStore, KeyDemand, PlanInput, StoredFlight, StoredToken } from './types.js';

const log = createDebug('ezcaptcha:fleet');

export interface RedisStoreOptions {
  /** Keys start with `<prefix>:`; solvers with the same prefix share one pool, budget, breaker and stats. Default 'ezcaptcha'. */
  prefix?: string;
  /**
   * How long a process may be silent before the fleet takes its tasks in flight over, ms. It refreshes its heartbeat
   * every third of this. Default 15000.
   */
  heartbeatMs?: number;
  /** Budget, stats and page counts expire after this long without a write, ms. Default 7 days. */
  ttlMs?: number;
  /** ioredis options for the connection made from `url` (ignored with a client of your own). */
  redisOptions?: RedisOptions;
}

/** Pool keys (ready tokens, flights, sightings) outlive a token's ~120 s life by this little. */
const POOL_TTL_MS = 130_000;
const DEFAULT_TTL_MS = 7 * 24 * 3600_000;
const STAT_FIELDS = ['tasksCreated', 'pointsSpent', 'tokensUsed', 'tokensWasted', 'pointsWasted'] as const;

// ---- scripts: KEYS and ARGV as documented above each ----

/** Sum of a per-owner hash over live owners; dead owners' fields are removed. ARGV[1] is the owner-key prefix. */
const LIVE_SUM = `
local function live_sum(h, ownerPrefix)
  local all = redis.call('HGETALL', h)
  local sum, any = 0, false
  for i = 1, #all, 2 do
    if redis.call('EXISTS', ownerPrefix .. all[i]) == 1 then
      sum = sum + tonumber(all[i + 1]); any = true
    else
      redis.call('HDEL', h, all[i])
    end
  end
  return sum, any
end
`;

/**
 * A page of a host (hasKey 0) or a sighting of a pool key on it (hasKey 1).
 * KEYS: pages, expect, meets, seen. ARGV: ownerPrefix, owner, now, window, member, poolTtl, longTtl, hasKey. */
const VISIT = `${LIVE_SUM}
local ownerPrefix, owner = ARGV[1], ARGV[2]
local now, window, poolTtl, longTtl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6]), tonumber(ARGV[7])
local pages
if ARGV[8] == '1' then
  pages = tonumber(redis.call('GET', KEYS[1]) or '0')
else
  -- A page: counted, and one fewer of those this process said it would visit.
  pages = redis.call('INCR', KEYS[1]); redis.call('PEXPIRE', KEYS[1], longTtl)
  local mine = tonumber(redis.call('HGET', KEYS[2], owner) or '-1')
  if mine > 0 then redis.call('HINCRBY', KEYS[2], owner, -1) end
end
local expected, any = live_sum(KEYS[2], ownerPrefix)
local recent, seen = 0, 0
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[3], now, ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - poolTtl)
  redis.call('PEXPIRE', KEYS[3], poolTtl)
  seen = redis.call('INCR', KEYS[4]); redis.call('PEXPIRE', KEYS[4], longTtl)
  recent = redis.call('ZCOUNT', KEYS[3], now - window, '+inf')
end
if not any then expected = -1 end
return {recent, seen, pages, expected}
`;

/** KEYS: expect. ARGV: owner, remaining, ownerPrefix, longTtl. */
const EXPECT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]); redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`;

/** KEYS: ready, flight, reserved, waiting. ARGV: ownerPrefix, owner, now, maxAge, target, maxPool, poolTtl. */
const PLAN = `${LIVE_SUM}
local ownerPrefix, owner = ARGV[1], ARGV[2]
local now, maxAge, target, maxPool, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local ready = redis.call('ZCOUNT', KEYS[1], '(' .. (now - maxAge), '+inf')
local flights = redis.call('HLEN', KEYS[2])
local reserved = live_sum(KEYS[3], ownerPrefix)
local waiting = live_sum(KEYS[4], ownerPrefix)
local held = ready + flights + reserved
local n = math.min(target - (held - waiting), maxPool - held)
if n < 0 then n = 0 end
if n > 0 then
  redis.call('HINCRBY', KEYS[3], owner, n); redis.call('PEXPIRE', KEYS[3], ttl)
end
return n
`;

/** KEYS: reserved, flight. ARGV: owner, taskId ('' when the prefetch failed), flight JSON, poolTtl. */
const PLANNED = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]); redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
end
return 1
`;

/** KEYS: flight. ARGV: the task ids to hand over. */
const RELEASE = `
for i = 1, #ARGV do
  local json = redis.call('HGET', KEYS[1], ARGV[i])
  if json then
    local f = cjson.decode(json)
    f.owner = 'released'
    redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(f))
  end
end
return 1
`;

/** KEYS: flight. ARGV: ownerPrefix, owner, poolTtl. Flights of owners without a heartbeat become ARGV[2]'s. */
const ADOPT = `
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local f = cjson.decode(all[i + 1])
  if f.owner ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. f.owner) == 0 then
    f.owner = ARGV[2]
    local json = cjson.encode(f)
    redis.call('HSET', KEYS[1], all[i], json)
    out[#out + 1] = json
  end
end
if #out > 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3])) end
return out
`;

/** KEYS: ready (zset taskId by readyAt), tokens (hash taskId -> JSON). ARGV: now, maxAge. */
const TAKE = `
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
local expired = {}
for i = 1, #old do
  expired[#expired + 1] = redis.call('HGET', KEYS[2], old[i]) or false
  redis.call('ZREM', KEYS[1], old[i]); redis.call('HDEL', KEYS[2], old[i])
end
local first = redis.call('ZPOPMIN', KEYS[1])
local token = false
if #first > 0 then
  token = redis.call('HGET', KEYS[2], first[1]) or false
  redis.call('HDEL', KEYS[2], first[1])
end
return {token, expired}
`;

/** KEYS: ready, tokens. ARGV: taskId. */
const DROP = `
local n = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return n
`;

/** KEYS: waiting. ARGV: owner, delta, poolTtl. */
const WAITING = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3])) end
return n
`;

/** KEYS: budget. ARGV: points, limit, ttl. Returns 1 when reserved. */
const RESERVE = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local points = tonumber(ARGV[1])
if spent + points > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBYFLOAT', KEYS[1], points); redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`;

/** KEYS: budget. ARGV: points. */
const REFUND = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = spent - tonumber(ARGV[1])
if left < 0 then left = 0 end
redis.call('SET', KEYS[1], tostring(left), 'KEEPTTL')
return 1
`;

/** KEYS: breaker. ARGV: JSON, until, now. The later `until` wins. */
const TRIP = `
local cur = redis.call('GET', KEYS[1])
if cur and cjson.decode(cur)['until'] >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, tonumber(ARGV[2]) - tonumber(ARGV[3])))
return 1
`;

/** KEYS: ready, flight, reserved. ARGV: ownerPrefix. */
const HELD = `${LIVE_SUM}
return {redis.call('ZCARD', KEYS[1]), redis.call('HLEN', KEYS[2]) + live_sum(KEYS[3], ARGV[1])}
`;

/** The script's SHA1, for EVALSHA. */
const sha = (script: string) => createHash('sha1').update(script).digest('hex');

/** `redis://user:pass@host` without the password, for messages. */
function redactURL(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

type IoRedisModule = { Redis?: new (...args: unknown[]) => Redis; default?: new (...args: unknown[]) => Redis };

async function loadIoRedis(): Promise<new (...args: unknown[]) => Redis> {
  let mod: IoRedisModule;
  try {
    mod = (await import('ioredis')) as unknown as IoRedisModule;
  } catch (error) {
    throw new InvalidOptionsError(
      'ezcaptcha-plugin/redis needs the ioredis package (an optional peer dependency): run `npm install ioredis`.',
      { option: 'store', cause: error },
    );
  }
  const Ctor = mod.Redis ?? mod.default;
  if (typeof Ctor !== 'function') {
    throw new InvalidOptionsError('The installed ioredis exports no Redis class; install ioredis 5.', {
      option: 'store',
    });
  }
  return Ctor;
}

function isRedisClient(value: unknown): value is Redis {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Redis).evalsha === 'function' &&
    typeof (value as Redis).duplicate === 'function'
  );
}

/**
 * A fleet store on Redis: `await redisStore({ url, prefix })` connects (a Redis that cannot be reached fails here,
 * with StoreUnavailableError), `await redisStore(client, { prefix })` uses an ioredis client of yours (left open by
 * `close()`; the store's own subscriber connection is closed).
 */
export async function redisStore(
  urlOrClient: ({ url: string } & RedisStoreOptions) | Redis,
  options: RedisStoreOptions = {},
): Promise<FleetStore> {
  let client: Redis;
  let own: boolean;
  let opts: RedisStoreOptions;
  let where: string;
  if (isRedisClient(urlOrClient)) {
    client = urlOrClient;
    own = false;
    opts = options;
    where = 'the given Redis client';
  } else {
    if (typeof urlOrClient !== 'object' || urlOrClient === null || typeof urlOrClient.url !== 'string') {
      throw new InvalidOptionsError(
        'redisStore() takes { url: "redis://host:6379", prefix } or an ioredis client and { prefix }.',
        { option: 'store' },
      );
    }
    const { url, ...rest } = urlOrClient;
    opts = { ...rest, ...options };
    where = `Redis at ${redactURL(url)}`;
    const Redis = await loadIoRedis();
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 5000,
      // A lost Redis fails commands after one reconnection attempt instead of queueing them for minutes.
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
      ...opts.redisOptions,
    });
    own = true;
    client.on('error', (error: Error) => log('%s: %s', where, error.message));
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new StoreUnavailableError(
        `${where} cannot be reached (${(error as Error).message}); start Redis or fix the URL.`,
        error,
      );
    }
  }
  const prefix = opts.prefix ?? 'ezcaptcha';
  if (typeof prefix !== 'string' || prefix.length === 0 || /\s/.test(prefix)) {
    if (own) client.disconnect();
    throw new InvalidOptionsError('redisStore prefix must be a non-empty string without spaces, e.g. "crawl-42".', {
      option: 'prefix',
    });
  }
  const store = new RedisStore(client, own, prefix, where, opts);
  await store.start();
  return store;
}

class RedisStore implements FleetStore {
  readonly shared = true;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #client: Redis;
  readonly #own: boolean;
  readonly #p: string;
  readonly #where: string;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #events = new EventEmitter();
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #seq = 0;
  #closed = false;
  /** Per-owner hashes this process wrote to, cleared on close. */
  readonly #touched = new Set<string>();

  constructor(client: Redis, own: boolean, prefix: string, where: string, options: RedisStoreOptions) {
    this.#client = client;
    this.#own = own;
    this.#p = prefix;
    this.#where = where;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#events.setMaxListeners(0);
  }

  get #ownerKey(): string {
    return `${this.#p}:owner:${this.owner}`;
  }

  get #ownerPrefix(): string {
    return `${this.#p}:owner:`;
  }

  #k(kind: string, name: string): string {
    return `${this.#p}:${kind}:${name}`;
  }

  async start(): Promise<void> {
    await this.#beat();
    this.#heartbeat = setInterval(
      () => {
        void this.#beat().catch((error) => log('heartbeat: %s', (error as Error).message));
        // Callers waiting for flights look again: a process that died announces nothing, its heartbeat just expires.
        for (const key of this.#events.eventNames()) this.#events.emit(key);
      },
      Math.max(50, Math.floor(this.#heartbeatMs / 3)),
    );
    this.#heartbeat.unref();
  }

  async #beat(): Promise<void> {
    await this.#do(() => this.#client.set(this.#ownerKey, '1', 'PX', this.#heartbeatMs));
  }

  async #do<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new StoreUnavailableError(`${this.#where} failed: ${(error as Error).message}`, error);
    }
  }

  async #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.#do(async () => {
      try {
        return await this.#client.evalsha(sha(script), keys.length, ...keys, ...args);
      } catch (error) {
        if (!/NOSCRIPT/.test((error as Error).message)) throw error;
        return await this.#client.eval(script, keys.length, ...keys, ...args);
      }
    });
  }

  async visit(host: string, key: string | undefined, now: number, windowMs: number): Promise<KeyDemand> {
    const k = key ?? '';
    const reply = (await this.#run(
      VISIT,
      [this.#k('pages', host), this.#k('expect', host), this.#k('meets', k), this.#k('seen', k)],
      [
        this.#ownerPrefix,
        this.owner,
        now,
        windowMs,
        `${this.owner}:${++this.#seq}`,
        POOL_TTL_MS,
        this.#ttlMs,
        key === undefined ? '0' : '1',
      ],
    )) as number[];
    const [recent, seen, pages, expected] = reply.map(Number) as [number, number, number, number];
    return { recent, seen, pages, expected: expected < 0 ? undefined : expected };
  }

  async expectPages(host: string, remaining: number): Promise<void> {
    this.#touched.add(this.#k('expect', host));
    await this.#run(EXPECT, [this.#k('expect', host)], [this.owner, remaining, this.#ownerPrefix, this.#ttlMs]);
  }

  async plan(input: PlanInput): Promise<number> {
    this.#touched.add(this.#k('reserved', input.key));
    const n = await this.#run(
      PLAN,
      [
        this.#k('ready', input.key),
        this.#k('flight', input.key),
        this.#k('reserved', input.key),
        this.#k('waiting', input.key),
      ],
      [this.#ownerPrefix, this.owner, input.now, input.maxTokenAge, input.target, input.maxPoolSize, POOL_TTL_MS],
    );
    return Number(n);
  }

  async planned(key: string, flight: StoredFlight | undefined): Promise<void> {
    await this.#run(
      PLANNED,
      [this.#k('reserved', key), this.#k('flight', key)],
      [this.owner, flight?.taskId ?? '', flight ? JSON.stringify({ ...flight, owner: this.owner }) : '', POOL_TTL_MS],
    );
    // A reservation that came to nothing: callers waiting for it look again.
    if (!flight) await this.#do(() => this.#client.publish(`${this.#p}:ready`, key));
  }

  async release(key: string, taskIds: string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await this.#run(RELEASE, [this.#k('flight', key)], taskIds);
    // Callers waiting for these flights elsewhere take them over now: nobody polls them here any more.
    await this.#do(() => this.#client.publish(`${this.#p}:ready`, key));
  }

  async landed(key: string, taskId: string): Promise<void> {
    // Told to the fleet too: a caller waiting elsewhere looks again (a token, or nothing left in flight).
    await this.#do(() =>
      this.#client.multi().hdel(this.#k('flight', key), taskId).publish(`${this.#p}:ready`, key).exec(),
    );
  }

  async adoptOrphans(key: string): Promise<StoredFlight[]> {
    const reply = (await this.#run(ADOPT, [this.#k('flight', key)], [this.#ownerPrefix, this.owner, POOL_TTL_MS])) as
      | string[]
      | null;
    return (reply ?? []).map((json) => {
      const f = JSON.parse(json) as StoredFlight & { owner?: string };
      return { taskId: f.taskId, createdAt: f.createdAt };
    });
  }

  async putReady(key: string, token: StoredToken, ttlMs: number): Promise<void> {
    const ready = this.#k('ready', key);
    const tokens = this.#k('tokens', key);
    const ttl = Math.max(1, Math.ceil(ttlMs) + 5000);
    await this.#do(() =>
      this.#client
        .multi()
        .zadd(ready, token.readyAt, token.taskId)
        .hset(tokens, token.taskId, JSON.stringify(token))
        .pexpire(ready, ttl)
        .pexpire(tokens, ttl)
        .publish(`${this.#p}:ready`, key)
        .exec(),
    );
  }

  async takeReady(key: string, now: number, maxAge: number): Promise<{ token?: StoredToken; expired: StoredToken[] }> {
    const [token, expired] = (await this.#run(
      TAKE,
      [this.#k('ready', key), this.#k('tokens', key)],
      [now, maxAge],
    )) as [string | null, (string | null)[]];
    return {
      ...(token ? { token: JSON.parse(token) as StoredToken } : {}),
      expired: expired.flatMap((json) => (json ? [JSON.parse(json) as StoredToken] : [])),
    };
  }

  async dropReady(key: string, taskId: string): Promise<boolean> {
    return Number(await this.#run(DROP, [this.#k('ready', key), this.#k('tokens', key)], [taskId])) === 1;
  }

  async held(key: string): Promise<{ ready: number; inFlight: number }> {
    const [ready, inFlight] = (await this.#run(
      HELD,
      [this.#k('ready', key), this.#k('flight', key), this.#k('reserved', key)],
      [this.#ownerPrefix],
    )) as [number, number];
    return { ready: Number(ready), inFlight: Number(inFlight) };
  }

  onReady(key: string, listener: () => void): () => void {
    this.#events.on(key, listener);
    // What was published before the subscription was active went unheard: the listener looks once it is.
    void this.#subscribe().then(() => {
      if (this.#events.listeners(key).includes(listener)) listener();
    });
    return () => this.#events.off(key, listener);
  }

  /** The one Pub/Sub connection of this store; resolves once it is subscribed (or failed, logged). */
  #subscribe(): Promise<void> {
    if (this.#subscribed || this.#closed) return this.#subscribed ?? Promise.resolve();
    const sub = this.#client.duplicate({ lazyConnect: false });
    this.#subscriber = sub;
    sub.on('error', (error: Error) => log('subscriber: %s', error.message));
    sub.on('message', (_channel: string, key: string) => this.#events.emit(key));
    this.#subscribed = sub.subscribe(`${this.#p}:ready`).then(
      () => undefined,
      (error: Error) => log('subscribe: %s', error.message),
    );
    return this.#subscribed;
  }

  async waiting(key: string, delta: number): Promise<void> {
    this.#touched.add(this.#k('waiting', key));
    await this.#run(WAITING, [this.#k('waiting', key)], [this.owner, delta, POOL_TTL_MS]);
  }

  async reserve(points: number, limit: number): Promise<boolean> {
    return Number(await this.#run(RESERVE, [`${this.#p}:budget`], [points, limit, this.#ttlMs])) === 1;
  }

  async refund(points: number): Promise<void> {
    await this.#run(REFUND, [`${this.#p}:budget`], [points]);
  }

  async trip(state: BreakerState): Promise<void> {
    await this.#run(TRIP, [`${this.#p}:breaker`], [JSON.stringify(state), state.until, Date.now()]);
  }

  async breaker(now: number): Promise<BreakerState | undefined> {
    const json = await this.#do(() => this.#client.get(`${this.#p}:breaker`));
    if (!json) return undefined;
    const state = JSON.parse(json) as BreakerState;
    return state.until > now ? state : undefined;
  }

  async record(delta: Partial<SolverStats>): Promise<void> {
    const key = `${this.#p}:stats`;
    const tx = this.#client.multi();
    for (const name of STAT_FIELDS) {
      const value = delta[name];
      if (value) tx.hincrbyfloat(key, name, value);
    }
    tx.pexpire(key, this.#ttlMs);
    await this.#do(() => tx.exec());
  }

  async stats(): Promise<SolverStats> {
    const all = await this.#do(() => this.#client.hgetall(`${this.#p}:stats`));
    const stats = { tasksCreated: 0, pointsSpent: 0, tokensUsed: 0, tokensWasted: 0, pointsWasted: 0 };
    for (const name of STAT_FIELDS) stats[name] = Number(all[name] ?? 0);
    return stats;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#events.removeAllListeners();
    const sub = this.#subscriber;
    this.#subscriber = undefined;
    try {
      // This process's share of the per-owner counts goes; its flights become the fleet's once its heartbeat is gone.
      const tx = this.#client.multi().del(this.#ownerKey);
      for (const key of this.#touched) tx.hdel(key, this.owner);
      await tx.exec();
    } catch (error) {
      log('close: %s', (error as Error).message);
    }
    await Promise.all([
      sub?.quit().catch(() => sub.disconnect()),
      this.#own ? this.#client.quit().catch(() => this.#client.disconnect()) : undefined,
    ]);
  }
}
