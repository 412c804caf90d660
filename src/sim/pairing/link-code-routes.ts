import type { DeviceView } from '../accounts/linked-device.ts';
import type { ControlRouter } from '../control/control-router.ts';

/** A phone that can type a pairing code. */
export interface CodeEntry {
  enterPairingCode(code: unknown): Promise<DeviceView>;
}

/** `POST /phones/:phoneNumber/pairing-code {"code"}`: links the companion that showed this code. */
export function registerLinkCodeRoutes(router: ControlRouter, phone: (phoneNumber: string) => CodeEntry): void {
  router.route('POST', '/phones/:phoneNumber/pairing-code', async ({ params, body }) => {
    const device = await phone(params.phoneNumber ?? '').enterPairingCode(body.code);
    return { body: { success: true, device } };
  });
}
