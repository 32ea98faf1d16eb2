/** Simplified Chinese terms of the visitor's widgets (and the message list both sides share); see en.ts. */
import type { VisitorTerms } from './en.js';

const zhHans = {
  $code: 'zh-Hans',
  $name: '简体中文',

  chat: '在线咨询',
  openChat: '在线咨询',
  openChatUnread: (n: number) => `在线咨询，${n} 条未读消息`,
  closeChat: '关闭聊天窗口',
  chatTitle: '在线咨询',
  messages: '消息',
  showEarlier: '显示更早的消息',
  message: '消息',
  send: '发送',
  placeholder: '输入消息…',
  statusNew: '有任何问题都可以问我们，我们通常几分钟内就会回复。',
  statusWaiting: '正在等待客服…',
  statusNoAgents: '目前没有客服在线。请先留言，我们会在这里回复您。',
  queuePlace: (position: number, minutes: number) =>
    `${position === 1 ? '下一位就是您' : `您排在第 ${position} 位`}${minutes ? `，预计等待约 ${minutes} 分钟` : ''}。`,
  statusActive: (name: string) => `您正在与${name}对话。`,
  statusClosed: '本次对话已结束。如需继续，请再次发送消息。',
  slowDown: (seconds: number) => `您发送得太快了，消息将在 ${seconds} 秒后发出。`,
  connecting: '连接中…',
  reconnecting: '重新连接中…',
  offline: '连接已断开。您的消息已保存，恢复连接后会自动发送。',
  retry: '重试',
  typing: (name: string) => `${name}正在输入…`,
  visitorTyping: '访客正在输入…',
  sending: '发送中',
  sent: '已发送',
  delivered: '已送达',
  read: '已读',
  you: '我',
  visitor: '访客',
  agentJoined: (name: string) => `${name}已加入对话。`,
  chatClosed: (name: string) => `${name}结束了对话。`,
  messageTooLong: (max: number) => `每条消息最多 ${max} 个字。`,
  errorGeneric: '出了点问题，请重试。',
  messageRefused: '这条消息无法发送。',
  statusActiveNoName: '客服正在为您服务。',
  typingNoName: '客服正在输入…',
} satisfies VisitorTerms;

export default zhHans;
