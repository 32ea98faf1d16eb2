/**
 * Call setup in real headless Chromium with fake media: how long from the
 * visitor's click on a topic button until (a) the agent's softphone shows
 * the ringing call with the context card filled (the product name visible)
 * and (b) audio flows both ways (first inbound audio bytes > 0 on both
 * sides, by getStats). Through the embedded SIP proxy, and through a real
 * Kamailio (deploy/kamailio/kamailio.cfg) in the same run when it is
 * installed.
 *
 * One browser, one visitor page (the demo shop's product page, a product in
 * the cart) and one agent page (alice's console) per path, kept open; the
 * calls are placed one after another, hung up in between, so the figures
 * measure call setup, not page loads. The first call of each path (which
 * also loads sip.js) is a warm-up and is discarded. The agent's page
 * answers by itself, in page, the moment the card shows: (b) is machine
 * time, no human in it.
 *
 * Timing: every moment is taken in the page where it happens, with
 * performance.timeOrigin + performance.now() — the trusted click in a
 * capture listener on the visitor's window, the ringing call and the card
 * by a 2 ms poll of the agent's softphone's shadow DOM, the first audio by
 * getStats polled every 10 ms in each page (Chromium caches a peer
 * connection's stats for about 50 ms, so that figure can be up to ~50 ms
 * late; getSynchronizationSources(), which is not cached, gives the first
 * RTP packet too, reported beside it). Each page's clock is then mapped
 * onto the node process's clock (offset measured from the fastest of 15
 * evaluate round trips, before and after the calls), so no Playwright
 * round trip sits inside a figure. The node-side time around each click is
 * kept as a check (the in-page click must fall inside it).
 *
 * What (a) is made of: getUserMedia, POST /api/v1/calls, a new WebSocket,
 * the offer (sip.js sends it once the useful ICE candidates are in:
 * widgets/telephony/early-ice.ts; it used to wait ~120 ms more for
 * Chromium's TCP candidates), the proxy, and on the agent's side sip.js,
 * the render and the context fetch. Each run's note gives the p50 of every
 * step ("ICE gathering complete" is still reported, though nothing waits
 * for it now), and raw.*.timelines the full in-page timeline of a few calls.
 *
 * Then, through the embedded proxy, a call survives server restarts: with a
 * call in progress the server is killed (SIGKILL) or stopped (SIGTERM),
 * left down for a second, and started again on the same port and data;
 * measured from the moment it listens again (the node clock, polled every
 * 10 ms in the pages) until (c) the agent's phone is registered again
 * ("Ready for calls") and (d) the call's controls work again: the call bar
 * says "On a call" and a Hold pressed then reaches the visitor ("On hold").
 * Both are mostly the phones' reconnect back-off (0, 0.3, 1.2, 2.7 s…,
 * widgets/net/reconnect-policy.ts) meeting the server's start.
 *
 * Bounded: about 2–3 min in full (N = 30 measured calls per path, 6
 * restarts), under a minute with --quick (3 calls, 2 restarts); a hard
 * deadline of 6 min (quick: 100 s) stops it and cleans up. Every browser, server and Kamailio it starts is
 * stopped on the way out, on errors and on SIGINT/SIGTERM too.
 *
 *   node --import tsx bench/calls.ts [--quick]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAgent, startServerProcess, type ServerProcess } from '../test/support/e2e.js';
import { kamailioMissing, startKamailio, type Kamailio } from '../test/support/kamailio.js';
import { percentile, quick, round, RESULTS_DIR, writeResult, type Row } from './support/result.js';
import { cleanupOnExit } from './support/cleanup.js';

const CALLS = quick ? 3 : 30;
/** Restarts measured, alternately SIGKILL and SIGTERM. */
const RESTARTS = quick ? 2 : 6;
const DEADLINE_MS = quick ? 100_000 : 360_000;
const PRODUCT = 'Copper Pour-Over Kettle';
const TOPIC = 'Help choosing';
/** PRODUCT.md's quality bars. */
const BAR_RINGING_MS = 100; // "tens of milliseconds"
const BAR_AUDIO_MS = 1000; // "well under a second"
const CALL_TIMEOUT_MS = 15_000;

