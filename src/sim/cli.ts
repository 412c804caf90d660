import { destination, pino } from 'pino';
import { parseCliArgs } from './cli-args.ts';
import { muteLibsignalConsole } from './signal/quiet-libsignal.ts';
import { startSimulator } from './simulator.ts';

// Entry point of `npm run sim`: stdout carries exactly the three connection lines, logs go to stderr.
let args;
try {
  args = parseCliArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
// libsignal logs whole sessions (private keys included) with console.* whenever a session changes.
muteLibsignalConsole();
const logger = pino({ level: args.logLevel }, destination(2));
const sim = await startSimulator({ port: args.port, rootSeed: args.rootSeed, logger });
process.stdout.write(
  `WA_WS_URL=${sim.wsUrl}\nWA_ROOT_PUBLIC_KEY=${sim.rootPublicKeyHex}\nSIM_CONTROL_URL=${sim.controlUrl}\n`,
);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  sim.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'simulator did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
