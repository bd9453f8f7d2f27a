/**
 * The connectors' concurrency limiter is the shared one of `@incidents/internals` (bundled at build).
 * @module
 */
export { createLimiter, type Limiter } from '@incidents/internals';
