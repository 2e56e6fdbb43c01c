import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t('web.not_found_title')}</h1>
      <p>
        <Link to="/">{t('web.back_home')}</Link>
      </p>
    </div>
  );
}
