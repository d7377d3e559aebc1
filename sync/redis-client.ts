// A Redis connection for the synchronizer's own keys (queue gates, rate buckets, run
// coordination). Commands wait through an outage (maxRetriesPerRequest: null) instead of
// failing a job; the connection errors themselves are reported once per outage through
// `onDown` rather than printed by ioredis on every reconnect attempt ("Unhandled error event").
import { Redis } from 'ioredis';

export function syncRedis(url: string, onDown: (error: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    onDown(error);
  });
  redis.on('ready', () => {
    down = false;
  });
  return redis;
}
