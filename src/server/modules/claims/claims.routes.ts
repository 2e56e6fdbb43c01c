import '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ClaimStatusResponseSchema,
  CreateClaimBodySchema,
  CreateClaimResponseSchema,
  EvidenceFeedbackSchema,
  EvidenceSchema,
  SubmitClaimBodySchema,
} from '../../../shared/contracts/claims.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import { AppError, unwrap } from '../../errors.ts';
import { requestLanguage } from '../../http/request-language.ts';
import { PhotoBytes, PhotoTooLarge } from '../evidence/photo-bytes.ts';
import { addEvidence, authorizeUpload, checkFileName, parseEvidenceKind } from './add-evidence.ts';
import { claimPhoto, claimStatus } from './claim-status.ts';
import type { ClaimsDeps } from './claims-deps.ts';
import { confirmDisposal } from './confirm-disposal.ts';
import { createClaim } from './create-claim.ts';
import { evidenceFeedback } from './evidence-feedback.ts';
import { recoverClaimLinks } from './recover-claim-links.ts';
import { submitClaim } from './submit-claim.ts';

const ClaimParams = z.object({ id: z.string().max(60) });
const bearer = { security: [{ claimToken: [] }] };
const errors = { 400: ErrorSchema, 401: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema };

export const claimsRoutes: FastifyPluginAsyncZod<{ deps: ClaimsDeps; recoverRateLimit: number }> = async (
  app,
  { deps, recoverRateLimit },
) => {
  const idempotencyKey = (headers: Record<string, unknown>) => {
    const key = headers['idempotency-key'];
    return typeof key === 'string' ? key : undefined;
  };

  app.post(
    '/api/v1/claims',
    {
      schema: {
        tags: ['claims'],
        summary: 'Open a draft claim for an affected unit',
        description:
          'Returns the claim code the owner writes on the unit and the access token every later call sends as `Authorization: Bearer`. Send `Idempotency-Key` to make retries safe.',
        body: CreateClaimBodySchema,
        response: { 201: CreateClaimResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const created = await createClaim(deps, request.body, {
        clientAddress: request.ip ?? null,
        idempotencyKey: idempotencyKey(request.headers),
      });
      return reply.status(201).send(unwrap(created));
    },
  );

  app.post(
    '/api/v1/claims/:id/evidence',
    {
      schema: {
        tags: ['claims'],
        summary: 'Upload one photo (multipart/form-data: kind = label | marked | receipt | disposal, file)',
        description: 'A newer photo of the same kind replaces the earlier one. JPEG, PNG, WebP or HEIC/HEIF.',
        params: ClaimParams,
        ...bearer,
        response: {
          201: EvidenceSchema.extend({ replaced: z.boolean() }),
          ...errors,
          413: ErrorSchema,
          415: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      await authorizeUpload(deps, request.params.id, request.headers.authorization);
      let kind: string | undefined;
      let file: { bytes: PhotoBytes; fileName: string | null } | undefined;
      const spool = deps.blobs.spool;
      // A spooled file is adopted by addEvidence, or deleted here when the upload goes no further.
      const discard = async () => {
        if (file?.bytes.spooled) await spool?.discard(file.bytes.spooled);
      };
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            const fileName = checkFileName(part.filename);
            await discard(); // a second file part replaces the first
            file = undefined;
            try {
              const bytes = await PhotoBytes.receive(part.file, () => part.file.truncated, spool);
              file = { bytes, fileName };
            } catch (error) {
              if (!(error instanceof PhotoTooLarge)) throw error;
              throw new AppError('photo_too_large', { max: Math.round(deps.config.photoMaxBytes / 1048576) });
            }
          } else if (part.fieldname === 'kind') {
            kind = String(part.value);
          }
        }
        if (!file) throw new AppError('photo_empty');
        const evidence = await addEvidence(deps, request.params.id, request.headers.authorization, {
          kind: parseEvidenceKind(kind),
          ...file,
        });
        return reply.status(201).send(evidence);
      } catch (error) {
        await discard();
        throw error;
      }
    },
  );

  app.post(
    '/api/v1/claims/:id/submit',
    {
      schema: {
        tags: ['claims'],
        summary: 'Submit the claim once its photos are in',
        params: ClaimParams,
        body: SubmitClaimBodySchema,
        ...bearer,
        response: { 200: z.object({ id: z.string(), code: z.string(), status: z.string() }), ...errors },
      },
    },
    async (request) => {
      const submitted = await submitClaim(
        deps,
        request.params.id,
        request.headers.authorization,
        request.body,
        idempotencyKey(request.headers),
      );
      return unwrap(submitted);
    },
  );

  app.post(
    '/api/v1/claims/:id/disposal',
    {
      schema: {
        tags: ['claims'],
        summary: 'Confirm the unit was taken to a drop-off point',
        description:
          'Upload a photo of the drop-off receipt first (evidence kind `disposal`) if there is one. Where the campaign holds the remedy until disposal is confirmed, this releases it. Repeating the call keeps the first confirmation.',
        params: ClaimParams,
        ...bearer,
        response: { 200: z.object({ confirmedAt: z.string() }), ...errors },
      },
    },
    async (request) => confirmDisposal(deps, request.params.id, request.headers.authorization),
  );

  app.get(
    '/api/v1/claims/:id',
    {
      schema: {
        tags: ['claims'],
        summary: "The claim's status, what is needed next, and its timeline",
        params: ClaimParams,
        querystring: z.object({ lang: z.string().optional() }),
        ...bearer,
        response: { 200: ClaimStatusResponseSchema, 401: ErrorSchema },
      },
    },
    async (request) =>
      claimStatus(deps, request.params.id, request.headers.authorization, requestLanguage(request)),
  );

  app.get(
    '/api/v1/claims/:id/evidence/:evidenceId',
    {
      schema: {
        tags: ['claims'],
        summary: 'One of the claim’s photos (display copy, metadata removed)',
        params: ClaimParams.extend({ evidenceId: z.string().max(60) }),
        ...bearer,
      },
    },
    async (request, reply) => {
      const data = await claimPhoto(
        deps,
        request.params.id,
        request.params.evidenceId,
        request.headers.authorization,
      );
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .send(data);
    },
  );

  app.get(
    '/api/v1/claims/:id/evidence/:evidenceId/checks',
    {
      schema: {
        tags: ['claims'],
        summary: 'What could be read in one photo (poll after uploading; `processing` until it is read)',
        params: ClaimParams.extend({ evidenceId: z.string().max(60) }),
        querystring: z.object({ lang: z.string().optional() }),
        ...bearer,
        response: { 200: EvidenceFeedbackSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) =>
      evidenceFeedback(
        deps,
        request.params.id,
        request.params.evidenceId,
        request.headers.authorization,
        requestLanguage(request),
      ),
  );

  app.post(
    '/api/v1/claims/recover',
    {
      config: { rateLimit: recoverRateLimit > 0 ? { max: recoverRateLimit, timeWindow: '1 hour' } : false },
      schema: {
        tags: ['claims'],
        summary: 'E-mail fresh links to the claims on an address',
        body: z.object({ email: z.email().max(254) }),
        response: { 202: z.object({ status: z.literal('sent_if_any') }), 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      await recoverClaimLinks(deps, request.body.email);
      return reply.status(202).send({ status: 'sent_if_any' as const });
    },
  );
};
