/**
 * Whether an endpoint URL points at this machine — the one rule behind "use dummy credentials for
 * DynamoDB Local / s3rver" and "a local database needs no actor".
 *
 * @module
 */

/**
 * Loopback host names as the WHATWG URL parser spells them (lower case; IPv6 in brackets; IPv4
 * shorthands such as `127.1` are already normalised to `127.0.0.1`).
 */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `true` when `url` is an `http:`/`https:` URL whose host is exactly `localhost`, `127.0.0.1` or
 * `[::1]` (any port, any path, any letter case). The host is compared after URL parsing, never as a
 * prefix: `http://localhost.example`, `http://127.0.0.1.nip.io` and `http://localhost@evil.example`
 * are remote. `0.0.0.0` is a bind address, not a destination, and is not treated as local.
 * Unparsable or absent URLs are not local.
 */
export function isLocalEndpoint(url: string | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return LOOPBACK_HOSTS.has(parsed.hostname);
}

/** The dummy credentials DynamoDB Local accepts (it checks their presence, not their value). */
const DYNAMO_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The parts of a DynamoDB client configuration derived from an endpoint and a region. */
export interface DynamoClientSettings {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * DynamoDB client settings for an optional endpoint and region: the region defaults to `us-east-1`
 * when an endpoint is set; dummy credentials are added only for a local endpoint
 * ({@link isLocalEndpoint}) — any other endpoint, and real AWS, use the default provider chain.
 */
export function dynamoClientSettings(dynamo: {
  endpoint?: string | undefined;
  region?: string | undefined;
}): DynamoClientSettings {
  const { endpoint } = dynamo;
  const region = dynamo.region ?? (endpoint ? 'us-east-1' : undefined);
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(isLocalEndpoint(endpoint) ? { credentials: { ...DYNAMO_LOCAL_CREDENTIALS } } : {}),
  };
}