// ── Cleanup: whatever was started is stopped, whatever happens ─────────

const cleanups = cleanupOnExit('calls', DEADLINE_MS);

const nodeNow = () => performance.timeOrigin + performance.now();

// ── What runs in both pages ─────────────────────────────────────────────

/**
 * Installed before any page script: records clicks, SIP/WebSocket traffic,
 * fetches, getUserMedia and peer connections with the page's clock, and
 * `arm(role)` starts the watchers of one call. Plain JavaScript in a string,
 * so that no bundler helper leaks into the page.
 */
const IN_PAGE = String.raw`(() => {
  if (window.__wlBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const b = (window.__wlBench = { now, events: [], pcs: [], armed: null });
  const mark = (what, detail) => { if (b.events.length < 3000) b.events.push([now(), what, detail || '']); };
  const firstLine = (d) => { if (typeof d !== 'string') return 'binary'; const i = d.indexOf('\r\n'); return (i > 0 ? d.slice(0, i) : d).slice(0, 90); };

  window.addEventListener('click', (e) => {
    const t = now();
    const el = e.composedPath()[0];
    mark('click', ((el && el.textContent) || '').trim().slice(0, 40));
    if (b.armed && !b.armed.clickAt) b.armed.clickAt = t;
  }, true);

  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(url, protocols) {
      super(url, protocols);
      const u = String(url);
      mark('ws-new', u);
      this.addEventListener('open', () => mark('ws-open', u));
      this.addEventListener('message', (e) => mark('ws-in', firstLine(e.data)));
    }
    send(d) { mark('ws-out', firstLine(d)); return super.send(d); }
  };

  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const what = ((init && init.method) || (input && input.method) || 'GET') + ' ' + new URL(url, location.href).pathname;
    mark('fetch', what);
    const p = realFetch.apply(this, arguments);
    p.then((r) => mark('fetch-done', what + ' ' + r.status), () => mark('fetch-fail', what));
    return p;
  };

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => { mark('gum'); return gum(c).then((s) => { mark('gum-done'); return s; }); };
  }

  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(...args) {
      super(...args);
      b.pcs.push(this);
      mark('pc-new');
      this.addEventListener('iceconnectionstatechange', () => mark('ice', this.iceConnectionState));
      this.addEventListener('connectionstatechange', () => mark('pc', this.connectionState));
      this.addEventListener('icegatheringstatechange', () => mark('gathering', this.iceGatheringState));
      this.addEventListener('icecandidate', (e) => mark('candidate', e.candidate ? e.candidate.type + ' ' + e.candidate.protocol + ' ' + e.candidate.address : 'end'));
    }
  };

  const ringingCall = (root, before) => {
    for (const call of root.querySelectorAll('warmline-agent-call')) {
      if (before.has(call.dataset.call)) continue;
      const section = call.shadowRoot && call.shadowRoot.querySelector('section.ringing');
      if (section && section.textContent.includes('Incoming call from') && section.checkVisibility()) return call;
    }
    return undefined;
  };
  const cardShows = (root, product) => {
    for (const card of root.querySelectorAll('warmline-context-card')) {
      if (!card.shadowRoot || !card.checkVisibility()) continue;
      for (const el of card.shadowRoot.querySelectorAll('a, span, td, p')) {
        if (el.childElementCount === 0 && el.textContent.trim() === product && el.checkVisibility()) return true;
      }
    }
    return false;
  };

  /** Watches one call: the visitor's click, the agent's ringing and card (then answers), first inbound audio. */
  b.arm = (role, product) => {
    b.events = [];
    if (b.armed && b.armed.stop) b.armed.stop();
    const root = role === 'agent' ? document.querySelector('warmline-softphone').shadowRoot : null;
    const before = new Set(root ? [...root.querySelectorAll('warmline-agent-call')].map((c) => c.dataset.call) : []);
    const pcsBefore = b.pcs.length;
    const a = (b.armed = {
      role, armedAt: now(), cardAtArm: root ? cardShows(root, product) : false,
      clickAt: 0, ringAt: 0, ringCardAt: 0, answerAt: 0,
      statsAt: 0, statsTs: 0, statsPackets: 0, statsLastPacketTs: 0, ssrcAt: 0, ssrcTs: 0, pcs: 0, stopped: false,
    });
    const fresh = () => b.pcs.slice(pcsBefore);
    let ringing;
    const tick = setInterval(() => {
      if (root && !a.answerAt) {
        ringing = ringing || ringingCall(root, before);
        if (ringing && !a.ringAt) a.ringAt = now();
        if (ringing && cardShows(root, product)) {
          a.ringCardAt = now();
          const answer = ringing.shadowRoot.querySelector('button.answer');
          if (answer) { a.answerAt = now(); answer.click(); }
        }
      }
      if (!a.ssrcAt) {
        for (const pc of fresh()) for (const r of pc.getReceivers()) {
          if (a.ssrcAt || !r.track || r.track.kind !== 'audio') continue;
          const s = r.getSynchronizationSources();
          if (s.length) { a.ssrcAt = now(); a.ssrcTs = s[0].timestamp; }
        }
      }
      if (a.ssrcAt && a.statsAt) clearInterval(tick);
    }, 2);
    (async () => {
      while (!a.statsAt && !a.stopped) {
        for (const pc of fresh()) {
          const report = await pc.getStats().catch(() => undefined);
          if (!report || a.statsAt) continue;
          report.forEach((s) => {
            if (!a.statsAt && s.type === 'inbound-rtp' && s.kind === 'audio' && s.bytesReceived > 0) {
              a.statsAt = now(); a.statsTs = s.timestamp; a.statsPackets = s.packetsReceived; a.statsLastPacketTs = s.lastPacketReceivedTimestamp || 0;
            }
          });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    a.stop = () => { a.stopped = true; clearInterval(tick); };
    return true;
  };
  b.result = () => {
    const a = b.armed;
    if (!a) return null;
    const { stop, ...rest } = a;
    return { ...rest, pcs: b.pcs.length, events: b.events };
  };
})()`;

