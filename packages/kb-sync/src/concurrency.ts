/**
 * kb-sync's async helpers are the shared ones of `@incidents/internals` (bundled at build): a bounded
 * worker pool, a FIFO limiter shared by several batches, an abortable sleep.
 * @module
 */
export { createLimiter, forEachLimit, sleep } from '@incidents/internals';
