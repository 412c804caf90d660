import type { PhoneAccountOptions } from '../accounts/phone-account.ts';
import { injectFault, parseFault } from '../faults.ts';
import type { SimCore } from '../sim-core.ts';
import { SimError } from '../sim-error.ts';
import type { SimPhone } from '../sim-phone.ts';
import type { ControlRouter } from './control-router.ts';

/** What the core routes drive (the Simulator is one); named here so the simulator and its routes import one way. */
export interface CoreRoutesHost {
  readonly core: SimCore;
  createPhone(options: PhoneAccountOptions): SimPhone;
  /** The phone of a number; throws a not-found SimError. */
  phone(phoneNumber: string): SimPhone;
  phones(): SimPhone[];
}

function text(body: Readonly<Record<string, unknown>>, field: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !value) throw new SimError('bad-input', `${field} must be a non-empty string`);
  return value;
}

function presentPhone(phone: SimPhone): Record<string, string> {
  return {
    phoneNumber: phone.phoneNumber,
    name: phone.name,
    platform: phone.platform,
    jid: phone.jid,
    lid: phone.lidJid,
  };
}

function deviceId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new SimError('bad-input', 'deviceId must be a positive integer');
  return id;
}

/** Phones, QR scans, devices and faults: the control routes of the simulator core. */
export function registerCoreRoutes(router: ControlRouter, sim: CoreRoutesHost): void {
  router
    .route('POST', '/phones', ({ body }) => {
      const platform = text(body, 'platform', false);
      const phone = sim.createPhone({
        phoneNumber: text(body, 'phoneNumber', true) ?? '',
        name: text(body, 'name', true) ?? '',
        ...(platform ? { platform } : {}),
      });
      return { status: 201, body: { success: true, phone: presentPhone(phone) } };
    })
    .route('GET', '/phones', () => ({ body: { success: true, phones: sim.phones().map(presentPhone) } }))
    .route('POST', '/phones/:phoneNumber/scan', async ({ params, body }) => {
      const phone = sim.phone(params.phoneNumber ?? '');
      const device = await phone.scan(text(body, 'qr', true) ?? '');
      return { body: { success: true, device } };
    })
    .route('GET', '/phones/:phoneNumber/devices', ({ params }) => ({
      body: { success: true, devices: sim.phone(params.phoneNumber ?? '').devices() },
    }))
    .route('DELETE', '/phones/:phoneNumber/devices/:deviceId', ({ params }) => {
      const device = sim.phone(params.phoneNumber ?? '').unlink(deviceId(params.deviceId));
      return { body: { success: true, device } };
    })
    .route('POST', '/faults', ({ body }) => {
      const fault = parseFault(body);
      injectFault(sim.core, fault);
      return { body: { success: true, fault } };
    });
}
