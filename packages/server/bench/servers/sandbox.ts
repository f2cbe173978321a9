/**
 * The NeonPanel sandbox from the development build (dist-dev), in its own process, with a fixed latency
 * on every API answer: the "upstream" of the upstream scenario. It checks the bench's tokens
 * against the bench's JWKS, so a token's `sub` picks the demo user whose companies it serves.
 *
 * Environment: PORT, BENCH_ISSUER, BENCH_JWKS_URI, SANDBOX_LATENCY_MS (default 0).
 */
import { importDevDist } from '../paths.js';

type SandboxModule = typeof import('../../src/dev/sandbox/index.js');

const port = Number(process.env['PORT']);
const issuer = process.env['BENCH_ISSUER'];
const jwksUri = process.env['BENCH_JWKS_URI'];
const latencyMs = Number(process.env['SANDBOX_LATENCY_MS'] ?? '0');
if (!Number.isInteger(port) || !issuer || !jwksUri) throw new Error('sandbox: PORT, BENCH_ISSUER and BENCH_JWKS_URI are required');

const { startSandbox, jwksTokenVerifier } = await importDevDist<SandboxModule>('dev/sandbox/index.js');
const sandbox = await startSandbox({ port, host: '127.0.0.1', verifyToken: jwksTokenVerifier({ issuer, jwksUri }) });
if (latencyMs > 0) sandbox.setFaults({ latencyMs });

// The sandbox records every request for tests to inspect; under load that record only grows.
setInterval(() => sandbox.clearRequests(), 2_000).unref();
