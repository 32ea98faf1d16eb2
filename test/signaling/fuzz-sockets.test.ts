/**
 * Property-based fuzzing of the chat sockets (`/ws/v1/visitor`,
 * `/ws/v1/agent`) on the real server: arbitrary JSON, every valid frame type
 * mutated (wrong types, strings at and past the limits, odd unicode, edge
 * numbers, extra and missing keys, deep nesting), broken JSON text and
 * binary frames, before and after hello.
 *
 * What must hold for every input (docs/protocol.md):
 * - a frame the schema refuses is answered with exactly one `error` frame
 *   (`invalid_frame`, `invalid_json` or `invalid_message`, with its `cid`),
 *   and the socket stays up; a frame over `limits.frameBytes` closes it
 *   with 1009, 20 refused frames in a row with 4003, a hello with an
 *   unknown token with 4001;
 * - a frame the schema accepts never makes a handler fail (`internal`);
 * - the socket answers the next frame (nothing hangs), GET /healthz stays
 *   200, nothing escapes as an uncaught exception or unhandled rejection;
 * - every frame the server sends passes the widgets' own checks.
 * Afterwards a normal chat works end to end in the same process.
 *
 * The schema refusing a frame is what "bad" means here, so the oracle runs
 * the same valibot schemas the server does; what it checks is that the
 * server answers each such frame, and survives the ones it accepts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import * as v from 'valibot';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createLogger } from '../../signaling/log.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { Deep, cpuMs, fuzzOptions, toJsonText } from '../support/fuzz.js';
import { VisitorClientMessageSchema } from '../../widgets/protocol/visitor-client-messages.js';
import { AgentClientMessageSchema } from '../../widgets/protocol/agent-client-messages.js';
import { parseVisitorServerMessage } from '../../widgets/protocol/visitor-server-messages.js';
import { AgentServerMessageSchema } from '../../widgets/protocol/agent-server-messages.js';
import { CloseCode } from '../../widgets/protocol/close-codes.js';

type Role = 'visitor' | 'agent';
type Wire = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array };
type Frame = Record<string, any>;

/** `limits.frameBytes` by default (the test server keeps it); checked in `before`. */
const FRAME_BYTES = 64 * 1024;

const schemas = { visitor: VisitorClientMessageSchema, agent: AgentClientMessageSchema } as const;

/** The widgets' own checks on what the server sends: a problem, or undefined. */
const checks: Record<Role, (frame: unknown) => string | undefined> = {
  visitor: (frame) => (parseVisitorServerMessage(frame) ? undefined : 'fails the visitor widget’s check'),
  agent: (frame) => {
    const result = v.safeParse(AgentServerMessageSchema, frame);
    return result.success ? undefined : `fails the softphone’s schema at ${v.getDotPath(result.issues[0]) ?? '(root)'}: ${result.issues[0].message}`;
  },
};

// ── What the server should do with a frame ───────────────────────────

type Expected =
  | { outcome: 'too-large' }
  | { outcome: 'refused'; code: 'invalid_frame' | 'invalid_json' | 'invalid_message'; cid?: string }
  | { outcome: 'accepted'; frame: Frame };

/** How often each outcome came up in the current property, printed with its timing to show what was covered. */
const tally = new Map<string, number>();
const count = (e: Expected) => {
  const key = e.outcome === 'accepted' ? `accepted ${e.frame.type}` : e.outcome === 'refused' ? e.code : e.outcome;
  tally.set(key, (tally.get(key) ?? 0) + 1);
};

function expectedFor(wire: Wire, role: Role): Expected {
  const bytes = wire.kind === 'text' ? Buffer.from(wire.text, 'utf8') : Buffer.from(wire.bytes);
  if (bytes.length > FRAME_BYTES) return { outcome: 'too-large' };
  if (wire.kind === 'binary') return { outcome: 'refused', code: 'invalid_frame' };
  // The server reads the UTF-8 that was sent: a lone surrogate arrives as U+FFFD.
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { outcome: 'refused', code: 'invalid_json' };
  }
  const result = v.safeParse(schemas[role], json);
  if (!result.success) {
    const cid = json && typeof json === 'object' && 'cid' in json && typeof json.cid === 'string' ? json.cid.slice(0, 64) : undefined;
    return { outcome: 'refused', code: 'invalid_message', ...(cid ? { cid } : {}) };
  }
  return { outcome: 'accepted', frame: result.output as Frame };
}

