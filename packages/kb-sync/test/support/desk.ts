/** A real store-turso database with the real incident service, and helpers to close incidents. */
import {
  type Actor,
  createIncidentService,
  type Incident,
  type IncidentService,
  type KnowledgeBaseRetriever,
} from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';

export const admin: Actor = { id: 'admin@example.com', roles: ['admin'] };
export const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
export const ctx = (actor: Actor) => ({ actor });

export interface Desk {
  store: TursoStore;
  service: IncidentService;
  close(): Promise<void>;
}

export async function openDesk(options: { url?: string; knowledgeBase?: KnowledgeBaseRetriever } = {}): Promise<Desk> {
  const store = await createTursoStore({ url: options.url ?? ':memory:' });
  const service = createIncidentService({
    store,
    ...(options.knowledgeBase ? { knowledgeBase: options.knowledgeBase } : {}),
  });
  return { store, service, close: () => store.close() };
}

export interface Theme {
  title: string;
  description: string;
  root_cause: string;
  solution: string;
  category: string;
  team: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
}

export const THEMES: Theme[] = [
  {
    title: 'Kafka consumer lag on orders topic',
    description: 'consumer group rebalancing loop',
    root_cause: 'max.poll.interval too low',
    solution: 'raise max.poll.interval.ms and batch size',
    category: 'Streaming',
    team: 'data',
    severity: 'HIGH',
  },
  {
    title: 'Redis connection refused on login',
    description: 'session cache unreachable',
    root_cause: 'redis maxclients reached',
    solution: 'raise maxclients and pool connections',
    category: 'Cache',
    team: 'identity',
    severity: 'CRITICAL',
  },
  {
    title: 'TLS certificate expired on gateway',
    description: 'handshake failure for partners',
    root_cause: 'cert-manager renewal failed',
    solution: 'renew certificate and fix issuer',
    category: 'Security',
    team: 'platform',
    severity: 'CRITICAL',
  },
  {
    title: 'Disk full on batch worker',
    description: 'no space left on device during export',
    root_cause: 'log rotation disabled',
    solution: 'enable logrotate and clean tmp',
    category: 'Infra',
    team: 'platform',
    severity: 'MEDIUM',
  },
  {
    title: 'Checkout 502 from payments API',
    description: 'upstream timeout from provider',
    root_cause: 'provider latency spike',
    solution: 'add retries with backoff and circuit breaker',
    category: 'API',
    team: 'payments',
    severity: 'HIGH',
  },
  {
    title: 'Search index out of date',
    description: 'products missing from search results',
    root_cause: 'indexer cron stopped',
    solution: 'restart indexer and add alerting',
    category: 'Search',
    team: 'catalog',
    severity: 'LOW',
  },
  {
    title: 'Email notifications delayed',
    description: 'smtp queue growing',
    root_cause: 'smtp relay rate limit',
    solution: 'spread sends and raise quota',
    category: 'Messaging',
    team: 'growth',
    severity: 'MEDIUM',
  },
  {
    title: 'Mobile app crash on startup',
    description: 'null pointer in feature flags',
    root_cause: 'missing default flag value',
    solution: 'ship default flags in the bundle',
    category: 'Mobile',
    team: 'apps',
    severity: 'HIGH',
  },
  {
    title: 'Database deadlocks on invoices',
    description: 'transactions aborted under load',
    root_cause: 'lock ordering between invoice and ledger',
    solution: 'lock rows in a fixed order',
    category: 'Database',
    team: 'billing',
    severity: 'HIGH',
  },
  {
    title: 'DNS resolution failures in cluster',
    description: 'intermittent NXDOMAIN for services',
    root_cause: 'coredns pods out of memory',
    solution: 'raise coredns memory and add autoscaling',
    category: 'Network',
    team: 'platform',
    severity: 'CRITICAL',
  },
];

/** Creates, claims, resolves and closes one incident through the service. */
export async function closeOne(service: IncidentService, id: string, theme: Theme, n = 0): Promise<Incident> {
  await service.create(
    {
      incident_id: id,
      title: `${theme.title} #${n}`,
      description: theme.description,
      category: theme.category,
      severity: theme.severity,
      team: theme.team,
      tags: [theme.category.toLowerCase()],
    },
    ctx(admin),
  );
  await service.claim(id, ctx(ana));
  await service.resolve(
    { incident_id: id, solution: theme.solution, root_cause: theme.root_cause, steps: [theme.solution] },
    ctx(ana),
  );
  return service.close(id, ctx(ana));
}

/** Closes `count` incidents cycling through the themes; ids `<prefix>-0000`… */
export async function closeMany(service: IncidentService, count: number, prefix = 'INC'): Promise<Incident[]> {
  const out: Incident[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await closeOne(service, `${prefix}-${String(i).padStart(4, '0')}`, THEMES[i % THEMES.length] as Theme, i));
  }
  return out;
}

/** Theme of an id made by {@link closeMany}. */
export function themeOf(id: string): Theme {
  return THEMES[Number(id.split('-').at(-1)) % THEMES.length] as Theme;
}
