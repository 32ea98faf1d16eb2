/**
 * SIP proxy throughput: INVITE → 200 → ACK → BYE dialogs per second through
 * the embedded proxy (/sip of the built server), and through a real Kamailio
 * (deploy/kamailio/kamailio.cfg) in the same run as the reference, driven by
 * the same load generator: SIP written by hand over WebSocket (`ws`), parsed
 * with a few string operations so that the generator costs little.
 *
 * - M agents' phones, registered: for the embedded proxy accounts created
 *   in its data directory beforehand (AgentAuth.createAgent, what
 *   `npm run agents -- add` does, in process: M CLI runs would cost ~20 s),
 *   signed in over HTTP, REGISTER with the session as bearer token; for
 *   Kamailio credentials minted as Warmline mints them (auth_ephemeral,
 *   digest answered here as in kamailio-policy.test.ts). They answer every
 *   INVITE 200 with a tiny SDP at once, take the ACK and answer the BYE.
 * - K callers, one WebSocket each, placing dialogs back to back (a closed
 *   loop): INVITE, 200, ACK, BYE, 200. Embedded: visitors with conversation
 *   tokens (conversations created over HTTP first) calling the queue
 *   `load`, which any agent serves; the routing engine picks the agent.
 *   Kamailio: visitor credentials for a queue address; so that one INVITE
 *   rings one phone, as through our queue, agent i registers its own queue
 *   address q<i> and caller i calls it (one address for all would fork to
 *   every phone at once). The digest nonce of the first challenge is reused
 *   (Kamailio allows it by default), so Kamailio, like our bearer token,
 *   costs one INVITE per dialog once warm.
 * - The concurrency K ramps (1, 2, 4, … up to M) in steps of a few seconds
 *   until throughput stops growing (two steps under +5 %, from 8 callers
 *   on, or errors over 1 %), then the best concurrency runs once more,
 *   longer: that is the figure. CPU of the server (or Kamailio's processes)
 *   and of the generator is read from /proc around each step.
 *
 * The work differs: our proxy also routes every call through the queue
 * engine (one call per agent at a time), writes the call and its work item
 * to SQLite, and checks a token per INVITE; Kamailio looks the address up
 * in its location table and relays, in-dialog requests along its
 * Record-Route. Kamailio gets 2 GB of shared memory here (below).
 *
 * What limits ours: the server's one thread is busy all the time. Most of
 * it was sip.js's parser, whose generated PEG parser decoded its whole
 * bytecode table on every call (peg$decode in sip.js's grammar.js): about
 * 1.9 ms per INVITE and ~80 dialogs/s. patches/sip.js+0.21.2.patch builds
 * the table once (~0.2-0.6 ms per INVITE, ~220 dialogs/s); what is left is
 * the parser still building its ~800 constants per call, the routing, the
 * SQLite writes and the token check per INVITE. Each run measures the
 * parse once (raw.parseSipInviteMs) and the thread's time on and waiting
 * for a CPU per step.
 *
 * Bounded: each target's ramp is at most 7 steps of 4 s plus 12 s sustained
 * (about 40 s), the whole about 1.5–2 min; --quick: 3 steps of 1.5 s plus
 * 3 s, about 20 s. A hard deadline (5 min, quick 80 s) stops it. The server
 * and Kamailio it starts are stopped on the way out, on errors and on
 * SIGINT/SIGTERM too; its files under bench/results/tmp/ are removed.
 *
 *   node --import tsx bench/sip-load.ts [--quick]
 */
import WebSocket from 'ws';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServerProcess } from '../test/support/e2e.js';
import { kamailioMissing, startKamailio } from '../test/support/kamailio.js';
import { sampleContext } from '../test/support/fixtures.js';
import { openDatabase } from '../signaling/store/database.js';
import { Stores } from '../signaling/store/stores.js';
import { AgentAuth } from '../signaling/auth/agent-auth.js';
import { resolveSecret } from '../signaling/secret.js';
import { systemClock } from '../signaling/clock.js';
import { agentCredentialName, ephemeralCredential, visitorCredentialName, type SipCredential } from '../signaling/sip/sip-credentials.js';
import { parseSip } from '../signaling/sip/sip-message.js';
import { percentile, quick, round, RESULTS_DIR, writeResult, type Row } from './support/result.js';
import { cleanupOnExit } from './support/cleanup.js';

