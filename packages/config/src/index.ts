export { ConfigError, describeIssues, parseEnv } from './parse-env';
export { databasePoolMode, databaseUrl, logLevel, port, queuePrefix, redisUrl } from './fragments';
export { envValue, resolveSecretFiles } from './secret-files';
export { trustProxy, type TrustProxy } from './trust-proxy';
export { parseRedisUrl, type RedisTarget } from './redis-url';
