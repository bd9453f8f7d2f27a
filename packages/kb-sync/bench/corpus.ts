/**
 * A synthetic but realistically distributed corpus of closed-incident documents for the retrieve
 * benchmark (see BENCHMARKS.md, "The corpus").
 *
 * Incident text is not uniform: a few words ("error", "timeout", "service") are everywhere, most
 * words are rare, and what makes an incident findable are its service names, error codes,
 * stack-trace frames and identifiers. The generator models that:
 *
 * - prose words drawn from a Zipf distribution (exponent 1.0) over a vocabulary of 6,000 terms: 160
 *   common operations words first, then pronounceable synthetic terms;
 * - 320 service names (`billing-api`, `ledger-worker`…), Zipf-distributed, owned by 8 teams;
 * - 2,000 error codes in the shapes real systems print (`ERR_SOCKET_TIMEOUT`, `ORA-00060`,
 *   `SQLSTATE 40001`, `HTTP 503`, `E4312`, `StaleLockException`), Zipf-distributed;
 * - Java-style stack frames built from the service's domain and classes;
 * - per-incident unique identifiers (trace id, request id, pod name, host address).
 *
 * Document `i` is a pure function of `(seed, i)`, so a query can be built from any document
 * without keeping the corpus in memory.
 */
import type { KbDocument } from '../src/index.js';

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with P(rank k) ∝ 1 / (k + 1)^s. */
function zipf(n: number, s: number): (rand: () => number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] = (cdf[k] as number) / sum;
  return (rand) => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const COMMON =
  'error failed timeout service request connection server database response user latency deploy after during unable restart pod node cluster queue job cache config memory disk cpu network upstream downstream retry retries traffic spike high slow increased customers production alert page outage partial degraded api endpoint gateway load balancer dns certificate token session login payment order checkout invoice report export import batch worker cron schedule version release rollback migration schema index query lock deadlock replica primary failover backup storage bucket file upload download message consumer producer topic lag offset partition shard throttled limit quota exceeded refused reset closed dropped missing invalid null unexpected exception stack trace log logs metric metrics dashboard monitor threshold healthcheck probe liveness readiness container image registry build pipeline ci test flaky manual fix patch hotfix workaround mitigated resolved root cause investigation incident ticket customer support escalated vendor provider region zone instance host vm kernel oom killed crash loop backoff'.split(
    ' ',
  );
const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'br',
  'cl',
  'dr',
  'gr',
  'pl',
  'st',
  'tr',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'eo', 'ou'];
const CODAS = ['', 'n', 'r', 's', 'l', 'x', 'nd', 'rt', 'st'];
const DOMAINS =
  'billing ledger checkout payments orders cart catalog search pricing inventory shipping fulfillment returns identity auth sessions profile notifications email sms push reporting analytics export import warehouse gateway edge cdn media uploads documents chat support tickets scheduler jobs workflow audit compliance fraud risk'.split(
    ' ',
  );
const KINDS = ['api', 'worker', 'service', 'consumer', 'gateway', 'db', 'cache', 'scheduler'];
const TEAMS = ['platform', 'payments', 'identity', 'data', 'commerce', 'growth', 'support', 'infra'];
const CATEGORIES = [
  'API',
  'Database',
  'Cache',
  'Streaming',
  'Infra',
  'Security',
  'Network',
  'Storage',
  'Batch',
  'Frontend',
  'Mobile',
  'Integration',
];
const SEVERITY_CDF: Array<[number, KbDocument['severity']]> = [
  [0.1, 'CRITICAL'],
  [0.35, 'HIGH'],
  [0.75, 'MEDIUM'],
  [1, 'LOW'],
];
const RESOLUTION_TYPES = ['FIXED', 'WORKAROUND', 'CONFIGURATION', 'ROLLBACK', 'VENDOR_FIX'];

