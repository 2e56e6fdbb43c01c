import type { z } from 'zod';
import {
  type CampaignDefinition,
  type Jurisdiction,
  jurisdictionFor,
} from '../../../shared/contracts/campaign-definition.ts';
import type {
  BrandView,
  CampaignDetail,
  CampaignSummary,
  LookupMatch,
  LookupResult,
  LookupSuggestionSchema,
} from '../../../shared/contracts/catalog.ts';
import { translate } from '../../../shared/i18n/index.ts';
import { type Language, localize } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import type { CatalogCampaign, CatalogSnapshot, SerialHit } from './catalog-snapshot.ts';
import { applySerialRules, lookAlikeVariants, normaliseModelCode, normaliseSerial } from './serial.ts';

export interface LookupQuery {
  serial?: string | undefined;
  model?: string | undefined;
  country?: string | undefined;
}

const MAX_SUGGESTIONS = 3;

/** Checks the query's shape; throws AppError with the reason the owner should read. */
export function parseLookupQuery(query: LookupQuery): {
  serial: string | null;
  model: string | null;
  country: string | null;
} {
  const rawSerial = query.serial ?? '';
  const rawModel = (query.model ?? '').trim();
  if (rawSerial.trim() === '' && rawModel === '') throw new AppError('query_empty');
  let serial: string | null = null;
  if (rawSerial.trim() !== '') {
    const normalised = normaliseSerial(rawSerial);
    if (!normalised.ok) throw new AppError(normalised.problem);
    serial = normalised.serial;
  }
  let model: string | null = null;
  if (rawModel !== '') {
    model = normaliseModelCode(rawModel) ?? null;
    if (model === null) throw new AppError('model_invalid');
  }
  let country: string | null = null;
  if (query.country && query.country.trim() !== '') {
    country = query.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) throw new AppError('country_invalid');
  }
  return { serial, model, country };
}

/** Answers "is my unit affected?" from the in-memory snapshot alone. */
export function lookup(
  snapshot: CatalogSnapshot,
  query: LookupQuery,
  language: Language,
  today = new Date(),
): LookupResult {
  const { serial, model, country } = parseLookupQuery(query);
  // A model number typed where the serial goes: answer for that model, and say so.
  const typedModel = serial !== null && model === null ? modelNamed(snapshot, serial) : null;
  const hits = snapshot.find(typedModel ? null : serial, typedModel ? typedModel.code : model);
  const matches = hits.map((hit) => presentMatch(hit, country, language, today));
  const suggestions = serial !== null && !typedModel && hits.length === 0 ? suggest(snapshot, serial) : [];
  const partlyRecalledModel =
    serial === null && model !== null && hits.length === 0 ? modelNamed(snapshot, model) : null;
  const modelNumber = typedModel ?? partlyRecalledModel;
  const recognised =
    hits.length > 0 ||
    suggestions.length > 0 ||
    (modelNumber === null && (serial === null || snapshot.recognises(serial)));

  let message: string;
  const first = hits[0];
  if (first) {
    message =
      first.matchedBy === 'model' && matches.every((m) => m.matchedBy === 'model')
        ? translate(language, 'lookup.affected_model', { model: first.modelCode })
        : translate(language, 'lookup.affected');
  } else if (suggestions[0]) {
    message = translate(language, 'lookup.did_you_mean', {
      serial: serial ?? '',
      suggestion: suggestions[0].serial,
    });
  } else if (modelNumber) {
    message = translate(language, 'lookup.model_number', { model: modelNumber.code, name: modelNumber.name });
  } else if (!recognised) {
    message = translate(language, 'lookup.not_recognised', { serial: serial ?? '' });
  } else {
    message = translate(language, 'lookup.not_affected');
  }
  const helpFrom = modelNumber ? snapshot.campaign(modelNumber.campaign) : snapshot.campaigns[0];
  const whereToFind = helpFrom?.definition.serialRules.whereToFind;
  return {
    affected: matches.length > 0,
    recognised,
    normalizedSerial: typedModel ? null : serial,
    model: typedModel ? typedModel.code : model,
    matches,
    suggestions,
    modelNumber,
    serialHelp: !recognised && whereToFind ? localize(whereToFind, language) : null,
    message,
  };
}

/** The model a recall names with this code (normalised as model codes are), if any. */
function modelNamed(snapshot: CatalogSnapshot, input: string) {
  const code = normaliseModelCode(input);
  if (code === undefined) return null;
  const [found] = snapshot.modelsCoded(code);
  if (!found) return null;
  return { code, name: found.name, campaign: found.campaign.slug, recalledAsWhole: found.recalledAsWhole };
}

/**
 * Listed serials one or two look-alike characters away, per campaign on its canonical form
 * (so that a campaign without O and I is never offered them). The look-alike fingerprints
 * answer "none" for almost every unlisted serial, so the variants are only tried when one of
 * them is likely to be listed.
 */
function suggest(snapshot: CatalogSnapshot, serial: string): z.infer<typeof LookupSuggestionSchema>[] {
  const suggestions: z.infer<typeof LookupSuggestionSchema>[] = [];
  for (const campaign of snapshot.campaigns) {
    const canonical = applySerialRules(serial, campaign.rules);
    if (!snapshot.mayListLookAlike(campaign, canonical)) continue;
    for (const variant of lookAlikeVariants(canonical, 2, 2000, campaign.neverContains)) {
      const group = snapshot.groupListing(campaign, variant);
      if (!group) continue;
      suggestions.push({ serial: variant, campaign: campaign.slug, model: group.modelCode });
      if (suggestions.length >= MAX_SUGGESTIONS) return suggestions;
    }
  }
  return suggestions;
}

