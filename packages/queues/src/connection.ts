import { Cluster, Redis as RedisServer, type RedisOptions } from 'ioredis';
import { parseRedisUrl } from '@switchyard/config';

/** A connection to Redis: one server, or a Redis Cluster (`REDIS_URL=redis+cluster://…`). */
export type Redis = RedisServer | Cluster;

const reconnectDelay = (times: number) => Math.min(times * 200, 2000);

/**
 * Producers fail fast when Redis is away (the outbox keeps the work); workers wait forever
 * for Redis to come back, as BullMQ requires. On a cluster the same holds per node: a worker's
 * commands wait out a failover (the replica's promotion), a producer's fail and the outbox retries.
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  const target = parseRedisUrl(url);
  const common = {
    protocol: 2,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: 2000,
  } satisfies RedisOptions;
  if (target.kind === 'server') {
    return new RedisServer(url, { ...common, enableOfflineQueue: role === 'worker', retryStrategy: reconnectDelay, lazyConnect: false });
  }
  return new Cluster(target.nodes, {
    redisOptions: {
      ...common,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      // Managed clusters (ElastiCache, Memorystore) present certificates for the node names they announce.
      ...(target.tls ? { tls: {} } : {}),
    },
    enableOfflineQueue: role === 'worker',
    clusterRetryStrategy: reconnectDelay,
    // A killed master's slots answer CLUSTERDOWN or fail to connect until its replica is promoted
    // (a few seconds with cluster-node-timeout); retry at this pace. The slot map is read again on
    // those errors and on MOVED. No periodic refresh (slotsRefreshInterval): ioredis 6 re-arms its
    // timer when a refresh was in flight at disconnect(), which keeps a closed client's process alive.
    retryDelayOnClusterDown: 300,
    retryDelayOnFailover: 300,
    slotsRefreshTimeout: 2000,
    lazyConnect: false,
  });
}

/** Whether a connection is to a Redis Cluster. */
export function isCluster(redis: Redis): redis is Cluster {
  return redis instanceof Cluster;
}
