/**
 * # The Connector interface — what the sync engine talks to
 *
 * A connector reads incidents from one vendor system and writes status and comments back. The sync
 * engine (`createSyncEngine`) drives it:
 *
 * 1. **Pull** — `pull({ since, cursor })` streams {@link PulledPage}s, page by page (never the whole
 *    result set in memory). `since` is the engine's saved high-watermark minus a look-back window;
 *    `cursor` resumes a pull interrupted mid-way (the `nextCursor` of the last page the engine
 *    persisted). Items are ordered by `updated_at` ascending where the vendor allows it. After the
 *    engine has persisted a page it saves `nextCursor` and `highWatermark`; `nextCursor === null`
 *    means the pull is complete.
 * 2. **Map** — every item is already mapped by the connector's pure mapper: `input` is a validated
 *    core `CreateIncidentInput`, `status` the core status, `comments` the vendor's comments with
 *    their external ids (so that they are never re-exported: no echo), `sourceRecord` the record
 *    kept under the incident (R-SOURCE-3).
 * 3. **Push** — `pushComment` and `pushStatus` write local changes back; the returned
 *    `externalCommentId` is stored on the local comment so the next pull recognises it.
 *
 * Every failure is a `ConnectorError` (`connector.auth`, `connector.rate_limited`,
 * `connector.http`, `connector.invalid_response`, `connector.unsupported`).
 *
 * @module
 */
import type {
  CreateIncidentInput,
  ResolutionType,
  SourceRecord,
  SourceSystem,
  Status,
  Visibility,
} from '@incidents/core';

