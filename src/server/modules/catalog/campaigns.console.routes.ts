import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  type CampaignDefinition,
  InvalidCampaignError,
  parseCampaignDefinition,
} from '../../../shared/contracts/campaign-definition.ts';
import {
  CampaignCreatedSchema,
  CampaignDefinitionBodySchema,
  CampaignDetailSchema,
  CampaignListSchema,
  CampaignStatusBodySchema,
  CampaignStatusSchema,
  CampaignUpdatedSchema,
  type SerialImport,
  SerialImportSchema,
} from '../../../shared/contracts/console/campaigns.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, tags } from '../staff/console-gate.ts';
import { applyCampaignInTx } from './apply-campaign.ts';
import { campaignOverview, serialImports } from './campaign-overview.ts';
import { findCampaign } from './catalog.queries.ts';
import { importSerials } from './import-serials.ts';
import { ImportRefusedError } from './serial-list-csv.ts';

const MANAGERS = CONSOLE_RULES.campaignsEdit;
const READERS = CONSOLE_RULES.campaignsRead;
const SlugParams = z.object({ slug: z.string().max(80) });
/** Eligibility lists can be large: 1.2 million serials are about 40 MB of CSV. */
const ELIGIBILITY_MAX_BYTES = 2 * 1024 ** 3;

const NEXT_STATUS: Record<string, readonly string[]> = {
  draft: ['active'],
  active: ['closed'],
  closed: ['active'],
};

function parseOrRefuse(input: unknown, slug?: string): CampaignDefinition {
  try {
    const definition = parseCampaignDefinition(input);
    if (slug && definition.slug !== slug)
      throw new InvalidCampaignError('The campaign', [
        `slug: stays ${slug}; create a new campaign for a new slug`,
      ]);
    return definition;
  } catch (error) {
    if (error instanceof InvalidCampaignError)
      throw new AppError('campaign_invalid', { problems: error.problems.join('; ') });
    throw error;
  }
}

/** Campaign management for recall managers: definitions, status, eligibility lists and their imports. */
export const campaignConsoleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const k = db.kysely;

  app.get(
    '/campaigns',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Every campaign (drafts too), with claim counts by status and the size of its lists',
        response: { 200: CampaignListSchema, ...consoleErrors },
      },
    },
    async () => ({ campaigns: await campaignOverview(k) }),
  );

  app.get(
    '/campaigns/:slug',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: "A campaign's definition and every import of its eligibility list",
        params: SlugParams,
        response: { 200: CampaignDetailSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const campaign = await findCampaign(k, request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      return {
        definition: campaign.definition as unknown as Record<string, unknown>,
        imports: await serialImports(k, campaign.id),
      };
    },
  );

  app.post(
    '/campaigns',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Create a campaign from a definition (the shape of a campaign file)',
        body: CampaignDefinitionBodySchema,
        response: { 201: CampaignCreatedSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const definition = parseOrRefuse(request.body.definition);
      await db.transaction(async (tx) => {
        if (await findCampaign(tx.kysely, definition.slug)) throw new AppError('campaign_exists');
        await applyCampaignInTx(tx, definition);
        await recordAudit(tx.kysely, actorOf(request), 'campaign.created', {
          type: 'campaign',
          id: definition.slug,
        });
      });
      return reply.status(201).send({ slug: definition.slug, status: definition.status });
    },
  );

  app.put(
    '/campaigns/:slug',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary:
          "Replace a campaign's definition: models, remedies per country, evidence, triage policy, reject reasons",
        description:
          'The status changes only through `/status`, so a definition edit never opens or closes a campaign by accident.',
        params: SlugParams,
        body: CampaignDefinitionBodySchema,
        response: { 200: CampaignUpdatedSchema, ...consoleErrors },
      },
    },
    async (request) => {
      return db.transaction(async (tx) => {
        const current = await findCampaign(tx.kysely, request.params.slug);
        if (!current) throw new AppError('campaign_not_found');
        const definition = parseOrRefuse(
          { ...request.body.definition, status: current.definition.status },
          request.params.slug,
        );
        let outcome: string;
        try {
          outcome = await applyCampaignInTx(tx, definition);
        } catch (error) {
          if (error instanceof InvalidCampaignError)
            throw new AppError('campaign_invalid', { problems: error.problems.join('; ') });
          throw error;
        }
        if (outcome !== 'unchanged')
          await recordAudit(tx.kysely, actorOf(request), 'campaign.updated', {
            type: 'campaign',
            id: definition.slug,
          });
        return { slug: definition.slug, outcome };
      });
    },
  );

  app.post(
    '/campaigns/:slug/status',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Move a campaign: draft -> active -> closed (a closed campaign can be reopened)',
        params: SlugParams,
        body: CampaignStatusBodySchema,
        response: { 200: CampaignStatusSchema, ...consoleErrors },
      },
    },
    async (request) =>
      db.transaction(async (tx) => {
        const current = await findCampaign(tx.kysely, request.params.slug);
        if (!current) throw new AppError('campaign_not_found');
        const from = current.definition.status;
        const to = request.body.status;
        if (!NEXT_STATUS[from]?.includes(to)) throw new AppError('campaign_transition_invalid', { from, to });
        await applyCampaignInTx(tx, { ...current.definition, status: to });
        await recordAudit(
          tx.kysely,
          actorOf(request),
          'campaign.status_changed',
          { type: 'campaign', id: current.slug },
          { from, to },
        );
        return { slug: current.slug, status: to };
      }),
  );

  app.post(
    '/campaigns/:slug/eligibility',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary:
          'Import an eligibility list (multipart/form-data, field `file`: CSV serial,model[,market][,lot])',
        description:
          'Valid rows are added, rows already listed are left alone, invalid rows are counted and returned with their line numbers and reasons. A file without the right header imports nothing.',
        params: SlugParams,
        response: { 201: SerialImportSchema, ...consoleErrors, 413: ErrorSchema, 415: ErrorSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      const campaign = await findCampaign(k, request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      const part = await request.file({ limits: { fileSize: ELIGIBILITY_MAX_BYTES, files: 1 } });
      if (!part) throw new AppError('invalid_request', { details: 'send the CSV in the field file' });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-eligibility-'));
      const fileName = path.basename(part.filename || 'list.csv').slice(0, 200);
      const file = path.join(dir, fileName);
      try {
        await pipeline(part.file, fs.createWriteStream(file));
        if (part.file.truncated) throw new AppError('body_too_large');
        const actor = actorOf(request);
        const result = await importSerials(db, {
          campaignSlug: campaign.slug,
          file,
          actor: actor.email ?? 'console',
          rejectsFile: path.join(dir, 'rejected.csv'),
        });
        await recordAudit(
          k,
          actor,
          'campaign.list_imported',
          { type: 'import', id: result.id },
          {
            campaign: campaign.slug,
            file: fileName,
            rowsAdded: result.rowsAdded,
            rowsRejected: result.rowsRejected,
          },
        );
        const stored = (await serialImports(k, campaign.id)).find((row) => row.id === result.id);
        return reply.status(201).send(stored as SerialImport);
      } catch (error) {
        if (error instanceof ImportRefusedError)
          throw new AppError('import_refused', { reason: error.message });
        throw error;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
};
