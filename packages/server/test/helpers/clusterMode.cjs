// The second run of the shared-state tests: on a one-node cluster (see helpers/redis.ts).
process.env.TEST_REDIS_MODE = 'cluster';