// ── Inputs ───────────────────────────────────────────────────────────

/** Values that break things: wrong types, edge numbers, strings at and past limits, odd unicode, deep nesting. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -0, -1, 1.5, -1e-9, 1e308, -1e308, 2 ** 53 + 2, 4294967296,
    '', ' ', '\u0000', '\ud800', '\udfff', '\u202e\u2066', '\ufeff', '😀', 'null', 'NaN',
    '<img src=x onerror=alert(1)>', 'in_', 'in_AAAAAAAA', '__proto__', [], {}, [null],
    JSON.parse('{"__proto__":{"polluted":true}}'),
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
  // Strings at and just past the limits the schemas and the server set.
  fc
    .tuple(
      fc.constantFrom(7, 8, 15, 16, 43, 64, 65, 100, 128, 129, 200, 201, 1024, 1025, 2000, 2001, 2048, 2049, 4000, 4001, 10_000, 10_001, 32 * 1024),
      fc.constantFrom('x', 'é', '😀', ' ', '\u0000', '-'),
    )
    .map(([n, c]) => c.repeat(n)),
  // Around the frame limit: some frames just fit, most just do not.
  fc.integer({ min: -600, max: 100 }).map((d) => 'x'.repeat(FRAME_BYTES + d)),
  fc
    .tuple(fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1000, max: 25_000 })), fc.constantFrom('array', 'object'))
    .map(([depth, kind]) => new Deep(kind === 'object' ? Math.min(depth, 9000) : depth, kind as 'array' | 'object')),
);

type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'wrap'; at: number; depth: number; kind: 'array' | 'object' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: nasty }), weight: 5 },
  {
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', 'cid', 'interactionId', 'token', 'type', ''), fc.string({ maxLength: 8 })),
      value: nasty,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('wrap' as const),
      at: fc.nat(),
      depth: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 4000, max: 9000 })),
      kind: fc.constantFrom('array' as const, 'object' as const),
    }),
    weight: 1,
  },
);

/** Every place in a frame (nested ones too) as a path of keys. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (!isContainer(value)) return [];
  return Object.keys(value as object).flatMap((key) => [[...prefix, key], ...pathsOf((value as Frame)[key], [...prefix, key])]);
}

function containersOf(value: unknown): string[][] {
  return [[], ...pathsOf(value).filter((p) => isContainer(at(value, p)))];
}

const isContainer = (x: unknown) => !!x && typeof x === 'object' && !(x instanceof Deep);
const at = (value: unknown, path: string[]) => path.reduce<any>((node, key) => node?.[key], value);

function mutate(frame: Frame, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(frame);
  for (const m of mutations) {
    if (m.op === 'add') {
      const containers = containersOf(root);
      const target = at(root, containers[m.at % containers.length]!);
      if (isContainer(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const paths = pathsOf(root);
    if (!paths.length) {
      if (m.op === 'set') root = m.value;
      continue;
    }
    const path = paths[m.at % paths.length]!;
    const parent = at(root, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (!isContainer(parent)) continue;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.op === 'set') {
      parent[key] = m.value;
    } else if (m.depth > 100) {
      parent[key] = new Deep(m.depth, m.kind);
    } else {
      let wrapped = parent[key];
      for (let i = 0; i < m.depth; i++) wrapped = m.kind === 'array' ? [wrapped] : { a: wrapped };
      parent[key] = wrapped;
    }
  }
  return root;
}

type TextMutation =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'number'; to: string }
  | { op: 'duplicate-key'; key: string; value: string }
  | { op: 'around'; before: string; after: string };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 3 }), fc.constantFrom(',', '}', ']', '"', '\\', '\u0000', ':')) }),
  fc.record({ op: fc.constant('number' as const), to: fc.constantFrom('1e400', '-1e400', 'NaN', 'Infinity', '-0', '01', '1.', '0x10', '1e-400', '9007199254740993') }),
  fc.record({ op: fc.constant('duplicate-key' as const), key: fc.constantFrom('type', 'cid', 'token', 'interactionId', '__proto__'), value: fc.constantFrom('"hello"', '"send"', 'null', '{}', '1') }),
  fc.record({ op: fc.constant('around' as const), before: fc.constantFrom('', ' ', '\ufeff', '\r\n', '[', '"'), after: fc.constantFrom('', ' ', '\n', ',', '}', 'x', '{}') }),
);

function mutateText(text: string, m: TextMutation): string {
  switch (m.op) {
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'number':
      return text.replace(/(?<=:)-?\d+(\.\d+)?(e[+-]?\d+)?/i, m.to);
    case 'duplicate-key':
      return text.replace(/^\{/, `{"${m.key}":${m.value},`);
    case 'around':
      return m.before + text + m.after;
  }
}

const text = (t: string): Wire => ({ kind: 'text', text: t });

/** Any frame a client could send: valid ones, mutated ones, random JSON, broken text, binary. */
function wires(valid: fc.Arbitrary<Frame>, types: readonly string[]): fc.Arbitrary<Wire> {
  const serialized = (x: unknown) => {
    try {
      return JSON.stringify(x) ?? String(x);
    } catch {
      return 'not serializable';
    }
  };
  return fc.oneof(
    { arbitrary: valid.map((f) => text(toJsonText(f))), weight: 2 },
    {
      arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([f, ms]) => text(toJsonText(mutate(f, ms)))),
      weight: 8,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { maxLength: 1 }), textMutation)
        .map(([f, ms, tm]) => text(mutateText(toJsonText(mutate(f, ms)), tm))),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...types), fc.dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 4 }))
        .map(([type, rest]) => text(toJsonText({ ...rest, type }))),
      weight: 1,
    },
    { arbitrary: fc.json({ maxDepth: 4 }).map(text), weight: 1 },
    { arbitrary: fc.anything({ maxDepth: 3 }).map((x) => text(serialized(x))), weight: 1 },
    {
      arbitrary: fc
        .oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom('', ' ', '\r\n', 'undefined', 'NaN', "{'type':'hello'}", '{"type":"send",}', '\ufeff{"type":"typing","active":true}', '[', '{'.repeat(1000), 'garbage'),
        )
        .map(text),
      weight: 1,
    },
    {
      arbitrary: fc
        .oneof(fc.uint8Array({ maxLength: 300 }), valid.map((f) => new Uint8Array(Buffer.from(toJsonText(f)))))
        .map((bytes): Wire => ({ kind: 'binary', bytes })),
      weight: 1,
    },
  );
}

