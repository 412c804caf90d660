import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from './api-client.ts';
import { secondsLeft, type QrSighting } from './qr-timing.ts';
import type { Session } from './types.ts';
import { useAction } from './use-action.ts';

export interface LinkPanelProps {
  api: ApiClient;
  session: Session;
  sighting: QrSighting | undefined;
  now: number;
}

/** Besides the QR-rotation events, the code is reread this often (in case the stream missed one). */
const QR_POLL_MS = 5000;

function QrCode({ api, session, sighting, now }: LinkPanelProps) {
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { sessionId } = session;
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const qr = await api.qr(sessionId);
        if (!cancelled) {
          setImage(qr.qrImage);
          setError(null);
        }
      } catch (err) {
        if (!cancelled && !(err instanceof ApiError && err.code === 'QR_NOT_AVAILABLE'))
          setError(String((err as Error).message));
      }
    };
    void load();
    const timer = setInterval(load, QR_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, sessionId, sighting?.qr]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!image) return <p>Waiting for the QR code…</p>;
  const left = sighting ? secondsLeft(sighting, now) : null;
  return (
    <figure class="qr">
      <img src={image} alt={`QR code to link session ${sessionId}`} width={256} height={256} />
      <figcaption>
        On the phone: WhatsApp → Linked devices → Link a device, then scan.{' '}
        <span role="timer" aria-live="off">
          {left === null
            ? 'The code changes every 20 to 60 s.'
            : left > 0
              ? `Expires in ${left} s.`
              : 'Expired; a new code is coming.'}
        </span>
      </figcaption>
    </figure>
  );
}

function PairingCodeForm({ api, session }: { api: ApiClient; session: Session }) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const request = useAction(async () => {
    setCode((await api.pairingCode(session.sessionId, phone.trim())).code);
  });
  return (
    <form
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        void request.run();
      }}
    >
      <label for="pairing-phone">Phone number</label>
      <input
        id="pairing-phone"
        type="tel"
        inputMode="tel"
        placeholder="6281234567890"
        value={phone}
        onInput={(event) => setPhone(event.currentTarget.value)}
        aria-describedby="pairing-phone-help"
        required
      />
      <p id="pairing-phone-help" class="help">
        Country code and number, digits only.
      </p>
      <button type="submit" disabled={request.busy}>
        Get pairing code
      </button>
      {request.error && (
        <p class="error" role="alert">
          {request.error}
        </p>
      )}
      {code && (
        <p>
          On the phone: Linked devices → Link with phone number, then type{' '}
          <output class="pairing-code" aria-label="Pairing code">
            {code}
          </output>
        </p>
      )}
    </form>
  );
}

/** Linking a session: its QR code while it waits for a scan, or a pairing code for a phone number. */
export function LinkPanel(props: LinkPanelProps) {
  const [byCode, setByCode] = useState(false);
  const { session } = props;
  if (session.connectionStatus === 'AUTHENTICATED') {
    const user = session.userInfo;
    return (
      <p class="ok" role="status">
        Linked{user ? ` to +${user.phoneNumber}${user.name ? ` (${user.name})` : ''}` : ''}.
      </p>
    );
  }
  if (session.connectionStatus !== 'QR_REQUIRED' && session.connectionStatus !== 'CONNECTING') return null;
  return (
    <section class="link-panel" aria-label="Link a phone">
      <div class="choice" role="group" aria-label="How to link">
        <button type="button" aria-pressed={!byCode} onClick={() => setByCode(false)}>
          Scan QR code
        </button>
        <button type="button" aria-pressed={byCode} onClick={() => setByCode(true)}>
          Use pairing code
        </button>
      </div>
      {byCode ? <PairingCodeForm api={props.api} session={session} /> : <QrCode {...props} />}
    </section>
  );
}
