import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Thrown when Redis cannot be reached at start; main.ts prints it as one clear message. */
export class RedisUnreachableError extends Error {}

/** Connection options BullMQ needs: workers block, so no per-request retry limit. */
export function redisOptions(redisUrl: string): RedisOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Reconnect within seconds after an outage (BullMQ's own default backs off to 20 s).
    retryStrategy: (times: number) => Math.min(200 * times, 3000),
  };
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const client = new Redis({ ...(redisOptions(redisUrl) as object), lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new RedisUnreachableError(
      `Redis is not reachable at ${redisUrl} (${(err as Error).message}). ` +
        'Start it (on this machine: redis-server --daemonize yes --bind 127.0.0.1 --port 6379; ' +
        'with Docker: docker compose up -d redis) or set REDIS_URL.',
    );
  } finally {
    client.disconnect();
  }
}
