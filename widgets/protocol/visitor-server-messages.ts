/**
 * Frames the server sends to a visitor's browser, and the check the chat
 * client runs on each before acting on it.
 *
 * This side is checked by a small hand-written guard rather than a valibot
 * schema: it runs in every visitor's browser, where each kilobyte counts
 * (the loader plus chat must stay under 20 KB gzipped). The server's tests
 * run the same guard over everything the server sends.
 */
import type { ChatMessage, ErrorFrame, Receipt } from './wire-common.js';
import type { MessagePage } from './message-pages.js';

/**
 * What the visitor is told about their conversation:
 * - `new`: nothing written yet;
 * - `waiting`: in the queue, no agent has taken it yet;
 * - `active`: an agent has it;
 * - `closed`: ended; writing again reopens it.
 */
export type VisitorStatus = 'new' | 'waiting' | 'active' | 'closed';

export interface StatusFrame {
  type: 'status';
  status: VisitorStatus;
  /** Name of the agent in the conversation, when there is one. */
  agent?: string;
  /** Whether any agent is signed in and available right now. */
  agentsAvailable: boolean;
  /** While waiting: the place in the queue (1 = next) and the estimated wait. */
  position?: number;
  waitSeconds?: number;
}

export interface WelcomeFrame {
  type: 'welcome';
  interactionId: string;
  /** The newest messages after the hello's `since`, at most MESSAGE_PAGE, oldest first. */
  messages: ChatMessage[];
  /** Messages after `since` older than these were left out (message-pages.ts). Missing from a server of before paging: false. */
  more?: boolean;
  /** How far the agent has received and read the visitor's messages. */
  receipt: Receipt;
  /** How far this visitor has read the agent's messages (for the unread count after a reload). */
  readUpTo: number;
  messageLimit: number;
  /** The site's default language (`sites[].language`), for a visitor whose page and browser name none the widgets speak. */
  language?: string;
}

/** The answer to `history`: the page asked for, with its range as the server read it. */
export interface HistoryFrame extends MessagePage {
  type: 'history';
  after: number;
  before?: number;
}

export type VisitorServerMessage =
  | WelcomeFrame
  | HistoryFrame
  | StatusFrame
  | { type: 'ack'; cid: string; seq: number; at: number }
  | { type: 'message'; message: ChatMessage }
  | { type: 'typing'; active: boolean; name?: string }
  | ({ type: 'receipt' } & Receipt)
  | ErrorFrame;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): x is string => typeof x === 'string';
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const seq = (x: unknown) => num(x) && Number.isInteger(x) && x >= 0;
const opt = (x: unknown, check: (x: unknown) => boolean) => x === undefined || check(x);
const receipt = (x: Obj) => seq(x.delivered) && seq(x.read);

export const isChatMessage = (m: unknown): m is ChatMessage =>
  isObj(m) &&
  seq(m.seq) &&
  str(m.text) &&
  num(m.at) &&
  ['visitor', 'agent', 'system'].includes(m.from as string) &&
  opt(m.cid, str) &&
  opt(m.author, str) &&
  opt(m.attachment, isObj) &&
  opt(m.event, (e) => e === 'agent-joined' || e === 'chat-closed' || e === 'chat-transferred');

// `more` may be missing: a server from before transcript pages (a rolling deploy) sends every message and no flag.
const page = (f: Obj) => Array.isArray(f.messages) && f.messages.every(isChatMessage) && opt(f.more, (m) => typeof m === 'boolean');

const CHECKS: { [K in VisitorServerMessage['type']]: (f: Obj) => boolean } = {
  welcome: (f) =>
    str(f.interactionId) &&
    page(f) &&
    isObj(f.receipt) &&
    receipt(f.receipt) &&
    seq(f.readUpTo) &&
    num(f.messageLimit) &&
    opt(f.language, str),
  history: (f) => page(f) && seq(f.after) && opt(f.before, seq),
  status: (f) =>
    ['new', 'waiting', 'active', 'closed'].includes(f.status as string) &&
    typeof f.agentsAvailable === 'boolean' &&
    opt(f.agent, str) &&
    opt(f.position, seq) &&
    opt(f.waitSeconds, seq),
  ack: (f) => str(f.cid) && seq(f.seq) && num(f.at),
  message: (f) => isChatMessage(f.message),
  typing: (f) => typeof f.active === 'boolean' && opt(f.name, str),
  receipt,
  error: (f) => str(f.code) && str(f.message) && opt(f.cid, str) && opt(f.interactionId, str) && opt(f.retryAfter, num) && opt(f.limit, num),
};

/** The frame, if it is one the visitor's client understands; otherwise undefined. */
export function parseVisitorServerMessage(raw: unknown): VisitorServerMessage | undefined {
  if (!isObj(raw) || !str(raw.type) || !Object.hasOwn(CHECKS, raw.type)) return undefined;
  return CHECKS[raw.type as VisitorServerMessage['type']](raw) ? (raw as unknown as VisitorServerMessage) : undefined;
}
