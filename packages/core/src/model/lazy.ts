/**
 * Schemas built on first use.
 * @module
 */

/**
 * A getter that builds its value on the first call and returns that same value on every later call.
 *
 * The model's schemas are built this way (`incidentSchema()` is {@link IncidentSchema}, built the
 * first time anything asks for it): a process that validates only a few kinds of input — a CLI
 * command, a Lambda handler — does not pay at start-up for the ~700 zod schema objects of the whole
 * model. The public constants (`IncidentSchema`, …) are the getters' values; bundlers (esbuild,
 * webpack, Rollup) drop the constants nobody imports, so an application bundle builds only what it
 * calls.
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