const VOCABULARY_SIZE = 6000;
const pascal = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** The deterministic building blocks of the corpus. */
function buildLexicon(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < VOCABULARY_SIZE) {
    const syllables = 2 + Math.floor(r() * 2);
    let w = '';
    for (let i = 0; i < syllables; i++) w += pick(ONSETS) + pick(VOWELS) + (i === syllables - 1 ? pick(CODAS) : '');
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const services: Array<{ name: string; domain: string; kind: string; team: string }> = [];
  for (const domain of DOMAINS)
    for (const kind of KINDS)
      services.push({
        name: `${domain}-${kind}`,
        domain,
        kind,
        team: TEAMS[DOMAINS.indexOf(domain) % TEAMS.length] as string,
      });
  // Shuffle so that the Zipf head is not one domain.
  for (let i = services.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [services[i], services[j]] = [services[j] as (typeof services)[number], services[i] as (typeof services)[number]];
  }
  const codes: string[] = [];
  const codeSet = new Set<string>();
  const upper = () => (pick(words.slice(0, 400)) as string).toUpperCase();
  while (codes.length < 2000) {
    const shape = r();
    let code: string;
    if (shape < 0.3) code = `ERR_${upper()}_${upper()}`;
    else if (shape < 0.45) code = `ORA-${String(Math.floor(r() * 99999)).padStart(5, '0')}`;
    else if (shape < 0.55) code = `SQLSTATE ${String(Math.floor(r() * 99999)).padStart(5, '0')}`;
    else if (shape < 0.65) code = `HTTP ${pick(['500', '502', '503', '504', '429', '401', '403', '409', '422'])}`;
    else if (shape < 0.8) code = `E${1000 + Math.floor(r() * 9000)}`;
    else
      code = `${pascal(pick(words.slice(0, 2000)))}${pick(['Timeout', 'IllegalState', 'NullPointer', 'StaleLock', 'Connect', 'Parse', 'Quota'])}Exception`;
    if (!codeSet.has(code)) {
      codeSet.add(code);
      codes.push(code);
    }
  }
  return { words, services, codes };
}

/** What a query generator gives: the text, and the document it was built from (if any). */
export interface CorpusQuery {
  kind: 'known-error' | 'description' | 'common-words';
  text: string;
  /** For `known-error` queries: the incident the text was copied from. */
  expected?: string;
}

