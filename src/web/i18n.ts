import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { catalogs } from '../shared/i18n/index.ts';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language, pickLanguage } from '../shared/languages.ts';

const STORAGE_KEY = 'recallkit.language';

/** A language in the path (/es/recalls/…) or ?lang= wins, then the owner's earlier choice, then the browser's languages. */
function initialLanguage(): Language {
  const fromPath = /^\/(en|es|zh-CN)\//.exec(window.location.pathname)?.[1];
  const fromUrl = fromPath ?? new URLSearchParams(window.location.search).get('lang');
  if (fromUrl) return pickLanguage(fromUrl);
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  return pickLanguage(navigator.languages.join(','));
}

export function setLanguage(language: Language) {
  window.localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return (i18next.language as Language) ?? DEFAULT_LANGUAGE;
}

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(
    Object.entries(catalogs).map(([language, messages]) => [language, { translation: messages }]),
  ),
  lng: initialLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

const syncDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
};
syncDocumentLanguage(i18next.language);
i18next.on('languageChanged', syncDocumentLanguage);

export default i18next;
