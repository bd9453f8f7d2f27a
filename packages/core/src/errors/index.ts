/**
 * `@incidents/core/errors` — the error classes, the error-code registry and the text escaping for
 * output meant for people, without the model's schemas: importing it does not load zod. For code
 * that only reports errors (a CLI's help and failure paths, a log formatter) and must start fast.
 * The same classes are exported by `@incidents/core`; guards such as {@link isIncidentsError} check a
 * brand, so they agree across both entries and across package copies.
 *
 * @packageDocumentation
 */

export {
  ConflictError,
  type ConflictDetails,
  type FieldIssue,
  IncidentsError,
  type IncidentsErrorCode,
  InvalidTransitionError,
  isIncidentsError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
} from '../errors.js';
export { ERROR_CODES, type ErrorCodeInfo, httpStatusOf, isErrorCode } from '../error-codes.js';
export { escapeControlCharacters, hasControlCharacters } from '../text.js';
