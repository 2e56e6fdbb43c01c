import { inkOn } from '../../../shared/colour.ts';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Language } from '../../../shared/languages.ts';

/** The e-mails a claimant (for pool_low, a staff member; for notices, a known buyer) gets. */
export type MailTemplate =
  | 'claim_started'
  | 'claim_received'
  | 'claim_link'
  | 'info_needed'
  | 'approved'
  | 'rejected'
  | 'remedy_sent'
  | 'pool_low'
  | 'notice'
  | 'notice_reminder';

/** Whose recall it is, as the e-mail shows it: the campaign's brand (docs: campaign `brand`). */
export interface MailBrand {
  name: string;
  logoText: string;
  colour: string;
  support: { email?: string | undefined; phone?: string | undefined; url?: string | undefined };
}

export interface MailParams {
  name: string;
  code: string;
  statusUrl: string;
  recall: string;
  message?: string;
  brand?: MailBrand | undefined;
  /** Notices: the hazard, what to do (in order), the unit the person bought, and the way out. */
  hazard?: string;
  steps?: string[];
  unit?: string | undefined;
  unsubscribeUrl?: string;
}

/**
 * One e-mail as parts, before it is text or HTML: what the moment says (its paragraphs), the one
 * link to follow, and who sends it. Kept with the message so that mails queued moments apart for
 * one claim go out as one (mailer.ts).
 */
export interface MailContent {
  template: MailTemplate;
  subject: string;
  greeting: string;
  paragraphs: string[];
  action: { label: string; url: string } | null;
  signature: string;
  support: string | null;
  brand: { logoText: string; colour: string } | null;
  /** Notices: one link that stops them (also in the List-Unsubscribe header). */
  unsubscribe?: { label: string; url: string } | null;
}

interface Words {
  greeting: (name: string) => string;
  signature: (brand: string | null) => string;
  support: (brand: string, contacts: string) => string;
  followLink: string;
  unsubscribe: string;
  templates: Record<
    MailTemplate,
    (p: MailParams) => { subject: string; paragraphs: string[]; action?: string }
  >;
}

