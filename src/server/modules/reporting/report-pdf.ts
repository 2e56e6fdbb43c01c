import { type CpscMonthlyReport, cpscMonthlyCsvRows } from './cpsc-monthly.ts';

/** Where Debian puts Chromium; `CHROMIUM_PATH` points elsewhere. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless, sandbox-free (containers), and nothing fetched from the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

/** The report as a printable page: a title, the period, and every field with its value. */
export function cpscMonthlyHtml(report: CpscMonthlyReport): string {
  const rows = cpscMonthlyCsvRows(report)
    .filter((row) => !['campaign', 'title', 'month', 'generatedAt'].includes(row.field))
    .map(
      (row) =>
        `<tr><th>${escapeHtml(row.field.replaceAll('.', ' › '))}</th><td>${escapeHtml(row.value === '' ? 'not recorded' : row.value)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CPSC Monthly Progress Report ${escapeHtml(report.month)}</title>
<style>
body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;color:#111;margin:0}
h1{font-size:16pt;margin:0 0 4pt}p{margin:0 0 10pt;color:#444}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:3pt 6pt;text-align:left;vertical-align:top}
th{font-weight:normal;color:#333;width:65%}td{font-variant-numeric:tabular-nums}
</style></head><body>
<h1>CPSC Monthly Progress Report</h1>
<p>${escapeHtml(report.title)} (${escapeHtml(report.campaign)}) · ${escapeHtml(report.period.from)} to ${escapeHtml(report.period.to)} · recall announced ${escapeHtml(report.recallDate)} · generated ${escapeHtml(report.generatedAt)}</p>
<table>${rows}</table>
</body></html>`;
}

/** The printable page rendered to PDF by headless Chromium (playwright-core drives it). */
export async function renderPdf(
  html: string,
  chromiumPath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM,
): Promise<Buffer> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' },
    });
  } finally {
    await browser.close();
  }
}
