import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export interface Blackhole {
  /** `http://127.0.0.1:<port>`: connections to it are never accepted. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const LISTENER = `const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>process.stdout.write(s.address().port+'\\n'))`;

/**
 * A port that never accepts a connection: a stopped process whose listen backlog is full, so the
 * kernel drops new SYNs and a client's connect hangs until its own connect timeout. The real thing,
 * not a mock (POSIX only: it uses SIGSTOP).
 */
export async function startBlackhole(): Promise<Blackhole> {
  const child: ChildProcess = spawn(process.execPath, ['-e', LISTENER], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  // Fill the accept queue until a connect stays pending.
  for (let i = 0; i < 16; i += 1) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    socket.on('error', () => undefined);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 150);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
