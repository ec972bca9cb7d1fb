import { isCluster, type Redis } from './connection';

/**
 * Every key matching `pattern` (SCAN, never KEYS: Redis keeps serving while it runs). On a cluster
 * each master holds its own part of the keyspace, so every master is scanned.
 */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  // A cluster connection knows its masters only once it has read the slot map.
  if (isCluster(redis) && redis.status !== 'ready') await new Promise((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('end', () => reject(new Error('Redis Cluster connection ended before it was ready')));
  });
  const servers = isCluster(redis) ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/**
 * Deletes every key matching `pattern`; resolves to how many there were. One DEL per key: on a
 * cluster a DEL of several keys must keep to one slot.
 */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  const keys = await scanKeys(redis, pattern);
  await Promise.all(keys.map((k) => redis.del(k)));
  return keys.length;
}
