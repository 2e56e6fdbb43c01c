import { createHmac, randomBytes } from 'node:crypto';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../../shared/contracts/console/webhooks.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { QueueName } from '../../jobs/registry.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { seal, unseal } from '../../secrets.ts';
import { traceCarrier } from '../../telemetry.ts';
import { postToEndpoint } from './destination.ts';

export { WEBHOOK_EVENTS, type WebhookEvent };

/** The signature before Standard Webhooks, still sent until 2027-06-30 (see the README). */
export const SIGNATURE_HEADER = 'Recallkit-Signature';
/** Attempts before a delivery is given up (with the queue's backoff: about a day and a half). */
const MAX_ATTEMPTS = 12;
const TIMEOUT_MS = 10_000;

/**
 * Deprecated (kept for receivers written against it, until 2027-06-30): `t=<unix seconds>,
 * v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret's text>`. It does not sign the event id;
 * the Standard Webhooks headers (`standardHeaders`) do.
 */
export function signatureHeader(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** A new endpoint secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks gives them. */
export const newEndpointSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/**
 * The Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id` (the event's
 * id, the same on every retry), `webhook-timestamp`, and `webhook-signature` with a `v1,<base64>`
 * HMAC-SHA256 of `<id>.<timestamp>.<body>` for each secret still valid (two during a rotation).
 * Any Standard Webhooks library verifies them with the endpoint's `whsec_` secret.
 */
export function standardHeaders(
  secrets: readonly string[],
  eventId: string,
  body: string,
  at = new Date(),
): Record<string, string> {
  // The key is the secret's bytes (base64 after whsec_); Node reads both base64 alphabets, so
  // secrets made before Standard Webhooks (base64url) sign the same way.
  const signatures = secrets.map((secret) =>
    new StandardWebhook(Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), { format: 'raw' }).sign(
      eventId,
      at,
      body,
    ),
  );
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * Records an event for every active endpoint that subscribed to it, each with its delivery job,
 * in the caller's transaction: the event is announced exactly when the change happened. One
 * statement however many endpoints there are.
 */
export async function emitEvent(
  db: Kysely<Database>,
  type: WebhookEvent,
  data: Record<string, unknown>,
): Promise<void> {
  await withEvent(db, type, data).selectFrom('webhook_jobs').select('id').execute();
}

/** A statement builder with an event's CTEs added (`withEvent`). */
type WithEvent<DB> = QueryCreator<DB & { webhook_deliveries: { id: string }; webhook_jobs: { id: string } }>;

/**
 * `emitEvent` as common table expressions (`webhook_deliveries`, `webhook_jobs`), for a
 * statement that makes the change itself: PostgreSQL runs every data-modifying CTE, whether or
 * not the statement reads it. The deliveries' ids are drawn in the statement, one per endpoint
 * it finds, in the shape of `newId` (`dlv_` and 16 base64url characters).
 */
export function withEvent<DB extends Database>(
  db: QueryCreator<DB>,
  type: WebhookEvent,
  data: Record<string, unknown>,
): WithEvent<DB> {
  const eventId = newId('evt');
  const payload = JSON.stringify({ id: eventId, type, createdAt: new Date().toISOString(), data });
  return (db as unknown as QueryCreator<Database>)
    .with('webhook_deliveries', (qc) =>
      qc
        .insertInto('webhook_delivery')
        .columns(['id', 'endpoint_id', 'event_id', 'event_type', 'payload'])
        .expression((eb) =>
          eb
            .selectFrom('webhook_endpoint')
            .select([
              sql<string>`'dlv_' || translate(rtrim(encode(substr(uuid_send(gen_random_uuid()), 1, 12), 'base64'), '='), '+/', '-_')`.as(
                'id',
              ),
              'webhook_endpoint.id as endpoint_id',
              sql<string>`${eventId}::text`.as('event_id'),
              sql<string>`${type}::text`.as('event_type'),
              sql<string>`${payload}::jsonb`.as('payload'),
            ])
            .where('active', '=', true)
            .where(sql<boolean>`${type} = ANY(events)`),
        )
        .returning('id'),
    )
    .with('webhook_jobs', (qc) =>
      qc
        .insertInto('job')
        .columns(['queue', 'payload', 'max_attempts'])
        .expression((eb) =>
          eb
            .selectFrom('webhook_deliveries')
            .select([
              sql<string>`${'webhook.deliver' satisfies QueueName}::text`.as('queue'),
              sql<string>`jsonb_build_object('deliveryId', webhook_deliveries.id) || ${JSON.stringify(traceCarrier())}::jsonb`.as(
                'payload',
              ),
              sql<number>`${MAX_ATTEMPTS}::integer`.as('max_attempts'),
            ]),
        )
        .returning('id'),
    ) as unknown as WithEvent<DB>;
}

export async function createEndpoint(
  db: Kysely<Database>,
  input: { url: string; events: WebhookEvent[] },
  createdBy: string,
) {
  const secret = newEndpointSecret();
  const row = await db
    .insertInto('webhook_endpoint')
    .values({
      id: newId('whk'),
      url: input.url,
      events: input.events,
      secret: seal(secret),
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return presentEndpoint(row, secret);
}

/** An endpoint as the console shows it; its secret (plain) only when just made. */
const presentEndpoint = (
  row: { id: string; url: string; events: string[]; active: boolean; created_at: Date },
  newSecret: string | null = null,
) => ({
  id: row.id,
  url: row.url,
  events: row.events,
  active: row.active,
  createdAt: row.created_at.toISOString(),
  secret: newSecret,
});

/** How long the secret before a rotation keeps signing beside the new one. */
const ROTATION_OVERLAP_HOURS = 24;

/**
 * Gives an endpoint a new secret and returns it (shown once); the old one signs beside it for a
 * day, so the receiver can switch without refusing a delivery.
 */
export async function rotateEndpointSecret(db: Kysely<Database>, endpointId: string) {
  const secret = newEndpointSecret();
  const row = await db
    .updateTable('webhook_endpoint')
    .set((eb) => ({
      previous_secret: eb.ref('secret'),
      previous_secret_until: sql<Date>`now() + make_interval(hours => ${ROTATION_OVERLAP_HOURS})`,
      secret: seal(secret),
    }))
    .where('id', '=', endpointId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return presentEndpoint(row, secret);
}

export async function listEndpoints(db: Kysely<Database>) {
  const rows = await db.selectFrom('webhook_endpoint').selectAll().orderBy('created_at').execute();
  return rows.map((row) => presentEndpoint(row));
}

/** Stops sending to an endpoint; its deliveries under way are not taken back. */
export async function deactivateEndpoint(db: Kysely<Database>, endpointId: string): Promise<void> {
  await db.updateTable('webhook_endpoint').set({ active: false }).where('id', '=', endpointId).execute();
}

export async function listDeliveries(db: Kysely<Database>, endpointId: string, limit = 100) {
  const rows = await db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastResponse: row.last_response,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  }));
}

/** Sends a delivery again (same event id and body, a fresh signature), whatever became of it. */
export async function resendDelivery(db: Kysely<Database>, deliveryId: string): Promise<void> {
  const updated = await db
    .updateTable('webhook_delivery')
    .set({ state: 'pending' })
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw new AppError('not_found');
  await enqueue(db, 'webhook.deliver', { deliveryId }, { maxAttempts: MAX_ATTEMPTS });
}

/**
 * `webhook.deliver`: POSTs the event, signed, and records the answer. Anything but a 2xx is
 * retried with the queue's backoff; after the last attempt the delivery is marked failed (it can
 * be re-sent from the console).
 */
export function webhookJobHandlers(options: { allowedHosts: ReadonlySet<string> }): JobHandlers {
  return {
    'webhook.deliver': async (job, { db }) => {
      const deliveryId = job.payload.deliveryId;
      const delivery = await db.kysely
        .selectFrom('webhook_delivery as d')
        .innerJoin('webhook_endpoint as e', 'e.id', 'd.endpoint_id')
        .select([
          'd.id',
          'd.state',
          'd.payload',
          'd.event_id',
          'd.event_type',
          'e.url',
          'e.secret',
          'e.previous_secret',
          'e.previous_secret_until',
          'e.active',
        ])
        .where('d.id', '=', deliveryId)
        .executeTakeFirst();
      if (!delivery || delivery.state === 'delivered' || !delivery.active) return;
      const body = JSON.stringify(delivery.payload);
      let status: number | null = null;
      let response: string | null = null;
      let error: string | null = null;
      try {
        const secrets = [unseal(delivery.secret)];
        if (
          delivery.previous_secret &&
          delivery.previous_secret_until &&
          delivery.previous_secret_until > new Date()
        )
          secrets.push(unseal(delivery.previous_secret));
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Recallkit-Webhooks/1',
          'recallkit-event': delivery.event_type,
          'recallkit-delivery': delivery.id,
          ...standardHeaders(secrets, delivery.event_id, body),
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secrets[0] as string, body),
        };
        // Public addresses only (checked on the address connected to), a short excerpt kept.
        const answer = await postToEndpoint(delivery.url, headers, body, {
          allowedHosts: options.allowedHosts,
          timeoutMs: TIMEOUT_MS,
        });
        status = answer.status;
        response = answer.excerpt;
      } catch (failure) {
        error = (failure as Error).message.slice(0, 500);
      }
      const ok = status !== null && status >= 200 && status < 300;
      const lastAttempt = job.attempts >= job.maxAttempts;
      await db.kysely
        .updateTable('webhook_delivery')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_status: status,
          last_response: response,
          last_error: ok ? null : (error ?? `HTTP ${status}`),
          last_attempt_at: new Date(),
          state: ok ? 'delivered' : lastAttempt ? 'failed' : 'pending',
          ...(ok ? { delivered_at: new Date() } : {}),
        }))
        .where('id', '=', deliveryId)
        .execute();
      if (!ok && !lastAttempt) throw new Error(`webhook ${delivery.url} answered ${error ?? status}`);
    },
  };
}
