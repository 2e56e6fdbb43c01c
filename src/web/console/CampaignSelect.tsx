import { useQuery } from '@tanstack/react-query';
import { type CampaignList, consoleFetch } from './console-api.ts';

/** The console's campaigns, as a labelled select; `any` adds a first option for every campaign. */
export function CampaignSelect({
  value,
  onChange,
  any,
}: {
  value: string;
  onChange: (slug: string) => void;
  any?: string;
}) {
  const campaigns = useCampaignList();
  return (
    <label>
      Campaign
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {any !== undefined && <option value="">{any}</option>}
        {campaigns.data?.campaigns.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.title}
          </option>
        ))}
      </select>
    </label>
  );
}

export function useCampaignList() {
  return useQuery({
    queryKey: ['console', 'campaigns'],
    queryFn: () => consoleFetch<CampaignList>('/campaigns'),
  });
}
