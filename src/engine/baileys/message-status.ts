import { proto } from '@whiskeysockets/baileys';
import type { MessageStatus } from '../messaging-types.ts';

const { Status } = proto.WebMessageInfo;

/**
 * WhatsApp receipt levels → our statuses. SERVER_ACK and PENDING are skipped: `sent` is reported when
 * the message is written to WhatsApp, so reporting it again on the ack would be a duplicate.
 */
export function toMessageStatus(status: number | null | undefined): MessageStatus | null {
  switch (status) {
    case Status.ERROR:
      return 'failed';
    case Status.DELIVERY_ACK:
      return 'delivered';
    case Status.READ:
      return 'read';
    case Status.PLAYED:
      return 'played';
    default:
      return null;
  }
}
