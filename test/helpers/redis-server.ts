import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { getClosedPort } from '../../src/testing/free-port.js';

export interface OwnRedis {
  port: number;
  url: string;
  process: ChildProcess;
  /** SIGSTOP: the socket stays open, nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops it (SIGKILL) and waits for the exit. */
  kill(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port, without persistence: the one a test may kill,
 * freeze or restart (never the shared one).
 */
export async function startOwnRedis(options: { password?: string } = {}): Promise<OwnRedis> {
  const port = await getClosedPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (options.password) args.push('--requirepass', options.password);
  const start = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPing(port, options.password);
    return child;
  };
  let child = await start();
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get process() {
      return child;
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
    restart: async () => {
      await own.kill();
      child = await start();
    },
    stop: () => own.kill(),
  };
  return own;
}

async function waitForPing(port: number, password?: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const client = new Redis({
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      ...(password ? { password } : {}),
    });
    client.on('error', () => undefined); // refused until the server listens
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (error) {
      client.disconnect();
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
