/**
 * `@incidents/internals` — helpers several packages need, in one place: an abortable {@link sleep},
 * a FIFO concurrency limiter ({@link createLimiter}, {@link forEachLimit}) and the English
 * {@link STOPWORDS} of the knowledge-base search.
 *
 * Private: the published packages bundle it at build time (tsup `noExternal`), so none of them
 * depends on it at run time.
 *
 * @packageDocumentation
 */
export { createLimiter, forEachLimit, type Limiter } from './concurrency.js';
export { sleep } from './sleep.js';
export { STOPWORDS } from './stopwords.js';
