import type { Language } from '../../../shared/languages.ts';

/** The e-mails a claimant gets. Each is plain text: it reads the same in every mail client. */
export type MailTemplate =
  | 'claim_received'
  | 'claim_link'
  | 'info_needed'
  | 'approved'
  | 'rejected'
  | 'remedy_sent'
  | 'pool_low';

export interface MailParams {
  name: string;
  code: string;
  statusUrl: string;
  recall: string;
  message?: string;
}

type Render = (p: MailParams) => { subject: string; body: string };

const TEMPLATES: Record<Language, Record<MailTemplate, Render>> = {
  en: {
    claim_received: (p) => ({
      subject: `We received your claim ${p.code}`,
      body: `Hello ${p.name},\n\nWe received your claim ${p.code} for the recall "${p.recall}".\n\nFollow it, and answer us if we need anything, at this private link (keep it to yourself):\n${p.statusUrl}\n\nPlease do not use the product in the meantime.\n`,
    }),
    claim_link: (p) => ({
      subject: `Your claim ${p.code}`,
      body: `Hello ${p.name},\n\nSomeone (probably you) asked for the link to your claim ${p.code} for the recall "${p.recall}":\n${p.statusUrl}\n\nEarlier links to this claim no longer work.\n`,
    }),
    info_needed: (p) => ({
      subject: `We need something more for your claim ${p.code}`,
      body: `Hello ${p.name},\n\nTo go on with your claim ${p.code} we need this from you:\n\n${p.message ?? ''}\n\nYou can send it here:\n${p.statusUrl}\n`,
    }),
    approved: (p) => ({
      subject: `Your claim ${p.code} is approved`,
      body: `Hello ${p.name},\n\nYour claim ${p.code} for the recall "${p.recall}" is approved. We will let you know when your remedy is on its way.\n\n${p.statusUrl}\n`,
    }),
    rejected: (p) => ({
      subject: `Your claim ${p.code} could not be approved`,
      body: `Hello ${p.name},\n\nWe could not approve your claim ${p.code}:\n\n${p.message ?? ''}\n\nDetails: ${p.statusUrl}\n`,
    }),
    remedy_sent: (p) => ({
      subject: `Your remedy for claim ${p.code} is on its way`,
      body: `Hello ${p.name},\n\n${p.message ?? ''}\n\n${p.statusUrl}\n`,
    }),
    pool_low: (p) => ({
      subject: `Gift card pool running low: ${p.recall}`,
      body: `Hello ${p.name},\n\n${p.message ?? ''}\n\nImport more codes with recallkit giftcards import, or in the console:\n${p.statusUrl}\n`,
    }),
  },
  'zh-CN': {
    claim_received: (p) => ({
      subject: `我们已收到您的申请 ${p.code}`,
      body: `${p.name}，您好：\n\n我们已收到您针对"${p.recall}"召回的申请 ${p.code}。\n\n您可以通过以下私人链接查看进度并回复我们的问题（请勿分享）：\n${p.statusUrl}\n\n在此期间请勿使用该产品。\n`,
    }),
    claim_link: (p) => ({
      subject: `您的申请 ${p.code}`,
      body: `${p.name}，您好：\n\n有人（可能是您）申请了"${p.recall}"召回申请 ${p.code} 的链接：\n${p.statusUrl}\n\n该申请之前的链接已失效。\n`,
    }),
    info_needed: (p) => ({
      subject: `您的申请 ${p.code} 需要补充材料`,
      body: `${p.name}，您好：\n\n为继续处理您的申请 ${p.code}，我们需要您提供：\n\n${p.message ?? ''}\n\n请在此提交：\n${p.statusUrl}\n`,
    }),
    approved: (p) => ({
      subject: `您的申请 ${p.code} 已获批准`,
      body: `${p.name}，您好：\n\n您针对"${p.recall}"召回的申请 ${p.code} 已获批准。补救措施发出后我们会通知您。\n\n${p.statusUrl}\n`,
    }),
    rejected: (p) => ({
      subject: `您的申请 ${p.code} 未获批准`,
      body: `${p.name}，您好：\n\n很抱歉，您的申请 ${p.code} 未获批准：\n\n${p.message ?? ''}\n\n详情：${p.statusUrl}\n`,
    }),
    remedy_sent: (p) => ({
      subject: `您的申请 ${p.code} 的补救措施已发出`,
      body: `${p.name}，您好：\n\n${p.message ?? ''}\n\n${p.statusUrl}\n`,
    }),
    pool_low: (p) => ({
      subject: `礼品卡库存不足：${p.recall}`,
      body: `${p.name}，您好：\n\n${p.message ?? ''}\n\n请使用 recallkit giftcards import 或在控制台中导入更多代码：\n${p.statusUrl}\n`,
    }),
  },
  es: {
    claim_received: (p) => ({
      subject: `Hemos recibido su reclamación ${p.code}`,
      body: `Hola, ${p.name}:\n\nHemos recibido su reclamación ${p.code} de la retirada "${p.recall}".\n\nSígala, y respóndanos si necesitamos algo, en este enlace privado (no lo comparta):\n${p.statusUrl}\n\nMientras tanto, no use el producto.\n`,
    }),
    claim_link: (p) => ({
      subject: `Su reclamación ${p.code}`,
      body: `Hola, ${p.name}:\n\nAlguien (probablemente usted) pidió el enlace de su reclamación ${p.code} de la retirada "${p.recall}":\n${p.statusUrl}\n\nLos enlaces anteriores a esta reclamación ya no funcionan.\n`,
    }),
    info_needed: (p) => ({
      subject: `Necesitamos algo más para su reclamación ${p.code}`,
      body: `Hola, ${p.name}:\n\nPara seguir con su reclamación ${p.code} necesitamos lo siguiente:\n\n${p.message ?? ''}\n\nPuede enviarlo aquí:\n${p.statusUrl}\n`,
    }),
    approved: (p) => ({
      subject: `Su reclamación ${p.code} está aprobada`,
      body: `Hola, ${p.name}:\n\nSu reclamación ${p.code} de la retirada "${p.recall}" está aprobada. Le avisaremos cuando su compensación esté en camino.\n\n${p.statusUrl}\n`,
    }),
    rejected: (p) => ({
      subject: `No hemos podido aprobar su reclamación ${p.code}`,
      body: `Hola, ${p.name}:\n\nNo hemos podido aprobar su reclamación ${p.code}:\n\n${p.message ?? ''}\n\nDetalles: ${p.statusUrl}\n`,
    }),
    remedy_sent: (p) => ({
      subject: `Su compensación de la reclamación ${p.code} está en camino`,
      body: `Hola, ${p.name}:\n\n${p.message ?? ''}\n\n${p.statusUrl}\n`,
    }),
    pool_low: (p) => ({
      subject: `Quedan pocas tarjetas regalo: ${p.recall}`,
      body: `Hola, ${p.name}:\n\n${p.message ?? ''}\n\nImporte más códigos con recallkit giftcards import o en la consola:\n${p.statusUrl}\n`,
    }),
  },
};

export function renderMail(template: MailTemplate, language: Language, params: MailParams) {
  return TEMPLATES[language][template](params);
}
