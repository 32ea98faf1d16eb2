/** Simplified Chinese terms of the queue features (offline form, callbacks); see en-queue.ts. */
import type { QueueTerms } from './en-queue.js';

const zhHansQueue = {
  $code: 'zh-Hans',
  $name: '简体中文',

  offlineClosed: (label: string) => `${label}目前不在服务时间。`,
  offlineOpensAt: (when: string) => `我们将于${when}恢复服务。`,
  offlineUnstaffed: (label: string) => `${label}暂时无人接待。`,
  offlineClosedNoName: '我们目前不在服务时间。',
  offlineUnstaffedNoName: '目前暂无客服接待。',
  offlineIntro: '请留言，我们会尽快回复您。',
  offlineName: '您的姓名',
  offlineContact: '邮箱或电话号码',
  offlineMessage: '留言内容',
  offlineSend: '发送留言',
  offlineSending: '发送中…',
  offlineSent: (name: string) => `感谢您，${name}！我们已收到您的留言，恢复服务后会尽快回复您。`,
  offlineSentUnstaffed: (name: string) => `感谢您，${name}！我们已收到您的留言，客服有空后会尽快回复您。`,
  offlineFailed: '留言发送失败，请重试。',
  offlineContactInvalid: '请输入有效的邮箱地址或电话号码。',
  rateLimited: (seconds: number) => `尝试次数过多，请 ${seconds} 秒后重试。`,
  callbackOffer: '改为预约回电',
  callbackPhoneLabel: '电话号码（选填，如果您已离开网站，我们会拨打此号码）',
  callbackConfirm: '请给我回电',
  callbackWaiting: '轮到您时，我们会在这里给您回电。您可以继续浏览，但请不要关闭本网站的标签页。',
  callbackRinging: (name: string) => (name ? `${name}正在给您回电` : '我们正在给您回电'),
  callbackAnswer: '接听',
  callbackDecline: '暂不接听',
  callbackCancel: '取消回电',
  callbackDone: '我们已给您回电，感谢您的耐心等待。',
  callbackCancelled: '回电已取消。',
  callbackClosed: '我们未能联系上您。请通过在线咨询给我们留言，或重新来电。',
  callbackFailed: '回电预约失败，请重试。',
  callbackPhoneInvalid: '请输入有效的电话号码。',
  callbackAlready: '您已预约过回电。',
  transferring: '正在为您转接，请不要挂断…',
} satisfies QueueTerms;

export default zhHansQueue;