/** Options of {@link Connector.pull}. */
export interface PullOptions {
  /**
   * Pull records updated at or after this instant (ISO string or `Date`). The engine passes its
   * saved high-watermark minus a look-back window. Omit to pull everything.
   */
  since?: string | Date;
  /** Resume an interrupted pull: the `nextCursor` of the last persisted page. */
  cursor?: string | null;
  /** Items per vendor request (clamped to the vendor's maximum). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** A comment as it exists in the vendor system. */
export interface ImportedComment {
  /** Id of the comment in the vendor system (stored on the local comment: prevents echo). */
  external_id: string;
  /** Author as the vendor names them (email when the vendor exposes it, else display name or id). */
  author: string;
  /** Plain text (rich formats such as Atlassian Document Format are flattened). */
  text: string;
  created_at: string;
  /** `PUBLIC` for customer-visible comments, `INTERNAL` for work notes / internal notes. */
  visibility: Visibility;
}

/** The source record to keep under the incident (R-SOURCE-3); the engine sets `incident_id`. */
export type PulledSourceRecord = Omit<SourceRecord, 'incident_id'>;

/** The resolution the vendor recorded, when the record is resolved or closed there. */
export interface RemoteResolution {
  /** Vendor resolution / close code, verbatim (`Done`, `Solution provided`…). */
  code?: string;
  /** Resolution notes, when the vendor has them. */
  notes?: string;
  /** The core resolution type it maps to, when known. */
  type?: ResolutionType;
}

/** A vendor record mapped to the core model by a pure mapper (`mapJiraIssue`…). */
export interface MappedIncident {
  /** Id of the record in the vendor system; (`source_system`, `external_id`) is unique. */
  external_id: string;
  /** When the vendor last changed the record (ISO, UTC); the engine's change detector and watermark. */
  updated_at: string;
  /**
   * The incident input, validated with core's `CreateIncidentInputSchema` (defaults applied).
   * `incident_id` is the suggested local id (`PROJ-123`, `INC0012345`, `ZD-12345`, `SC-56789`, `SL-<ts>`).
   */
  input: CreateIncidentInput;
  /** The core status the vendor status maps to. */
  status: Status;
  /** The vendor's status, verbatim (for the source record and conflict reports). */
  remote_status: string;
  /** Comments carried in the payload itself (Jira's `comment` field, Shortcut stories…). */
  comments: ImportedComment[];
  sourceRecord: PulledSourceRecord;
  /**
   * An explicit reference to another ticket the record belongs to (a Slack message saying
   * `ticketId=ZD-12345`): the engine attaches the record to that incident when it exists.
   */
  ticketRef?: string;
  /** The vendor's resolution, when resolved or closed there. */
  resolution?: RemoteResolution;
  /**
   * `true` when the vendor reports the record deleted (a Zendesk ticket with status `deleted`): the
   * engine marks the local incident's source record deleted instead of keeping it as alive.
   */
  deleted?: boolean;
}

/** A record deleted in the vendor system (see {@link Connector.listDeleted}). */
export interface DeletedRecord {
  external_id: string;
  /** When it was deleted, when the vendor says (ISO). */
  deleted_at?: string;
}

/** Options of {@link Connector.listDeleted}. */
export interface ListDeletedOptions {
  /** Deletions at or after this instant (the pull's `since`); omit for all the vendor keeps. */
  since?: string;
  /** The external ids imported so far, in batches (for vendors without a deletion feed). */
  known: () => AsyncIterable<string[]>;
  signal?: AbortSignal;
}

/** One pulled record: the mapped incident, its complete comments, and optionally the raw payload. */
export interface PulledIncident extends MappedIncident {
  /** The vendor payload as received (only when the connector was created with `includeRaw: true`). */
  raw?: unknown;
}

/** One page of a pull. */
export interface PulledPage {
  items: PulledIncident[];
  /** Resume position after this page; `null` when the pull is complete. Opaque. */
  nextCursor: string | null;
  /** Largest `updated_at` seen so far in this pull (ISO), or `null` before any item. */
  highWatermark: string | null;
}

/** Input of {@link Connector.pushComment}. */
export interface PushCommentInput {
  externalId: string;
  text: string;
  /** `INTERNAL` becomes a work note / internal note where the vendor has them. */
  visibility: Visibility;
  signal?: AbortSignal;
}

/** Input of {@link Connector.pushStatus}. */
export interface PushStatusInput {
  externalId: string;
  /** The core status to move the vendor record to (through the vendor's status table). */
  status: Status;
  /** How it was resolved, for vendors that record it (Jira resolution, ServiceNow close code…). */
  resolution?: { type: ResolutionType; description?: string };
  signal?: AbortSignal;
}

/** What a connector can write back. */
export interface ConnectorCapabilities {
  /**
   * Whether INTERNAL comments can be pushed (work notes, internal notes) — to at least some records
   * when `internalCommentsFor` is given.
   */
  internalComments: boolean;
  /**
   * Whether INTERNAL comments can be pushed to this record (it depends on its project: only Jira
   * Service Management projects have internal notes). The engine asks before pushing one and
   * completes the item as skipped, with the reason, when the answer is no.
   */
  internalCommentsFor?(externalId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Whether the vendor has a status that `pushStatus` changes (Slack only posts a thread message). */
  status: boolean;
}

/** A connection to one vendor system. */
export interface Connector {
  /** Short name (`jira`, `servicenow`, `remedy`, `zendesk`, `slack`, `shortcut`). */
  readonly name: string;
  readonly sourceSystem: SourceSystem;
  readonly capabilities: ConnectorCapabilities;
  /** Streams records changed since `since`, page by page, with complete pagination. */
  pull(options?: PullOptions): AsyncIterable<PulledPage>;
  /** Every comment of one record, oldest first. */
  fetchComments(externalId: string, options?: { signal?: AbortSignal }): Promise<ImportedComment[]>;
  /** Adds a comment to the vendor record and returns its vendor id. */
  pushComment(input: PushCommentInput): Promise<{ externalCommentId: string }>;
  /** Moves the vendor record to the status that corresponds to `status`. */
  pushStatus(input: PushStatusInput): Promise<void>;
  /**
   * Records deleted in the vendor system, in batches (ServiceNow `sys_audit_delete`, Jira's bulk
   * fetch of the known keys). The engine calls it after each complete pull and marks their local
   * incidents deleted at the source.
   */
  listDeleted?(options: ListDeletedOptions): AsyncIterable<DeletedRecord[]>;
  /**
   * Removes this connector's secrets (and their base64 / URL-encoded / escaped forms) from a text.
   * The engine passes every error text through it before storing or reporting it (sync cursors,
   * the outbound queue, run summaries); the built-in connectors already redact their own errors.
   */
  redact?(text: string): string;
}

/** Options every connector factory accepts besides its vendor settings. */
export interface CommonConnectorOptions {
  /** Keep the vendor payload on each pulled item (`raw`). Default `false`. */
  includeRaw?: boolean;
}