const AGENTS = quick ? 8 : 48;
const LEVELS = (quick ? [1, 4, 8] : [1, 2, 4, 8, 16, 32, 48]).filter((c) => c <= AGENTS);
const STEP_MS = quick ? 1500 : 4000;
/** The ramp goes at least this far whatever the noise says (a shared machine can make 4 callers look slower than 2). */
const MIN_RAMP = 8;
const SUSTAIN_MS = quick ? 3000 : 12_000;
const DEADLINE_MS = quick ? 80_000 : 300_000;
/** A final response that has not come by then is an error (over WebSocket nothing is retransmitted). */
const RESPONSE_TIMEOUT_MS = 5000;
const DOMAIN = 'warmline.invalid';
const QUEUE = 'load';
const PASSWORD = 'bench-password';
/**
 * Kamailio's shared memory. The tests' 64 MB (Debian's default too) runs out
 * within seconds at a thousand dialogs/s or more, and 512 MB at about three
 * thousand: tm keeps every finished transaction for its wait timer (5 s),
 * and answers 500 once the pool is full. Errors in Kamailio's rows saying
 * "500 … server error" are that.
 */
const KAMAILIO_SHM_MB = 2048;

// ── Cleanup: whatever was started is stopped, whatever happens ─────────

const cleanups = cleanupOnExit('sip-load', DEADLINE_MS);

const now = () => performance.now();
const rand = () => randomBytes(6).toString('hex');

// ── SIP, by hand ────────────────────────────────────────────────────────

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', k: 'supported' };

/** Just what the generator needs of a message: start line, headers (raw values, in order), status or method. */
class Msg {
  readonly status: number;
  readonly method: string;
  readonly headers = new Map<string, string[]>();
  readonly start: string;
  constructor(text: string) {
    const end = text.indexOf('\r\n\r\n');
    const lines = (end < 0 ? text : text.slice(0, end)).split('\r\n');
    const start = (this.start = lines[0] ?? '');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const raw = line.slice(0, colon).trim().toLowerCase();
      const name = COMPACT[raw] ?? raw;
      const list = this.headers.get(name);
      const value = line.slice(colon + 1).trim();
      if (list) list.push(value);
      else this.headers.set(name, [value]);
    }
    if (start.startsWith('SIP/2.0 ')) {
      this.status = Number(start.slice(8, 11));
      this.method = (this.one('cseq').split(/\s+/)[1] ?? '').toUpperCase();
    } else {
      this.status = 0;
      this.method = start.slice(0, start.indexOf(' '));
    }
  }
  get isRequest() {
    return this.status === 0;
  }
  one(name: string): string {
    return this.headers.get(name)?.[0] ?? '';
  }
  all(name: string): string[] {
    return this.headers.get(name) ?? [];
  }
  get callId() {
    return this.one('call-id');
  }
  get cseq() {
    return Number(this.one('cseq').split(/\s+/)[0]);
  }
}

/** The URI inside a name-addr: `"X" <sip:a@b;lr>;tag=1` → `sip:a@b;lr`. */
const uriOf = (nameAddr: string) => /<([^>]*)>/.exec(nameAddr)?.[1] ?? nameAddr.split(';')[0]!.trim();