/** In a page: the watchers of the current call (declared for waitForFunction's predicates). */
declare const __wlBench: { armed: Watch };

/** What `__wlBench.result()` returns: the page's own times of one call (0 = not seen). */
interface Watch {
  armedAt: number;
  clickAt: number;
  ringAt: number;
  ringCardAt: number;
  answerAt: number;
  statsAt: number;
  statsTs: number;
  statsPackets: number;
  statsLastPacketTs: number;
  ssrcAt: number;
  ssrcTs: number;
  cardAtArm: boolean;
  pcs: number;
  events: Timeline;
}
type Timeline = Array<[number, string, string]>;

// ── Clocks ──────────────────────────────────────────────────────────────

/** The page's clock minus the node process's, from the fastest of a few round trips (NTP-style). */
async function clockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity };
  for (let i = 0; i < 15; i++) {
    const t1 = nodeNow();
    const p = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const t2 = nodeNow();
    if (t2 - t1 < best.rtt) best = { offset: p - (t1 + t2) / 2, rtt: t2 - t1 };
  }
  return best;
}

// ── One path: a server (and maybe Kamailio), two pages, N calls ─────────

interface CallSample {
  /** The visitor's first host UDP ICE candidate, and ICE gathering complete (sip.js sends no INVITE before). */
  firstCandidateMs: number;
  gatheredMs: number;
  /** The visitor's sip.js sends its INVITE (after getUserMedia, POST /api/v1/calls, a new WebSocket, the offer and ICE gathering). */
  inviteSentMs: number;
  /** The INVITE reaches the agent's page. */
  inviteAtAgentMs: number;
  /** The agent's page has the context: pushed on its socket with the ring ('watching'), no request of its own. */
  contextPushedMs: number;
  ringCardMs: number;
  ringMs: number;
  audioMs: number;
  /** The same, from the first RTP packet (getSynchronizationSources), not getStats. */
  audioPacketMs: number;
  visitorAudioMs: number;
  agentAudioMs: number;
  answerToAudioMs: number;
  clickInsideNodeWindow: boolean;
  nodeClickWindowMs: number;
}

