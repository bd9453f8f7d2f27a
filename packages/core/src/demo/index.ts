/**
 * `@incidents/core/demo` — a small, deterministic support desk for demos and manual testing
 * (R-DESK-5: 5 users, 20 tickets, 100 interactions), written through the use-case service so that it
 * works on any store: `incidents seed` on DynamoDB loads no libSQL code.
 *
 * @packageDocumentation
 */
import {
  type Actor,
  type Clock,
  ConflictError,
  collectAll,
  createIncidentService,
  type IdGenerator,
  type IncidentStore,
  type Role,
  type Severity,
  type Status,
} from '../index.js';

/** Options of {@link seedDemoData}. */
export interface SeedDemoDataOptions {
  /**
   * The seed's "now": every timestamp falls within the three weeks before it. Defaults to a fixed
   * instant (2026-01-26T09:00:00Z) so that two runs write identical data.
   */
  clock?: Clock;
}

/** What {@link seedDemoData} wrote. */
export interface SeedDemoDataResult {
  users: number;
  incidents: number;
  interactions: number;
}

const DEFAULT_NOW = Date.parse('2026-01-26T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The total of timeline entries the seed aims for (R-DESK-5: about 100 interactions). */
const TARGET_INTERACTIONS = 100;

interface DemoUser {
  email: string;
  name: string;
  role: Role;
  team?: string;
}

const USERS: readonly DemoUser[] = [
  { email: 'admin@acme.example', name: 'Laura Méndez', role: 'admin' },
  { email: 'ana.garcia@acme.example', name: 'Ana García', role: 'operator', team: 'payments' },
  { email: 'ben.carter@acme.example', name: 'Ben Carter', role: 'operator', team: 'platform' },
  { email: 'carla.ruiz@cliente.example', name: 'Carla Ruiz', role: 'customer' },
  { email: 'david.smith@customer.example', name: 'David Smith', role: 'customer' },
];

const actor = (index: number): Actor => {
  const user = USERS[index] as DemoUser;
  return { id: user.email, roles: [user.role] };
};
const ADMIN = 0;
const ANA = 1;
const BEN = 2;
const CARLA = 3;
const DAVID = 4;

interface DemoIncident {
  title: string;
  description: string;
  category: string;
  severity: Severity;
  team: string;
  reporter: typeof CARLA | typeof DAVID;
  /** Final status; the seed walks the lifecycle up to it. */
  status: Status;
  operator: typeof ANA | typeof BEN;
  errorMessage?: string;
  analysis?: { root_cause: string; diagnosis: string };
  progress?: string;
  solution?: { description: string; steps: string[]; root_cause: string };
  pendingReason?: string;
}

const INCIDENTS: readonly DemoIncident[] = [
  {
    title: 'Checkout devuelve 502 al pagar con tarjeta',
    description: 'Desde las 9:00 los pagos con tarjeta fallan con "502 Bad Gateway". PayPal funciona.',
    category: 'Application',
    severity: 'CRITICAL',
    team: 'payments',
    reporter: CARLA,
    status: 'CLOSED',
    operator: ANA,
    errorMessage: '502 Bad Gateway from payments-api',
    analysis: { root_cause: 'Connection pool exhausted in payments-api', diagnosis: 'Pool size 5 under peak load' },
    progress: 'Pool metrics confirm saturation at 09:02; preparing config change.',
    solution: {
      description: 'Increased the database connection pool',
      steps: ['Raise pool from 5 to 20', 'Rolling restart of payments-api'],
      root_cause: 'Insufficient connection pool size',
    },
  },
  {
    title: 'Login page very slow (8-10 s)',
    description: 'The customer portal login takes 8 to 10 seconds since yesterday evening.',
    category: 'Application',
    severity: 'HIGH',
    team: 'platform',
    reporter: DAVID,
    status: 'RESOLVED',
    operator: BEN,
    analysis: { root_cause: 'Missing index on sessions.user_id', diagnosis: 'Full table scan on every login' },
    progress: 'EXPLAIN shows a full scan on sessions.',
    solution: {
      description: 'Added the missing index on sessions.user_id',
      steps: ['CREATE INDEX idx_sessions_user ON sessions(user_id)', 'Verify p95 login < 500 ms'],
      root_cause: 'Missing index on sessions.user_id',
    },
  },
  {
    title: 'VPN se desconecta cada 15 minutos',
    description: 'Varios usuarios de la oficina de Madrid pierden la VPN cada 15 minutos exactos.',
    category: 'Network',
    severity: 'MEDIUM',
    team: 'platform',
    reporter: CARLA,
    status: 'IN_PROGRESS',
    operator: BEN,
    analysis: { root_cause: 'IKE rekey interval mismatch', diagnosis: 'Client 900 s vs gateway 3600 s' },
    progress: 'Rekey logs on the gateway match the disconnections.',
  },
  {
    title: 'Invoice PDF shows wrong VAT rate',
    description: 'Invoices issued to Portugal show 21% VAT instead of 23%.',
    category: 'Billing',
    severity: 'HIGH',
    team: 'payments',
    reporter: DAVID,
    status: 'PENDING',
    operator: ANA,
    pendingReason: 'Waiting for finance to confirm the rates table',
  },
  {
    title: 'No llegan los correos de restablecer contraseña',
    description: 'Los clientes no reciben el email de "olvidé mi contraseña". Nada en spam.',
    category: 'Email',
    severity: 'HIGH',
    team: 'platform',
    reporter: CARLA,
    status: 'CLOSED',
    operator: BEN,
    errorMessage: 'SMTP 550 5.7.1 sender rejected',
    analysis: { root_cause: 'SPF record missing the new mail relay', diagnosis: 'Relay IP changed during migration' },
    progress: 'Bounce logs show SPF failures since the relay migration.',
    solution: {
      description: 'Updated the SPF record with the new relay',
      steps: ['Add relay IP to SPF TXT record', 'Wait for DNS TTL', 'Send test emails'],
      root_cause: 'SPF record missing the new mail relay',
    },
  },
  {
    title: 'Dashboard charts empty for January',
    description: 'The sales dashboard shows no data for any day in January.',
    category: 'Reporting',
    severity: 'MEDIUM',
    team: 'data',
    reporter: DAVID,
    status: 'NEW',
    operator: ANA,
  },
  {
    title: 'Error 500 al exportar pedidos a CSV',
    description: 'Exportar más de 10.000 pedidos a CSV termina en error 500.',
    category: 'Application',
    severity: 'MEDIUM',
    team: 'data',
    reporter: CARLA,
    status: 'ASSIGNED',
    operator: ANA,
    errorMessage: 'OutOfMemoryError: Java heap space',
  },
  {
    title: 'Mobile app crashes on startup (Android 14)',
    description: 'After updating to 4.2.0 the Android app closes immediately on Android 14 devices.',
    category: 'Mobile',
    severity: 'CRITICAL',
    team: 'mobile',
    reporter: DAVID,
    status: 'IN_PROGRESS',
    operator: BEN,
    errorMessage: 'java.lang.SecurityException: exported receiver',
    analysis: {
      root_cause: 'Receiver registered without RECEIVER_EXPORTED flag',
      diagnosis: 'Android 14 enforces the flag',
    },
    progress: 'Reproduced on a Pixel 8 emulator; fix in review.',
  },
  {
    title: 'Cambiar email de facturación de la cuenta',
    description: 'Necesito que las facturas lleguen a facturas@cliente.example en lugar de a mi correo.',
    category: 'Account',
    severity: 'LOW',
    team: 'payments',
    reporter: CARLA,
    status: 'RESOLVED',
    operator: ANA,
    progress: 'Verified the request with the account owner.',
    solution: {
      description: 'Billing email updated',
      steps: ['Verify ownership', 'Update billing contact'],
      root_cause: 'Customer request',
    },
  },
  {
    title: 'Search returns duplicated products',
    description: 'Searching "cable" shows every product twice.',
    category: 'Search',
    severity: 'MEDIUM',
    team: 'platform',
    reporter: DAVID,
    status: 'CLOSED',
    operator: BEN,
    analysis: {
      root_cause: 'Reindex job ran twice without alias swap',
      diagnosis: 'Two live indexes behind the alias',
    },
    progress: 'Found two indexes behind the products alias.',
    solution: {
      description: 'Removed the stale index from the alias',
      steps: ['Point alias to the newest index', 'Delete the old index', 'Add a lock to the reindex job'],
      root_cause: 'Reindex job ran twice without alias swap',
    },
  },
  {
    title: 'Certificado SSL caduca en 5 días',
    description: 'El monitor avisa de que el certificado de api.acme.example caduca pronto.',
    category: 'Infrastructure',
    severity: 'HIGH',
    team: 'platform',
    reporter: CARLA,
    status: 'ASSIGNED',
    operator: BEN,
  },
  {
    title: 'Refund not reflected in customer balance',
    description: 'A refund issued on Monday still does not appear in the customer balance.',
    category: 'Billing',
    severity: 'MEDIUM',
    team: 'payments',
    reporter: DAVID,
    status: 'IN_PROGRESS',
    operator: ANA,
    analysis: {
      root_cause: 'Webhook from the payment provider rejected',
      diagnosis: 'Signature secret rotated on one side only',
    },
    progress: 'Provider dashboard shows 401 responses to our webhook.',
  },
  {
    title: 'Solicitud: acceso de solo lectura al panel',
    description: 'Un auditor externo necesita acceso de solo lectura al panel durante una semana.',
    category: 'Account',
    severity: 'LOW',
    team: 'platform',
    reporter: CARLA,
    status: 'CANCELLED',
    operator: BEN,
  },
  {
    title: 'Slow API responses from eu-west',
    description: 'p95 latency of the public API in eu-west rose from 200 ms to 1.8 s.',
    category: 'Infrastructure',
    severity: 'CRITICAL',
    team: 'platform',
    reporter: DAVID,
    status: 'RESOLVED',
    operator: BEN,
    errorMessage: 'upstream timed out (110: Connection timed out)',
    analysis: { root_cause: 'Noisy neighbour on a shared cache node', diagnosis: 'Cache node CPU steal at 40%' },
    progress: 'Moved traffic off the degraded cache node.',
    solution: {
      description: 'Migrated the cache to dedicated nodes',
      steps: ['Provision dedicated nodes', 'Switch traffic', 'Decommission shared node'],
      root_cause: 'Noisy neighbour on a shared cache node',
    },
  },
  {
    title: 'Los descuentos no se aplican en el carrito',
    description: 'El código PROMO10 se acepta pero el total del carrito no cambia.',
    category: 'Application',
    severity: 'HIGH',
    team: 'payments',
    reporter: CARLA,
    status: 'NEW',
    operator: ANA,
  },
  {
    title: 'Nightly backup job failed',
    description: 'The nightly backup of the orders database failed two nights in a row.',
    category: 'Infrastructure',
    severity: 'HIGH',
    team: 'data',
    reporter: DAVID,
    status: 'PENDING',
    operator: BEN,
    pendingReason: 'Waiting for the storage vendor to extend the quota',
  },
  {
    title: 'Traducciones en inglés en la app en español',
    description: 'Algunos botones de la app aparecen en inglés aunque el idioma es español.',
    category: 'Mobile',
    severity: 'LOW',
    team: 'mobile',
    reporter: CARLA,
    status: 'NEW',
    operator: BEN,
  },
  {
    title: 'Duplicate charges for annual plan',
    description: 'Two customers were charged twice for the annual plan renewal.',
    category: 'Billing',
    severity: 'CRITICAL',
    team: 'payments',
    reporter: DAVID,
    status: 'CLOSED',
    operator: ANA,
    errorMessage: 'idempotency key missing on renewal request',
    analysis: { root_cause: 'Retry without idempotency key', diagnosis: 'Renewal worker retried after a timeout' },
    progress: 'Identified the two duplicated charges; refunds issued.',
    solution: {
      description: 'Added idempotency keys to renewal charges',
      steps: ['Refund duplicated charges', 'Send idempotency key on every charge', 'Add alert on duplicate charges'],
      root_cause: 'Retry without idempotency key',
    },
  },
  {
    title: 'Webhook de pedidos llega con retraso',
    description: 'El webhook de pedidos nuevos llega con 20-30 minutos de retraso.',
    category: 'Integration',
    severity: 'MEDIUM',
    team: 'data',
    reporter: CARLA,
    status: 'ASSIGNED',
    operator: ANA,
  },
  {
    title: 'Password policy too strict for SSO users',
    description: 'SSO users are asked to set a local password that they never use.',
    category: 'Account',
    severity: 'LOW',
    team: 'platform',
    reporter: DAVID,
    status: 'IN_PROGRESS',
    operator: BEN,
    progress: 'Checking which flows still require a local password.',
  },
];

/** Deterministic ids, so that two runs write identical records. */
function demoIds(firstInteraction = 0): IdGenerator {
  let incident = 0;
  let interaction = firstInteraction;
  let session = 0;
  return {
    incidentId: () => `DEMO-${String(++incident).padStart(4, '0')}`,
    interactionId: () => `DEMO-I-${String(++interaction).padStart(6, '0')}`,
    sessionId: () => `DEMO-S-${String(++session).padStart(4, '0')}`,
  };
}

const CUSTOMER_COMMENTS = [
  '¿Hay alguna novedad? Nos está afectando a varios usuarios.',
  'Any update on this? Our team is blocked.',
  'Adjunto más detalles: ocurre también desde la oficina de Lisboa.',
  'Thanks, I can confirm it works again on our side.',
];
const OPERATOR_COMMENTS = [
  'Gracias por el aviso, lo estamos revisando.',
  'We are looking into it and will update you within the hour.',
  'Can you share the exact time and a screenshot of the error?',
  'Lo hemos reproducido en staging, seguimos investigando.',
];
const INTERNAL_NOTES = [
  'Nota interna: revisar también los logs del balanceador.',
  'Internal: similar to an incident from last quarter, check the KB.',
  'Nota interna: escalar a proveedor si no hay avance mañana.',
];

/**
 * Writes a small support desk into `store`: 5 users (an admin, two operators and two customers),
 * 20 incidents spread over every status, severity, several teams and categories, and 100 timeline
 * interactions — through `createIncidentService`, so any `IncidentStore` can be seeded. The content
 * is deterministic: ids are `DEMO-0001`…, times fall in the three weeks before the clock's "now".
 *
 * @example
 * ```ts
 * // any IncidentStore: createTursoStore({ url: 'file:demo.db' }), createDynamoStore({ tableName }), …
 * const counts = await seedDemoData(store); // { users: 5, incidents: 20, interactions: 100 }
 * ```
 *
 * Resumable: each write is one step of one incident's lifecycle, so a seed that was interrupted (a
 * crash, a killed process) is completed by running it again — without duplicates. When every demo
 * record is already there it throws.
 *
 * @throws ConflictError `already_exists` when the whole demo data is already there.
 */
export async function seedDemoData(
  store: IncidentStore,
  options: SeedDemoDataOptions = {},
): Promise<SeedDemoDataResult> {
  const end = (options.clock?.now() ?? new Date(DEFAULT_NOW)).getTime();
  let now = end - 21 * DAY;
  const clock: Clock = { now: () => new Date(now) };
  // What an interrupted seed already wrote: every step below is one write (one revision) of one
  // incident, so an incident's revision says how many of its steps are done. A re-run resumes there.
  const existing = await Promise.all(INCIDENTS.map((_, i) => store.getIncident(demoIncidentId(i + 1))));
  const countInteractions = async (id: string) =>
    (await collectAll((cursor) => store.listInteractions(id, { includeInternal: true, limit: 500, cursor }))).length;
  const resuming = existing.some((incident) => incident !== null);
  if (resuming) {
    const complete = INCIDENTS.every((spec, i) => (existing[i]?.revision ?? 0) >= lifecycleSteps(spec).length);
    let total = 0;
    if (complete) for (const incident of existing) total += await countInteractions(incident?.incident_id ?? '');
    if (complete && total >= TARGET_INTERACTIONS) {
      throw new ConflictError('The demo data is already in this database (DEMO-0001 exists)', {
        entity: 'Incident',
        id: 'DEMO-0001',
        reason: 'already_exists',
      });
    }
  }
  // Interaction ids of a resumed run sort after (and never collide with) those of the interrupted one.
  // Incident ids follow the spec's position (DEMO-0001…), also when earlier creates are skipped.
  let currentId = demoIncidentId(1);
  const ids0 = demoIds(resuming ? RESUMED_INTERACTIONS : 0);
  const service = createIncidentService({ store, clock, ids: { ...ids0, incidentId: () => currentId } });
  const ctx = (index: number, notes?: string) => ({ actor: actor(index), ...(notes ? { notes } : {}) });
  const step = (ms: number) => {
    now += ms;
  };

  for (const user of USERS) {
    await service.putUser(
      { email: user.email, name: user.name, role: user.role, ...(user.team ? { team: user.team } : {}) },
      ctx(ADMIN),
    );
    step(MINUTE);
  }

  const comment = async (
    incidentId: string,
    by: number,
    text: string,
    visibility: 'PUBLIC' | 'INTERNAL' = 'PUBLIC',
  ) => {
    step(17 * MINUTE);
    await service.addComment({ incident_id: incidentId, text, visibility }, ctx(by));
  };

  const ids: Array<{ id: string; spec: DemoIncident }> = [];
  for (const [i, spec] of INCIDENTS.entries()) {
    now = end - 21 * DAY + i * DAY + (i % 5) * HOUR;
    const id = demoIncidentId(i + 1);
    currentId = id;
    ids.push({ id, spec });
    const done = existing[i]?.revision ?? 0;
    const steps = lifecycleSteps(spec);
    for (const [n, run] of steps.entries()) {
      if (n < done) continue;
      await run({ service, id, index: i, ctx, step, comment });
    }
  }

  // Top up the timeline with a deterministic conversation until it holds TARGET_INTERACTIONS entries.
  let total = 0;
  for (const { id } of ids) total += await countInteractions(id);
  now = end - 12 * HOUR;
  for (let k = 0; total < TARGET_INTERACTIONS; k++) {
    const { id, spec } = ids[k % ids.length] as { id: string; spec: DemoIncident };
    const turn = Math.floor(k / ids.length);
    if (turn % 3 === 0) await comment(id, spec.reporter, CUSTOMER_COMMENTS[k % CUSTOMER_COMMENTS.length] as string);
    else if (turn % 3 === 1)
      await comment(id, spec.operator, OPERATOR_COMMENTS[(k + 1) % OPERATOR_COMMENTS.length] as string);
    else await comment(id, spec.operator, INTERNAL_NOTES[k % INTERNAL_NOTES.length] as string, 'INTERNAL');
    total += 1;
  }
  return { users: USERS.length, incidents: ids.length, interactions: total };
}

/** First interaction number of a resumed seed (a fresh seed writes a few hundred at most). */
const RESUMED_INTERACTIONS = 500_000;

function demoIncidentId(n: number): string {
  return `DEMO-${String(n).padStart(4, '0')}`;
}

interface StepContext {
  service: ReturnType<typeof createIncidentService>;
  id: string;
  index: number;
  ctx: (index: number, notes?: string) => { actor: Actor; notes?: string };
  step: (ms: number) => void;
  comment: (incidentId: string, by: number, text: string, visibility?: 'PUBLIC' | 'INTERNAL') => Promise<void>;
}

/** The writes that bring one demo incident to its status, in order; each is one revision. */
function lifecycleSteps(spec: DemoIncident): Array<(s: StepContext) => Promise<unknown>> {
  const op = spec.operator;
  const steps: Array<(s: StepContext) => Promise<unknown>> = [
    ({ service, ctx }) =>
      service.create(
        {
          title: spec.title,
          description: spec.description,
          category: spec.category,
          severity: spec.severity,
          team: spec.team,
          environment: 'PRODUCTION',
          tags: [spec.category.toLowerCase(), spec.team],
          ...(spec.errorMessage ? { technical_details: { error_messages: [spec.errorMessage] } } : {}),
        },
        ctx(spec.reporter),
      ),
  ];
  if (spec.status === 'NEW') return steps;
  if (spec.status === 'CANCELLED') {
    steps.push(({ service, id, ctx, step }) => {
      step(2 * HOUR);
      return service.cancel({ incident_id: id, reason: 'Duplicado / no longer needed' }, ctx(ADMIN));
    });
    return steps;
  }
  steps.push(
    ({ service, id, ctx, step }) => {
      step(25 * MINUTE);
      return service.claim(id, ctx(op));
    },
    ({ id, index, comment }) => comment(id, op, OPERATOR_COMMENTS[index % OPERATOR_COMMENTS.length] as string),
  );
  if (spec.status === 'ASSIGNED') return steps;
  steps.push(
    ({ service, id, ctx, step }) => {
      step(20 * MINUTE);
      return service.startWork(id, ctx(op));
    },
    ({ service, id, index, ctx, step }) => {
      step(40 * MINUTE);
      return service.updateProgress(
        {
          incident_id: id,
          progress_notes: spec.progress ?? 'Investigating.',
          time_spent_minutes: 40,
          ...(spec.analysis ? { analysis: { ...spec.analysis, similar_incidents_found: index % 3 } } : {}),
        },
        ctx(op),
      );
    },
  );
  if (spec.status === 'IN_PROGRESS') return steps;
  if (spec.status === 'PENDING') {
    steps.push(({ service, id, ctx, step }) => {
      step(30 * MINUTE);
      return service.setPending({ incident_id: id, reason: spec.pendingReason ?? 'Waiting for the customer' }, ctx(op));
    });
    return steps;
  }
  const solution = spec.solution ?? { description: 'Fixed', steps: [], root_cause: 'Unknown' };
  steps.push(({ service, id, ctx, step }) => {
    step(90 * MINUTE);
    return service.resolve(
      {
        incident_id: id,
        solution: solution.description,
        steps: solution.steps,
        root_cause: solution.root_cause,
        resolution_type: 'FIXED',
        time_spent_minutes: 60,
      },
      ctx(op),
    );
  });
  if (spec.status === 'RESOLVED') return steps;
  steps.push(({ service, id, ctx, step }) => {
    step(3 * HOUR);
    return service.close({ incident_id: id, reason: 'Confirmed by the customer' }, ctx(op));
  });
  return steps;
}
