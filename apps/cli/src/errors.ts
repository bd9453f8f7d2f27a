/**
 * How the CLI reports failures: one line on stderr and an exit code.
 *
 * | exit code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | the command failed: bad input, unknown incident, conflict, invalid transition, permission denied, unknown user, or a system error |
 * | 2 | usage error: unknown command or option, missing or malformed argument, incompatible options |
 *
 * @module
 */
import { CommanderError } from 'commander';
import { isIncidentsError } from '@incidents/core/errors';

/** Exit codes of the `incidents` command. */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** A usage error found by the CLI itself (incompatible options…): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Turns any thrown value into the one-line message and exit code the CLI reports. */
export function describeFailure(err: unknown, debug: boolean): { exitCode: number; lines: string[] } {
  if (err instanceof CommanderError) {
    // Commander already wrote its message (or the help) to stderr/stdout.
    return { exitCode: err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage, lines: [] };
  }
  const stack = debug && err instanceof Error && err.stack ? [err.stack, ...causeChain(err)] : [];
  if (err instanceof UsageError) {
    return { exitCode: EXIT_CODES.usage, lines: [`error: ${err.message}`, ...stack] };
  }
  if (isIncidentsError(err)) {
    return { exitCode: EXIT_CODES.failure, lines: [`error: ${oneLine(err.message)}`, ...stack] };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT_CODES.failure, lines: [`error: ${oneLine(message)}`, ...stack] };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function causeChain(err: Error): string[] {
  const out: string[] = [];
  let cause = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause && depth < 5; depth++) {
    out.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return out;
}
