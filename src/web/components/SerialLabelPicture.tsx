import { useTranslation } from 'react-i18next';

/** Where the serial is: the underside of a power bank with its label, the serial highlighted. */
export function SerialLabelPicture() {
  const { t } = useTranslation();
  return (
    <svg className="label-picture" viewBox="0 0 320 190" role="img" aria-label={t('web.picture_alt')}>
      <rect x="10" y="10" width="300" height="170" rx="26" fill="#2b2f36" />
      <rect x="22" y="22" width="276" height="146" rx="18" fill="#3a3f48" />
      <rect x="40" y="40" width="20" height="10" rx="3" fill="#1d2026" />
      <rect x="70" y="40" width="30" height="10" rx="3" fill="#1d2026" />
      <rect x="52" y="66" width="216" height="86" rx="8" fill="#f4f1ea" />
      <text x="64" y="88" fontFamily="Arial, sans-serif" fontSize="13" fill="#222">
        Model: A1263
      </text>
      <text x="64" y="104" fontFamily="Arial, sans-serif" fontSize="9" fill="#555">
        Input 5V⎓2A · Output 5V⎓2.4A
      </text>
      <rect x="58" y="113" width="204" height="26" rx="5" fill="#fff3b0" stroke="#d92d20" strokeWidth="2.5" />
      <text x="66" y="131" fontFamily="'Courier New', monospace" fontSize="13" fontWeight="bold" fill="#111">
        SN: AH7M 4Z2K 9C1Q R8T3
      </text>
      <path d="M292 150 L268 130" stroke="#d92d20" strokeWidth="4" strokeLinecap="round" />
      <path d="M268 130 L280 131 M268 130 L271 141" stroke="#d92d20" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}
