export { captureLogs } from './capture-logs';
export { eventually } from './eventually';
export { must } from './must';
export { listen } from './listen';
export { createOwnDatabase } from './own-database';
export { OwnPostgres } from './own-postgres';
export { OwnRedis } from './own-redis';
export { TestQueues, testPrefix } from './test-queues';
export { inboundEventFixture } from './inbound-event';