/** Route or Record-Route header values, split into entries (commas outside <>). */
function routeEntries(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    let depth = 0;
    let from = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (c === '<') depth++;
      else if (c === '>') depth--;
      else if (c === ',' && depth === 0) {
        out.push(value.slice(from, i).trim());
        from = i + 1;
      }
    }
    out.push(value.slice(from).trim());
  }
  return out.filter(Boolean);
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** The answer to a digest challenge (RFC 2617 §3.2.2, no qop), as kamailio-policy.test.ts computes it. */
function digest(challenge: { realm: string; nonce: string }, credential: SipCredential, method: string, uri: string): string {
  const { realm, nonce } = challenge;
  const response = md5(`${md5(`${credential.username}:${realm}:${credential.password}`)}:${nonce}:${md5(`${method}:${uri}`)}`);
  return `Digest username="${credential.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
}
const challengeOf = (header: string) => ({ realm: /realm="([^"]*)"/.exec(header)?.[1] ?? '', nonce: /nonce="([^"]*)"/.exec(header)?.[1] ?? '' });

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';

class TimeoutError extends Error {}

/** One SIP-over-WebSocket connection, with waiters for final responses by Call-ID, CSeq and method. */
class Endpoint {
  readonly contactUser = rand();
  readonly contactHost = `${rand()}.invalid`;
  private readonly waiters = new Map<string, { resolve: (m: Msg) => void; timer: NodeJS.Timeout }>();
  onRequest: (m: Msg) => void = () => {};

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = new Msg(String(data));
      if (m.isRequest) return this.onRequest(m);
      if (m.status < 200) return;
      const key = `${m.callId} ${m.cseq} ${m.method}`;
      const waiter = this.waiters.get(key);
      if (!waiter) return;
      this.waiters.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(m);
    });
  }

  static open(url: string): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['sip'], { perMessageDeflate: false });
      ws.once('open', () => resolve(new Endpoint(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  get contact() {
    return `sip:${this.contactUser}@${this.contactHost};transport=ws`;
  }

  send(lines: string[], body = '') {
    this.ws.send(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** The final response to the request with this Call-ID, CSeq and method. */
  final(callId: string, cseq: number, method: string): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const key = `${callId} ${cseq} ${method}`;
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new TimeoutError(`no final response to ${method} within ${RESPONSE_TIMEOUT_MS} ms`));
      }, RESPONSE_TIMEOUT_MS);
      this.waiters.set(key, { resolve, timer });
    });
  }

  /** Answers a request as a UAS (RFC 3261 §8.2.6): Vias, From, To (+ our tag), Call-ID, CSeq; a 2xx to INVITE also Record-Route and Contact. */
  respond(request: Msg, status: number, reason: string, body = '') {
    const to = request.one('to');
    const invite2xx = request.method === 'INVITE' && status >= 200 && status < 300;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.all('via').map((v) => `Via: ${v}`),
      ...(invite2xx ? request.all('record-route').map((r) => `Record-Route: ${r}`) : []),
      `From: ${request.one('from')}`,
      `To: ${/;\s*tag=/.test(to) ? to : `${to};tag=${rand()}`}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.one('cseq')}`,
    ];
    if (invite2xx) lines.push(`Contact: <${this.contact}>`);
    if (body) lines.push('Content-Type: application/sdp');
    this.send(lines, body);
  }

  close() {
    this.ws.terminate();
  }
}

/** How a party proves who it is: a bearer token (embedded proxy) or an ephemeral digest credential (Kamailio). */
type Credentials = { bearer: string } | { digest: SipCredential };

/** An agent's phone: registers, then answers every INVITE 200 at once and every BYE 200. */
class AgentPhone {
  invites = 0;
  constructor(
    readonly sip: Endpoint,
    readonly user: string,
    readonly aor: string,
  ) {
    sip.onRequest = (m) => {
      if (m.method === 'INVITE') {
        this.invites++;
        sip.respond(m, 200, 'OK', SDP);
      } else if (m.method !== 'ACK') {
        sip.respond(m, 200, 'OK');
      }
    };
  }

  async register(credentials: Credentials) {
    const callId = rand();
    const fromTag = rand();
    const lines = (cseq: number, auth: string[]) => [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/WS ${this.sip.contactHost};branch=z9hG4bK${rand()}`,
      'Max-Forwards: 70',
      `From: <sip:${this.user}@${DOMAIN}>;tag=${fromTag}`,
      `To: <sip:${this.aor}@${DOMAIN}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <${this.sip.contact}>;expires=3600`,
      ...auth,
    ];
    const bearer = 'bearer' in credentials ? [`Authorization: Bearer ${credentials.bearer}`] : [];
    let answer = this.sip.final(callId, 1, 'REGISTER');
    this.sip.send(lines(1, bearer));
    let res = await answer;
    if (res.status === 401 && 'digest' in credentials) {
      answer = this.sip.final(callId, 2, 'REGISTER');
      this.sip.send(lines(2, [`Authorization: ${digest(challengeOf(res.one('www-authenticate')), credentials.digest, 'REGISTER', `sip:${DOMAIN}`)}`]));
      res = await answer;
    }
    if (res.status !== 200) throw new Error(`${this.user} could not register: ${res.status}`);
  }
}

interface DialogOutcome {
  ok: boolean;
  error?: string;
  inviteTo200Ms?: number;
  dialogMs?: number;
}

/** A visitor placing dialogs back to back on one connection. */
class Caller {
  challenges = 0;
  private challenge: { realm: string; nonce: string } | undefined;
  constructor(
    readonly sip: Endpoint,
    readonly target: string,
    readonly credentials: Credentials,
  ) {
    sip.onRequest = (m) => {
      if (m.method !== 'ACK') sip.respond(m, 200, 'OK');
    };
  }