/** The corpus: `document(i)` and query generators. */
export function createCorpus(seed = 7) {
  const { words, services, codes } = buildLexicon(seed);
  const wordRank = zipf(words.length, 1.0);
  const serviceRank = zipf(services.length, 1.0);
  const codeRank = zipf(codes.length, 1.0);
  const prose = (r: () => number, n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(words[wordRank(r)] as string);
    return out.join(' ');
  };
  const hex = (r: () => number, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
    return s;
  };
  const between = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  /** Document `i`: a pure function of the corpus seed and `i`. */
  function document(i: number): KbDocument {
    const r = rng((seed * 1_000_003 + i * 7919) >>> 0);
    const service = services[serviceRank(r)] as (typeof services)[number];
    const other = services[serviceRank(r)] as (typeof services)[number];
    const code = codes[codeRank(r)] as string;
    const code2 = codes[codeRank(r)] as string;
    const cls = `${pascal(service.domain)}${pascal(service.kind)}`;
    const method = words[wordRank(r) % 400] as string;
    const frame = `at com.acme.${service.domain}.${cls}.${method}(${cls}.java:${between(r, 20, 900)})`;
    const trace = hex(r, 16);
    const pod = `${service.name}-${hex(r, 9)}-${hex(r, 5)}`;
    const host = `ip-10-${between(r, 0, 255)}-${between(r, 0, 255)}-${between(r, 0, 255)}`;
    const severity = SEVERITY_CDF.find(([p]) => r() <= p)?.[1] ?? 'LOW';
    const id = `INC-${String(i).padStart(6, '0')}`;
    const created = new Date(Date.UTC(2024, 0, 1) + i * 300_000);
    const minutes = between(r, 5, 2000);
    const resolved = new Date(created.getTime() + minutes * 60_000).toISOString();
    return {
      document_version: 1,
      incident_id: id,
      external_id: id,
      source_system: r() < 0.6 ? 'JIRA' : r() < 0.5 ? 'SERVICENOW' : 'ZENDESK',
      revision: between(r, 3, 12),
      title: `${service.name} ${prose(r, between(r, 3, 6))} ${r() < 0.5 ? code : ''}`.trim(),
      description:
        `${prose(r, between(r, 12, 25))} on ${service.name} (pod ${pod}, host ${host}). ${prose(r, between(r, 10, 25))} trace_id=${trace} ${r() < 0.4 ? `calls to ${other.name} ${prose(r, 5)}` : ''}`.trim(),
      category: CATEGORIES[Math.floor(r() * CATEGORIES.length)] as string,
      severity,
      priority: severity === 'CRITICAL' ? 'P1' : severity === 'HIGH' ? 'P2' : severity === 'MEDIUM' ? 'P3' : 'P4',
      team: service.team,
      affected_systems: r() < 0.4 ? [service.name, other.name] : [service.name],
      affected_services: [],
      environment: r() < 0.8 ? 'PRODUCTION' : 'STAGING',
      error_messages: [`${code}: ${prose(r, between(r, 4, 9))}`, ...(r() < 0.5 ? [`${code2} ${frame}`] : [frame])],
      affected_components: [cls],
      root_cause: `${prose(r, between(r, 6, 16))} in ${cls}`,
      resolution: prose(r, between(r, 8, 20)),
      resolution_type: RESOLUTION_TYPES[Math.floor(r() * RESOLUTION_TYPES.length)] as string,
      resolution_steps: Array.from({ length: between(r, 1, 4) }, () => prose(r, between(r, 4, 10))),
      commands_executed:
        r() < 0.5 ? [`kubectl rollout restart deploy/${service.name}`, `kubectl logs ${pod} --since=1h`] : [],
      preventive_actions: [],
      code_changes: r() < 0.3 ? [{ file: `src/${service.domain}/${cls}.java`, description: prose(r, 6) }] : [],
      resolved_by: `${words[wordRank(r) % 300]}@example.com`,
      created_at: created.toISOString(),
      resolved_at: resolved,
      closed_at: resolved,
      resolution_time_minutes: minutes,
      tags: [service.domain, words[wordRank(r)] as string],
      labels: [],
    };
  }

  /**
   * A query of the given kind:
   * - `known-error`: what someone pastes when it happens again — the error line, the service and a
   *   few words of the description of an existing incident (which should come back first);
   * - `description`: a short description in prose words (Zipf) with a service name;
   * - `common-words`: only frequent words (`"service request failed timeout error"`), the hard case.
   */
  function query(kind: CorpusQuery['kind'], r: () => number, total: number): CorpusQuery {
    if (kind === 'known-error') {
      const j = Math.floor(r() * total);
      const doc = document(j);
      const desc = doc.description.split(' ');
      const start = Math.floor(r() * Math.max(1, desc.length - 4));
      return {
        kind,
        text: `${doc.error_messages[0]} ${doc.affected_systems[0]} ${desc.slice(start, start + 4).join(' ')}`,
        expected: doc.incident_id,
      };
    }
    if (kind === 'description') {
      const service = services[serviceRank(r)] as (typeof services)[number];
      return { kind, text: `${prose(r, between(r, 4, 8))} ${service.name}` };
    }
    const n = between(r, 3, 6);
    const picked: string[] = [];
    while (picked.length < n) {
      const w = words[Math.floor(r() * 30)] as string;
      if (!picked.includes(w)) picked.push(w);
    }
    return { kind, text: picked.join(' ') };
  }

  return {
    document,
    query,
    /** Counts for the documentation. */
    describe: () => ({
      vocabulary: words.length,
      services: services.length,
      errorCodes: codes.length,
      teams: TEAMS.length,
    }),
  };
}
