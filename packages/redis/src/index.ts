export { ChainIndexLayout } from './chain-index-layout.ts';
export { RedisChainIndex, fullChains } from './redis-chain-index.ts';
export type { RedisChainIndexOptions } from './redis-chain-index.ts';
export { isUnavailableError, toStrataError } from './redis-errors.ts';
export { keySlot } from './redis-pipelines.ts';
export type { RedisClient } from './redis-pipelines.ts';
export { connectRedis, redisAddress } from './connect-redis.ts';
export type { ConnectedRedis, RedisConnectionOptions } from './connect-redis.ts';