const WORDS: Record<Language, Words> = {
  en: {
    greeting: (name) => `Hello ${name},`,
    signature: (brand) => (brand ? `The ${brand} recall team` : 'The recall team'),
    support: (brand, contacts) => `Questions? Contact ${brand}: ${contacts}`,
    followLink: 'Open your claim',
    unsubscribe: 'Stop these recall e-mails',
    templates: {
      claim_started: (p) => ({
        subject: `Your claim code ${p.code}`,
        paragraphs: [
          `You started a claim for the recall "${p.recall}". Your claim code is ${p.code}.`,
          'Keep this e-mail: its link brings you back to your claim, with the same code, until you send it. Unfinished claims are deleted after a few days.',
        ],
        action: 'Finish your claim',
      }),
      claim_received: (p) => ({
        subject: `We received your claim ${p.code}`,
        paragraphs: [
          `We received your claim ${p.code} for the recall "${p.recall}".`,
          'Follow it, and answer us if we need anything, at your private link (keep it to yourself). Please do not use the product in the meantime.',
        ],
      }),
      claim_link: (p) => ({
        subject: `Your claim ${p.code}`,
        paragraphs: [
          `Someone (probably you) asked for the link to your claim ${p.code} for the recall "${p.recall}". Here it is; the links you already have keep working.`,
        ],
      }),
      info_needed: (p) => ({
        subject: `We need something more for your claim ${p.code}`,
        paragraphs: [`To go on with your claim ${p.code} we need this from you:`, p.message ?? ''],
        action: 'Send it',
      }),
      approved: (p) => ({
        subject: `Your claim ${p.code} is approved`,
        paragraphs: [`Your claim ${p.code} for the recall "${p.recall}" is approved.`],
      }),
      rejected: (p) => ({
        subject: `Your claim ${p.code} could not be approved`,
        paragraphs: [`We could not approve your claim ${p.code}:`, p.message ?? ''],
      }),
      remedy_sent: (p) => ({
        subject: `Your remedy for claim ${p.code}`,
        paragraphs: [p.message ?? ''],
      }),
      notice: (p) => ({
        subject: `Safety recall: ${p.recall}`,
        paragraphs: [
          `Our records show that you bought a product covered by the recall "${p.recall}"${p.unit ? ` (${p.unit})` : ''}.`,
          p.hazard ?? '',
          'Stop using it now. What to do:',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
          'The button below checks your unit and starts your claim. The link is yours alone.',
        ],
        action: 'Check your unit',
      }),
      notice_reminder: (p) => ({
        subject: `Reminder: safety recall ${p.recall}`,
        paragraphs: [
          `We wrote to you about the recall "${p.recall}"${p.unit ? ` (${p.unit})` : ''} and have not heard back. If you still have the product, please stop using it.`,
          p.hazard ?? '',
          'What to do:',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
        ],
        action: 'Check your unit',
      }),
      pool_low: (p) => ({
        subject: `Gift card pool running low: ${p.recall}`,
        paragraphs: [
          p.message ?? '',
          'Import more codes with recallkit giftcards import, or in the console.',
        ],
        action: 'Open fulfilment',
      }),
    },
  },
  'zh-CN': {
    greeting: (name) => `${name}，您好：`,
    signature: (brand) => (brand ? `${brand} 召回团队` : '召回团队'),
    support: (brand, contacts) => `有疑问？请联系 ${brand}：${contacts}`,
    followLink: '查看您的申请',
    unsubscribe: '不再接收召回邮件',
    templates: {
      claim_started: (p) => ({
        subject: `您的申请编号 ${p.code}`,
        paragraphs: [
          `您已开始针对"${p.recall}"召回的申请。您的申请编号是 ${p.code}。`,
          '请保留此邮件：在提交之前，邮件中的链接可以带您回到申请，编号不变。未完成的申请会在几天后删除。',
        ],
        action: '完成申请',
      }),
      claim_received: (p) => ({
        subject: `我们已收到您的申请 ${p.code}`,
        paragraphs: [
          `我们已收到您针对"${p.recall}"召回的申请 ${p.code}。`,
          '您可以通过私人链接查看进度并回复我们的问题（请勿分享）。在此期间请勿使用该产品。',
        ],
      }),
      claim_link: (p) => ({
        subject: `您的申请 ${p.code}`,
        paragraphs: [
          `有人（可能是您）申请了"${p.recall}"召回申请 ${p.code} 的链接。链接如下；您已有的链接仍然有效。`,
        ],
      }),
      info_needed: (p) => ({
        subject: `您的申请 ${p.code} 需要补充材料`,
        paragraphs: [`为继续处理您的申请 ${p.code}，我们需要您提供：`, p.message ?? ''],
        action: '提交材料',
      }),
      approved: (p) => ({
        subject: `您的申请 ${p.code} 已获批准`,
        paragraphs: [`您针对"${p.recall}"召回的申请 ${p.code} 已获批准。`],
      }),
      rejected: (p) => ({
        subject: `您的申请 ${p.code} 未获批准`,
        paragraphs: [`很抱歉，您的申请 ${p.code} 未获批准：`, p.message ?? ''],
      }),
      remedy_sent: (p) => ({
        subject: `您的申请 ${p.code} 的补救措施`,
        paragraphs: [p.message ?? ''],
      }),
      notice: (p) => ({
        subject: `安全召回：${p.recall}`,
        paragraphs: [
          `我们的记录显示，您购买的产品属于"${p.recall}"召回范围${p.unit ? `（${p.unit}）` : ''}。`,
          p.hazard ?? '',
          '请立即停止使用。请按以下步骤操作：',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
          '点击下方按钮即可核对您的产品并开始申请。此链接仅供您本人使用。',
        ],
        action: '核对您的产品',
      }),
      notice_reminder: (p) => ({
        subject: `提醒：安全召回 ${p.recall}`,
        paragraphs: [
          `我们曾就"${p.recall}"召回${p.unit ? `（${p.unit}）` : ''}致函给您，但尚未收到您的回复。如果您仍持有该产品，请停止使用。`,
          p.hazard ?? '',
          '请按以下步骤操作：',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
        ],
        action: '核对您的产品',
      }),
      pool_low: (p) => ({
        subject: `礼品卡库存不足：${p.recall}`,
        paragraphs: [p.message ?? '', '请使用 recallkit giftcards import 或在控制台中导入更多代码。'],
        action: '打开履约页面',
      }),
    },
  },
  es: {
    greeting: (name) => `Hola, ${name}:`,
    signature: (brand) => (brand ? `El equipo de retiradas de ${brand}` : 'El equipo de retiradas'),
    support: (brand, contacts) => `¿Preguntas? Contacte con ${brand}: ${contacts}`,
    followLink: 'Abrir su reclamación',
    unsubscribe: 'No recibir más correos de esta retirada',
    templates: {
      claim_started: (p) => ({
        subject: `Su código de reclamación ${p.code}`,
        paragraphs: [
          `Ha iniciado una reclamación de la retirada "${p.recall}". Su código de reclamación es ${p.code}.`,
          'Guarde este correo: su enlace le devuelve a su reclamación, con el mismo código, hasta que la envíe. Las reclamaciones sin terminar se borran a los pocos días.',
        ],
        action: 'Terminar su reclamación',
      }),
      claim_received: (p) => ({
        subject: `Hemos recibido su reclamación ${p.code}`,
        paragraphs: [
          `Hemos recibido su reclamación ${p.code} de la retirada "${p.recall}".`,
          'Sígala, y respóndanos si necesitamos algo, en su enlace privado (no lo comparta). Mientras tanto, no use el producto.',
        ],
      }),
      claim_link: (p) => ({
        subject: `Su reclamación ${p.code}`,
        paragraphs: [
          `Alguien (probablemente usted) pidió el enlace de su reclamación ${p.code} de la retirada "${p.recall}". Aquí lo tiene; los enlaces que ya tiene siguen funcionando.`,
        ],
      }),
      info_needed: (p) => ({
        subject: `Necesitamos algo más para su reclamación ${p.code}`,
        paragraphs: [`Para seguir con su reclamación ${p.code} necesitamos lo siguiente:`, p.message ?? ''],
        action: 'Enviarlo',
      }),
      approved: (p) => ({
        subject: `Su reclamación ${p.code} está aprobada`,
        paragraphs: [`Su reclamación ${p.code} de la retirada "${p.recall}" está aprobada.`],
      }),
      rejected: (p) => ({
        subject: `No hemos podido aprobar su reclamación ${p.code}`,
        paragraphs: [`No hemos podido aprobar su reclamación ${p.code}:`, p.message ?? ''],
      }),
      remedy_sent: (p) => ({
        subject: `Su compensación de la reclamación ${p.code}`,
        paragraphs: [p.message ?? ''],
      }),
      notice: (p) => ({
        subject: `Retirada por seguridad: ${p.recall}`,
        paragraphs: [
          `Según nuestros registros, usted compró un producto afectado por la retirada "${p.recall}"${p.unit ? ` (${p.unit})` : ''}.`,
          p.hazard ?? '',
          'Deje de usarlo ahora. Qué hacer:',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
          'El botón de abajo comprueba su unidad e inicia su reclamación. El enlace es solo para usted.',
        ],
        action: 'Comprobar su unidad',
      }),
      notice_reminder: (p) => ({
        subject: `Recordatorio: retirada por seguridad ${p.recall}`,
        paragraphs: [
          `Le escribimos sobre la retirada "${p.recall}"${p.unit ? ` (${p.unit})` : ''} y no hemos sabido de usted. Si aún tiene el producto, deje de usarlo.`,
          p.hazard ?? '',
          'Qué hacer:',
          (p.steps ?? []).map((step, i) => `${i + 1}. ${step}`).join('\n'),
        ],
        action: 'Comprobar su unidad',
      }),
      pool_low: (p) => ({
        subject: `Quedan pocas tarjetas regalo: ${p.recall}`,
        paragraphs: [p.message ?? '', 'Importe más códigos con recallkit giftcards import o en la consola.'],
        action: 'Abrir distribución',
      }),
    },
  },
};

