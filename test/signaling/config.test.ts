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
    writeFileSync(join(dir, 'warmline.config.json'), JSON.stringify({ port: 9000, sites: [{ key: 'shop', name: 'Shop', origins: ['https://shop.example'] }], routing: { maxChatsPerAgent: 3 } }));
    const config = loadConfig({ PORT: '9100', WARMLINE_DEMO: 'true', WARMLINE_AGENT_ORIGINS: 'https://a.example, https://b.example' }, dir);
    assert.equal(config.port, 9100);
    assert.equal(config.demo, true);
    assert.equal(config.routing.maxChatsPerAgent, 3);
    assert.equal(config.routing.offerTimeoutSeconds, 30);
    assert.deepEqual(config.agentOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.sites[0]?.origins[0], 'https://shop.example');
  });

  it('refuses to start with every wrong field named', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ port: 'eighty', routing: { maxChatsPerAgent: 0 }, typo: true, secret: 'short' }));
    assert.throws(
      () => loadConfig({ WARMLINE_CONFIG: bad }, dir),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        for (const field of ['port', 'routing.maxChatsPerAgent', 'typo', 'secret']) assert.match(err.message, new RegExp(`- ${field.replace('.', '\\.')}:`));
        return true;
      },
    );
    assert.throws(() => loadConfig({ PORT: 'abc' }, dir), /port: must be a number/);
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
});
