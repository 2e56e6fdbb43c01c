import type { Messages } from './en.ts';

export const zhCN: Messages = {
  errors: {
    invalid_request: '请求无效：{{details}}',
    not_found: '此处没有内容。',
    campaign_not_found: '没有该名称的召回。',
    query_empty: '请输入要查询的序列号（或型号）。',
    serial_empty: '请输入印在产品上的序列号。',
    serial_too_long: '序列号过长。序列号最多由 40 个字母和数字组成。',
    serial_invalid_characters: '序列号只包含字母和数字，请检查您的输入。',
    model_invalid: '这不是有效的型号。型号形如 A1263。',
    country_invalid: '国家/地区须为两个字母的代码，例如 CN。',
    batch_empty: '请至少发送一个序列号。',
    batch_too_large: '每次请求最多 {{max}} 个序列号，您发送了 {{count}} 个。',
    rate_limited: '请求过于频繁，请等待 {{seconds}} 秒后重试。',
    body_too_large: '请求过大。',
    unsupported_media_type: '请以 JSON 格式发送请求（Content-Type: application/json）。',
    malformed_json: '请求内容不是有效的 JSON。',
    method_not_allowed: '此处不允许该请求方法。',
    unavailable: '服务正在启动或繁忙，请稍后重试。',
    internal: '我们这边出了点问题，请重试；如果问题持续，请联系客服。',
  },
  lookup: {
    affected: '您的产品属于召回范围。请立即停止使用。',
    affected_model: '型号 {{model}} 已被召回。请立即停止使用。',
    not_affected: '该序列号不在我们处理的任何召回范围内。',
    did_you_mean:
      '未找到 {{serial}}，但有一个仅相差一个易混淆字符的序列号属于召回范围。请核对标签：您是否要输入 {{suggestion}}？',
    claims_closed: '该召回的申请已关闭。',
    start_claim: '提交申请',
  },
};
