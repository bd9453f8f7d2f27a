/**
 * `details.issues` of a `config` error: the same {@link FieldIssue} shape as a `validation` error, so
 * programs read both the same way.
 *
 * @module
 */
import type { FieldIssue } from '@incidents/core';

/**
 * Turns `"<setting>: <what is wrong>"` lines (the message parts of a `config` error) into
 * {@link FieldIssue}s whose `path` is the setting (`INCIDENTS_STORE`, `connectors.jira.options.pageSize`);
 * a line without a setting gets an empty path.
 */
export function configIssues(problems: readonly string[]): FieldIssue[] {
  return problems.map((line) => {
    const at = line.indexOf(': ');
    return at > 0 ? { path: line.slice(0, at), message: line.slice(at + 2) } : { path: '', message: line };
  });
}

/** The `"<setting>: <what is wrong>"` line of an issue (the inverse of {@link configIssues}). */
export function issueLine(issue: FieldIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}
