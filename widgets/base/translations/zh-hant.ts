/** Traditional Chinese terms of the visitor's widgets (and the message list both sides share); see en.ts. */
import type { VisitorTerms } from './en.js';

const zhHant = {
  $code: 'zh-Hant',
  $name: '繁體中文',

  chat: '線上諮詢',
  openChat: '線上諮詢',
  openChatUnread: (n: number) => `線上諮詢，${n} 則未讀訊息`,
  closeChat: '關閉聊天視窗',
  chatTitle: '線上諮詢',
  messages: '訊息',
  showEarlier: '顯示較早的訊息',
  message: '訊息',
  send: '傳送',
  placeholder: '輸入訊息…',
  statusNew: '有任何問題都歡迎詢問，我們通常會在幾分鐘內回覆。',
  statusWaiting: '正在等候客服人員…',
  statusNoAgents: '目前沒有客服人員上線。請先留言，我們會在這裡回覆您。',
  queuePlace: (position: number, minutes: number) =>
    `${position === 1 ? '下一位就是您' : `您目前排在第 ${position} 位`}${minutes ? `，預計約需等候 ${minutes} 分鐘` : ''}。`,
  statusActive: (name: string) => `您正在與${name}對話。`,
  statusClosed: '本次對話已結束。如需繼續，請再傳送訊息。',
  slowDown: (seconds: number) => `您傳送得太快了，訊息將在 ${seconds} 秒後送出。`,
  connecting: '連線中…',
  reconnecting: '重新連線中…',
  offline: '連線已中斷。您的訊息已保留，恢復連線後會自動傳送。',
  retry: '重試',
  typing: (name: string) => `${name}正在輸入…`,
  visitorTyping: '訪客正在輸入…',
  sending: '傳送中',
  sent: '已傳送',
  delivered: '已送達',
  read: '已讀',
  you: '我',
  visitor: '訪客',
  agentJoined: (name: string) => `${name}已加入對話。`,
  chatClosed: (name: string) => `${name}已結束對話。`,
  messageTooLong: (max: number) => `每則訊息最多 ${max} 個字。`,
  errorGeneric: '發生錯誤，請再試一次。',
  messageRefused: '這則訊息無法傳送。',
  statusActiveNoName: '客服人員正在為您服務。',
  typingNoName: '客服人員正在輸入…',
} satisfies VisitorTerms;

export default zhHant;
