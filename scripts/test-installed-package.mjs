#!/usr/bin/env node
/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project (no
 * optional peers), then run the `flexiai` binary and import every subpath, ESM and CommonJS; then
 * install ioredis and run `serve --workers 2` with Redis-shared circuits; then run examples/
 * against the installed package.
 *
 *   npm run build && node scripts/test-installed-package.mjs [--keep]
 *
 * Needs: a built dist/ (it packs with --ignore-scripts, so it does not build again), the npm
 * cache or registry (installs use --prefer-offline), Redis at REDIS_URL (redis://127.0.0.1:6379).
 * Exits non-zero on the first failed check, printing what it saw.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keep = process.argv.includes('--keep');
const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional)
  .map(([name]) => name);

let passed = 0;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const ok = (what) => {
  passed += 1;
  console.log(`  ok  ${what}`);
};
const section = (title) => console.log(`\n${title}`);
class CheckFailed extends Error {}
const fail = (what, detail = '') => {
  throw new CheckFailed(`FAIL ${what}${detail ? `\n${detail}` : ''}`);
};
const check = (condition, what, detail) => (condition ? ok(what) : fail(what, detail));

/** Runs a command to completion; never throws on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Starts a long-running process and resolves once `pattern` shows up in its output. */
function start(command, args, { cwd, env, pattern, count = 1, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise((r) => child.on('exit', (code) => r(code)));
    const onData = (d) => {
      output += d;
      const matches = [...output.matchAll(new RegExp(pattern.source, 'g'))];
      if (matches.length >= count)
        resolve({
          child,
          match: matches[0],
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new CheckFailed(`exited early (${code}):\n${output}`)));
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CheckFailed(`no ${pattern} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs).unref();
  });
}

function cleanEnv() {
  const env = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env))
    if (/^(FLEXIAI_|OPENAI_|ANTHROPIC_|GEMINI_|GOOGLE_|NODE_OPTIONS$|npm_)/.test(key))
      delete env[key];
  return env;
}

const npm = (args, cwd) =>
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, timeoutMs: 300_000 });
const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).join('\n');

/** Every built .js/.cjs file that imports or requires an optional peer at load time. */
/**
 * The optional peers that a plain `import`/`require` of an entry point would load: the static
 * import closure of every entry but flexiai/redis (ESM and CJS). Modules that load a peer but are
 * reached only by a dynamic `import()` (the Redis stores, loaded when configured) are fine.
 */
function staticPeerImports(dist) {
  const offenders = [];
  const entries = [
    'index.js',
    'index.cjs',
    'cli/index.js',
    'gateway/index.js',
    'gateway/index.cjs',
    'testing/index.js',
    'testing/index.cjs',
  ].map((entry) => join(dist, entry));
  const seen = new Set();
  const local = /(?:^|\n)\s*import\s[^;]*?from\s*['"](\.[^'"]+)['"]|require\(['"](\.[^'"]+)['"]\)/g;
  const walk = (path) => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    for (const peer of optionalPeers) {
      const quoted = `['"]${peer.replace(/[/.]/g, '\\$&')}['"]`;
      const statics = new RegExp(
        `(^|\\n)\\s*import\\s[^;]*?from\\s*${quoted}|require\\(${quoted}\\)`,
      );
      if (statics.test(text)) offenders.push(`${relative(dist, path)} -> ${peer}`);
    }
    for (const match of text.matchAll(local)) walk(join(dirname(path), match[1] ?? match[2]));
  };
  entries.forEach(walk);
  return offenders;
}

async function main() {
  console.log(`installed-package test: flexiai@${pkg.version} on Node ${process.version}`);
  const work = mkdtempSync(join(tmpdir(), 'flexiai-installed-'));
  const app = join(work, 'app');
  try {
    section('1. pack');
    check(
      existsSync(join(root, 'dist/cli/index.js')),
      'dist/ is built',
      'run `npm run build` first',
    );
    const packed = await npm(
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      root,
    );
    if (packed.code !== 0) fail('npm pack', packed.stderr);
    const [info] = JSON.parse(packed.stdout);
    const tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    ok(
      `npm pack: ${info.filename}, ${info.files.length} files, ${(info.size / 1024).toFixed(0)} kB`,
    );
    check(
      files.includes('dist/cli/index.js') &&
        files.includes('README.md') &&
        files.includes('LICENSE'),
      'the tarball has dist/cli/index.js, README.md and LICENSE',
    );
    check(
      !files.some((f) => /^(src|test|bench|examples|scripts)\//.test(f)),
      'the tarball has no src/, test/, bench/, examples/ or scripts/',
      files.filter((f) => /^(src|test|bench)\//.test(f)).join('\n'),
    );
    const offenders = staticPeerImports(join(root, 'dist'));
    check(
      offenders.length === 0,
      `no entry point but flexiai/redis loads an optional peer (${optionalPeers.join(', ')}) statically`,
      offenders.join('\n'),
    );

    section('2. install into an empty project (no optional peers)');
    cpSync(join(root, 'examples'), join(app, 'examples'), { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'flexiai-installed-test', private: true, version: '0.0.0' }, null, 2),
    );
    const openaiVersion = pkg.devDependencies.openai;
    const installed = await npm(
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
        `openai@${openaiVersion}`,
      ],
      app,
    );
    if (installed.code !== 0)
      fail('npm install <tarball>', tail(installed.stderr + installed.stdout));
    ok(`npm install ${info.filename} openai@${openaiVersion}`);
    for (const peer of optionalPeers)
      check(!existsSync(join(app, 'node_modules', peer)), `optional peer ${peer} is not installed`);
    const bin = join(app, 'node_modules/.bin/flexiai');

    section('3. the flexiai binary');
    const help = await run(bin, ['--help'], { cwd: app });
    check(
      help.code === 0 && help.stdout.includes('Commands:'),
      'flexiai --help: exit 0, lists the commands',
      help.stderr,
    );
    const version = await run(bin, ['--version'], { cwd: app });
    check(
      version.code === 0 && version.stdout.trim() === pkg.version,
      `flexiai --version: ${version.stdout.trim()}`,
      version.stderr,
    );
    const refused = await run(bin, ['serve', '--port', '0'], {
      cwd: app,
      env: { NODE_ENV: 'production' },
    });
    check(
      refused.code === 2 && refused.stderr.includes('--simulated'),
      'flexiai serve with no providers under NODE_ENV=production: refused, exit 2',
      refused.stderr,
    );
    const chat = await run(bin, ['chat', 'hello from the installed package'], { cwd: app });
    check(
      chat.code === 0 &&
        chat.stdout === '(sim-openai) You said: hello from the installed package\n',
      `flexiai chat: ${JSON.stringify(chat.stdout.trim())}`,
      chat.stderr,
    );
    const streamed = await run(bin, ['chat', '--stream', 'streamed'], { cwd: app });
    check(
      streamed.code === 0 && streamed.stdout.includes('You said: streamed'),
      'flexiai chat --stream',
      streamed.stderr,
    );

    const serve = await start(bin, ['serve', '--simulated', '--port', '0'], {
      cwd: app,
      pattern: /listening on (http:\/\/\S+)/,
    });
    const url = serve.match[1];
    ok(`flexiai serve --simulated: listening on ${url}`);
    const sdk = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import OpenAI from 'openai';
         const client = new OpenAI({ baseURL: '${url}/v1', apiKey: 'unused' });
         const res = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi from the openai SDK' }] });
         const stream = await client.chat.completions.create({ model: 'default', stream: true, messages: [{ role: 'user', content: 'streamed via SDK' }] });
         let text = '';
         for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
         console.log(JSON.stringify({ content: res.choices[0].message.content, text }));`,
      ],
      { cwd: app },
    );
    const answer = sdk.code === 0 ? JSON.parse(sdk.stdout) : {};
    check(
      answer.content === '(sim-openai) You said: hi from the openai SDK' &&
        answer.text === '(sim-openai) You said: streamed via SDK',
      `openai SDK against flexiai serve: ${JSON.stringify(answer.content)}, streamed ${JSON.stringify(answer.text)}`,
      sdk.stderr,
    );
    check((await serve.stop()) === 0, 'flexiai serve: SIGTERM drains and exits 0', serve.output());

    section('4. every subpath, ESM and CommonJS');
    const subpaths = Object.keys(pkg.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? 'flexiai' : `flexiai/${key.slice(2)}`));
    const needsPeer = { 'flexiai/redis': 'ioredis' };
    const importAll = async (label) => {
      for (const spec of subpaths) {
        const esm = await run(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const m = await import('${spec}'); console.log(Object.keys(m).length);`,
          ],
          { cwd: app },
        );
        const cjs = await run(
          process.execPath,
          ['-e', `console.log(Object.keys(require('${spec}')).length)`],
          { cwd: app },
        );
        const peer = needsPeer[spec];
        if (peer && label === 'without peers') {
          check(
            esm.code !== 0 &&
              esm.stderr.includes(`'${peer}'`) &&
              cjs.code !== 0 &&
              cjs.stderr.includes(`'${peer}'`),
            `${spec} without ${peer}: fails naming '${peer}' (ESM and CJS), as an optional peer's entry point should`,
            esm.stderr + cjs.stderr,
          );
          continue;
        }
        check(
          esm.code === 0 && Number(esm.stdout) > 0 && cjs.code === 0 && Number(cjs.stdout) > 0,
          `${spec}: import (${esm.stdout.trim()} exports) and require (${cjs.stdout.trim()} exports)`,
          esm.stderr + cjs.stderr,
        );
      }
    };
    await importAll('without peers');

    section('5. optional peers: a clear message naming the package when it is missing');
    const redisConfig = join(app, 'redis.yaml');
    const sim = await import(
      pathToFileURL(join(app, 'node_modules/flexiai/dist/testing/index.js')).href
    );
    const upstream = await sim.createSimulatedProvider({ name: 'upstream' });
    const prefix = `flexiai-installed-test:${process.pid}:${Date.now()}:`;
    writeFileSync(
      redisConfig,
      [
        'providers:',
        `  - { name: upstream, type: openai-compatible, baseURL: "${upstream.baseURL}", model: m }`,
        `sync: { backend: redis, url: "${REDIS_URL}", keyPrefix: "${prefix}" }`,
        'server: { port: 0 }',
        '',
      ].join('\n'),
    );
    const noRedis = await run(bin, ['serve', '--config', redisConfig], { cwd: app });
    check(
      noRedis.code === 2 && noRedis.stderr.includes('npm install ioredis'),
      'serve with sync.backend redis, ioredis missing: exit 2, "install it with `npm install ioredis`"',
      noRedis.stderr,
    );
    const vertexConfig = join(app, 'vertex.yaml');
    writeFileSync(
      vertexConfig,
      'providers:\n  - { name: vertex, type: vertexai, project: p, location: us-central1, model: gemini-2.5-flash }\nretry: { maxAttempts: 1 }\n',
    );
    const noAuth = await run(bin, ['chat', '--config', vertexConfig, 'hi'], { cwd: app });
    check(
      noAuth.code !== 0 && noAuth.stderr.includes('npm install google-auth-library'),
      'Vertex AI without google-auth-library: fails before any network call, naming `npm install google-auth-library`',
      noAuth.stderr,
    );

    section('6. with ioredis installed: serve --workers 2 sharing circuits through Redis');
    const peerVersion = pkg.devDependencies.ioredis;
    const addRedis = await npm(
      ['install', '--prefer-offline', '--no-audit', '--no-fund', `ioredis@${peerVersion}`],
      app,
    );
    if (addRedis.code !== 0) fail('npm install ioredis', tail(addRedis.stderr));
    ok(`npm install ioredis@${peerVersion}`);
    await importAll('with peers');
    const cluster = await start(bin, ['serve', '--config', redisConfig, '--workers', '2'], {
      cwd: app,
      pattern: /listening on (http:\/\/\S+)/,
    });
    const base = cluster.match[1];
    let health;
    for (let i = 0; i < 200; i += 1) {
      health = await (await fetch(`${base}/health`)).json();
      if (health.sync?.health === 'connected' && health.sync?.workers >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    check(
      health.sync?.backend === 'redis' &&
        health.sync?.health === 'connected' &&
        health.sync?.workers === 2,
      `GET /health: sync ${JSON.stringify({ backend: health.sync?.backend, health: health.sync?.health, workers: health.sync?.workers })}`,
      JSON.stringify(health),
    );
    upstream.setDefault(sim.fault.status(500));
    const statuses = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      statuses.push(res.status);
    }
    const open = await (await fetch(`${base}/health`)).json();
    check(
      open.providers?.find((p) => p.name === 'upstream')?.state === 'open',
      `an upstream failing 500 opens the shared circuit (statuses ${statuses.join(',')}; upstream called ${upstream.chatCalls} times)`,
      JSON.stringify(open),
    );
    check((await cluster.stop()) === 0, 'serve --workers 2: SIGTERM exits 0', cluster.output());
    await upstream.close();
    const { Redis } = await import(
      pathToFileURL(join(app, 'node_modules/ioredis/built/index.js')).href
    );
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();

    section('7. examples/ against the installed package');
    if (!process.features.typescript) {
      fail(
        'examples',
        `Node ${process.version} cannot run .ts files (type stripping needs Node >= 22.18)`,
      );
    }
    const quick = await run(process.execPath, ['--no-warnings', 'examples/quick-start.ts'], {
      cwd: app,
    });
    check(
      quick.code === 0 &&
        quick.stdout.includes('served by secondary [primary:500 -> secondary:ok]') &&
        quick.stdout.includes('circuit primary: half_open -> closed (probe_succeeded)'),
      'node examples/quick-start.ts: failover, circuit opens, recovers',
      quick.stdout + quick.stderr,
    );
    const example = await start(
      process.execPath,
      ['--no-warnings', 'examples/multi-worker/server.ts'],
      {
        cwd: app,
        env: { PORT: '0', WORKERS: '2', REDIS_URL, FLEXIAI_SYNC_KEY_PREFIX: `${prefix}example:` },
        pattern: /worker listening on (http:\/\/\S+)/,
        count: 2,
      },
    );
    const exampleUrl = example.match[1];
    const res = await fetch(`${exampleUrl}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    const body = await res.json();
    check(
      res.status === 200 && body.provider === 'primary',
      `node examples/multi-worker/server.ts: 2 workers, POST /chat served by ${body.provider}`,
      JSON.stringify(body),
    );
    check((await example.stop()) === 0, 'examples/multi-worker: SIGTERM exits 0', example.output());

    console.log(`\ninstalled-package test: ${passed} checks passed in ${elapsed()}`);
  } finally {
    if (keep) console.log(`(kept ${work})`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`\n${error instanceof CheckFailed ? error.message : error.stack}`);
  console.error(`installed-package test: FAILED after ${passed} checks passed (${elapsed()})`);
  process.exitCode = 1;
});
