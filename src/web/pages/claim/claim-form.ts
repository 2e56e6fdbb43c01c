import type { CampaignDetail } from '../../../shared/contracts/catalog.ts';
import type { CreateClaimBody } from '../../../shared/contracts/claims.ts';
import type { Language } from '../../../shared/languages.ts';

/** What the owner typed into the claim form, as the inputs hold it. */
export interface ClaimFormValues {
  name: string;
  email: string;
  phone: string;
  country: string;
  hasUnit: boolean;
  orderNumber: string;
  incident: string;
  remedy: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
}

export type SetField = (field: keyof ClaimFormValues) => (event: { target: { value: string } }) => void;

export function emptyClaimForm(recall: CampaignDetail): ClaimFormValues {
  return {
    name: '',
    email: '',
    phone: '',
    country: recall.jurisdictions.find((j) => j.country !== '*')?.country ?? 'US',
    hasUnit: true,
    orderNumber: '',
    incident: '',
    remedy: '',
    line1: '',
    line2: '',
    city: '',
    region: '',
    postalCode: '',
  };
}

/** Countries offered first; the campaign's own jurisdictions are always in the list. */
const COMMON_COUNTRIES = [
  'US',
  'CN',
  'CA',
  'MX',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'AU',
  'JP',
  'KR',
  'IN',
  'BR',
];

export function countryChoices(recall: CampaignDetail): string[] {
  return [
    ...new Set([...recall.jurisdictions.map((j) => j.country).filter((c) => c !== '*'), ...COMMON_COUNTRIES]),
  ];
}

/** The API's request body for the form as filled in. */
export function claimBody(
  recall: CampaignDetail,
  unit: { serial: string; model: string },
  form: ClaimFormValues,
  choice: { remedy: string; needsAddress: boolean; language: Language },
): CreateClaimBody {
  return {
    campaign: recall.slug,
    serial: unit.serial,
    model: unit.model,
    remedy: choice.remedy as CreateClaimBody['remedy'],
    hasUnit: form.hasUnit,
    claimant: {
      name: form.name,
      email: form.email,
      ...(form.phone ? { phone: form.phone } : {}),
      country: form.country,
      language: choice.language,
    },
    ...(choice.needsAddress
      ? {
          address: {
            line1: form.line1,
            ...(form.line2 ? { line2: form.line2 } : {}),
            city: form.city,
            ...(form.region ? { region: form.region } : {}),
            postalCode: form.postalCode,
            country: form.country,
          },
        }
      : {}),
    ...(form.orderNumber ? { orderNumber: form.orderNumber } : {}),
    ...(form.incident ? { incidentDescription: form.incident } : {}),
  };
}
