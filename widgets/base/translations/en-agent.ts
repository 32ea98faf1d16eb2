/**
 * English terms of the agent's console and the context card: a separate file
 * so that none of it is in the visitor's bundle. Components that use them
 * pass this pack to their Localize controller.
 */
const enAgent = {
  $code: 'en',
  $name: 'English',

  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  username: 'Username',
  password: 'Password',
  agentConsole: 'Agent console',
  presence: 'Status',
  available: 'Available',
  away: 'Away',
  incoming: 'Incoming requests',
  noneWaiting: 'No one is waiting.',
  awayHint: 'You are away: set your status to Available to receive chats.',
  newChatRequest: (who: string) => `New chat request from ${who}`,
  accept: 'Accept',
  decline: 'Decline',
  chats: 'Chats',
  noChats: 'No active chats.',
  endChat: 'End chat',
  visitorOnline: 'On the site',
  visitorLeft: 'Left the site',
  unread: (n: number) => `${n} unread`,
  sessionEnded: 'Your session has ended. Sign in again.',

  customerContext: 'Customer context',
  identity: 'Visitor',
  anonymousVisitor: 'Anonymous visitor',
  verified: 'Verified',
  notVerified: 'Not verified',
  currentPage: 'Current page',
  journey: 'Journey',
  cart: 'Cart',
  cartEmpty: 'The cart is empty.',
  item: 'Item',
  quantity: 'Qty',
  price: 'Price',
  total: 'Total',
  viewedProduct: 'Viewed product',
  steps: 'Tried on their own',
  topic: 'Topic',
  locale: 'Language and time zone',
  device: 'Device',
  location: 'Location',
  customFields: 'Other details',
  referrer: 'Came from',
};

export default enAgent;

/** The agent-side terms and their shapes. */
export type AgentTerms = typeof enAgent;