  private authHeader(): string[] {
    if ('bearer' in this.credentials) return [`Proxy-Authorization: Bearer ${this.credentials.bearer}`];
    if (!this.challenge) return [];
    return [`Proxy-Authorization: ${digest(this.challenge, this.credentials.digest, 'INVITE', `sip:${this.target}@${DOMAIN}`)}`];
  }

  async dialog(): Promise<DialogOutcome> {
    const callId = rand();
    const from = `"Visitor" <sip:visitor-${this.sip.contactUser}@${DOMAIN}>;tag=${rand()}`;
    const to = `<sip:${this.target}@${DOMAIN}>`;
    const started = now();
    const invite = (cseq: number, branch: string) => {
      const answer = this.sip.final(callId, cseq, 'INVITE');
      this.sip.send(
        [
          `INVITE sip:${this.target}@${DOMAIN} SIP/2.0`,
          `Via: SIP/2.0/WS ${this.sip.contactHost};branch=${branch}`,
          'Max-Forwards: 70',
          `From: ${from}`,
          `To: ${to}`,
          `Call-ID: ${callId}`,
          `CSeq: ${cseq} INVITE`,
          `Contact: <${this.sip.contact}>`,
          'Content-Type: application/sdp',
          ...this.authHeader(),
        ],
        SDP,
      );
      return answer;
    };
    /** ACK for a non-2xx final response (§17.1.1.3): same branch, that response's To. */
    const ackFailure = (res: Msg, cseq: number, branch: string) =>
      this.sip.send([
        `ACK sip:${this.target}@${DOMAIN} SIP/2.0`,
        `Via: SIP/2.0/WS ${this.sip.contactHost};branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${res.one('to')}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ACK`,
      ]);
    let cseq = 1;
    let branch = `z9hG4bK${rand()}`;
    let res = await invite(cseq, branch);
    if ((res.status === 407 || res.status === 401) && 'digest' in this.credentials) {
      this.challenges++;
      ackFailure(res, cseq, branch);
      this.challenge = challengeOf(res.one('proxy-authenticate') || res.one('www-authenticate'));
      cseq++;
      branch = `z9hG4bK${rand()}`;
      res = await invite(cseq, branch);
    }
    if (res.status !== 200) {
      if (res.status >= 300) ackFailure(res, cseq, branch);
      return { ok: false, error: `${res.start.slice(8)} ${res.one('warning')}`.trim() };
    }
    const answered = now();
    // The dialog (§12.1.2): remote target from the Contact, route set from the Record-Route reversed.
    const target = uriOf(res.one('contact'));
    const route = routeEntries(res.all('record-route')).reverse();
    const inDialog = (method: string, n: number) => [
      `${method} ${target} SIP/2.0`,
      `Via: SIP/2.0/WS ${this.sip.contactHost};branch=z9hG4bK${rand()}`,
      'Max-Forwards: 70',
      ...route.map((r) => `Route: ${r}`),
      `From: ${from}`,
      `To: ${res.one('to')}`,
      `Call-ID: ${callId}`,
      `CSeq: ${n} ${method}`,
    ];
    this.sip.send(inDialog('ACK', cseq));
    const byeDone = this.sip.final(callId, cseq + 1, 'BYE');
    this.sip.send(inDialog('BYE', cseq + 1));
    const bye = await byeDone;
    if (bye.status !== 200) return { ok: false, error: `BYE: ${bye.start.slice(8)}` };
    return { ok: true, inviteTo200Ms: answered - started, dialogMs: now() - started };
  }
}

// ── CPU from /proc ──────────────────────────────────────────────────────

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Every process: pid → [ppid, cpu ms so far, comm]. */
function processTable(): Map<number, [number, number, string]> {
  const table = new Map<number, [number, number, string]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After the comm: state(0) ppid(1) … utime(11) stime(12).
      table.set(Number(name), [Number(fields[1]), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK, comm]);
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/** CPU ms used so far by this process's children that match, and all their descendants. */
function childrenCpuMs(match: (pid: number, comm: string) => boolean): number {
  const table = processTable();
  const roots = [...table].filter(([pid, [ppid, , comm]]) => ppid === process.pid && match(pid, comm)).map(([pid]) => pid);
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, [ppid]] of table) if (!inTree.has(pid) && inTree.has(ppid)) (inTree.add(pid), (grew = true));
  }
  let ms = 0;
  for (const pid of inTree) ms += table.get(pid)![1];
  return ms;
}

const isWarmlineServer = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/server/main.js');
  } catch {
    return false;
  }
};

