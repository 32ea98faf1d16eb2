/**
 * A real Kamailio (Debian's kamailio, kamailio-websocket-modules and
 * kamailio-autheph-modules, which .ci/run installs) started with the
 * repository's deploy/kamailio/kamailio.cfg on free loopback ports, for
 * tests of the external-SIP path. `stop()` ends it and removes its files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freeTcpPort } from './free-port.js';
import { stopChild } from './child-process.js';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAMAILIO_CONFIG = 'deploy/kamailio/kamailio.cfg';

/** Debian puts it in /usr/sbin, which a non-root PATH may lack. */
const KAMAILIO = process.env.KAMAILIO ?? (existsSync('/usr/sbin/kamailio') ? '/usr/sbin/kamailio' : 'kamailio');

export interface Kamailio {
  /** ws://<listen address>:<port>, for sip.js. */
  wsUrl: string;
  /** The UDP port, for sipp and desk phones. */
  udpPort: number;
  domain: string;
  secret: string;
  /** What Kamailio wrote (stderr), for a failing test to show. */
  log(): string;
  /** Stops it (SIGTERM, or SIGKILL for a crash) and starts it again on the same ports: every connection and registration is lost. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** Why Kamailio cannot run here, or undefined when it can. */
export function kamailioMissing(): string | undefined {
  const probe = spawnSync(KAMAILIO, ['-v'], { encoding: 'utf8' });
  if (probe.error) return 'kamailio is not installed (apt-get install kamailio kamailio-websocket-modules kamailio-autheph-modules; .ci/run does it)';
  const check = spawnSync(KAMAILIO, ['-c', '-f', KAMAILIO_CONFIG], { encoding: 'utf8' });
  if (check.status !== 0) return `kamailio refuses ${KAMAILIO_CONFIG} (a module missing?):\n${check.stderr.split('\n').filter((l) => /ERROR/.test(l)).join('\n')}`;
  return undefined;
}

const freeUdpPort = () =>
  new Promise<number>((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });

const listening = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export async function startKamailio(
  options: {
    domain?: string;
    secret?: string;
    origins?: string;
    /** Shared memory in MB (-m; 64 by default, enough for tests; a load test needs more: tm keeps each finished transaction for its wait timer, 5 s). */
    sharedMemoryMb?: number;
    /** The address to listen on (127.0.0.1 by default; a test host in a network namespace needs one it can reach). */
    listenIp?: string;
  } = {},
): Promise<Kamailio> {
  const missing = kamailioMissing();
  if (missing) throw new Error(missing);
  const domain = options.domain ?? 'warmline.invalid';
  const secret = options.secret ?? `kamailio-test-secret-${Math.random().toString(36).slice(2)}`;
  const [wsPort, udpPort] = [await freeTcpPort(), await freeUdpPort()];
  const runDir = mkdtempSync(join(tmpdir(), 'warmline-kamailio-'));
  const listenIp = options.listenIp ?? '127.0.0.1';
  const defines = [
    `WS_PORT=${wsPort}`,
    `UDP_PORT=${udpPort}`,
    `LISTEN_IP=${listenIp}`,
    `SIP_DOMAIN="${domain}"`,
    `AUTH_SECRET="${secret}"`,
    ...(options.origins ? [`ORIGINS="${options.origins}"`] : []),
  ];
  const args = ['-f', KAMAILIO_CONFIG, '-DD', '-E', '-m', String(options.sharedMemoryMb ?? 64), '-M', '8', '-Y', runDir, '-P', join(runDir, 'kamailio.pid'), ...defines.flatMap((d) => ['-A', d])];
  let output = '';
  let child: ChildProcess;
  let exited: Promise<void>;
  const launch = async () => {
    child = spawn(KAMAILIO, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started = Date.now();
    while (!(await listening(wsPort, listenIp))) {
      if (child.exitCode !== null) throw new Error(`kamailio exited at start:\n${output}`);
      if (Date.now() - started > 15_000) {
        child.kill('SIGKILL');
        throw new Error(`kamailio did not listen on ${wsPort} within 15 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const halt = (signal: NodeJS.Signals) => stopChild(child, exited, signal);
  await launch();
  return {
    wsUrl: `ws://${listenIp}:${wsPort}`,
    udpPort,
    domain,
    secret,
    log: () => output,
    async restart(signal = 'SIGTERM') {
      await halt(signal);
      await launch();
    },
    async stop() {
      await halt('SIGTERM');
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
