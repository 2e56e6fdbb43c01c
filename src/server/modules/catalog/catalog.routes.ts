import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BATCH_MAX,
  BatchLookupBodySchema,
  BatchLookupResultSchema,
  CampaignDetailSchema,
  CampaignSummarySchema,
  LookupQuerySchema,
  LookupResultSchema,
} from '../../../shared/contracts/catalog.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import { translate } from '../../../shared/i18n/index.ts';
import { AppError } from '../../errors.ts';
import { requestLanguage } from '../../http/request-language.ts';
import type { CatalogService } from './catalog-service.ts';
import { lookup, presentCampaignDetail, presentCampaignSummary } from './lookup.ts';
import type { LookupCounter } from './lookup-counter.ts';

export interface CatalogRoutesOptions {
  catalog: CatalogService;
  /** Requests per minute per client on the lookup endpoints; 0 turns the limit off. */
  lookupRateLimit: number;
  /** Counts owners' lookups in aggregate (the recall-effectiveness figures). */
  counter?: LookupCounter | undefined;
}

export const catalogRoutes: FastifyPluginAsyncZod<CatalogRoutesOptions> = async (
  app,
  { catalog, lookupRateLimit, counter },
) => {
  const rateLimit = lookupRateLimit > 0 ? { max: lookupRateLimit, timeWindow: '1 minute' } : false;
  const errors = { 400: ErrorSchema, 429: ErrorSchema };

  app.get(
    '/api/v1/lookup',
    {
      config: { rateLimit },
      schema: {
        tags: ['lookup'],
        summary: 'Is my unit affected?',
        description:
          'Looks a serial number (and/or a model number) up in every active recall. Answers from memory. ' +
          'When nothing matches but a serial one or two look-alike characters away (0/O, 1/I/L, 2/Z, 5/S, 8/B) is recalled, `suggestions` says so.',
        querystring: LookupQuerySchema,
        response: { 200: LookupResultSchema, ...errors },
      },
    },
    async (request) => {
      const result = lookup(catalog.current(), request.query, requestLanguage(request));
      counter?.count(result, request.query.country);
      return result;
    },
  );

  app.post(
    '/api/v1/lookup/batch',
    {
      config: { rateLimit },
      schema: {
        tags: ['lookup'],
        summary: 'Check many serial numbers at once (partners)',
        description: `Up to ${BATCH_MAX} serials per request. An invalid serial gets an error in its own result; the others are answered.`,
        body: BatchLookupBodySchema,
        response: { 200: BatchLookupResultSchema, ...errors },
      },
    },
    async (request) => {
      const { serials, country } = request.body;
      if (serials.length === 0) throw new AppError('batch_empty');
      if (serials.length > BATCH_MAX)
        throw new AppError('batch_too_large', { max: BATCH_MAX, count: serials.length });
      const language = requestLanguage(request);
      const snapshot = catalog.current();
      let affectedCount = 0;
      let unrecognisedCount = 0;
      const results = serials.map((serial) => {
        try {
          if (serial.trim() === '') throw new AppError('serial_empty');
          const result = lookup(snapshot, { serial, country }, language);
          if (result.affected) affectedCount++;
          if (!result.recognised) unrecognisedCount++;
          return { serial, ...result };
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return {
            serial,
            error: { code: error.code, message: translate(language, `errors.${error.code}`, error.params) },
          };
        }
      });
      return { results, affectedCount, unrecognisedCount };
    },
  );

  app.get(
    '/api/v1/campaigns',
    {
      schema: {
        tags: ['recalls'],
        summary: 'Public recalls',
        querystring: z.object({ lang: z.string().optional() }),
        response: { 200: z.object({ campaigns: z.array(CampaignSummarySchema) }) },
      },
    },
    async (request) => {
      const language = requestLanguage(request);
      return {
        campaigns: catalog.current().campaigns.map((campaign) => presentCampaignSummary(campaign, language)),
      };
    },
  );

  app.get(
    '/api/v1/campaigns/:slug',
    {
      schema: {
        tags: ['recalls'],
        summary: 'One public recall: hazard, models, what to do, remedies per country',
        params: z.object({ slug: z.string().max(80) }),
        querystring: z.object({
          lang: z.string().optional(),
          view: z
            .literal('page')
            .optional()
            .describe('Sent by the recall page itself: counts a visit (how many, never who)'),
        }),
        response: { 200: CampaignDetailSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const campaign = catalog.current().campaign(request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      if (request.query.view === 'page') counter?.view(campaign.id);
      return presentCampaignDetail(campaign, requestLanguage(request));
    },
  );
};