export function claimsOpen(campaign: CatalogCampaign, today: Date): boolean {
  const { status, claimWindow } = campaign.definition;
  if (status !== 'active') return false;
  const day = today.toISOString().slice(0, 10);
  if (claimWindow?.opensOn && day < claimWindow.opensOn) return false;
  if (claimWindow?.closesOn && day > claimWindow.closesOn) return false;
  return true;
}

/**
 * What owners should do now: the campaign's steps while claims are open; once they are closed,
 * its closing instructions (or a safe default), never "start a claim" beside "claims are closed".
 */
function instructionsNow(campaign: CatalogCampaign, language: Language, today: Date): string[] {
  const definition = campaign.definition;
  if (claimsOpen(campaign, today)) return definition.instructions.map((step) => localize(step, language));
  return [
    definition.closedInstructions
      ? localize(definition.closedInstructions, language)
      : translate(language, 'lookup.closed_instructions'),
  ];
}

function presentMatch(hit: SerialHit, country: string | null, language: Language, today: Date): LookupMatch {
  const definition = hit.campaign.definition;
  // The remedies where the owner is (a claim is made from there), else where the unit was sold.
  const jurisdiction =
    jurisdictionFor(definition, country ?? hit.market) ?? (definition.jurisdictions[0] as Jurisdiction);
  return {
    campaign: presentCampaignRef(hit.campaign, language),
    model: { code: hit.modelCode, name: hit.campaign.modelNames.get(hit.modelCode) ?? hit.modelCode },
    matchedBy: hit.matchedBy,
    market: hit.market,
    country: jurisdiction.country,
    remedies: presentRemedies(jurisdiction, language),
    returnRequired: jurisdiction.returnRequired,
    disposal: presentDisposal(jurisdiction),
    claimsOpen: claimsOpen(hit.campaign, today),
    nextSteps: instructionsNow(hit.campaign, language, today),
  };
}

function presentCampaignRef(campaign: CatalogCampaign, language: Language) {
  const definition = campaign.definition;
  return {
    slug: campaign.slug,
    title: localize(definition.title, language),
    hazard: localize(definition.hazard, language),
    status: definition.status === 'closed' ? ('closed' as const) : ('active' as const),
    announcedOn: definition.announcedOn,
    url: `/recalls/${campaign.slug}`,
  };
}

function presentRemedies(jurisdiction: Jurisdiction, language: Language) {
  return jurisdiction.remedies.map((remedy) => ({
    kind: remedy.kind,
    label: localize(remedy.label, language),
    ...(remedy.sku ? { sku: remedy.sku } : {}),
    ...(remedy.value ? { value: remedy.value } : {}),
  }));
}

function presentDisposal(jurisdiction: Jurisdiction) {
  return {
    method: jurisdiction.disposal.method,
    ...(jurisdiction.disposal.dropOffFinderUrl
      ? { dropOffFinderUrl: jurisdiction.disposal.dropOffFinderUrl }
      : {}),
  };
}

export function presentCampaignSummary(campaign: CatalogCampaign, language: Language): CampaignSummary {
  const definition = campaign.definition;
  return {
    ...presentCampaignRef(campaign, language),
    summary: definition.summary ? localize(definition.summary, language) : null,
    serialLength:
      campaign.serialShape.maxLength > 0
        ? { min: campaign.serialShape.minLength, max: campaign.serialShape.maxLength }
        : null,
    models: definition.models.map((m) => ({
      code: m.code,
      name: m.name,
      recalledAsWhole: m.recalledAsWhole,
    })),
    units: definition.units,
  };
}

export function presentCampaignDetail(
  campaign: CatalogCampaign,
  language: Language,
  today = new Date(),
): CampaignDetail {
  const definition = campaign.definition;
  const rules = definition.serialRules;
  return {
    ...presentCampaignSummary(campaign, language),
    regulator: definition.regulator,
    brand: presentBrand(definition, language),
    closedInstructions: definition.closedInstructions
      ? localize(definition.closedInstructions, language)
      : null,
    incidents: definition.incidents ?? null,
    soldAt: definition.soldAt ?? null,
    claimsOpen: claimsOpen(campaign, today),
    instructions: instructionsNow(campaign, language, today),
    serialHelp: {
      description: rules.description ? localize(rules.description, language) : null,
      whereToFind: rules.whereToFind ? localize(rules.whereToFind, language) : null,
      example: rules.example ?? null,
    },
    jurisdictions: definition.jurisdictions.map((jurisdiction) => ({
      country: jurisdiction.country,
      regulator: jurisdiction.regulator ?? null,
      remedies: presentRemedies(jurisdiction, language),
      returnRequired: jurisdiction.returnRequired,
      disposal: presentDisposal(jurisdiction),
    })),
    evidence: {
      proofOfPurchaseAlternative: definition.evidence.proofOfPurchaseAlternative,
      photos: definition.evidence.photos.map((photo) => ({
        kind: photo.kind,
        required: photo.required,
        instructions: localize(photo.instructions, language),
        mustShow:
          photo.kind === 'marked' ? (photo.mustShow ?? ['name', 'date', 'word_recalled', 'claim_code']) : [],
      })),
    },
  };
}

export function presentBrand(definition: CampaignDefinition, language: Language): BrandView | null {
  const brand = definition.brand;
  if (!brand) return null;
  return {
    name: brand.name,
    logoText: brand.logoText ?? brand.name,
    colour: brand.colour,
    storeName: brand.storeName ?? null,
    support: {
      email: brand.support.email ?? null,
      phone: brand.support.phone ?? null,
      url: brand.support.url ?? null,
      hours: brand.support.hours ? localize(brand.support.hours, language) : null,
    },
  };
}
