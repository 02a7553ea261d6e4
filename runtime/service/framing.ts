// Length-prefixed msgpack frames: the unit of everything nodes say to each other over TCP.
// In: plain values (objects, arrays, strings, numbers, booleans, null, byte buffers) to send,
// and received byte chunks in whatever pieces TCP delivers them. Out: one Buffer per value
// (a 4-byte big-endian payload length, then the msgpack payload), and the decoded values back
// in order, or a reason when a frame is malformed or too large.
// Why a length prefix and a hard limit: a reader must know where a frame ends before it parses
// it, and must refuse to buffer an unbounded frame from a peer (a frame over the limit breaks
// the framing, so the connection is closed; an undecodable frame of honest length is only
// skipped). Every frame stands alone: no structure shared between frames that a reconnect
// could lose. @msgpack/msgpack is plain JavaScript (no native add-on to build or download);
// binary values come back as Uint8Array.

import { decode, encode } from "@msgpack/msgpack";

/** The largest frame payload accepted or produced: 1 MiB. */
export const MAX_FRAME_BYTES = 1 << 20;

const HEADER_BYTES = 4;

function pack(value: unknown): Buffer {
  const bytes = encode(value);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A value as one frame. */
export function encodeFrame(value: unknown): Buffer {
  const payload = pack(value);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** The payload of a value alone (for measuring before framing). */
export function packValue(value: unknown): Buffer {
  return pack(value);
}

/** A frame around an already packed payload. */
export function frameOf(payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** msgpack bytes back to a value; a reason instead of a throw when they are not msgpack. */
export function unpackValue(payload: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: decode(payload) };
  } catch (error) {
    return { ok: false, reason: `undecodable frame: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export type DecodedFrame = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Reassembles frames from a byte stream. `push` returns the frames completed by a chunk; once
 * a length over the limit is seen, `broken` is set and nothing more is decoded.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before the next frame can complete: no concatenation until they are here. */
  private needed = HEADER_BYTES;
  broken: string | null = null;

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): DecodedFrame[] {
    if (this.broken !== null) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: DecodedFrame[] = [];
    if (this.buffered < this.needed) return frames;
    let data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const length = data.readUInt32BE(offset);
      if (length > this.maxBytes) {
        this.broken = `frame of ${length} bytes exceeds the limit of ${this.maxBytes}`;
        frames.push({ ok: false, reason: this.broken });
        this.chunks = [];
        this.buffered = 0;
        return frames;
      }
      if (data.length - offset - HEADER_BYTES < length) {
        this.needed = HEADER_BYTES + length;
        break;
      }
      const payload = data.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
      frames.push(unpackValue(payload));
      offset += HEADER_BYTES + length;
    }
    if (data.length - offset < HEADER_BYTES) this.needed = HEADER_BYTES;
    if (offset === data.length) {
      this.chunks = [];
      this.buffered = 0;
    } else {
      data = data.subarray(offset);
      this.chunks = [data];
      this.buffered = data.length;
    }
    return frames;
  }
}
