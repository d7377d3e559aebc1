// The shared bucket on Redis: refill and take in one Lua script, so two workers never both
// take the last token. Time is the caller's clock (passed in), not Redis's: the hub's
// processes agree on it within their clock skew, and tests run it in simulated time.
import type { Redis } from 'ioredis';
import type { RateSpec, RateStore } from './bucket.ts';

// KEYS[1] bucket; ARGV rate per second, burst, now (ms), cost. Returns 0 (taken) or ms to wait.
const TAKE = `
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local t = tonumber(b[1])
local at = tonumber(b[2])
if t == nil or at == nil then t = burst; at = now end
if now > at then
  t = math.min(burst, t + (now - at) * rate / 1000)
  at = now
end
if t >= cost then
  redis.call('HSET', KEYS[1], 't', tostring(t - cost), 'at', tostring(at))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
  return 0
end
return math.max(1, math.ceil((cost - t) * 1000 / rate))
`;

export class RedisRateStore implements RateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'omnihub',
    private readonly ownsClient = false,
  ) {}

  async take(key: string, spec: RateSpec, nowMs: number, cost: number): Promise<number> {
    const r = await this.redis.eval(
      TAKE,
      1,
      `${this.prefix}:rate:${key}`,
      spec.ratePerSecond,
      spec.burst,
      Math.floor(nowMs),
      cost,
    );
    return Number(r);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit().catch(() => undefined);
  }
}
