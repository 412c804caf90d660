// First: it must run before Baileys loads WAProto (see the module). The bundle keeps it a file of its own.
import '../baileys/protobuf-oneof-getter.ts';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { createBaileysEngine } from '../baileys/baileys-engine.ts';
import { installConsoleGuard } from '../baileys/console-guard.ts';
import { hostEngine } from './engine-host.ts';
import type { EngineWorkerSetup } from './protocol.ts';
import { remoteAuthStore, remoteMessageStore } from './remote-stores.ts';
import { RpcChannel } from './rpc.ts';

/*
 * An engine worker thread: Baileys sockets for some of the gateway's sessions, with their auth state and
 * messages read and written through the gateway's stores (one database, one writer). Started by
 * `worker-engine.ts`, compiled with the modules it imports into plain JavaScript
 * (`engine-worker-bundle.ts`), so the thread needs no TypeScript loader.
 */
if (!parentPort) throw new Error('engine-worker.ts runs as a worker thread');
const setup = workerData as EngineWorkerSetup;
const logger = pino({ level: setup.logLevel });
// libsignal prints session records (private keys included) through console.*; this thread has its own console.
installConsoleGuard(logger);
const channel = new RpcChannel(parentPort);
const engine = createBaileysEngine({
  authStore: remoteAuthStore(channel),
  messageStore: remoteMessageStore(channel),
  wsUrl: setup.wsUrl,
  rootPublicKey: setup.rootPublicKeyHex ? Buffer.from(setup.rootPublicKeyHex, 'hex') : undefined,
  socketConfig: setup.socketConfig,
});
hostEngine(channel, engine, logger);
