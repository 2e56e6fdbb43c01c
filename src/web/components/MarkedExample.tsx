import { useTranslation } from 'react-i18next';

type Item = 'name' | 'date' | 'word_recalled' | 'claim_code';

/** Today in the owner's own time zone, as YYYY-MM-DD (the form every date check reads). */
function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * What a good marked photo looks like for this owner: their own name, today's date, RECALLED and
 * their claim code, in marker, each only where the campaign asks for it.
 */
export function MarkedExample({
  name,
  code,
  mustShow,
}: {
  name: string;
  code: string;
  mustShow: readonly Item[];
}) {
  const { t } = useTranslation();
  const today = localToday();
  const lines: { item: Item; text: string; size: number; bold?: boolean }[] = [
    { item: 'name', text: name, size: 22 },
    { item: 'date', text: today, size: 20 },
    { item: 'word_recalled', text: 'RECALLED', size: 28, bold: true },
    { item: 'claim_code', text: code, size: 20 },
  ];
  const shown = lines.filter((line) => mustShow.includes(line.item));
  const height = 40 + shown.length * 34;
  return (
    <svg
      className="label-picture marked-example"
      viewBox={`0 0 320 ${height}`}
      role="img"
      aria-label={t('web.example_marked_for', { text: shown.map((line) => line.text).join(', ') })}
    >
      <rect x="10" y="10" width="300" height={height - 20} rx="24" fill="#2b2f36" />
      <g fontFamily="'Comic Sans MS', 'Comic Neue', 'Segoe Print', cursive" fill="#f4f4f4">
        {shown.map((line, index) => (
          <text
            key={line.item}
            x="36"
            y={50 + index * 34}
            fontSize={line.size}
            fontWeight={line.bold ? 'bold' : undefined}
            textLength={line.text.length > 18 ? 250 : undefined}
            lengthAdjust="spacingAndGlyphs"
          >
            {line.text}
          </text>
        ))}
      </g>
    </svg>
  );
}
