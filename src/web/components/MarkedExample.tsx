import { useTranslation } from 'react-i18next';

/** What a good photo 2 looks like: the unit with name, date, RECALLED and the claim code in marker. */
export function MarkedExample({ code }: { code: string }) {
  const { t } = useTranslation();
  const today = new Date().toISOString().slice(0, 10);
  return (
    <svg className="label-picture" viewBox="0 0 320 180" role="img" aria-label={t('web.example_marked')}>
      <rect x="10" y="10" width="300" height="160" rx="24" fill="#2b2f36" />
      <g fontFamily="'Comic Sans MS', 'Segoe Print', cursive" fill="#f4f4f4">
        <text x="40" y="55" fontSize="22">
          Ana García
        </text>
        <text x="40" y="88" fontSize="20">
          {today}
        </text>
        <text x="40" y="124" fontSize="28" fontWeight="bold">
          RECALLED
        </text>
        <text x="40" y="156" fontSize="20">
          {code}
        </text>
      </g>
    </svg>
  );
}
