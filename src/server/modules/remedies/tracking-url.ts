/** Where an owner follows a parcel, by carrier (the tracking file may also give a URL itself). */
const TRACKING_URLS: Record<string, string> = {
  ups: 'https://www.ups.com/track?tracknum={n}',
  usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={n}',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr={n}',
  dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}',
  'sf express': 'https://www.sf-express.com/chn/en/waybill/waybill-detail/{n}',
  ems: 'https://www.ems.com.cn/queryList?mailNum={n}',
};

export function trackingUrl(carrier: string, tracking: string): string | null {
  const template = TRACKING_URLS[carrier.trim().toLowerCase()];
  return template ? template.replace('{n}', encodeURIComponent(tracking)) : null;
}
