import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  CreateEndpointBodySchema,
  DeliveryListSchema,
  EndpointListSchema,
  EndpointSchema,
} from '../../../shared/contracts/console/webhooks.ts';
import type { Db } from '../../db/database.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, tags } from '../staff/console-gate.ts';
import { checkDestination } from './destination.ts';
import {
  createEndpoint,
  deactivateEndpoint,
  listDeliveries,
  listEndpoints,
  resendDelivery,
  rotateEndpointSecret,
} from './webhooks.ts';

const MANAGERS = CONSOLE_RULES.webhooks;

/** Webhook endpoints, their deliveries with the answers, and re-sending. */
export const webhookRoutes: FastifyPluginAsyncZod<{ db: Db; allowedHosts: ReadonlySet<string> }> = async (
  app,
  { db, allowedHosts },
) => {
  const k = db.kysely;
  app.get(
    '/webhooks',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Webhook endpoints',
        response: { 200: EndpointListSchema, ...consoleErrors },
      },
    },
    async () => ({ endpoints: await listEndpoints(k) }),
  );

  app.post(
    '/webhooks',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Register an endpoint; the answer carries its signing secret, shown only this once',
        body: CreateEndpointBodySchema,
        response: { 201: EndpointSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      await checkDestination(request.body.url, allowedHosts);
      const endpoint = await db.transaction(async (tx) => {
        const created = await createEndpoint(tx.kysely, request.body, actorOf(request).email ?? 'console');
        await recordAudit(
          tx.kysely,
          actorOf(request),
          'webhook.created',
          { type: 'webhook', id: created.id },
          { url: created.url, events: created.events },
        );
        return created;
      });
      return reply.status(201).send(endpoint);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Give an endpoint a new secret (shown once); the old one keeps signing for a day',
        params: z.object({ id: z.string().max(60) }),
        response: { 200: EndpointSchema, ...consoleErrors },
      },
    },
    async (request) =>
      db.transaction(async (tx) => {
        const endpoint = await rotateEndpointSecret(tx.kysely, request.params.id);
        await recordAudit(tx.kysely, actorOf(request), 'webhook.secret_rotated', {
          type: 'webhook',
          id: request.params.id,
        });
        return endpoint;
      }),
  );

  app.post(
    '/webhooks/:id/deactivate',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Stop sending to an endpoint',
        params: z.object({ id: z.string().max(60) }),
        response: { 204: z.null(), ...consoleErrors },
      },
    },
    async (request, reply) => {
      await db.transaction(async (tx) => {
        await deactivateEndpoint(tx.kysely, request.params.id);
        await recordAudit(tx.kysely, actorOf(request), 'webhook.deactivated', {
          type: 'webhook',
          id: request.params.id,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'The newest deliveries to an endpoint, with the answers they got',
        params: z.object({ id: z.string().max(60) }),
        response: { 200: DeliveryListSchema, ...consoleErrors },
      },
    },
    async (request) => ({ deliveries: await listDeliveries(k, request.params.id) }),
  );

  app.post(
    '/webhooks/deliveries/:id/resend',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Send a delivery again (same event, fresh signature)',
        params: z.object({ id: z.string().max(60) }),
        response: { 202: z.null(), ...consoleErrors },
      },
    },
    async (request, reply) => {
      await db.transaction(async (tx) => {
        await resendDelivery(tx.kysely, request.params.id);
        await recordAudit(tx.kysely, actorOf(request), 'webhook.resent', {
          type: 'webhook_delivery',
          id: request.params.id,
        });
      });
      return reply.status(202).send(null);
    },
  );
};
