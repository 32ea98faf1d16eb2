/**
 * English terms of the queue features the visitor meets only sometimes:
 * the offline form and callbacks. A separate file so that they load with
 * those parts, not in the chat's first bundle.
 */
const enQueue = {
  $code: 'en',
  $name: 'English',

  offlineClosed: (label: string) => `${label} is closed right now.`,
  offlineOpensAt: (when: string) => `We open again ${when}.`,
  offlineUnstaffed: (label: string) => `Nobody from ${label} is available right now.`,
  // Without a queue's name.
  offlineClosedNoName: 'We are closed right now.',
  offlineUnstaffedNoName: 'Nobody is available right now.',
  offlineIntro: 'Leave a message and we will get back to you.',
  offlineName: 'Your name',
  offlineContact: 'Email or phone number',
  offlineMessage: 'Your message',
  offlineSend: 'Send message',
  offlineSending: 'Sending…',
  offlineSent: (name: string) => `Thank you, ${name}. Your message is with us; we will get back to you as soon as we open.`,
  offlineSentUnstaffed: (name: string) => `Thank you, ${name}. Your message is with us; we will get back to you as soon as someone is available.`,
  offlineFailed: 'Your message could not be sent. Please try again.',
  // The server's refusals, by their code (the server's own words are English, for logs).
  offlineContactInvalid: 'Please enter an email address or a phone number.',
  rateLimited: (seconds: number) => `Too many attempts. Please try again in ${seconds} s.`,
  callbackOffer: 'Call me back instead',
  callbackPhoneLabel: 'Phone number, in case you have left the site (optional)',
  callbackConfirm: 'Call me back',
  callbackWaiting: 'We will call you back here when it is your turn. You can keep browsing; keep this site open in a tab.',
  callbackRinging: (name: string) => (name ? `${name} is calling you back` : 'We are calling you back'),
  callbackAnswer: 'Answer',
  callbackDecline: 'Not now',
  callbackCancel: 'Cancel the callback',
  callbackDone: 'We have called you back. Thank you for waiting.',
  callbackCancelled: 'Your callback is cancelled.',
  callbackClosed: 'We could not reach you. Write to us in the chat, or call again.',
  callbackFailed: 'The callback could not be arranged. Please try again.',
  callbackPhoneInvalid: 'Please enter a valid phone number.',
  callbackAlready: 'A callback is already arranged for you.',
  transferring: 'Transferring your call. Please stay on the line…',
};

export default enQueue;

/** The queue terms and their shapes. */
export type QueueTerms = typeof enQueue;
