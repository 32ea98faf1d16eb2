import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { sniffType } from '../../signaling/attachments/sniff-type.js';
import { contentDisposition, sanitizeFileName } from '../../signaling/attachments/file-name.js';
import { countRows } from '../support/store-rows.js';

/** Real files, as small as they get: a 1×1 PNG, a 1×1 JPEG, an empty one-page-less PDF. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><script>fetch("/steal?c="+document.cookie)</script><img src=x onerror=alert(1)>');

interface Upload {
  status: number;
  body: any;
}

async function upload(server: TestServer, token: string | undefined, bytes: Uint8Array | ReadableStream, options: { type?: string; name?: string; origin?: string } = {}): Promise<Upload> {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'image/png', 'x-filename': encodeURIComponent(options.name ?? 'photo.png') };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.origin) headers.origin = options.origin;
  const res = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', headers, body: bytes, duplex: 'half' } as RequestInit);
  return { status: res.status, body: await res.json() };
}

async function download(server: TestServer, id: string, token?: string, origin?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (origin) headers.origin = origin;
  const res = await fetch(`${server.url}/api/v1/attachments/${id}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** How many attachments' bytes the store holds. */
const storedFiles = (server: TestServer) => countRows(server, 'attachment_contents');

const conversation = (server: TestServer, visitorId: string, site = 'demo') => createInteraction(server.url, sampleContext({ visitor: { id: visitorId } }), site);

