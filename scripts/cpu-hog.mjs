#!/usr/bin/env node
/**
 * Busy loops that keep CPUs saturated, to run the test suite under contention (a loaded CI
 * machine, a laptop doing something else).
 *
 *   node scripts/cpu-hog.mjs [N]                   N busy processes (default 2) until Ctrl-C / SIGTERM
 *   node scripts/cpu-hog.mjs [N] -- <command...>   N busy processes while <command> runs; exits
 *                                                  with the command's exit code
 *
 * `npm run test:contended` is `node scripts/cpu-hog.mjs 2 -- npx vitest run`.
 */
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--busy') {
  // One hog: spin forever (until killed), never yielding.
  for (;;) {
    Math.sqrt(Math.random());
  }
}

const separator = process.argv.indexOf('--');
const own = separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator);
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
const count = own[0] === undefined ? 2 : Number(own[0]);
if (!Number.isInteger(count) || count < 1) {
  console.error(`cpu-hog: the number of busy loops must be a positive integer, got "${own[0]}"`);
  process.exit(2);
}

const self = fileURLToPath(import.meta.url);
const hogs = Array.from({ length: count }, () => fork(self, ['--busy'], { stdio: 'ignore' }));
const stopHogs = () => {
  for (const hog of hogs) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);
console.error(`cpu-hog: ${count} busy loop(s) running (pids ${hogs.map((h) => h.pid).join(', ')})`);

if (command.length === 0) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
} else {
  const started = Date.now();
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`cpu-hog: cannot run ${command[0]}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.error(
      `cpu-hog: "${command.join(' ')}" ended (${signal ?? `exit ${code}`}) after ${seconds} s beside ${count} busy loop(s)`,
    );
    process.exit(code ?? 1);
  });
}