// ── Steps, ramp ─────────────────────────────────────────────────────────

interface Step {
  concurrency: number;
  seconds: number;
  dialogs: number;
  rate: number;
  inviteTo200: { p50: number; p99: number };
  dialog: { p50: number; p99: number };
  errors: Record<string, number>;
  errorCount: number;
  /** % of one core over the step; `mainThread`: how much of the time the server's event loop thread was on a CPU (100 = saturated). */
  cpu: { target: number; generator: number; mainThread?: number; mainThreadWaiting?: number };
}

/** What is measured of the target's processes: all their CPU, and (for our server) its main thread's time on a CPU and waiting for one. */
interface TargetCpu {
  cpuMs(): number;
  mainThread?(): { onCpuMs: number; waitingMs: number };
}

async function step(callers: Caller[], concurrency: number, ms: number, target: TargetCpu): Promise<Step> {
  const invites: number[] = [];
  const dialogs: number[] = [];
  const errors: Record<string, number> = {};
  let errorCount = 0;
  const cpu0 = { target: target.cpuMs(), generator: process.cpuUsage(), mainThread: target.mainThread?.() };
  const start = now();
  const end = start + ms;
  await Promise.all(
    callers.slice(0, concurrency).map(async (caller) => {
      while (now() < end) {
        let outcome: DialogOutcome;
        try {
          outcome = await caller.dialog();
        } catch (err) {
          outcome = { ok: false, error: err instanceof TimeoutError ? 'timeout' : (err as Error).message };
        }
        if (!outcome.ok) {
          errorCount++;
          errors[outcome.error!] = (errors[outcome.error!] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 20));
        } else if (now() <= end) {
          invites.push(outcome.inviteTo200Ms!);
          dialogs.push(outcome.dialogMs!);
        }
      }
    }),
  );
  const elapsed = now() - start;
  const generatorCpu = process.cpuUsage(cpu0.generator);
  return {
    concurrency,
    seconds: round(ms / 1000, 1),
    dialogs: dialogs.length,
    rate: round(dialogs.length / (ms / 1000), 0),
    inviteTo200: { p50: round(percentile(invites, 50), 2), p99: round(percentile(invites, 99), 2) },
    dialog: { p50: round(percentile(dialogs, 50), 2), p99: round(percentile(dialogs, 99), 2) },
    errors,
    errorCount,
    cpu: {
      target: round(((target.cpuMs() - cpu0.target) / elapsed) * 100, 0),
      generator: round(((generatorCpu.user + generatorCpu.system) / 1000 / elapsed) * 100, 0),
      ...(target.mainThread && cpu0.mainThread
        ? (() => {
            const t = target.mainThread();
            return {
              mainThread: round(((t.onCpuMs - cpu0.mainThread.onCpuMs) / elapsed) * 100, 0),
              mainThreadWaiting: round(((t.waitingMs - cpu0.mainThread.waitingMs) / elapsed) * 100, 0),
            };
          })()
        : {}),
    },
  };
}

interface Run {
  ramp: Step[];
  sustained: Step;
  agents: number;
  invitesPerAgent: { min: number; max: number };
  digestChallenges?: number;
}

/** Ramps the concurrency until throughput stops growing, then holds the best one longer. */
async function rampAndHold(name: string, callers: Caller[], target: TargetCpu): Promise<Omit<Run, 'agents' | 'invitesPerAgent'>> {
  const ramp: Step[] = [];
  let best: Step | undefined;
  let flat = 0;
  for (const concurrency of LEVELS) {
    const s = await step(callers, concurrency, STEP_MS, target);
    ramp.push(s);
    console.log(`sip-load, ${name}: ${concurrency} callers → ${s.rate} dialogs/s, INVITE→200 p50 ${s.inviteTo200.p50} ms, ${s.errorCount} errors, CPU ${s.cpu.target}% target${s.cpu.mainThread !== undefined ? ` (main thread ${s.cpu.mainThread}%)` : ''} / ${s.cpu.generator}% generator`);
    const errorRate = s.errorCount / Math.max(1, s.dialogs + s.errorCount);
    if (errorRate > 0.01) break;
    if (!best || s.rate > best.rate * 1.05) {
      best = s;
      flat = 0;
    } else if (++flat >= 2 && concurrency >= MIN_RAMP) break;
  }
  best ??= ramp[0]!;
  const sustained = await step(callers, best.concurrency, SUSTAIN_MS, target);
  console.log(`sip-load, ${name}: sustained at ${best.concurrency} callers → ${sustained.rate} dialogs/s over ${sustained.seconds} s`);
  return { ramp, sustained };
}

