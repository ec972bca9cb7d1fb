export { ConfigError, describeIssues, parseEnv } from './parse-env';
export { booleanFlag, databaseUrl, logLevel, port, redisUrl, secretList } from './fragments';