/** The campaign's brand as e-mails use it (none: the e-mail is plain Recallkit). */
export function mailBrand(definition: Pick<CampaignDefinition, 'brand'>): MailBrand | undefined {
  const brand = definition.brand;
  if (!brand) return undefined;
  return {
    name: brand.name,
    logoText: brand.logoText ?? brand.name,
    colour: brand.colour,
    support: { email: brand.support.email, phone: brand.support.phone, url: brand.support.url },
  };
}

export function renderMail(template: MailTemplate, language: Language, params: MailParams): MailContent {
  const words = WORDS[language];
  const moment = words.templates[template](params);
  const brand = params.brand;
  const contacts = brand
    ? [brand.support.email, brand.support.phone, brand.support.url].filter(Boolean).join(' · ')
    : '';
  return {
    template,
    subject: moment.subject,
    greeting: words.greeting(params.name),
    paragraphs: moment.paragraphs.filter((paragraph) => paragraph.trim() !== ''),
    action: params.statusUrl ? { label: moment.action ?? words.followLink, url: params.statusUrl } : null,
    signature: words.signature(brand?.name ?? null),
    support: brand && contacts ? words.support(brand.name, contacts) : null,
    brand: brand ? { logoText: brand.logoText, colour: brand.colour } : null,
    unsubscribe: params.unsubscribeUrl ? { label: words.unsubscribe, url: params.unsubscribeUrl } : null,
  };
}

