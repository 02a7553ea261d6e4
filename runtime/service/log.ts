// The append-only log of a durable node: checksummed records, written in order, synced on commit.
// In: records (plain values) appended by the service after each tick and after acknowledgements.
// Out: the file `log.<generation>` in the state directory; on open, every intact record in order.
// Format: the 8 bytes `HYDLOG01`, then records, each a 4-byte big-endian payload length, the
// 4-byte big-endian CRC-32 of the payload, and the payload (msgpack). A record is valid only if
// it is whole and its checksum matches; reading stops at the first one that is not, and the
// file is cut back to the last valid record, so a record torn by a crash (`kill -9` mid-write)
// is ignored and never followed by new ones.
// Why buffered writes and one sync per commit: a tick's record is written and synced before any
// of its effects leave the process; acknowledgement records ride along with the next sync
// (losing one only makes a peer resend, and the receiver deduplicates).

import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync, fsyncSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { packValue, unpackValue } from "./framing.ts";

export const LOG_MAGIC = Buffer.from("HYDLOG01", "latin1");
const RECORD_HEADER = 8;
/** No record may be larger than this: a length above it is damage, not data. */
const MAX_RECORD_BYTES = 1 << 30;

export interface ReadLog {
  readonly records: unknown[];
  /** Bytes of valid content (header and whole records). */
  readonly validBytes: number;
  /** Bytes after the valid content that were cut off (a torn or damaged tail). */
  readonly discardedBytes: number;
}

/** Encodes one record with its length and checksum. */
export function encodeRecord(record: unknown): Buffer {
  const payload = packValue(record);
  const out = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, RECORD_HEADER);
  return out;
}

/** Every intact record of a log's bytes, stopping at the first torn or damaged one. */
export function decodeLog(bytes: Buffer): ReadLog {
  if (bytes.length < LOG_MAGIC.length || !bytes.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)) {
    // A crash while creating the file can leave it shorter than its header: nothing was in it.
    if (bytes.length < LOG_MAGIC.length && LOG_MAGIC.subarray(0, bytes.length).equals(bytes)) {
      return { records: [], validBytes: 0, discardedBytes: bytes.length };
    }
    throw new Error("not a hydrolog log file (bad header)");
  }
  const records: unknown[] = [];
  let offset = LOG_MAGIC.length;
  while (bytes.length - offset >= RECORD_HEADER) {
    const length = bytes.readUInt32BE(offset);
    const checksum = bytes.readUInt32BE(offset + 4);
    if (length > MAX_RECORD_BYTES || bytes.length - offset - RECORD_HEADER < length) break;
    const payload = bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    if (crc32(payload) !== checksum) break;
    const decoded = unpackValue(payload);
    if (!decoded.ok) break;
    records.push(decoded.value);
    offset += RECORD_HEADER + length;
  }
  return { records, validBytes: offset, discardedBytes: bytes.length - offset };
}

export class RecordLog {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private size: number,
  ) {}

  /**
   * Opens (creating when absent) a log file: reads its intact records and cuts off a torn
   * tail before any new record is appended.
   */
  static async open(path: string): Promise<{ log: RecordLog; read: ReadLog }> {
    let read: ReadLog = { records: [], validBytes: 0, discardedBytes: 0 };
    if (existsSync(path)) read = decodeLog(readFileSync(path));
    if (read.validBytes === 0) {
      // New (or only a partial header): write the header and make it durable.
      const fd = openSync(path, "w");
      writeSync(fd, LOG_MAGIC);
      fsyncSync(fd);
      closeSync(fd);
      read = { ...read, validBytes: LOG_MAGIC.length };
    } else if (read.discardedBytes > 0) {
      const fd = openSync(path, "r+");
      ftruncateSync(fd, read.validBytes);
      fsyncSync(fd);
      closeSync(fd);
    }
    const handle = await open(path, "a");
    const size = fstatSync(handle.fd).size;
    return { log: new RecordLog(path, handle, size), read };
  }

  /** Bytes in the file, including what is buffered. */
  get bytes(): number {
    return this.size + this.pendingBytes;
  }

  /** Buffers a record; it reaches the file at the next sync. */
  append(record: unknown): void {
    if (this.closed) throw new Error("log is closed");
    const encoded = encodeRecord(record);
    this.pending.push(encoded);
    this.pendingBytes += encoded.length;
  }

  /** Writes everything buffered and syncs it to disk; resolves once it is durable. */
  sync(): Promise<void> {
    const next = this.syncing.then(() => this.flush());
    this.syncing = next.catch(() => undefined);
    return next;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buffers = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    while (written < bytes) {
      const { bytesWritten } = await this.handle.writev(written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)]);
      written += bytesWritten;
    }
    this.size += bytes;
    await this.handle.datasync();
  }

  /** Syncs what is buffered and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    await this.handle.close();
  }

  /** Closes without writing what is buffered (the state it described is superseded by a snapshot). */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.pendingBytes = 0;
    await this.syncing;
    await this.handle.close();
  }
}