// ── The embedded proxy ──────────────────────────────────────────────────

async function embedded(tmp: string): Promise<Run> {
  const dataDir = join(tmp, 'data');
  const configFile = join(tmp, 'warmline.config.json');
  const config = {
    dataDir,
    sites: [{ key: 'bench', name: 'SIP load', origins: ['*'], queues: [QUEUE] }],
    queues: [{ id: QUEUE, label: 'Load' }],
    limits: { rate: { requestsPerMinute: 1_000_000, conversationsPerMinute: 1_000_000, signInsPerMinute: 10_000, signInsPerMinutePerIp: 100_000, connectionsPerIp: 1_000_000 } },
    // One call per agent at a time (the most there is); no agent is set away or skipped after a hiccup.
    routing: { capacity: { calls: 1, chats: 0, chatsDuringCall: 0 }, awayAfterMissedOffers: 100, declineCooldownSeconds: 1 },
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  // The agents' accounts, as `npm run agents -- add` makes them, before the server opens the store.
  const database = await openDatabase({ dataDir });
  try {
    const stores = new Stores(database.db, database.dialect);
    const auth = new AgentAuth(stores, resolveSecret(undefined, dataDir), 60 * 60_000, systemClock);
    const names = Array.from({ length: AGENTS }, (_, i) => `load${String(i + 1).padStart(2, '0')}`);
    await Promise.all(names.map((username) => auth.createAgent({ username, name: `Load ${username}`, password: PASSWORD })));
  } finally {
    await database.close();
  }

  const server = await startServerProcess({ WARMLINE_CONFIG: configFile, WARMLINE_DATA_DIR: dataDir, WARMLINE_DEMO: '0' });
  cleanups.push(() => server.close());
  const endpoints: Endpoint[] = [];
  try {
    const sipUrl = `${server.url.replace(/^http/, 'ws')}/sip`;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const username = `load${String(i + 1).padStart(2, '0')}`;
        const { token } = await post('/api/v1/agent/sessions', { username, password: PASSWORD });
        const sip = await Endpoint.open(sipUrl);
        endpoints.push(sip);
        const phone = new AgentPhone(sip, username, username);
        await phone.register({ bearer: token });
        return phone;
      }),
    );
    const callers = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const { token } = await post('/api/v1/interactions', { site: 'bench', context: sampleContext({ visitor: { id: `load-visitor-${i}` } }) });
        const sip = await Endpoint.open(sipUrl);
        endpoints.push(sip);
        return new Caller(sip, QUEUE, { bearer: token });
      }),
    );
    const pid = [...processTable()].find(([p, [ppid]]) => ppid === process.pid && isWarmlineServer(p))?.[0];
    const result = await rampAndHold('embedded proxy', callers, {
      cpuMs: () => childrenCpuMs(isWarmlineServer),
      // The event loop's thread (tid = pid): its time on a CPU and runnable but waiting for one, from schedstat (ns).
      ...(pid
        ? {
            mainThread: () => {
              const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
              return { onCpuMs: onCpu! / 1e6, waitingMs: waiting! / 1e6 };
            },
          }
        : {}),
    });
    const invites = agents.map((a) => a.invites);
    return { ...result, agents: AGENTS, invitesPerAgent: { min: Math.min(...invites), max: Math.max(...invites) } };
  } finally {
    for (const e of endpoints) e.close();
    await server.close();
  }
}

// ── Kamailio, the reference ─────────────────────────────────────────────

async function kamailio(): Promise<Run> {
  const kam = await startKamailio({ domain: DOMAIN, sharedMemoryMb: KAMAILIO_SHM_MB });
  cleanups.push(() => kam.stop());
  const endpoints: Endpoint[] = [];
  try {
    const ttl = 3600;
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const user = `load${String(i + 1).padStart(2, '0')}`;
        const queue = `q${i + 1}`;
        const sip = await Endpoint.open(kam.wsUrl);
        endpoints.push(sip);
        const phone = new AgentPhone(sip, user, queue);
        await phone.register({ digest: ephemeralCredential(kam.secret, agentCredentialName(user, [`sip:${queue}@${DOMAIN}`]), ttl, Date.now()) });
        return phone;
      }),
    );
    const callers = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const queue = `q${i + 1}`;
        const sip = await Endpoint.open(kam.wsUrl);
        endpoints.push(sip);
        return new Caller(sip, queue, { digest: ephemeralCredential(kam.secret, visitorCredentialName(`in_load${i + 1}`, `sip:${queue}@${DOMAIN}`), ttl, Date.now()) });
      }),
    );
    const result = await rampAndHold('Kamailio', callers, { cpuMs: () => childrenCpuMs((_pid, comm) => comm === 'kamailio') });
    const invites = agents.map((a) => a.invites);
    return { ...result, agents: AGENTS, invitesPerAgent: { min: Math.min(...invites), max: Math.max(...invites) }, digestChallenges: callers.reduce((n, c) => n + c.challenges, 0) };
  } finally {
    for (const e of endpoints) e.close();
    await kam.stop();
  }
}

