/**
 * Building blocks of the connectors' option schemas (`JIRA_OPTIONS_SCHEMA`…): each connector's
 * options, limits included, are declared once as a zod schema next to its options type, and
 * `@incidents/config` checks settings against those schemas. Messages say what is expected, never
 * the value.
 * @module
 */
import * as z from 'zod';
import { lazy } from '@incidents/core/store-kit';

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** `required` for a missing value, else `expected`. */
const expecting = (expected: string) => (issue: { input?: unknown }) => (isBlank(issue.input) ? 'required' : expected);

/** A non-empty string. */
export const textOption = () =>
  z.string({ error: expecting('expected a non-empty string') }).refine((v) => v.trim() !== '', { error: 'required' });

/** An `http:` or `https:` URL. */
export const httpUrlOption = () =>
  z.string({ error: expecting('expected an http(s) URL') }).refine(
    (v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: (issue) => (isBlank(issue.input) ? 'required' : 'expected an http(s) URL') },
  );

/** A whole number from `min` to `max` (the one place a limit is written). */
export const wholeNumberOption = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** `true` or `false`. */
export const booleanOption = () => z.boolean({ error: 'expected true or false' });

/** Any object (its fields are the connector's business: mapping tables, status targets…). */
export const objectOption = () =>
  z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null, { error: 'expected an object' });

/** A list of strings. */
export const stringListOption = () =>
  z.custom<string[]>((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), {
    error: 'expected a list of strings',
  });

/** The transport options every connector accepts (`HttpOptions`, `CommonConnectorOptions`). */
export const TRANSPORT_OPTIONS_SHAPE = {
  fetch: z.unknown().optional(),
  retry: objectOption().optional(),
  concurrency: wholeNumberOption(1, 64).optional(),
  timeoutMs: wholeNumberOption(1, 600_000).optional(),
  userAgent: textOption().optional(),
  includeRaw: booleanOption().optional(),
  mapping: objectOption().optional(),
  redact: stringListOption().optional(),
  circuitBreaker: z.unknown().optional(),
};

/** The options of a connector to one vendor site: transport, the site's `baseUrl`, `auth` credentials. */
export const SITE_OPTIONS_SHAPE = {
  ...TRANSPORT_OPTIONS_SHAPE,
  baseUrl: httpUrlOption(),
  auth: objectOption(),
};

/** {@link OAUTH_OPTIONS_SCHEMA}, built on its first call. */
export const oauthOptionsSchema = lazy(() =>
  z.strictObject({
    tokenUrl: httpUrlOption().optional(),
    clientId: textOption().optional(),
    clientSecret: textOption().optional(),
    refreshToken: textOption().optional(),
    accessToken: textOption().optional(),
    expiresAt: z.unknown().optional(),
    grant: z
      .enum(['refresh_token', 'client_credentials'], { error: 'expected refresh_token or client_credentials' })
      .optional(),
    scope: textOption().optional(),
    refreshSkewMs: wholeNumberOption(0, 3_600_000).optional(),
    onTokens: z.unknown().optional(),
  }),
);
/**
 * An OAuth 2.0 client (`auth.oauth`; Slack's `oauth`): the fields' types. Which fields are required
 * depends on the grant and the vendor (checked by the connector and by `@incidents/config`).
 */
export const OAUTH_OPTIONS_SCHEMA = /* @__PURE__ */ oauthOptionsSchema();

/** {@link JIRA_OAUTH_OPTIONS_SCHEMA}, built on its first call. */
export const jiraOauthOptionsSchema = lazy(() =>
  oauthOptionsSchema().extend({
    cloudId: textOption().optional(),
    apiBaseUrl: httpUrlOption().optional(),
  }),
);
/** Jira's OAuth client: {@link OAUTH_OPTIONS_SCHEMA} plus the Atlassian gateway's `cloudId` and `apiBaseUrl`. */
export const JIRA_OAUTH_OPTIONS_SCHEMA = /* @__PURE__ */ jiraOauthOptionsSchema();