describe('attachment content and names', () => {
  it('knows a type by its bytes alone', () => {
    assert.equal(sniffType(PNG), 'image/png');
    assert.equal(sniffType(JPEG), 'image/jpeg');
    assert.equal(sniffType(PDF), 'application/pdf');
    assert.equal(sniffType(Buffer.from('GIF89a\x01\x00\x01\x00')), 'image/gif');
    assert.equal(sniffType(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ')), 'image/webp');
    assert.equal(sniffType(HTML), undefined);
    assert.equal(sniffType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ')), undefined, 'a RIFF that is not WebP');
    assert.equal(sniffType(Buffer.from('   %PDF-1.4')), undefined, 'nothing may come before the PDF header');
    assert.equal(sniffType(Buffer.alloc(0)), undefined);
  });

  it('keeps a name fit to show and to download: no folders, no control or invisible characters, an extension that fits', () => {
    assert.equal(sanitizeFileName('C:\\fakepath\\Kettle dent.JPG', 'image/jpeg'), 'Kettle dent.JPG');
    assert.equal(sanitizeFileName('../../etc/passwd', 'application/pdf'), 'passwd.pdf');
    assert.equal(sanitizeFileName('invoice\u202Efdp.exe', 'application/pdf'), 'invoicefdp.exe.pdf');
    assert.equal(sanitizeFileName('page.html', 'image/png'), 'page.html.png');
    assert.equal(sanitizeFileName('a\r\nb\u0000.png', 'image/png'), 'ab.png');
    assert.equal(sanitizeFileName('...', 'image/png'), 'photo.png');
    assert.equal(sanitizeFileName('', 'application/pdf'), 'document.pdf');
    assert.equal(sanitizeFileName('<img src=x onerror=alert(1)>.png', 'image/png'), '<img src=x onerror=alert(1)>.png', 'kept as it is: it is only ever text');
    const long = sanitizeFileName(`${'é'.repeat(300)}.png`, 'image/png');
    assert.equal([...long].length, 120);
    assert.ok(long.endsWith('é.png'));
    assert.equal(
      contentDisposition('Délai "x"; (1).pdf', 'application/pdf'),
      `attachment; filename="D_lai _x_; (1).pdf"; filename*=UTF-8''D%C3%A9lai%20%22x%22%3B%20%281%29.pdf`,
    );
    assert.ok(contentDisposition('a.png', 'image/png').startsWith('inline; '));
  });
});

describe('attachments over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('accepts a PNG, a JPEG and a PDF, stored by random id in the database and nowhere the server serves files from', async () => {
    const { token } = await conversation(server, 'visitor-att-good');
    for (const [bytes, type, name] of [
      [PNG, 'image/png', 'dent.png'],
      [JPEG, 'image/jpeg', 'box.jpg'],
      [PDF, 'application/pdf', 'Rechnung März.pdf'],
    ] as const) {
      const res = await upload(server, token, bytes, { type, name });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const { attachment } = res.body;
      assert.deepEqual({ ...attachment, id: undefined }, { id: undefined, name, type, size: bytes.length });
      assert.match(attachment.id, /^at_[A-Za-z0-9_-]+$/);
      assert.ok(!attachment.id.includes(name.split('.')[0]!), 'the id says nothing of the name');
      assert.deepEqual(Buffer.from((await server.services.stores.attachments.bytesOf(attachment.id))!), Buffer.from(bytes));
      for (const path of [`/widgets/${attachment.id}`, `/demo/${attachment.id}`, `/${attachment.id}`]) {
        assert.equal((await request(server.url, path)).status, 404, path);
      }
    }
    // Every node reads them from the database: nothing in one node's data directory.
    assert.equal(existsSync(join(server.dataDir, 'attachments')), false);
  });

  it('accepts a file the browser could not name the type of (octet-stream), by its content', async () => {
    const { token } = await conversation(server, 'visitor-att-octet');
    const res = await upload(server, token, PNG, { type: 'application/octet-stream', name: 'IMG_0001' });
    assert.equal(res.status, 201);
    assert.equal(res.body.attachment.type, 'image/png');
    assert.equal(res.body.attachment.name, 'IMG_0001.png');
  });

  it('refuses HTML named photo.png (415), whatever it claims to be, and stores nothing', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-att-html');
    const before = await storedFiles(server);
    for (const type of ['image/png', 'text/html', 'application/octet-stream']) {
      const res = await upload(server, token, HTML, { type, name: 'photo.png' });
      assert.equal(res.status, 415, type);
      assert.equal(res.body.error.code, 'unsupported_type');
      assert.match(res.body.error.message, /PNG, JPEG, GIF, WebP.*PDF/);
    }
    assert.equal(await storedFiles(server), before);
    assert.equal(await server.services.stores.attachments.countFor(interactionId), 0);
  });

  it('refuses a PDF declared as image/png (415), naming the mismatch', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-att-mismatch');
    const before = await storedFiles(server);
    const res = await upload(server, token, PDF, { type: 'image/png', name: 'photo.png' });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'unsupported_type');
    assert.equal(res.body.error.message, 'The file is a PDF but was sent as image/png.');
    assert.equal(await storedFiles(server), before);
    assert.equal(await server.services.stores.attachments.countFor(interactionId), 0);
  });

  it('refuses an empty file, a missing or unknown token (401), and a page on an origin the site does not allow (403), to upload or to read', async () => {
    const { token } = await conversation(server, 'visitor-att-misc');
    const empty = await upload(server, token, Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.message, 'The file is empty.');
    assert.equal((await upload(server, undefined, PNG)).status, 401);
    assert.equal((await upload(server, 'not-a-known-conversation-token-at-all', PNG)).status, 401);
    const strict = await conversation(server, 'visitor-att-strict', 'strict');
    const wrong = await upload(server, strict.token, PNG, { origin: 'https://evil.example' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'origin_not_allowed');
    const ok = await upload(server, strict.token, PNG, { origin: 'https://shop.example' });
    assert.equal(ok.status, 201);
    assert.equal((await download(server, ok.body.attachment.id, strict.token, 'https://evil.example')).status, 403);
    assert.equal((await download(server, ok.body.attachment.id, strict.token, 'https://shop.example')).status, 200);
  });

  it('answers the preflight of the widget on the shop’s page, X-Filename included', async () => {
    const res = await fetch(`${server.url}/api/v1/attachments`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-filename' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /X-Filename/);
  });

  it('serves the file to the conversation’s visitor and to agents, with headers that keep a browser from running it', async () => {
    const { token } = await conversation(server, 'visitor-att-get');
    const hostile = '<img src=x onerror=alert(1)>.png';
    const { body } = await upload(server, token, PNG, { name: hostile });
    const id = body.attachment.id;
    assert.equal(body.attachment.name, hostile);

    const mine = await download(server, id, token);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.bytes, PNG);
    assert.equal(mine.headers.get('content-type'), 'image/png');
    assert.equal(mine.headers.get('content-length'), String(PNG.length));
    assert.equal(mine.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(mine.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    assert.equal(mine.headers.get('cache-control'), 'private, no-store');
    assert.equal(
      mine.headers.get('content-disposition'),
      `inline; filename="<img src=x onerror=alert(1)>.png"; filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png`,
    );

    const pdf = (await upload(server, token, PDF, { type: 'application/pdf', name: 'invoice.pdf' })).body.attachment;
    const pdfRes = await download(server, pdf.id, token);
    assert.equal(pdfRes.headers.get('content-type'), 'application/pdf');
    assert.match(pdfRes.headers.get('content-disposition')!, /^attachment; filename="invoice.pdf"/);

    const alice = await signIn(server.url, 'alice');
    const agent = await download(server, id, alice.token);
    assert.equal(agent.status, 200);
    assert.deepEqual(agent.bytes, PNG);
    // From the console this server serves, yes; from a page elsewhere (not in agentOrigins), no.
    assert.equal((await download(server, id, alice.token, server.url)).status, 200);
    const foreign = await download(server, id, alice.token, 'https://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.bytes.toString()).error.code, 'origin_not_allowed');
  });

  it('does not show another conversation’s attachment (404, as if there were none), nor any without a valid token (401)', async () => {
    const owner = await conversation(server, 'visitor-att-owner');
    const other = await conversation(server, 'visitor-att-other');
    const id = (await upload(server, owner.token, PNG)).body.attachment.id;

    const theirs = await download(server, id, other.token);
    assert.equal(theirs.status, 404);
    const none = await download(server, 'at_doesnotexist00000', other.token);
    assert.equal(none.status, 404);
    assert.deepEqual(JSON.parse(theirs.bytes.toString()), JSON.parse(none.bytes.toString()), 'the same answer for both');

    const anonymous = await download(server, id);
    assert.equal(anonymous.status, 401);
    assert.equal(JSON.parse(anonymous.bytes.toString()).error.code, 'unauthorized');
    assert.equal((await download(server, id, 'bm90LWEtdG9rZW4.Zm9yZ2Vk')).status, 401, 'a forged agent token');
    assert.equal((await download(server, id, 'unknown-conversation-token-xxxxxxxx')).status, 401);
  });
});

describe('attachment limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { attachmentBytes: 4096, attachmentsPerInteraction: 2 } });
  });
  after(() => server.close());

  const big = Buffer.concat([PNG, Buffer.alloc(5000)]);

  it('refuses a file over limits.attachmentBytes (413) that says its length, and stores nothing', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-lim-big');
    const res = await upload(server, token, big);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'attachment_too_large');
    assert.equal(res.body.error.message, 'An attachment is at most 4 KB.');
    assert.equal(await storedFiles(server), 0);
    assert.equal(await server.services.stores.attachments.countFor(interactionId), 0);
    // The connection is still good for the next request.
    assert.equal((await upload(server, token, PNG)).status, 201);
  });

  it('refuses a chunked body once it passes the limit, without a length to go by', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-lim-chunked');
    const before = await storedFiles(server);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(PNG);
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(1024));
        controller.close();
      },
    });
    const res = await upload(server, token, stream);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'attachment_too_large');
    assert.equal(await storedFiles(server), before);
    assert.equal(await server.services.stores.attachments.countFor(interactionId), 0);
  });

  it('refuses more than limits.attachmentsPerInteraction in one conversation (409), and stores nothing more', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-lim-count');
    assert.equal((await upload(server, token, PNG)).status, 201);
    assert.equal((await upload(server, token, PDF, { type: 'application/pdf' })).status, 201);
    const before = await storedFiles(server);
    const third = await upload(server, token, PNG);
    assert.equal(third.status, 409);
    assert.equal(third.body.error.code, 'too_many_attachments');
    assert.equal(third.body.error.message, 'A conversation has at most 2 attachments.');
    assert.equal(await storedFiles(server), before);
    assert.equal(await server.services.stores.attachments.countFor(interactionId), 2);
    // Another conversation has its own allowance.
    const other = await conversation(server, 'visitor-lim-count2');
    assert.equal((await upload(server, other.token, PNG)).status, 201);
  });
});

