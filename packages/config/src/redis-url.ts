/** Where Redis is: one server (any `redis://` / `rediss://` URL ioredis reads) or a Redis Cluster. */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?$/;
const NODE = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/;

/**
 * Reads `REDIS_URL`. A cluster is written `redis+cluster://[user:password@]host:port,host:port,…`
 * (`rediss+cluster://` for TLS): the seed nodes, of which any one that answers is enough to find
 * the others. Throws an error naming what is wrong; passwords never appear in it.
 */
export function parseRedisUrl(value: string): RedisTarget {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error('is not a URL like redis://host:6379 or redis+cluster://host:7000,host:7001');
  const cluster = CLUSTER.exec(value);
  if (!cluster) {
    if (/^rediss?\+cluster:/i.test(value)) throw new Error('is not a cluster URL like redis+cluster://[user:password@]host:port,host:port (no query string)');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error('is not a URL like redis://host:6379 or redis+cluster://host:7000,host:7001');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`has scheme "${url.protocol.slice(0, -1)}"; expected redis, rediss, redis+cluster or rediss+cluster`);
    return { kind: 'server', url: value };
  }
  const [, scheme, credentials, hostList = '', path] = cluster;
  if (path && path !== '/' && path !== '/0') throw new Error(`names database "${path.slice(1)}"; a Redis Cluster has only database 0`);
  const entries = hostList.split(',').map((n) => n.trim());
  const bad = entries.filter((n) => !NODE.test(n) || Number(NODE.exec(n)?.[2]) > 65535);
  if (entries.length === 0 || hostList.trim() === '') throw new Error('names no cluster node (redis+cluster://host:port,host:port)');
  if (bad.length) throw new Error(`has nodes that are not host:port: ${bad.map((n) => `"${n}"`).join(', ')}`);
  const nodes = entries.map((n) => {
    const [, host = '', port = ''] = NODE.exec(n) ?? [];
    return { host: host.replace(/^\[|\]$/g, ''), port: Number(port) };
  });
  const [user = '', password] = credentials === undefined ? [] : splitOnce(credentials, ':');
  return {
    kind: 'cluster',
    nodes,
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(password !== undefined ? { password: decodeURIComponent(password) } : {}),
    tls: scheme === 'rediss',
  };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