// ── A socket that keeps and checks everything it hears ───────────────

class FuzzSocket {
  readonly frames: Frame[] = [];
  readonly problems: string[] = [];
  closedWith?: { code: number; reason: string };
  private wake: () => void = () => {};

  private constructor(
    readonly ws: WebSocket,
    role: Role,
  ) {
    ws.on('message', (data, isBinary) => {
      const raw = String(data);
      let frame: Frame = {};
      try {
        frame = JSON.parse(raw);
      } catch {
        this.problems.push(`the server sent something that is not JSON: ${raw.slice(0, 200)}`);
      }
      if (isBinary) this.problems.push('the server sent a binary frame');
      const problem = checks[role](frame);
      if (problem) this.problems.push(`${problem}: ${raw.slice(0, 300)}`);
      if (frame?.type === 'error' && frame.code === 'internal') this.problems.push(`a handler failed: ${raw.slice(0, 300)}`);
      this.frames.push(frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closedWith = { code, reason: String(reason) };
      this.wake();
    });
    // A send racing the server's close shows up here; the close code says what happened.
    ws.on('error', () => {});
  }

  static open(url: string, role: Role): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new FuzzSocket(ws, role);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a test frame as it is (text or binary), or a well-formed frame as JSON. */
  send(wire: Wire | Frame) {
    if (!this.open) return;
    const w = wire as Wire;
    if (w.kind === 'binary') this.ws.send(w.bytes, { binary: true });
    else if (w.kind === 'text') this.ws.send(w.text);
    else this.ws.send(JSON.stringify(wire));
  }

  /** The index of the first frame from `from` on that matches; undefined if the socket closed first. */
  async until(match: (f: Frame) => boolean, from: number, what: string, timeoutMs = 3000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f, i) => i >= from && match(f));
      if (index >= 0) return index;
      if (this.closedWith) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms (did the server hang?); got ${JSON.stringify(this.frames.slice(from)).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    await this.until(() => false, this.frames.length, 'close', timeoutMs).catch(() => undefined);
    if (!this.closedWith) throw new Error(`the socket did not close within ${timeoutMs} ms`);
    return this.closedWith;
  }
}