interface PathResult {
  label: string;
  samples: CallSample[];
  failures: string[];
  clocks: unknown;
  /** The in-page click, on the node clock, fell between the node's timestamps around Playwright's click: how many of the calls. */
  clickInsideNodeWindow?: string;
  timelines: unknown[];
}

async function runPath(browser: Browser, label: string, env: Record<string, string>): Promise<PathResult> {
  const server = await startServerProcess(env);
  cleanups.push(() => server.close());
  const result: PathResult = { label, samples: [], failures: [], clocks: {}, timelines: [] };
  const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const shopContext = await browser.newContext();
  cleanups.push(() => agentContext.close(), () => shopContext.close());
  try {
    for (const context of [agentContext, shopContext]) await context.addInitScript({ content: IN_PAGE });
    /** Alice's console and the shop's product page with the kettle in the cart, at the topic choice. */
    const open = async () => {
      const agent = await signInAgent(agentContext, server.url, 'alice');
      await agent.getByText('Ready for calls').waitFor();
      const shop = await shopContext.newPage();
      await shop.goto(`${server.url}/products/copper-kettle`);
      await shop.getByRole('button', { name: 'Add to cart' }).click();
      await shop.getByRole('button', { name: 'Call us' }).click();
      return { agent, shop, clocks: { agent: await clockOffset(agent), shop: await clockOffset(shop) } };
    };
    let { agent, shop, clocks } = await open();
    const clocksBefore = clocks;
    for (let i = 0; i <= CALLS; i++) {
      const warmUp = i === 0;
      const topics = shop.getByRole('group', { name: 'What is your call about?' });
      const callBar = agent.getByRole('region', { name: 'Call' });
      try {
        await topics.getByRole('button', { name: TOPIC }).waitFor();
        await agent.evaluate(`__wlBench.arm('agent', ${JSON.stringify(PRODUCT)})`);
        await shop.evaluate(`__wlBench.arm('visitor', ${JSON.stringify(PRODUCT)})`);
        const n1 = nodeNow();
        await topics.getByRole('button', { name: TOPIC }).click();
        const n2 = nodeNow();
        // Wait (not timed: the times are the pages' own) until both sides hear each other.
        // (A function, not a string: the pages' CSP forbids eval.)
        await agent.waitForFunction(() => __wlBench.armed.answerAt > 0 && __wlBench.armed.statsAt > 0 && __wlBench.armed.ssrcAt > 0, undefined, { timeout: CALL_TIMEOUT_MS, polling: 25 });
        await shop.waitForFunction(() => __wlBench.armed.statsAt > 0 && __wlBench.armed.ssrcAt > 0, undefined, { timeout: CALL_TIMEOUT_MS, polling: 25 });
        const a = (await agent.evaluate('__wlBench.result()')) as Watch;
        const v = (await shop.evaluate('__wlBench.result()')) as Watch;
        if (a.cardAtArm) throw new Error('a context card showed before the click: the measurement would be wrong');
        if (!v.clickAt) throw new Error('the click was not seen in the page');
        // Onto the node clock: page time − that page's offset.
        const ao = clocks.agent.offset;
        const vo = clocks.shop.offset;
        const click = v.clickAt - vo;
        const at = (t: number, o: number) => t - o - click;
        const visitorAudio = at(v.statsTs || v.statsAt, vo);
        const agentAudio = at(a.statsTs || a.statsAt, ao);
        const first = (events: Timeline, what: string, detail: RegExp, o: number) => {
          const e = events.find(([, w, d]) => w === what && detail.test(d));
          return e ? round(at(e[0], o), 1) : NaN;
        };
        const sample: CallSample = {
          firstCandidateMs: first(v.events, 'candidate', /^host udp/, vo),
          contextPushedMs: first(a.events, 'ws-in', /"type":"watching"/, ao),
          gatheredMs: first(v.events, 'gathering', /^complete/, vo),
          inviteSentMs: first(v.events, 'ws-out', /^INVITE /, vo),
          inviteAtAgentMs: first(a.events, 'ws-in', /^INVITE /, ao),
          ringCardMs: at(a.ringCardAt, ao),
          ringMs: at(a.ringAt, ao),
          visitorAudioMs: visitorAudio,
          agentAudioMs: agentAudio,
          audioMs: Math.max(visitorAudio, agentAudio),
          audioPacketMs: Math.max(at(v.ssrcAt, vo), at(a.ssrcAt, ao)),
          answerToAudioMs: Math.max(visitorAudio, agentAudio) - at(a.answerAt, ao),
          clickInsideNodeWindow: click >= n1 - 1 && click <= n2 + 1,
          nodeClickWindowMs: n2 - n1,
        };
        if (!warmUp) result.samples.push(sample);
        if (warmUp || i === 1 || i === CALLS) {
          const rel = (events: Timeline, o: number) => events.map(([t, what, detail]) => `${round(t - o - click, 1)} ${what} ${detail}`);
          result.timelines.push({ call: warmUp ? 'warm-up' : i, sample, visitor: rel(v.events, vo), agent: rel(a.events, ao) });
        }
        // Hang up (not timed), clear the agent's ended call, ask for the next call.
        await shop.getByRole('button', { name: 'Hang up' }).click();
        await shop.getByRole('button', { name: 'Call again' }).waitFor({ timeout: 10_000 });
        const ended = callBar.filter({ hasText: 'Call ended' }).getByRole('button', { name: 'Close chat' });
        await ended.first().waitFor({ timeout: 10_000 });
        while (await ended.count()) await ended.first().click();
        await shop.getByRole('button', { name: 'Call again' }).click();
        // Let the last call's media wind down before the next one.
        await shop.waitForTimeout(250);
      } catch (err) {
        result.failures.push(`${warmUp ? 'warm-up' : `call ${i}`}: ${(err as Error).message.split('\n')[0]}`);
        console.error(`calls, ${label}: ${result.failures.at(-1)}`);
        if (result.failures.length > 5) throw new Error(`${label}: too many failed calls:\n${result.failures.join('\n')}`);
        // Start again from fresh pages (closing them ends whatever call was left).
        await agent.close().catch(() => undefined);
        await shop.close().catch(() => undefined);
        ({ agent, shop, clocks } = await open());
      }
    }
    result.clickInsideNodeWindow = `${result.samples.filter((x) => x.clickInsideNodeWindow).length}/${result.samples.length}`;
    const clocksAfter = { agent: await clockOffset(agent), shop: await clockOffset(shop) };
    result.clocks = {
      before: clocksBefore,
      after: clocksAfter,
      'agent−visitor page clocks, ms (0 = the same clock)': round(clocksBefore.agent.offset - clocksBefore.shop.offset, 2),
      'drift over the run, ms': round(clocksAfter.agent.offset - clocksAfter.shop.offset - (clocksBefore.agent.offset - clocksBefore.shop.offset), 2),
    };
  } finally {
    await agentContext.close().catch(() => undefined);
    await shopContext.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
  return result;
}

// ── A call through server restarts ──────────────────────────────────────

interface RestartSample {
  signal: 'SIGKILL' | 'SIGTERM';
  /** From the server listening again to the agent's phone registered ("Ready for calls"). */
  registeredMs: number;
  /** … to the call bar saying "On a call" again. */
  callBackMs: number;
  /** … to a Hold pressed then reaching the visitor ("On hold"). */
  controlsMs: number;
}

/** Resolves with the node time at which `text` shows in the shadow DOM of `tag` in `page` (polled in the page every 10 ms). */
async function shows(page: Page, tag: string, text: string, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction(
    ([selector, wanted]) => {
      // The element's text with that of the components inside it (the call bar has a shadow root of its own).
      // No named function in here: the transpiler would wrap it with a helper the page does not have.
      let text = '';
      const roots = [document.querySelector(selector!)?.shadowRoot].filter((r): r is ShadowRoot => !!r);
      while (roots.length) {
        const root = roots.pop()!;
        text += root.textContent ?? '';
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
      }
      return text.includes(wanted!);
    },
    [tag, text],
    { timeout: timeoutMs, polling: 10 },
  );
  return nodeNow();
}

async function runRestarts(browser: Browser, env: Record<string, string>): Promise<{ samples: RestartSample[]; failures: string[] }> {
  const server = await startServerProcess(env);
  cleanups.push(() => server.close());
  const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const shopContext = await browser.newContext();
  cleanups.push(() => agentContext.close(), () => shopContext.close());
  const samples: RestartSample[] = [];
  const failures: string[] = [];
  try {
    const agent = await signInAgent(agentContext, server.url, 'alice');
    await agent.getByText('Ready for calls').waitFor();
    const shop = await shopContext.newPage();
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: TOPIC }).click();
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    for (let i = 0; i < RESTARTS; i++) {
      const signal = i % 2 ? 'SIGTERM' : 'SIGKILL';
      try {
        await server.stop(signal);
        await shop.getByText('Reconnecting…').waitFor({ timeout: 10_000 });
        await shop.waitForTimeout(1000);
        await server.start();
        const back = nodeNow();
        const [registered, callBack] = await Promise.all([shows(agent, 'warmline-softphone', 'Ready for calls'), shows(agent, 'warmline-softphone', 'On a call with')]);
        await callBar.getByRole('button', { name: 'Hold' }).click();
        const held = await shows(shop, 'warmline-call', 'On hold');
        samples.push({ signal, registeredMs: round(registered - back, 0), callBackMs: round(callBack - back, 0), controlsMs: round(held - back, 0) });
        await callBar.getByRole('button', { name: 'Resume' }).click();
        await shop.getByText('Connected with Alice Martin').waitFor();
      } catch (err) {
        failures.push(`restart ${i + 1} (${signal}): ${(err as Error).message.split('\n')[0]}`);
        console.error(`calls, restarts: ${failures.at(-1)}`);
        break;
      }
    }
  } finally {
    await agentContext.close().catch(() => undefined);
    await shopContext.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
  return { samples, failures };
}

