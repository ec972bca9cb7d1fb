import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { kind: 'server', url: 'redis://127.0.0.1:6379' }],
    ['rediss://user:pw@cache.example:6380/2', { kind: 'server', url: 'rediss://user:pw@cache.example:6380/2' }],
    ['redis+cluster://127.0.0.1:7000,127.0.0.1:7001', { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }], tls: false }],
    ['rediss+cluster://default:p%40ss@a.cache.amazonaws.com:6379/', { kind: 'cluster', nodes: [{ host: 'a.cache.amazonaws.com', port: 6379 }], username: 'default', password: 'p@ss', tls: true }],
    ['redis+cluster://:secret@[::1]:7000, [::1]:7001', { kind: 'cluster', nodes: [{ host: '::1', port: 7000 }, { host: '::1', port: 7001 }], password: 'secret', tls: false }],
  ])('reads %s', (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1:6379', /is not a URL like redis:\/\/host:6379/],
    ['http://127.0.0.1:6379', /has scheme "http"; expected redis, rediss, redis\+cluster or rediss\+cluster/],
    ['redis+cluster://', /names no cluster node/],
    ['redis+cluster://127.0.0.1:7000,127.0.0.1', /has nodes that are not host:port: "127.0.0.1"$/],
    ['redis+cluster://127.0.0.1:99999', /has nodes that are not host:port: "127.0.0.1:99999"/],
    ['redis+cluster://127.0.0.1:7000/3', /names database "3"; a Redis Cluster has only database 0/],
    ['redis+cluster://127.0.0.1:7000?tls=true', /is not a cluster URL/],
  ])('refuses %s', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never repeats a password in its errors', () => {
    expect(() => parseRedisUrl('redis+cluster://u:hunter2@127.0.0.1:7000/5')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});