const isError = (f: Frame) => f?.type === 'error';

describe('fuzzing the chat sockets: random and mutated frames never crash the server, and get answers', () => {
  let server: TestServer;
  /** Where the chat sockets are: the one place to add `?site=` (or an Origin) when the server asks for it. */
  const chatUrl = (role: Role) => `${server.wsUrl}/ws/v1/${role}`;
  const escaped: unknown[] = [];
  const record = (err: unknown) => escaped.push(err);
  const ids = { early: '', fuzzed: '', bob: '' };
  const tokens = { early: '', fuzzed: '', alice: '' };

  /** What the server logs as errors: a handler or the proxy failing on input is a bug. */
  const logged: string[] = [];
  const log = createLogger('error', (line) => logged.push(line));

  const healthy = async () => {
    assert.equal((await request(server.url, '/healthz')).status, 200, 'GET /healthz');
    assert.deepEqual(escaped, [], 'nothing escaped as an uncaught exception or unhandled rejection');
    assert.deepEqual(logged, [], 'the server logged no errors');
  };

  const clean = (socket: FuzzSocket) => assert.deepEqual(socket.problems, [], 'what the server sent');

  before(async () => {
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    server = await startTestServer({}, { log });
    assert.equal(server.services.config.limits.frameBytes, FRAME_BYTES);
    const early = await createInteraction(server.url, sampleContext());
    const fuzzed = await createInteraction(server.url, sampleContext());
    Object.assign(ids, { early: early.interactionId, fuzzed: fuzzed.interactionId, bob: (await server.services.stores.agents.findByUsername('bob'))!.id });
    Object.assign(tokens, { early: early.token, fuzzed: fuzzed.token, alice: (await signIn(server.url, 'alice')).token });
  });
  after(async () => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    await server.close();
  });

  // Valid frames of every type, as the widgets send them.
  const visitorFrames = (token: string): fc.Arbitrary<Frame> =>
    fc.constantFrom<Frame>(
      { type: 'hello', token, since: 0 },
      { type: 'send', cid: 'cid-fuzz-0001', text: 'Is the kettle induction-ready?' },
      { type: 'typing', active: true },
      { type: 'receipt', delivered: 1, read: 1 },
      { type: 'context', context: sampleContext() },
    );
  const visitorTypes = ['hello', 'send', 'typing', 'receipt', 'context'] as const;
  const agentFrames = (): fc.Arbitrary<Frame> =>
    fc.constantFrom(ids.fuzzed, ids.early, 'in_AAAAAAAAAAAA').chain((interactionId) =>
      fc.constantFrom<Frame>(
        { type: 'hello', token: tokens.alice, since: { [interactionId]: 0 } },
        { type: 'presence', state: 'available' },
        { type: 'presence', state: 'away' },
        { type: 'accept', interactionId },
        { type: 'decline', interactionId },
        { type: 'send', interactionId, cid: 'agent-cid-0001', text: 'Yes, it works on induction.' },
        { type: 'typing', interactionId, active: true },
        { type: 'receipt', interactionId, delivered: 1, read: 1 },
        { type: 'close', interactionId },
        { type: 'transfer', interactionId, to: { queue: 'support' }, note: 'Over to you', mode: 'warm' },
        { type: 'transfer', interactionId, to: { agentId: ids.bob }, note: '', mode: 'blind' },
        { type: 'callback-outcome', interactionId, reached: false },
      ),
    );
  const agentTypes = ['hello', 'presence', 'accept', 'decline', 'send', 'typing', 'receipt', 'close', 'transfer', 'callback-outcome'] as const;

  /**
   * A frame that gets a known answer after hello and resets the count of
   * refused frames: an empty message (visitor) or closing a conversation
   * that does not exist (agent), each tagged so its answer is unmistakable.
   */
  const probe = (role: Role, n: number): { frame: Frame; answers: (f: Frame) => boolean } => {
    if (role === 'visitor') {
      const cid = `probe-${n}-${Date.now()}`;
      // Any error with its cid answers it (an empty message, or too many messages if a rate limit is set).
      return { frame: { type: 'send', cid, text: ' ' }, answers: (f) => isError(f) && f.cid === cid };
    }
    const interactionId = `in_probe${String(n).padStart(8, '0')}`;
    return { frame: { type: 'close', interactionId }, answers: (f) => isError(f) && f.interactionId === interactionId && f.code === 'not_assigned' };
  };
  /** Before hello every accepted frame but hello is answered `hello_required`. */
  const earlyProbe: Record<Role, Frame> = { visitor: { type: 'typing', active: false }, agent: { type: 'presence', state: 'available' } };

  /** The next error from `from` on, which must be the only frame there. */
  async function onlyError(socket: FuzzSocket, from: number, what: string) {
    const index = await socket.until(isError, from, what);
    assert.ok(index !== undefined, `${what}: the socket closed instead (${JSON.stringify(socket.closedWith)})`);
    assert.deepEqual(socket.frames.slice(from, index), [], `nothing but ${what}`);
    return { error: socket.frames[index]!, next: index + 1 };
  }

  /** One frame on a fresh socket before hello. */
  async function beforeHello(role: Role, wire: Wire, n: number) {
    const socket = await FuzzSocket.open(chatUrl(role), role);
    try {
      const expected = expectedFor(wire, role);
      count(expected);
      socket.send(wire);
      if (expected.outcome === 'too-large') {
        assert.equal((await socket.closed()).code, 1009);
        return;
      }
      let next = 0;
      let ready = false;
      if (expected.outcome === 'refused') {
        const { error, next: after } = await onlyError(socket, 0, `an ${expected.code} error`);
        assert.deepEqual({ code: error.code, cid: error.cid }, { code: expected.code, cid: expected.cid });
        next = after;
      } else if (expected.frame.type !== 'hello') {
        const { error, next: after } = await onlyError(socket, 0, 'hello_required');
        assert.equal(error.code, 'hello_required');
        next = after;
      } else if (expected.frame.token === (role === 'visitor' ? tokens.early : tokens.alice)) {
        const index = await socket.until((f) => f.type === 'welcome', 0, 'welcome');
        assert.ok(index !== undefined, `hello with the right token: closed ${JSON.stringify(socket.closedWith)}`);
        next = socket.frames.length;
        ready = true;
      } else {
        const { error } = await onlyError(socket, 0, 'unauthorized');
        assert.ok(['unauthorized', 'session_expired'].includes(error.code), error.code);
        assert.equal((await socket.closed()).code, CloseCode.Unauthorized);
        return;
      }
      // The socket still answers, and said nothing more about that frame.
      const p = ready ? probe(role, n) : { frame: earlyProbe[role], answers: (f: Frame) => isError(f) && f.code === 'hello_required' };
      socket.send(p.frame);
      const index = await socket.until(p.answers, next, 'the answer to the next frame');
      assert.ok(index !== undefined, `the socket closed: ${JSON.stringify(socket.closedWith)}`);
      assert.deepEqual(socket.frames.slice(next, index).filter(isError), [], 'no other errors');
    } finally {
      clean(socket);
      socket.ws.close();
    }
  }

  /** A socket that has said hello, opened again whenever a test frame closed it. */
  function session(role: Role) {
    let socket: FuzzSocket | undefined;
    return {
      async get() {
        if (socket?.open) return socket;
        if (socket) clean(socket);
        socket = await FuzzSocket.open(chatUrl(role), role);
        socket.send(role === 'visitor' ? { type: 'hello', token: tokens.fuzzed, since: 0 } : { type: 'hello', token: tokens.alice, since: {} });
        assert.notEqual(await socket.until((f) => f.type === 'welcome', 0, 'welcome'), undefined);
        return socket;
      },
      /** Closes the socket; its frames were checked after each run. */
      close() {
        socket?.ws.close();
      },
    };
  }

  /** One frame on a socket that said hello, followed by a probe that must be answered. */
  async function afterHello(s: ReturnType<typeof session>, role: Role, wire: Wire, n: number) {
    const socket = await s.get();
    const expected = expectedFor(wire, role);
    count(expected);
    const from = socket.frames.length;
    socket.send(wire);
    if (expected.outcome === 'too-large') {
      assert.equal((await socket.closed()).code, 1009);
      return;
    }
    const p = probe(role, n);
    socket.send(p.frame);
    const index = await socket.until(p.answers, from, 'the answer to the probe');
    assert.ok(index !== undefined, `the socket closed: ${JSON.stringify(socket.closedWith)}`);
    const errors = socket.frames.slice(from, index).filter(isError);
    if (expected.outcome === 'refused') {
      assert.deepEqual(errors.map((e) => ({ code: e.code, cid: e.cid })), [{ code: expected.code, cid: expected.cid }]);
    } else if (expected.frame.type === 'hello') {
      assert.deepEqual(errors.map((e) => e.code), ['bad_request']);
    }
    clean(socket);
  }

  async function run<T>(name: string, t: { diagnostic(m: string): void }, numRuns: number, arb: fc.Arbitrary<T>, body: (x: T, n: number) => Promise<void>) {
    let n = 0;
    tally.clear();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await fc.assert(
      fc.asyncProperty(arb, async (x) => {
        await body(x, n++);
        if (n % 50 === 0) await healthy();
      }),
      fuzzOptions(numRuns),
    );
    await healthy();
    t.diagnostic(`${name}: ${numRuns} runs in ${Math.round(performance.now() - started)} ms, ${cpuMs(cpu)} ms CPU (server and test together)`);
    if (tally.size) t.diagnostic(`  ${[...tally].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`).join(', ')}`);
  }

  it('a visitor socket before hello', async (t) => {
    await run('visitor before hello', t, 300, wires(visitorFrames(tokens.early), visitorTypes), (wire, n) => beforeHello('visitor', wire, n));
  });

  it('a visitor socket after hello', async (t) => {
    const s = session('visitor');
    try {
      await run('visitor after hello', t, 500, wires(visitorFrames(tokens.fuzzed), visitorTypes), (wire, n) => afterHello(s, 'visitor', wire, n));
    } finally {
      s.close();
    }
  });

  it('an agent socket before hello', async (t) => {
    await run('agent before hello', t, 300, wires(agentFrames(), agentTypes), (wire, n) => beforeHello('agent', wire, n));
  });

  it('an agent socket signed in as alice', async (t) => {
    const s = session('agent');
    try {
      await run('agent after hello', t, 500, wires(agentFrames(), agentTypes), (wire, n) => afterHello(s, 'agent', wire, n));
    } finally {
      s.close();
    }
  });

  it('bursts of frames: 20 refused in a row close the socket with 4003, anything accepted resets the count', async (t) => {
    const burst = fc.array(
      fc.oneof(
        { arbitrary: fc.constantFrom<Wire>(text('garbage'), text('{"type":"shout"}'), { kind: 'binary', bytes: new Uint8Array([1, 2, 3]) }), weight: 9 },
        { arbitrary: fc.constantFrom<Wire>(text('{"type":"typing","active":true}'), text('{"type":"receipt","delivered":0,"read":0}')), weight: 1 },
      ),
      { minLength: 15, maxLength: 40 },
    );
    await run('bursts', t, 60, burst, async (wires, n) => {
      const socket = await FuzzSocket.open(chatUrl('visitor'), 'visitor');
      try {
        socket.send({ type: 'hello', token: tokens.fuzzed, since: 0 });
        await socket.until((f) => f.type === 'welcome', 0, 'welcome');
        let refused = 0;
        let closes = false;
        for (const wire of wires) {
          refused = expectedFor(wire, 'visitor').outcome === 'refused' ? refused + 1 : 0;
          if (refused >= 20) closes = true;
        }
        for (const wire of wires) socket.send(wire);
        tally.set(closes ? 'closed with 4003' : 'stayed open', (tally.get(closes ? 'closed with 4003' : 'stayed open') ?? 0) + 1);
        if (closes) {
          assert.equal((await socket.closed()).code, CloseCode.ProtocolError);
          return;
        }
        const p = probe('visitor', n);
        socket.send(p.frame);
        assert.notEqual(await socket.until(p.answers, 0, 'the answer to the probe'), undefined, `closed: ${JSON.stringify(socket.closedWith)}`);
      } finally {
        clean(socket);
        socket.ws.close();
      }
    });
  });

  // Found by the fuzzing: JSON.parse takes any depth, but the context gate's JSON.stringify threw
  // RangeError on a context nested ~5000 deep, and the visitor got `internal` instead of a refusal.
  it('refuses a context nested thousands deep with invalid_context, on the socket and over HTTP', async () => {
    const socket = await FuzzSocket.open(chatUrl('visitor'), 'visitor');
    socket.send({ type: 'hello', token: tokens.fuzzed, since: 0 });
    await socket.until((f) => f.type === 'welcome', 0, 'welcome');
    for (const deep of [new Deep(5000, 'array'), new Deep(9000, 'object'), new Deep(25_000, 'array')]) {
      const from = socket.frames.length;
      socket.send(text(toJsonText({ type: 'context', context: deep })));
      const index = await socket.until(isError, from, `the answer to ${deep}`);
      assert.equal(socket.frames[index!]!.code, 'invalid_context', String(deep));
      const cart = sampleContext({ cart: deep as never });
      socket.send(text(toJsonText({ type: 'context', context: cart })));
      const again = await socket.until(isError, index! + 1, `the answer to a cart of ${deep}`);
      assert.equal(socket.frames[again!]!.code, 'invalid_context', `a cart of ${deep}`);
    }
    clean(socket);
    socket.ws.close();
    const res = await request(server.url, '/api/v1/interactions', { rawBody: toJsonText({ site: 'demo', context: new Deep(5000, 'array') }) });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'invalid_context');
    await healthy();
  });

  it('closes a socket whose text frame is not UTF-8 with 1007 (RFC 6455 §8.1)', async () => {
    for (const role of ['visitor', 'agent'] as const) {
      const socket = await FuzzSocket.open(chatUrl(role), role);
      socket.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      assert.equal((await socket.closed()).code, 1007);
    }
    await healthy();
  });

  it('still carries a normal chat end to end afterwards, in the same process', async () => {
    await healthy();
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(chatUrl('visitor'));
    visitor.send({ type: 'hello', token, since: 0 });
    await visitor.next('welcome');

    const agent = await TestSocket.open(chatUrl('agent'));
    agent.send({ type: 'hello', token: (await signIn(server.url, 'alice')).token, since: {} });
    assert.equal((await agent.next('welcome')).agent.username, 'alice');
    // The fuzzing may have set her away.
    agent.send({ type: 'presence', state: 'available' });

    visitor.send({ type: 'send', cid: 'cid-after-fuzz-01', text: 'Is the kettle induction-ready?' });
    assert.equal((await visitor.next('ack')).cid, 'cid-after-fuzz-01');
    const { offer } = await agent.next((f) => f.type === 'offer' && f.offer.interactionId === interactionId, 5000);
    assert.equal(offer.preview.firstMessage, 'Is the kettle induction-ready?');
    agent.send({ type: 'accept', interactionId });
    const { interaction } = await agent.next((f) => f.type === 'assigned' && f.interaction.id === interactionId);
    assert.deepEqual(interaction.messages.map((m: { text: string }) => m.text), ['Is the kettle induction-ready?']);
    agent.send({ type: 'send', interactionId, cid: 'cid-after-fuzz-02', text: 'Yes, it works on induction.' });
    assert.equal((await agent.next('ack')).cid, 'cid-after-fuzz-02');
    const reply = await visitor.next((f) => f.type === 'message' && f.message.from === 'agent');
    assert.equal(reply.message.text, 'Yes, it works on induction.');
    assert.equal(reply.message.author, 'Alice Martin');
    assert.deepEqual([...visitor.pending('error'), ...agent.pending('error')], []);
    visitor.close();
    agent.close();
    await healthy();
  });
});
