// First: it must run before Baileys loads WAProto (see the module).
import './protobuf-oneof-getter.ts';
import { WA_CERT_DETAILS, type SocketConfig } from '@whiskeysockets/baileys';
import type { AuthStateStore } from '../auth-state-store.ts';
import type { MessageStore } from '../message-store.ts';
import type { ConnectOptions, Engine, EngineConnection } from '../engine.ts';
import { BaileysConnection } from './baileys-connection.ts';
import { installSharedAsyncLocalStorage } from './shared-async-local-storage.ts';
import { parseCreds } from './sql-auth-state.ts';
import { installWasmCurve25519 } from './wasm-curve25519.ts';
import { userInfoFromCreds } from './user-info.ts';

export interface BaileysEngineOptions {
  authStore: AuthStateStore;
  messageStore: MessageStore;
  /** WhatsApp WebSocket URL; set only to point at a simulator. */
  wsUrl?: string | undefined;
  /** 32-byte Noise root public key to trust instead of WhatsApp's; set only with a simulator. */
  rootPublicKey?: Buffer | undefined;
  /** Extra Baileys socket settings (timeouts, keep-alive); auth and logger are always ours. */
  socketConfig?: Partial<SocketConfig>;
}

/** The engine that links and runs sessions with Baileys. */
export function createBaileysEngine(options: BaileysEngineOptions): Engine {
  const { authStore, messageStore } = options;
  // Baileys makes an AsyncLocalStorage per socket; on Node 20 each one taxes every promise (see the module).
  installSharedAsyncLocalStorage();
  // Curve25519 in wasm instead of DER-wrapped OpenSSL keys and pure-JS XEdDSA (see the module).
  installWasmCurve25519();
  const socketConfig: Partial<SocketConfig> = { ...options.socketConfig };
  if (options.wsUrl) socketConfig.waWebSocketUrl = options.wsUrl;
  if (options.rootPublicKey) {
    // Baileys reads this exported object at every handshake; the override is process-wide by design.
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(options.rootPublicKey);
  }
  return {
    capabilities: { qr: true, pairingCode: true },
    connect({ sessionId, logger, listener }: ConnectOptions): EngineConnection {
      const connection = new BaileysConnection({ sessionId, logger, listener, authStore, messageStore, socketConfig });
      void connection.start();
      return connection;
    },
    async readUser(sessionId: string) {
      const raw = await authStore.readCreds(sessionId);
      return raw ? userInfoFromCreds(parseCreds(raw)) : null;
    },
    wipe: (sessionId: string) => authStore.clear(sessionId),
  };
}
