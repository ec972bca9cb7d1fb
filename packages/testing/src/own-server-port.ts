/**
 * A port for a test-owned server (OwnRedis, OwnPostgres, OwnPgBouncer): 30600-32699.
 *
 * Below the kernel's ephemeral range (32768 up, /proc/sys/net/ipv4/ip_local_port_range), because
 * these servers are stopped and started again on the same port: in that range, any outgoing
 * connection on a busy machine may be given the port as its local one while the server is down,
 * and the restart then fails ("redis-server on port 39370 did not start" in a CI run). Above the
 * Redis Cluster bands: OwnRedisCluster 10000-15999 and test.sh's cluster 16000-20499, with their
 * cluster buses 10000 higher (up to 30499).
 */
export function ownServerPort(): number {
  return 30600 + Math.floor(Math.random() * 2100);
}
