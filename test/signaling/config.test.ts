import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../signaling/config/load-config.js';

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warmline-config-'));

  it('has working defaults with no file and no environment', () => {
    const config = loadConfig({}, dir);
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, './data');
    assert.equal(config.demo, false);
    assert.deepEqual(config.sites, []);
    assert.equal(config.limits.contextBytes, 32 * 1024);
  });

  it('reads warmline.config.json and lets the environment override it', () => {
    writeFileSync(join(dir, 'warmline.config.json'), JSON.stringify({ port: 9000, sites: [{ key: 'shop', name: 'Shop', origins: ['https://shop.example'] }], routing: { capacity: { chats: 3 } } }));
    const config = loadConfig({ PORT: '9100', WARMLINE_DEMO: 'true', WARMLINE_AGENT_ORIGINS: 'https://a.example, https://b.example' }, dir);
    assert.equal(config.port, 9100);
    assert.equal(config.demo, true);
    assert.equal(config.routing.capacity.chats, 3);
    assert.equal(config.routing.capacity.calls, 1);
    assert.equal(config.routing.offerTimeoutSeconds, 30);
    assert.deepEqual(config.agentOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.sites[0]?.origins[0], 'https://shop.example');
  });

  it('stores in SQLite unless WARMLINE_DATABASE_URL (database.url) names a PostgreSQL', () => {
    assert.equal(loadConfig({}, dir).database.url, undefined);
    assert.equal(loadConfig({ WARMLINE_DATABASE_URL: 'postgres://warmline:secret@db.internal:5432/warmline' }, dir).database.url, 'postgres://warmline:secret@db.internal:5432/warmline');
    assert.throws(() => loadConfig({ WARMLINE_DATABASE_URL: 'mysql://db/warmline' }, dir), /database\.url: must be a postgres:\/\/ URL/);
  });

  it('joins other nodes only with WARMLINE_REDIS_URL, PostgreSQL and a shared secret', () => {
    assert.equal(loadConfig({}, dir).cluster.redisUrl, undefined);
    const pg = 'postgres://warmline:secret@db.internal:5432/warmline';
    const secret = 'x'.repeat(32);
    const config = loadConfig({ WARMLINE_REDIS_URL: 'redis://10.0.0.9:6379', WARMLINE_DATABASE_URL: pg, WARMLINE_SECRET: secret }, dir);
    assert.equal(config.cluster.redisUrl, 'redis://10.0.0.9:6379');
    assert.throws(() => loadConfig({ WARMLINE_REDIS_URL: 'redis://10.0.0.9:6379', WARMLINE_SECRET: secret }, dir), /cluster\.redisUrl: several nodes share one PostgreSQL.*SQLite files are not shared/);
    assert.throws(() => loadConfig({ WARMLINE_REDIS_URL: 'redis://10.0.0.9:6379', WARMLINE_DATABASE_URL: pg }, dir), /cluster\.redisUrl: set secret \(WARMLINE_SECRET\)/);
    assert.throws(() => loadConfig({ WARMLINE_REDIS_URL: 'http://10.0.0.9', WARMLINE_DATABASE_URL: pg, WARMLINE_SECRET: secret }, dir), /cluster\.redisUrl: must be a redis:\/\//);
  });

  it('refuses to start with every wrong field named', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ port: 'eighty', routing: { awayAfterMissedOffers: 0 }, typo: true, secret: 'short' }));
    assert.throws(
      () => loadConfig({ WARMLINE_CONFIG: bad }, dir),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        for (const field of ['port', 'routing.awayAfterMissedOffers', 'typo', 'secret']) assert.match(err.message, new RegExp(`- ${field.replace('.', '\\.')}:`));
        return true;
      },
    );
    assert.throws(() => loadConfig({ PORT: 'abc' }, dir), /port: must be a number/);
  });

  it('checks queues, hours and the references between sections', () => {
    const file = join(dir, 'queues.json');
    writeFileSync(
      file,
      JSON.stringify({
        queues: [
          { id: 'billing', label: 'Billing', skills: ['billing'], hours: { timezone: 'Mars/Olympus', weekly: { mon: [['18:00', '09:00']] } } },
          { id: 'billing', label: 'Again' },
          { id: 'Bad Id', label: 'x' },
        ],
        sites: [{ key: 'shop', name: 'Shop', queues: ['billing', 'nope'], chatQueue: 'gone' }],
        routing: { priority: [{ when: { queue: 'missing' }, add: 5 }] },
      }),
    );
    assert.throws(
      () => loadConfig({ WARMLINE_CONFIG: file }, dir),
      (err: Error) => {
        assert.match(err.message, /queues\.2\.id: must be 1 to 32 lower-case letters/);
        return true;
      },
    );
    writeFileSync(
      file,
      JSON.stringify({
        queues: [
          { id: 'billing', label: 'Billing', skills: ['billing'], hours: { timezone: 'Mars/Olympus', weekly: { mon: [['18:00', '09:00']] } } },
          { id: 'billing', label: 'Again' },
        ],
        sites: [{ key: 'shop', name: 'Shop', queues: ['billing', 'nope'], chatQueue: 'gone' }],
        routing: { priority: [{ when: { queue: 'missing' }, add: 5 }] },
      }),
    );
    assert.throws(
      () => loadConfig({ WARMLINE_CONFIG: file }, dir),
      (err: Error) => {
        for (const expected of [
          /queues: the id "billing" appears twice/,
          /sites\.0\.queues: there is no queue "nope"/,
          /sites\.0\.chatQueue: there is no queue "gone"/,
          /queues\.0\.hours\.timezone: "Mars\/Olympus" is not a known time zone/,
          /queues\.0\.hours\.weekly\.mon: 18:00–09:00 ends before it starts/,
          /routing\.priority\.0\.when\.queue: there is no queue "missing"/,
        ]) {
          assert.match(err.message, expected);
        }
        return true;
      },
    );
  });

  it('says plainly when the file is missing or not JSON, or a site key repeats', () => {
    assert.throws(() => loadConfig({ WARMLINE_CONFIG: join(dir, 'missing.json') }, dir), /Cannot read the configuration file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "port": ');
    assert.throws(() => loadConfig({ WARMLINE_CONFIG: broken }, dir), /is not valid JSON/);
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify({ sites: [{ key: 'a', name: 'A' }, { key: 'a', name: 'B' }] }));
    assert.throws(() => loadConfig({ WARMLINE_CONFIG: twice }, dir), /the key "a" appears twice/);
  });

  it('names the trusted proxies by address, range or name, and refuses the old WARMLINE_TRUST_PROXY with what replaces it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'warmline-config-'));
    assert.deepEqual(loadConfig({}, empty).trustedProxies, []);
    assert.deepEqual(loadConfig({ WARMLINE_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,fd00::/8, loopback' }, empty).trustedProxies, ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'loopback']);
    assert.throws(() => loadConfig({ WARMLINE_TRUSTED_PROXIES: '10.0.0.0/8,balancer.internal,10.0.0.0/99' }, empty), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /- trustedProxies\.1: must be an IP address, a CIDR range/);
      assert.match(err.message, /- trustedProxies\.2: must be an IP address/);
      assert.doesNotMatch(err.message, /trustedProxies\.0/);
      return true;
    });
    assert.throws(() => loadConfig({ WARMLINE_TRUST_PROXY: '1' }, empty), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /WARMLINE_TRUST_PROXY: no longer read\. Remove it and name the proxies instead: WARMLINE_TRUSTED_PROXIES=loopback/);
      return true;
    });
    assert.throws(() => loadConfig({ WARMLINE_TRUST_PROXY: '1', WARMLINE_TRUSTED_PROXIES: 'loopback' }, empty), /WARMLINE_TRUST_PROXY: no longer read/, 'both set: the old one must go');
  });
});
