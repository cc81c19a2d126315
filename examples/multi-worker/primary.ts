import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { createSimulatedProvider, fault, type SimulatedProvider } from 'flexiai/testing';

/**
 * The primary: starts simulated upstreams when none are given, forks the workers, replaces any that
 * dies, and on SIGTERM/SIGINT stops them all and exits 0.
 */
export async function startPrimary(): Promise<void> {
  const count = Number(process.env.WORKERS ?? 2);
  const sims: SimulatedProvider[] = [];
  const env: Record<string, string> = {};
  if (!process.env.UPSTREAM_A_URL || !process.env.UPSTREAM_B_URL) {
    const a = await createSimulatedProvider({ name: 'primary-sim' });
    const b = await createSimulatedProvider({ name: 'secondary-sim' });
    sims.push(a, b);
    env.UPSTREAM_A_URL = a.baseURL;
    env.UPSTREAM_B_URL = b.baseURL;
    env.DEMO_CONTROL_URL = await startDemoControl(a);
  }
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.log(`worker ${worker.process.pid} died (${signal ?? code}); starting a new one`);
    fork();
  });
  cluster.on('message', (_worker, message: unknown) => {
    if (typeof message === 'object' && message && 'listening' in message) {
      console.log(`worker listening on ${String((message as { listening: unknown }).listening)}`);
    }
  });
  for (let i = 0; i < count; i += 1) fork();

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => worker.process.kill('SIGKILL'), 10_000);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all(sims.map((sim) => sim.close()));
    await closeDemoControl();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

let control: ReturnType<typeof createServer> | undefined;

/** A tiny loopback endpoint the workers forward /demo/* to: makes the simulated primary fail or heal. */
async function startDemoControl(primary: SimulatedProvider): Promise<string> {
  control = createServer((req, res) => {
    if (req.url === '/fail') primary.setDefault(fault.status(500));
    else if (req.url === '/heal') primary.reset();
    res.end(JSON.stringify({ primaryCalls: primary.chatCalls }));
  });
  await new Promise<void>((resolve) => control?.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function closeDemoControl(): Promise<void> {
  await new Promise<void>((resolve) => (control ? control.close(() => resolve()) : resolve()));
}
