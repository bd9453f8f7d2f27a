/**
 * `@incidents/kb-sync/s3` — the Amazon S3 object store.
 *
 * A subpath of its own so that local-only use (filesystem documents, the libSQL index) installs and
 * loads no AWS SDK: install `@aws-sdk/client-s3` (an optional peer dependency) to use it.
 *
 * @module
 */
export { createS3ObjectStore, type S3ObjectStoreOptions } from './object-stores/s3.js';
