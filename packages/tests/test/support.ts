/**
 * Shared set-up of the integration tests: the real incident service over a real libSQL store
 * (`:memory:`), a manual clock, actors for every role, and a small knowledge-base retriever that
 * searches the store's resolved incidents (a real, naive implementation of the port — not a fake).
 */
import {
  type Actor,
  collectAll,
  createIncidentService,
  type Incident,
  type IncidentService,
  type IncidentServiceOptions,
  type IncidentStore,
  type KnowledgeBaseRetriever,
  type Role,
  ROLES,
  type UseCaseContext,
} from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';

/** 2026-01-05T09:00:00.000Z. */
export const T0 = Date.parse('2026-01-05T09:00:00.000Z');

/** A clock that only moves when told to. */
export interface ManualClock {
  now(): Date;
  /** Moves forward by `minutes`. */
  advance(minutes: number): void;
  /** The current time as ISO text. */
  iso(): string;
}

export function createManualClock(start = T0): ManualClock {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (minutes) => {
      t += Math.round(minutes * 60_000);
    },
    iso: () => new Date(t).toISOString(),
  };
}

/** ISO time `minutes` after {@link T0}. */
export function minutesAfterT0(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

export const actors = {
  admin: { id: 'admin@example.com', roles: ['admin'] },
  ana: { id: 'ana@example.com', roles: ['operator'] },
  bob: { id: 'bob@example.com', roles: ['operator'] },
  carla: { id: 'carla@example.com', roles: ['customer'] },
  dora: { id: 'dora@example.com', roles: ['customer'] },
} as const satisfies Record<string, Actor>;

/** The context `{ actor }` for an actor (copies the roles so readonly tuples type-check). */
export function as(actor: Actor | { id: string; roles: readonly Role[] }, notes?: string): UseCaseContext {
  return { actor: { ...actor, roles: [...actor.roles] }, ...(notes ? { notes } : {}) };
}

/** An actor holding exactly one role, with the id `<role>@example.com`. */
export function actorWithRole(role: Role): Actor {
  return { id: `${role}@example.com`, roles: [role] };
}

/**
 * Retrieves RESOLVED and CLOSED incidents of the store whose title or description shares words with
 * the text; the score is the number of shared words.
 */
export function createStoreRetriever(store: IncidentStore): KnowledgeBaseRetriever {
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []);
  return {
    async retrieve({ text, limit }) {
      const wanted = words(text);
      const done = await collectAll((cursor) =>
        store.queryIncidents({ by: 'status', status: ['RESOLVED', 'CLOSED'] }, { limit: 100, cursor }),
      );
      return done
        .map((incident) => {
          const body = `${incident.title}\n${incident.description}`;
          const score = [...words(body)].filter((w) => wanted.has(w)).length;
          return { incident_id: incident.incident_id, score, text: body, metadata: { category: incident.category } };
        })
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score || a.incident_id.localeCompare(b.incident_id))
        .slice(0, limit);
    },
  };
}

export interface Harness {
  store: IncidentStore;
  service: IncidentService;
  clock: ManualClock;
}

/**
 * Everyone the tests assign incidents to: the named actors, `<role>@example.com` for every role and
 * dave (an operator with no test actor). Assignees must be registered users.
 */
export const REGISTERED_PEOPLE: readonly { email: string; role: Role }[] = [
  ...Object.values(actors).map((a) => ({ email: a.id, role: a.roles[0] })),
  ...ROLES.map((role) => ({ email: `${role}@example.com`, role })),
  { email: 'dave@example.com', role: 'operator' },
];

/** Registers {@link REGISTERED_PEOPLE} in a store. */
export async function registerPeople(store: IncidentStore): Promise<void> {
  for (const { email, role } of REGISTERED_PEOPLE) {
    await store.putUser({
      email,
      name: email.split('@')[0] ?? email,
      role,
      active: true,
      created_at: new Date(T0).toISOString(),
    });
  }
}

/** A fresh in-memory store, with {@link REGISTERED_PEOPLE}, and a service over it. Close `store` when done. */
export async function createHarness(options: Partial<IncidentServiceOptions> = {}): Promise<Harness> {
  const store = await createTursoStore({ url: ':memory:' });
  await registerPeople(store);
  const clock = createManualClock();
  const service = createIncidentService({ store, clock, knowledgeBase: createStoreRetriever(store), ...options });
  return { store, service, clock };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Every history version of an incident, oldest first. */
export function allVersions(service: IncidentService, incidentId: string, ctx: UseCaseContext): Promise<Incident[]> {
  return collectAll((cursor) => service.history(incidentId, { limit: 3, cursor }, ctx));
}
