import { Type } from '@sinclair/typebox';
import { CONNECTION_STATUSES, SESSION_STATUSES } from '../../sessions/session-state.ts';
import { Nullable, StringEnum } from './schema-types.ts';

export const SessionIdParams = Type.Object({ sessionId: Type.String() });

export const UserInfoSchema = Type.Object({
  phoneNumber: Type.String({ description: 'User part of the JID: country code and number, digits only' }),
  name: Type.String({ description: 'Push name; empty string until WhatsApp has told it' }),
  jid: Type.String({ description: 'Full device JID, e.g. 6283876013551:12@s.whatsapp.net' }),
  platform: Type.String({ description: 'The phone platform, e.g. android, smba, iphone' }),
  registered: Type.Boolean({ description: "Baileys' registration flag (true only after pairing-code linking)" }),
  lid: Nullable(Type.String({ description: 'The account LID, e.g. 123456789:12@lid' })),
});

export const DisconnectSchema = Type.Object({
  code: Nullable(Type.Integer()),
  reason: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

const basicFields = {
  id: Type.Integer(),
  sessionId: Type.String(),
  status: StringEnum(SESSION_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  isActive: Type.Boolean(),
  isAuthenticated: Type.Boolean(),
  startTime: Nullable(Type.Integer()),
  connectionStatus: StringEnum(CONNECTION_STATUSES),
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
  lastDisconnect: Nullable(DisconnectSchema),
};

export const SessionBasicSchema = Type.Object(basicFields, { $id: 'SessionBasic' });
export const SessionCredentialsSchema = Type.Object(
  { ...basicFields, userInfo: Nullable(UserInfoSchema) },
  { $id: 'SessionCredentials' },
);

export const StatusHistorySchema = Type.Object({
  status: Type.String(),
  connectionStatus: Type.String(),
  reason: Nullable(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

export const SessionStatusSchema = Type.Object({
  sessionId: Type.String(),
  status: basicFields.status,
  connectionStatus: basicFields.connectionStatus,
  isActive: Type.Boolean(),
  isAuthenticated: Type.Boolean(),
  startTime: basicFields.startTime,
  lastSeenAt: basicFields.lastSeenAt,
  lastDisconnect: basicFields.lastDisconnect,
  history: Type.Array(StatusHistorySchema),
});

export const QrSchema = Type.Object({
  sessionId: Type.String(),
  qr: Type.String({ description: 'The raw QR string from Baileys' }),
  qrImage: Type.String({ description: 'data:image/png;base64,… URL of the QR code' }),
});

/** Default and largest wait of `GET /sessions/:id/qr` for a session's first QR code. */
export const QR_WAIT_DEFAULT_MS = 15_000;
export const QR_WAIT_MAX_MS = 60_000;
export const QrQuery = Type.Object(
  {
    waitMs: Type.Optional(
      Type.String({
        pattern: '^(?:0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|60000)$',
        description:
          `How long to wait for the first QR of a session that is still connecting: 0 to ${QR_WAIT_MAX_MS} ms ` +
          `(default ${QR_WAIT_DEFAULT_MS}). 0 answers at once.`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateSessionBody = Type.Object({ sessionId: Type.String() }, { additionalProperties: false });
export const PairingCodeBody = Type.Object(
  { phoneNumber: Type.String({ description: 'Country code and number, digits only (a leading + is accepted)' }) },
  { additionalProperties: false },
);
export const PairingCodeSchema = Type.Object({ sessionId: Type.String(), code: Type.String() });
