const MAX_FRAME = 0xffffff;

/** Splits the client's byte stream into Noise frames (3-byte big-endian length prefix). */
export interface FrameReader {
  /** Feeds one WebSocket message; returns every complete frame it finished. */
  push(data: Uint8Array): Buffer[];
}

/** Length of the intro at the start of the first client message: `WA 06 03`, or `ED 00 01 len(3) routing WA 06 03`. */
function introLength(data: Buffer): number {
  if (data[0] === 0x45 && data[1] === 0x44) {
    if (data.length < 7) throw new Error('noise: truncated ED routing intro');
    return 7 + data.readUIntBE(4, 3) + 4;
  }
  if (data[0] === 0x57 && data[1] === 0x41) return 4;
  throw new Error('noise: first message lacks the WA intro');
}

/** Creates a reader that strips the intro of the first message and buffers partial frames. */
export function createFrameReader(): FrameReader {
  let pending = Buffer.alloc(0);
  let sawIntro = false;
  return {
    push(data) {
      let chunk = Buffer.from(data);
      if (!sawIntro) {
        chunk = chunk.subarray(introLength(chunk));
        sawIntro = true;
      }
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const frames: Buffer[] = [];
      while (pending.length >= 3) {
        const size = pending.readUIntBE(0, 3);
        if (pending.length < size + 3) break;
        frames.push(pending.subarray(3, size + 3));
        pending = pending.subarray(size + 3);
      }
      return frames;
    },
  };
}

/** Prefixes a server frame with its 3-byte length (server frames carry no intro). */
export function frame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new Error('noise: frame too large');
  const header = Buffer.alloc(3);
  header.writeUIntBE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}