/**
 * Moments queued for one claim within seconds of each other (received, approved, gift card sent)
 * as one e-mail: every moment's paragraphs in order, under the newest moment's subject and link.
 */
export function mergeMail(contents: readonly MailContent[]): MailContent {
  const newest = contents[contents.length - 1] as MailContent;
  // "Finish your claim" is stale once a later moment exists: the claim was sent.
  const current = contents.filter((content) => content === newest || content.template !== 'claim_started');
  return { ...newest, paragraphs: current.flatMap((content) => content.paragraphs) };
}

export function mailText(content: MailContent): string {
  const parts = [content.greeting, ...content.paragraphs];
  if (content.action) parts.push(`${content.action.label}:\n${content.action.url}`);
  parts.push(content.signature);
  if (content.support) parts.push(content.support);
  if (content.unsubscribe) parts.push(`${content.unsubscribe.label}: ${content.unsubscribe.url}`);
  return `${parts.join('\n\n')}\n`;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

/** The HTML part: a single column with inline styles, which every mail client renders alike. */
export function mailHtml(content: MailContent, language: Language): string {
  const paragraph = (text: string) =>
    `<p style="margin:0 0 16px">${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
  const band = content.brand
    ? `<div style="background:${content.brand.colour};color:${inkOn(content.brand.colour)};padding:12px 20px;font-weight:800;font-size:20px;letter-spacing:2px">${escapeHtml(content.brand.logoText)}</div>`
    : '';
  const button = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#1a1d21;color:#ffffff;padding:12px 20px;border-radius:8px;font-weight:700;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`
    : '';
  return [
    '<!doctype html>',
    `<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`,
    `<title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;background:#f5f6f8;font-family:system-ui,-apple-system,Segoe UI,Roboto,Noto Sans,sans-serif;color:#1a1d21;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff">',
    band,
    '<div style="padding:20px">',
    paragraph(content.greeting),
    ...content.paragraphs.map(paragraph),
    button,
    paragraph(content.signature),
    content.support
      ? `<p style="margin:0;color:#545b66;font-size:14px">${escapeHtml(content.support)}</p>`
      : '',
    content.unsubscribe
      ? `<p style="margin:16px 0 0;font-size:13px"><a href="${escapeHtml(content.unsubscribe.url)}" style="color:#545b66">${escapeHtml(content.unsubscribe.label)}</a></p>`
      : '',
    '</div></div></body></html>',
  ].join('');
}
