/**
 * Child process: what `flexiai serve --config FILE` runs — the client from a configuration file and
 * the gateway on it — started on a free loopback port; sends its URL to the parent (IPC). Logs go
 * to stdout at the configured level (the parent discards stdout).
 */
import { FlexiAI, createLogger } from '../src/index.js';
import { startGateway } from '../src/gateway/index.js';

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: gateway-server.ts CONFIG_FILE');
const client = await FlexiAI.fromFile(configPath);
const logger = createLogger({ level: client.config.logging.level });
const gateway = await startGateway({ client, logger, host: '127.0.0.1', port: 0 });
process.send?.(gateway.url);
process.on('SIGTERM', () => {
  void gateway
    .close()
    .then(() => client.close())
    .then(() => process.exit(0));
});
