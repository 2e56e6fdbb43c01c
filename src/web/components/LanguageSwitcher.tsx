import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../shared/languages.ts';
import { setLanguage } from '../i18n.ts';

/** Each language named in itself, so an owner finds theirs whatever the page is in. */
const NATIVE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文', es: 'Español' };

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('web.language')}</span>
      <select value={i18n.language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {NATIVE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}
