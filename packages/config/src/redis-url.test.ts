import { z } from 'zod';
import { queuePrefix, redisUrl } from './fragments';
import { parseEnv } from './parse-env';
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

describe('REDIS_URL and QUEUE_PREFIX in every app\'s env (the shared fragments)', () => {
  const schema = z.object({ REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix });

  it('accepts a cluster URL and defaults to one Redis and the untagged base prefix', () => {
    expect(parseEnv(schema, { REDIS_URL: 'redis+cluster://10.0.0.1:6379,10.0.0.2:6379' })).toEqual({ REDIS_URL: 'redis+cluster://10.0.0.1:6379,10.0.0.2:6379', QUEUE_PREFIX: 'switchyard' });
    expect(parseEnv(schema, {})).toEqual({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'switchyard' });
  });

  it('names the variable and the problem at start-up', () => {
    expect(() => parseEnv(schema, { REDIS_URL: 'redis+cluster://u:pw@10.0.0.1:6379/2' })).toThrow(/REDIS_URL: names database "2"; a Redis Cluster has only database 0/);
  });
});
