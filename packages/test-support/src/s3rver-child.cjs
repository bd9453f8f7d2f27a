// Runs s3rver on a free port (argv: <directory> <bucket>...) and prints {"port":N} on stdout.
// Started by the tests and the benchmarks as a child process so that NODE_OPTIONS can carry
// --openssl-legacy-provider (needed by s3rver for truncated ListObjectsV2 pages).
const S3rver = require('s3rver');

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(
  (address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`),
  (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