function restartRows({ samples, failures }: { samples: RestartSample[]; failures: string[] }): Row[] {
  if (!samples.length) return [{ label: 'a call through a server restart', value: 'failed', unit: '', note: failures.join('; ') }];
  const p50 = (pick: (x: RestartSample) => number) => round(percentile(samples.map(pick), 50), 0);
  const max = (pick: (x: RestartSample) => number) => Math.max(...samples.map(pick));
  const note = `the call goes on throughout (audio browser to browser); n=${samples.length}, alternately SIGKILL and SIGTERM, the server down ~1 s each time; each figure from the server listening again${failures.length ? `; failed: ${failures.join('; ')}` : ''}`;
  return [
    { label: 'server back → agent’s phone registered again, embedded proxy, p50 / max', value: `${p50((x) => x.registeredMs)} / ${max((x) => x.registeredMs)}`, unit: 'ms', note },
    { label: 'server back → the call shows connected again on the agent’s console, p50 / max', value: `${p50((x) => x.callBackMs)} / ${max((x) => x.callBackMs)}`, unit: 'ms', note },
    { label: 'server back → the call’s controls work again (Hold reaches the visitor), p50 / max', value: `${p50((x) => x.controlsMs)} / ${max((x) => x.controlsMs)}`, unit: 'ms', note },
  ];
}

