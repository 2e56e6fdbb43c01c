import { describe, expect, it } from 'vitest';
import { parseCampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { codeIsValid, generateCode } from './codes.ts';

describe('gift card codes', () => {
  it('carry a check character that catches a mistyped character', () => {
    const code = generateCode('ANK');
    expect(code).toMatch(/^ANK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(codeIsValid(code)).toBe(true);
    const last = code.at(-2) as string;
    const typo = `${code.slice(0, -2)}${last === '2' ? '3' : '2'}${code.at(-1)}`;
    expect(codeIsValid(typo)).toBe(false);
  });

  it('refuse an EU jurisdiction without a refund or a second remedy (GPSR Art. 37)', () => {
    const base = {
      slug: 'eu-test',
      status: 'draft',
      title: { en: 'Test' },
      hazard: { en: 'Fire' },
      announcedOn: '2026-01-01',
      regulator: { authority: 'EU Safety Gate' },
      units: 1,
      models: [{ code: 'A1', name: 'A' }],
      instructions: [{ en: 'Stop using it' }],
      evidence: {},
    };
    const disposal = { method: 'hazardous_waste_drop_off' };
    const voucherOnly = [{ kind: 'voucher', label: { en: 'A voucher' } }];
    expect(() =>
      parseCampaignDefinition({
        ...base,
        jurisdictions: [{ country: 'DE', remedies: voucherOnly, disposal }],
      }),
    ).toThrow(/DE: the EU's GPSR \(Art\. 37\) requires at least two remedies[\s\S]*requires a refund/);
    expect(() =>
      parseCampaignDefinition({
        ...base,
        jurisdictions: [
          {
            country: 'FR',
            remedies: [...voucherOnly, { kind: 'refund', label: { en: 'A refund' } }],
            disposal,
          },
        ],
      }),
    ).not.toThrow();
  });
});