describe('attachments in the chat', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a message with only an attachment reaches the agent with its metadata, "[photo]" in the offer; a resend never doubles it', async () => {
    const { token, interactionId } = await conversation(server, 'visitor-chat-att');
    const alice = await signIn(server.url, 'alice');
    const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    agent.send({ type: 'hello', token: alice.token, since: {} });
    await agent.next('welcome');
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token, since: 0 });
    await visitor.next('welcome');

    const photo = (await upload(server, token, PNG, { name: '<b>dent<b>.png' })).body.attachment;
    visitor.send({ type: 'send', cid: 'att-cid-0001', text: '', attachment: photo.id });
    const ack = await visitor.next('ack');
    assert.equal(ack.cid, 'att-cid-0001');
    const echoed = await visitor.next((f) => f.type === 'message' && f.message.seq === ack.seq);
    assert.deepEqual(echoed.message.attachment, photo);
    assert.equal(echoed.message.text, '');

    const { offer } = await agent.next('offer');
    assert.equal(offer.interactionId, interactionId);
    assert.equal(offer.preview.firstMessage, '[photo]');
    agent.send({ type: 'accept', interactionId });
    const { interaction } = await agent.next('assigned');
    assert.deepEqual(interaction.messages[0].attachment, photo);

    // A PDF with a caption, while the agent watches: a live message frame.
    const pdf = (await upload(server, token, PDF, { type: 'application/pdf', name: 'receipt.pdf' })).body.attachment;
    visitor.send({ type: 'send', cid: 'att-cid-0002', text: 'The receipt', attachment: pdf.id });
    const live = await agent.next((f) => f.type === 'message' && f.message.text === 'The receipt');
    assert.equal(live.interactionId, interactionId);
    assert.deepEqual(live.message.attachment, { id: pdf.id, name: 'receipt.pdf', type: 'application/pdf', size: PDF.length });
    const pdfAck = await visitor.next((f) => f.type === 'ack' && f.cid === 'att-cid-0002');

    // The ack was lost; the same frame again is acked with the same seq and stored once.
    visitor.send({ type: 'send', cid: 'att-cid-0002', text: 'The receipt', attachment: pdf.id });
    assert.equal((await visitor.next((f) => f.type === 'ack' && f.cid === 'att-cid-0002')).seq, pdfAck.seq);
    // The same attachment under a new client id is refused: a file is sent once.
    visitor.send({ type: 'send', cid: 'att-cid-0003', text: '', attachment: pdf.id });
    const again = await visitor.next('error');
    assert.deepEqual({ code: again.code, cid: again.cid }, { code: 'invalid_message', cid: 'att-cid-0003' });
    const stored = (await server.services.stores.messages.since(interactionId, 0)).filter((m) => m.attachment);
    assert.deepEqual(
      stored.map((m) => m.attachment!.id),
      [photo.id, pdf.id],
    );

    // After a reload the visitor's history has them too.
    const again2 = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    again2.send({ type: 'hello', token, since: 0 });
    const welcome = await again2.next('welcome');
    assert.deepEqual(
      welcome.messages.filter((m: any) => m.attachment).map((m: any) => m.attachment.name),
      ['<b>dent<b>.png', 'receipt.pdf'],
    );
    again2.close();
    visitor.close();
    agent.close();
  });

  it('refuses a message naming another conversation’s attachment, or one that does not exist, and stores nothing', async () => {
    const owner = await conversation(server, 'visitor-chat-owner');
    const thief = await conversation(server, 'visitor-chat-thief');
    const photo = (await upload(server, owner.token, PNG)).body.attachment;
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token: thief.token, since: 0 });
    await visitor.next('welcome');

    visitor.send({ type: 'send', cid: 'steal-cid-001', text: 'look', attachment: photo.id });
    const refused = await visitor.next('error');
    assert.deepEqual(
      { code: refused.code, cid: refused.cid, message: refused.message },
      { code: 'invalid_message', cid: 'steal-cid-001', message: 'There is no such attachment in this conversation.' },
    );
    visitor.send({ type: 'send', cid: 'steal-cid-002', text: '', attachment: 'at_doesnotexist00000' });
    assert.equal((await visitor.next('error')).message, 'There is no such attachment in this conversation.');
    visitor.send({ type: 'send', cid: 'steal-cid-003', text: '', attachment: '../../etc/passwd' });
    assert.equal((await visitor.next('error')).code, 'invalid_message');
    visitor.send({ type: 'send', cid: 'steal-cid-004', text: '' });
    assert.equal((await visitor.next('error')).message, 'A message cannot be empty.');

    assert.deepEqual((await server.services.stores.messages.since(thief.interactionId, 0)), []);
    assert.equal((await server.services.interactions.get(thief.interactionId))!.status, 'new', 'nothing was queued');
    visitor.close();
  });
});