// ── Report ──────────────────────────────────────────────────────────────

function rowsFor(path: PathResult, via: string): Row[] {
  const s = path.samples;
  if (!s.length) return [{ label: `calls ${via}`, value: 'failed', unit: '', note: path.failures.join('; ') }];
  const p = (pick: (x: CallSample) => number, q: number) => round(percentile(s.map(pick), q), 1);
  const meets = (value: number, bar: number, words: string) => (value <= bar ? `meets the bar (${words})` : `misses the bar (${words})`);
  const failed = path.failures.length ? `; ${path.failures.length} failed call(s): ${path.failures.join('; ')}` : '';
  const ringP50 = p((x) => x.ringCardMs, 50);
  const ringP95 = p((x) => x.ringCardMs, 95);
  const audioP50 = p((x) => x.audioMs, 50);
  const audioP95 = p((x) => x.audioMs, 95);
  const ringNote = (v: number) =>
    `${meets(v, BAR_RINGING_MS, '"tens of milliseconds on loopback", read as < 100 ms')}; p50 of the steps: the visitor's first ICE candidate ${p((x) => x.firstCandidateMs, 50)} ms, ICE gathering complete ${p((x) => x.gatheredMs, 50)} ms, INVITE sent ${p((x) => x.inviteSentMs, 50)} ms, at the agent's page ${p((x) => x.inviteAtAgentMs, 50)} ms, ringing shown ${p((x) => x.ringMs, 50)} ms, context pushed on the agent's socket ${p((x) => x.contextPushedMs, 50)} ms; n=${s.length}${failed}`;
  const audioNote = (v: number) =>
    `${meets(v, BAR_AUDIO_MS, '"well under a second on loopback", read as < 1000 ms')}; the agent's page answers by itself when the card shows; answer → audio p50 ${p((x) => x.answerToAudioMs, 50)} ms; first RTP packet (not cached like getStats) p50 ${p((x) => x.audioPacketMs, 50)} ms; n=${s.length}`;
  return [
    { label: `click → agent's softphone ringing with the card, ${via}, p50`, value: ringP50, unit: 'ms', note: ringNote(ringP50) },
    { label: `click → agent's softphone ringing with the card, ${via}, p95`, value: ringP95, unit: 'ms', note: ringNote(ringP95) },
    { label: `click → two-way audio (getStats), ${via}, p50`, value: audioP50, unit: 'ms', note: audioNote(audioP50) },
    { label: `click → two-way audio (getStats), ${via}, p95`, value: audioP95, unit: 'ms', note: audioNote(audioP95) },
  ];
}

