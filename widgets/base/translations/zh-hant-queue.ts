/** Traditional Chinese terms of the queue features (offline form, callbacks); see en-queue.ts. */
import type { QueueTerms } from './en-queue.js';

const zhHantQueue = {
  $code: 'zh-Hant',
  $name: '繁體中文',

  offlineClosed: (label: string) => `${label}目前非服務時間。`,
  offlineOpensAt: (when: string) => `我們將於${when}恢復服務。`,
  offlineUnstaffed: (label: string) => `${label}目前沒有客服人員可以服務。`,
  offlineClosedNoName: '我們目前非服務時間。',
  offlineUnstaffedNoName: '目前沒有客服人員可以服務。',
  offlineIntro: '請留言，我們會盡快回覆您。',
  offlineName: '您的姓名',
  offlineContact: '電子郵件或電話號碼',
  offlineMessage: '留言內容',
  offlineSend: '送出留言',
  offlineSending: '傳送中…',
  offlineSent: (name: string) => `謝謝您，${name}！我們已收到您的留言，恢復服務後會盡快回覆您。`,
  offlineSentUnstaffed: (name: string) => `謝謝您，${name}！我們已收到您的留言，客服人員有空時會盡快回覆您。`,
  offlineFailed: '留言傳送失敗，請再試一次。',
  offlineContactInvalid: '請輸入有效的電子郵件地址或電話號碼。',
  rateLimited: (seconds: number) => `嘗試次數過多，請於 ${seconds} 秒後再試一次。`,
  callbackOffer: '改為預約回電',
  callbackPhoneLabel: '電話號碼（選填，若您已離開網站，我們會撥打這個號碼）',
  callbackConfirm: '請回電給我',
  callbackWaiting: '輪到您時，我們會在這裡回電給您。您可以繼續瀏覽，但請不要關閉本網站的分頁。',
  callbackRinging: (name: string) => (name ? `${name}正在回電給您` : '我們正在回電給您'),
  callbackAnswer: '接聽',
  callbackDecline: '暫不接聽',
  callbackCancel: '取消回電',
  callbackDone: '我們已回電給您，感謝您耐心等候。',
  callbackCancelled: '回電已取消。',
  callbackClosed: '我們未能聯絡上您。請透過線上諮詢傳訊息給我們，或重新來電。',
  callbackFailed: '無法預約回電，請再試一次。',
  callbackPhoneInvalid: '請輸入有效的電話號碼。',
  callbackAlready: '您已經預約過回電。',
  transferring: '正在為您轉接，請勿掛斷…',
} satisfies QueueTerms;

export default zhHantQueue;