// ── Report ──────────────────────────────────────────────────────────────

const rampText = (run: Run) => run.ramp.map((s) => `${s.concurrency}→${s.rate}`).join(', ');
const errorText = (s: Step) => (s.errorCount ? `${s.errorCount} (${Object.entries(s.errors).map(([k, n]) => `${n}× ${k}`).join(', ')})` : '0');

/**
 * What one INVITE costs the server's parser (signaling/sip/sip-message.ts,
 * which parses with sip.js's grammar), measured here in this process while
 * nothing else of the benchmark runs: ms per parse.
 */
function parseCostMs(): number {
  const invite = [
    `INVITE sip:${QUEUE}@${DOMAIN} SIP/2.0`,
    'Via: SIP/2.0/WS 0123456789ab.invalid;branch=z9hG4bK0123456789ab',
    'Max-Forwards: 70',
    `From: "Visitor" <sip:visitor-0123456789ab@${DOMAIN}>;tag=0123456789ab`,
    `To: <sip:${QUEUE}@${DOMAIN}>`,
    'Call-ID: 0123456789ab',
    'CSeq: 1 INVITE',
    'Contact: <sip:0123456789ab@0123456789ab.invalid;transport=ws>',
    'Content-Type: application/sdp',
    'Proxy-Authorization: Bearer 0123456789abcdef0123456789abcdef',
    `Content-Length: ${SDP.length}`,
    '',
    SDP,
  ].join('\r\n');
  for (let i = 0; i < 50; i++) parseSip(invite);
  const n = quick ? 100 : 300;
  const t = now();
  for (let i = 0; i < n; i++) parseSip(invite);
  return round((now() - t) / n, 2);
}

