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
      {/* The DC symbol (⎓) is drawn: few phone fonts have the glyph. Each text ends or starts at a fixed x around it. */}
      <g fontFamily="Arial, sans-serif" fontSize="9" fill="#555">
        <text x="104" y="104" textAnchor="end">
          Input 5V
        </text>
        <text x="117" y="104">
          2A ·
        </text>
        <text x="181" y="104" textAnchor="end">
          Output 5V
        </text>
        <text x="194" y="104">
          2.4A
        </text>
      </g>
      <DcSymbol x={106} />
      <DcSymbol x={183} />
      <rect x="58" y="113" width="204" height="26" rx="5" fill="#fff3b0" stroke="#d92d20" strokeWidth="2.5" />
      <text x="66" y="131" fontFamily="'Courier New', monospace" fontSize="13" fontWeight="bold" fill="#111">
        SN: AB12 CD34 EF56 GH78
      </text>
      <path d="M292 150 L268 130" stroke="#d92d20" strokeWidth="4" strokeLinecap="round" />
      <path d="M268 130 L280 131 M268 130 L271 141" stroke="#d92d20" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}

/** ⎓: a solid line over a dashed one, 8 units wide, on the label's second line. */
function DcSymbol({ x }: { x: number }) {
  return (
    <g stroke="#555" strokeWidth="1.1">
      <path d={`M${x} 98.5 h8`} />
      <path d={`M${x} 101.5 h2 M${x + 3} 101.5 h2 M${x + 6} 101.5 h2`} />
    </g>
  );
}
