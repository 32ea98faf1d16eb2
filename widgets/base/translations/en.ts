/** English terms of the visitor's widgets (and the message list both sides share); the fallback for other languages. */
const en = {
  $code: 'en',
  $name: 'English',

  chat: 'Chat',
  openChat: 'Chat with us',
  openChatUnread: (n: number) => `Chat with us, ${n} unread`,
  closeChat: 'Close chat',
  chatTitle: 'Chat with us',
  messages: 'Messages',
  showEarlier: 'Show earlier messages',
  message: 'Message',
  send: 'Send',
  placeholder: 'Write a message…',
  statusNew: 'Ask us anything. We usually reply in a few minutes.',
  statusWaiting: 'Waiting for an agent…',
  statusNoAgents: 'No one is available right now. Leave your message and we will reply here.',
  queuePlace: (position: number, minutes: number) =>
    `${position === 1 ? 'You are next' : `You are number ${position} in line`}${minutes ? `, about ${minutes} min` : ''}.`,
  statusActive: (name: string) => `You are chatting with ${name}.`,
  statusClosed: 'This chat has ended. Write again to reopen it.',
  slowDown: (seconds: number) => `You are writing very fast. Your message goes in ${seconds} s.`,
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Connection lost. Your messages are kept and sent when it is back.',
  retry: 'Retry',
  typing: (name: string) => `${name} is typing…`,
  visitorTyping: 'The visitor is typing…',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  you: 'You',
  visitor: 'Visitor',
  agentJoined: (name: string) => `${name} joined the chat.`,
  chatClosed: (name: string) => `${name} ended the chat.`,
  messageTooLong: (max: number) => `A message has at most ${max} characters.`,
  errorGeneric: 'Something went wrong. Please try again.',
  // A message the server refused, by the refusal's code (the server's own words are English, for logs).
  messageRefused: 'This message could not be sent.',
  // When no agent's name is known.
  statusActiveNoName: 'An agent is chatting with you.',
  typingNoName: 'The agent is typing…',

};

export default en;

/** The visitor-side terms and their shapes. */
export type VisitorTerms = typeof en;
