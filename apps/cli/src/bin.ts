#!/usr/bin/env node
/**
 * The `incidents` executable: wires the real process (argv, environment, streams, signals) into
 * {@link createCli} and sets the exit code.
 *
 * @module
 */
import module from 'node:module';

// V8's on-disk compile cache (Node >= 22.1; absent on Node 20, where this is a no-op): later starts
// skip compiling the bundle. Enabled before the bundle is imported, hence the dynamic import below.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { createCli } = await import('./cli.js');

// Errors must stay one line on stderr: silence the AWS SDK's multi-line notice about future Node
// versions (it would precede every DynamoDB command on Node 20). Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `incidents list | head`: the reader has closed the pipe. Stop quietly, as Unix tools do, instead of
// dying on an unhandled 'error' event with a stack trace. Output that was cut short is the reader's
// choice, not a failure: the exit code is the command's own so far (0 unless it already failed).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const cli = createCli({
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  // Lazy: touching process.stdin only when a command reads it.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  stdinIsTTY: Boolean(process.stdin.isTTY),
});

process.exitCode = await cli.run(process.argv.slice(2));
