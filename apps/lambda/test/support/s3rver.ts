/**
 * s3rver (the real S3 protocol on 127.0.0.1) in a child process on a free port: the harness of
 * `@incidents/kb-sync`'s tests, shared rather than copied.
 */
export { type S3rverHandle, startS3rver } from '../../../../packages/kb-sync/test/support/s3rver.js';
