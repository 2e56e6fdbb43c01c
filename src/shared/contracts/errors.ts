import { z } from 'zod';

/** Every API error: `{"error":{"code","message"}}`, the message in the caller's language. */
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorSchema>;
