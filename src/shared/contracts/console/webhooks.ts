import { z } from 'zod';

/** The events a partner can subscribe to. */
export const WEBHOOK_EVENTS = [
  'claim.submitted',
  'claim.approved',
  'claim.rejected',
  'remedy.issued',
  'shipment.sent',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const EndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
  secret: z
    .string()
    .nullable()
    .describe('The signing secret: shown once, in the answer that creates the endpoint'),
});
export type Endpoint = z.infer<typeof EndpointSchema>;
export const EndpointListSchema = z.object({ endpoints: z.array(EndpointSchema) });
export type EndpointList = z.infer<typeof EndpointListSchema>;

export const CreateEndpointBodySchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
});
export type CreateEndpointBody = z.infer<typeof CreateEndpointBodySchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  state: z.string(),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastResponse: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
export const DeliveryListSchema = z.object({ deliveries: z.array(DeliverySchema) });
export type DeliveryList = z.infer<typeof DeliveryListSchema>;
