import { useTranslation } from 'react-i18next';
import type { LookupMatch, Remedy } from '../../shared/contracts/catalog.ts';

/** What the owner can get where they live, and how the unit leaves their hands. */
export function RemedyList({
  remedies,
  returnRequired,
  disposal,
}: {
  remedies: Remedy[];
  returnRequired: boolean;
  disposal: LookupMatch['disposal'];
}) {
  const { t } = useTranslation();
  return (
    <>
      <ul className="remedies">
        {remedies.map((remedy) => (
          <li key={`${remedy.kind}-${remedy.sku ?? ''}`} data-remedy={remedy.kind}>
            {remedy.label}
          </li>
        ))}
      </ul>
      {returnRequired && <p>{t('web.return_required')}</p>}
      {disposal.dropOffFinderUrl && (
        <p>
          <a href={disposal.dropOffFinderUrl} rel="noopener noreferrer" target="_blank">
            {t('web.drop_off_finder')}
          </a>
        </p>
      )}
    </>
  );
}