async function main() {
  const started = Date.now();
  const tmp = join(RESULTS_DIR, 'tmp', `calls-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  // The demo, with rate limits out of the way (a call a second or two from one address for minutes).
  const config = join(tmp, 'warmline.config.json');
  writeFileSync(
    config,
    JSON.stringify({ limits: { rate: { requestsPerMinute: 1_000_000, conversationsPerMinute: 1_000_000, signInsPerMinute: 10_000, signInsPerMinutePerIp: 100_000, connectionsPerIp: 10_000 } } }),
  );

  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const rows: Row[] = [];
  const skipped: string[] = [];
  const raw: Record<string, unknown> = { calls: CALLS, quick, bars: { ringingMs: BAR_RINGING_MS, audioMs: BAR_AUDIO_MS } };

  const embedded = await runPath(browser, 'embedded proxy', { WARMLINE_CONFIG: config });
  rows.push(...rowsFor(embedded, 'embedded proxy'));
  raw.embedded = embedded;

  const restarts = await runRestarts(browser, { WARMLINE_CONFIG: config });
  rows.push(...restartRows(restarts));
  raw.restarts = restarts;

  const missing = kamailioMissing();
  if (missing) {
    skipped.push(`Kamailio: ${missing}`);
    rows.push({ label: 'calls through Kamailio', value: 'skipped', unit: '', note: missing.split('\n')[0] });
  } else {
    const kamailio: Kamailio = await startKamailio();
    cleanups.push(() => kamailio.stop());
    try {
      const external = await runPath(browser, 'Kamailio', { WARMLINE_CONFIG: config, WARMLINE_SIP_WS_URL: kamailio.wsUrl, WARMLINE_SIP_SECRET: kamailio.secret });
      rows.push(...rowsFor(external, 'Kamailio'));
      raw.kamailio = external;
    } finally {
      await kamailio.stop();
    }
  }
  raw.seconds = round((Date.now() - started) / 1000, 1);
  const result = writeResult({ name: 'calls', title: 'Call setup in the browser: click → ringing with context, click → two-way audio', rows, raw, ...(skipped.length ? { skipped } : {}) });
  for (const row of result.rows) console.log(`${row.label}: ${row.value} ${row.unit}${row.note ? `  (${row.note})` : ''}`);
  console.log(`calls: ${raw.seconds} s`);
}

try {
  await main();
} finally {
  await cleanups.run();
}
