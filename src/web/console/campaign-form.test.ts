import { describe, expect, it } from 'vitest';
import { parseCampaignDefinition } from '../../shared/contracts/campaign-definition.ts';
import { definitionFromForm, emptyCampaignForm, slugFrom } from './campaign-form.ts';

describe('the new-campaign form', () => {
  it('makes a campaign file the server accepts: models, countries, remedies, serial rules, claim window', () => {
    const form = {
      ...emptyCampaignForm('2026-12-06'),
      title: 'Acme PowerPack 5000 (P5000)',
      hazard: 'The battery can overheat.',
      units: '25000',
      brandName: 'Acme',
      supportEmail: 'help@acme.example',
      storeName: 'acme.example',
      models: [
        { code: 'p5000', name: 'Acme PowerPack 5000', recalledAsWhole: false },
        { code: 'P5001', name: '', recalledAsWhole: true },
      ],
      serialLength: '12',
      closesOn: '2027-12-31',
      jurisdictions: [
        {
          country: 'us',
          replacementSku: 'P6000',
          giftCardAmount: '25',
          refund: false,
          currency: 'usd',
          returnRequired: false,
          dropOffFinderUrl: '',
        },
        {
          country: 'JP',
          replacementSku: '',
          giftCardAmount: '3000',
          refund: true,
          currency: 'JPY',
          returnRequired: true,
          dropOffFinderUrl: '',
        },
      ],
    };
    const definition = parseCampaignDefinition(definitionFromForm(form));
    expect(definition).toMatchObject({
      slug: 'acme-powerpack-5000-p5000',
      status: 'draft',
      brand: { name: 'Acme', storeName: 'acme.example', support: { email: 'help@acme.example' } },
      claimWindow: { opensOn: '2026-12-06', closesOn: '2027-12-31' },
      models: [
        { code: 'P5000', name: 'Acme PowerPack 5000', recalledAsWhole: false },
        { code: 'P5001', name: 'P5001', recalledAsWhole: true },
      ],
      serialRules: {
        pattern: '^[A-HJ-NP-Z0-9]{12}$',
        neverContains: ['O', 'I'],
        lookAlikes: { O: '0', I: '1' },
      },
    });
    expect(definition.jurisdictions[0]?.remedies.map((r) => [r.kind, r.value?.amountMinor])).toEqual([
      ['replacement', undefined],
      ['gift_card', 2500],
    ]);
    // Money in the currency's own units: 3,000 yen is 3000 minor units.
    expect(definition.jurisdictions[1]).toMatchObject({
      country: 'JP',
      returnRequired: true,
      disposal: { method: 'return_to_manufacturer' },
    });
    expect(definition.jurisdictions[1]?.remedies[0]).toMatchObject({
      kind: 'gift_card',
      value: { amountMinor: 3000, currency: 'JPY' },
      label: { en: 'A ¥3,000 gift card' },
    });
    expect(definition.evidence.photos.map((p) => p.kind)).toEqual(['label', 'marked', 'receipt']);
    expect(definition.instructions).toHaveLength(3);
  });

  it('makes slugs of titles in any script the server accepts', () => {
    expect(slugFrom('  Batería Ñandú  A-12 / Recall ')).toBe('bateria-nandu-a-12-recall');
  });
});
