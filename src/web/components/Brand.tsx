import { useTranslation } from 'react-i18next';
import { inkOn } from '../../shared/colour.ts';
import type { BrandView } from '../../shared/contracts/catalog.ts';

/** The brand's text logo on its colour, above a recall's pages. */
export function BrandBand({ brand }: { brand: BrandView | null | undefined }) {
  const { t } = useTranslation();
  if (!brand) return null;
  return (
    <div className="brand-band" style={{ background: brand.colour, color: inkOn(brand.colour) }}>
      <span className="brand-logo">{brand.logoText}</span>
      <span className="brand-note">{t('web.brand_recall', { brand: brand.name })}</span>
    </div>
  );
}

/** How to reach the brand's support: e-mail, phone and hours, as the campaign defines them. */
export function SupportContact({ brand }: { brand: BrandView | null | undefined }) {
  const { t } = useTranslation();
  if (!brand) return null;
  const { email, phone, url, hours } = brand.support;
  return (
    <p className="support-contact">
      {t('web.support_intro', { brand: brand.name })} {email && <a href={`mailto:${email}`}>{email}</a>}
      {phone && (
        <>
          {email ? ' · ' : ''}
          <a href={`tel:${phone.replace(/[^\d+]/g, '')}`}>{phone}</a>
        </>
      )}
      {url && (
        <>
          {email || phone ? ' · ' : ''}
          <a href={url} rel="noopener noreferrer" target="_blank">
            {t('web.support_site')}
          </a>
        </>
      )}
      {hours && <span className="muted"> ({hours})</span>}
    </p>
  );
}
