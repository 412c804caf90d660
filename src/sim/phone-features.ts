import { type DeviceView, deviceView } from './accounts/linked-device.ts';
import type { ControlRouter } from './control/control-router.ts';
import type { MediaAccess } from './messaging/hub-context.ts';
import type { MessagingHub } from './messaging/messaging-hub.ts';
import { registerMessagingRoutes } from './messaging/messaging-routes.ts';
import { createPhoneMessaging, type PhoneMessaging } from './messaging/phone-messaging.ts';
import { attachMessaging } from './messaging/sim-messaging.ts';
import type { LinkCodeFlow } from './pairing/link-code-flow.ts';
import { registerLinkCodeRoutes } from './pairing/link-code-routes.ts';
import { attachLinkCode, enterPairingCode } from './pairing/sim-link-code.ts';
import type { SimCore } from './sim-core.ts';
import type { ClientStream } from './stream/client-stream.ts';

/** Pairing codes and 1:1 messaging, plugged into a running core. */
export interface PhoneFeatures {
  readonly messaging: MessagingHub;
  readonly linkCode: LinkCodeFlow<ClientStream>;
  /** The messaging API of one phone (throws not-found for an unknown number). */
  phoneMessaging(phoneNumber: string): PhoneMessaging;
  /** The phone types the code a companion showed; resolves with the linked device. */
  enterPairingCode(phoneNumber: string, code: unknown): Promise<DeviceView>;
}

/** Options of attachPhoneFeatures. */
export interface PhoneFeaturesOptions {
  /** The media host phones upload to and download from (startSimulator passes its own). */
  readonly media?: MediaAccess;
}

/** Attaches the pairing-code flow, messaging and their control routes to the core (startSimulator calls it once). */
export function attachPhoneFeatures(
  core: SimCore,
  control: ControlRouter,
  options: PhoneFeaturesOptions = {},
): PhoneFeatures {
  // A second attach would register a second hub whose state (logs, queues, Signal sessions) splits from the first.
  if (core.router.findIq({ tag: 'iq', attrs: { xmlns: 'usync', type: 'get' } })) {
    throw new Error('phone features are already attached to this simulator (startSimulator does it)');
  }
  const messaging = attachMessaging(core, options.media);
  const linkCode = attachLinkCode(core);
  // The first login of a device gets the phone's history-sync notification once its pre-keys are up.
  core.events.on('initial-sync-due', (device) => {
    messaging.sendHistorySync({ phoneNumber: device.phoneNumber, deviceId: device.deviceId }).catch((err: unknown) => {
      core.logger.warn({ err, device: device.jid }, 'sim could not send the history-sync notification');
    });
  });
  const features: PhoneFeatures = {
    messaging,
    linkCode,
    phoneMessaging: (phoneNumber) => createPhoneMessaging(messaging, core.accounts.getPhone(phoneNumber).phoneNumber),
    async enterPairingCode(phoneNumber, code) {
      const device = await enterPairingCode(core, linkCode, core.accounts.getPhone(phoneNumber), code);
      return deviceView(device, core.liveStream(device.jid) !== undefined);
    },
  };
  registerMessagingRoutes(control, features.phoneMessaging);
  registerLinkCodeRoutes(control, (phoneNumber) => ({
    enterPairingCode: (code) => features.enterPairingCode(phoneNumber, code),
  }));
  return features;
}
