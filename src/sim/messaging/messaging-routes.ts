import type { ControlRouter } from '../control/control-router.ts';
import { SimError } from '../sim-error.ts';
import type { ReceiptKind } from '../signal/message-stanzas.ts';
import type { PhoneMessaging } from './phone-messaging.ts';
import type { ReceivedText } from './text-log.ts';

const RECEIPT_KINDS: readonly ReceiptKind[] = ['delivered', 'read', 'played'];
const MAX_TEXT = 65_536;

function field(body: Readonly<Record<string, unknown>>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value) throw new SimError('bad-input', `${name} must be a non-empty string`);
  return value;
}

/** The wire view of a received text (no protobuf internals). */
const presentReceived = ({ id, from, fromDevice, text, t }: ReceivedText) => ({ id, from, fromDevice, text, t });

/** `POST|GET /phones/:phoneNumber/messages` and `POST /phones/:phoneNumber/receipts`. */
export function registerMessagingRoutes(router: ControlRouter, phone: (phoneNumber: string) => PhoneMessaging): void {
  router
    .route('POST', '/phones/:phoneNumber/messages', async ({ params, body }) => {
      const sender = phone(params.phoneNumber ?? '');
      const text = field(body, 'text');
      if (text.length > MAX_TEXT) throw new SimError('bad-input', `text must be at most ${MAX_TEXT} characters`);
      const message = await sender.sendText(field(body, 'to'), text);
      return { status: 201, body: { success: true, message } };
    })
    .route('GET', '/phones/:phoneNumber/messages', ({ params }) => {
      const owner = phone(params.phoneNumber ?? '');
      return { body: { success: true, messages: owner.received().map(presentReceived), sent: owner.sent() } };
    })
    .route('POST', '/phones/:phoneNumber/receipts', ({ params, body }) => {
      const owner = phone(params.phoneNumber ?? '');
      const type = body.type ?? 'read';
      if (typeof type !== 'string' || !(RECEIPT_KINDS as readonly string[]).includes(type)) {
        throw new SimError('bad-input', `type must be one of ${RECEIPT_KINDS.join(', ')}`);
      }
      owner.sendReceipt(field(body, 'messageId'), type as ReceiptKind);
      return { body: { success: true } };
    });
}