async function main() {
  const started = Date.now();
  const tmp = join(RESULTS_DIR, 'tmp', `sip-load-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const skipped: string[] = [];
  const raw: Record<string, unknown> = { agents: AGENTS, levels: LEVELS, stepMs: STEP_MS, sustainMs: SUSTAIN_MS, quick };

  const parseMs = parseCostMs();
  raw.parseSipInviteMs = parseMs;
  const ours = await embedded(tmp);
  raw.embedded = ours;
  let ref: Run | undefined;
  const missing = kamailioMissing();
  if (missing) skipped.push(`Kamailio: ${missing}`);
  else raw.kamailio = ref = await kamailio();

  const o = ours.sustained;
  const k = ref?.sustained;
  const reference = (label: string, value: number | string, unit: string) => (k ? { reference: { label, value, unit } } : {});
  const cpuNote = (s: Step, who: string) =>
    `${who} CPU ${s.cpu.target}% of a core${s.cpu.mainThread !== undefined ? ` (its event loop's thread on a CPU ${s.cpu.mainThread}% of the time, runnable but waiting for one ${s.cpu.mainThreadWaiting}%)` : ''}, the generator's ${s.cpu.generator}%`;
  const shared = 'CPU shared with the load generator (one node process) on 2 cores, and with other work on the machine: noisy';
  const rows: Row[] = [
    {
      label: 'SIP dialogs/s (INVITE → 200 → ACK → BYE → 200), embedded proxy, max sustained',
      value: o.rate,
      unit: 'dialogs/s',
      ...reference('Kamailio (deploy/kamailio), same generator', k?.rate ?? '', 'dialogs/s'),
      note:
        `${k ? `${round((o.rate / k.rate) * 100, 0)}% of Kamailio; ` : ''}${o.concurrency} callers, ${ours.agents} agents, ${o.seconds} s; ` +
        `${cpuNote(o, 'server')}${k ? `; Kamailio at ${k.concurrency} callers: ${cpuNote(k, 'its processes')}` : ''}; ` +
        `the server's parser (sip.js's grammar) takes ${parseMs} ms for one INVITE, measured here, and the proxy parses ~5 messages a dialog; ` +
        'ours also routes each call through the queue engine (one call per agent at a time), writes the call and its work item to SQLite and checks a token per INVITE; Kamailio looks up one contact per queue address and relays; ' +
        shared,
    },
    {
      label: 'INVITE → 200, embedded proxy, p50',
      value: o.inviteTo200.p50,
      unit: 'ms',
      ...reference('Kamailio', k?.inviteTo200.p50 ?? '', 'ms'),
      note:
        `at the sustained concurrency of each (ours ${o.concurrency}${k ? `, Kamailio ${k.concurrency}` : ''} callers); the whole dialog p50 ${o.dialog.p50} ms${k ? ` (Kamailio ${k.dialog.p50} ms)` : ''}; ` +
        `with 1 caller (nothing waits): ours ${ours.ramp[0]!.inviteTo200.p50} ms${ref ? `, Kamailio ${ref.ramp[0]!.inviteTo200.p50} ms` : ''}`,
    },
    {
      label: 'INVITE → 200, embedded proxy, p99',
      value: o.inviteTo200.p99,
      unit: 'ms',
      ...reference('Kamailio', k?.inviteTo200.p99 ?? '', 'ms'),
      note: `the whole dialog p99 ${o.dialog.p99} ms${k ? ` (Kamailio ${k.dialog.p99} ms)` : ''}`,
    },
    {
      label: 'SIP errors in the sustained run, embedded proxy',
      value: o.errorCount,
      unit: 'dialogs',
      ...reference('Kamailio', k?.errorCount ?? '', 'dialogs'),
      note: `ours: ${errorText(o)}${k ? `; Kamailio: ${errorText(k)}` : ''}; in the ramp: ${ours.ramp.reduce((n, s) => n + s.errorCount, 0)}${ref ? ` / ${ref.ramp.reduce((n, s) => n + s.errorCount, 0)}` : ''}`,
    },
    {
      label: 'ramp, embedded proxy (callers → dialogs/s)',
      value: rampText(ours),
      unit: 'dialogs/s',
      note: `${STEP_MS / 1000} s a step, until two steps grow < 5 % (from ${MIN_RAMP} callers on) or errors pass 1 %; server CPU per step: ${ours.ramp.map((s) => `${s.cpu.target}%`).join(', ')} (its event loop's thread: ${ours.ramp.map((s) => `${s.cpu.mainThread ?? '?'}%`).join(', ')}); calls per agent ${ours.invitesPerAgent.min}–${ours.invitesPerAgent.max}`,
    },
  ];
  if (ref && k) {
    rows.push(
      {
        label: 'SIP dialogs/s, Kamailio (reference), max sustained',
        value: k.rate,
        unit: 'dialogs/s',
        note:
          `${k.concurrency} callers, ${ref.agents} agents, ${k.seconds} s; ${cpuNote(k, 'Kamailio')}` +
          `${k.cpu.target + k.cpu.generator >= 160 ? ' — with the generator, both cores are full: the reference is bounded by this machine, not by Kamailio' : ''}; ` +
          `${ref.digestChallenges} digest challenges in all (one per caller, the nonce then reused); shared memory ${KAMAILIO_SHM_MB} MB (-m); ${shared}`,
      },
      {
        label: 'ramp, Kamailio (callers → dialogs/s)',
        value: rampText(ref),
        unit: 'dialogs/s',
        note: `Kamailio CPU per step: ${ref.ramp.map((s) => `${s.cpu.target}%`).join(', ')}; generator CPU per step: ${ref.ramp.map((s) => `${s.cpu.generator}%`).join(', ')}`,
      },
    );
  } else {
    rows.push({ label: 'SIP dialogs/s, Kamailio (reference)', value: 'skipped', unit: '', note: missing?.split('\n')[0] });
  }
  raw.seconds = round((Date.now() - started) / 1000, 1);
  const result = writeResult({ name: 'sip-load', title: 'SIP proxy throughput: dialogs per second, embedded proxy vs Kamailio', rows, raw, ...(skipped.length ? { skipped } : {}) });
  for (const row of result.rows) console.log(`${row.label}: ${row.value} ${row.unit}${row.reference ? ` [${row.reference.label}: ${row.reference.value} ${row.reference.unit}]` : ''}${row.note ? `  (${row.note})` : ''}`);
  console.log(`sip-load: ${raw.seconds} s`);
}

try {
  await main();
} finally {
  await cleanups.run();
}
