/**
 * English terms of the call widget: a separate file so that none of it is
 * in the chat's bundle. The call component passes it to its Localize.
 */
const enCall = {
  $code: 'en',
  $name: 'English',

  callUs: 'Call us',
  callTitle: 'Call us',
  closeCall: 'Close',
  chooseTopic: 'What is your call about?',
  // A topic's hint when it takes no call now: closed (business hours), or open with nobody signed in.
  leaveMessageHint: 'Closed now: leave a message',
  unstaffedHint: 'Nobody is available right now: leave a message',
  micPrompt: 'Allow the microphone when your browser asks, so that we can hear you.',
  micDenied: 'The microphone is blocked, so we cannot hear you. Allow it in your browser’s site settings and try again, or write to us in the chat.',
  noMic: 'No microphone was found. Connect one and try again, or write to us in the chat.',
  micBusy: 'Another app is using the microphone. Close it and try again.',
  unsupported: 'This browser cannot make calls. Try another browser, or write to us in the chat.',
  serverProblem: 'The call could not be started. Please try again in a moment.',
  back: 'Back',
  tryAgain: 'Try again',
  cancelCall: 'Cancel',
  stateConnecting: 'Connecting…',
  stateWaiting: 'Waiting for an agent…',
  stateRinging: 'Ringing…',
  stateConnected: (name: string) => (name ? `Connected with ${name}` : 'Connected'),
  stateOnHold: 'On hold. Please stay on the line.',
  stateReconnecting: 'Reconnecting…',
  callEnded: 'Call ended',
  endLocal: 'You hung up.',
  endRemote: 'The agent ended the call.',
  endNoAgent: 'No agent is available right now. Please try again later, or write to us in the chat.',
  endBusy: 'All our agents are busy. Please try again in a few minutes.',
  endLost: 'The connection was lost.',
  endFailed: 'The call could not be connected.',
  mute: 'Mute',
  keypad: 'Keypad',
  hangUp: 'Hang up',
  startAudio: 'Turn on sound',
  callAgain: 'Call again',
  callDuration: 'Call duration',
  digitLabel: (digit: string) => `Key ${digit}`,
  leaveEndsCall: 'Leaving this page ends your call.',
};

export default enCall;

/** The call widget's terms and their shapes. */
export type CallTerms = typeof enCall;
