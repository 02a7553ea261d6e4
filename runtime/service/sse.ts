// Server-sent event streams of a node's outputs (`GET /out/<output>`).
// In: an HTTP response to stream into, and every committed tick's tuples of one output.
// Out: the text/event-stream protocol: a comment when the stream opens, then one event per tick
// that emitted the output —
//   id: <tick>
//   event: output
//   data: {"tick": <tick>, "output": "<name>", "tuples": [[...], ...]}
// — and a `: heartbeat` comment every interval, so proxies and clients see the stream alive.
// Why a bound per client: a subscriber that stops reading must not make the node buffer
// without limit; once its socket holds more than the bound, it is disconnected (it may
// reconnect; events are not replayed).

import type { ServerResponse } from "node:http";
import type { JsonValue } from "../values.ts";

export const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly onClose: () => void,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write(": connected\n\n");
    this.heartbeat = setInterval(() => this.write(": heartbeat\n\n"), heartbeatMs);
    response.on("close", () => this.close());
  }

  send(tick: number, output: string, tuples: readonly JsonValue[][]): void {
    this.write(`id: ${tick}\nevent: output\ndata: ${JSON.stringify({ tick, output, tuples })}\n\n`);
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      this.response.destroy();
      this.close();
      return;
    }
    this.response.write(text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.response.writableEnded) this.response.end();
    this.onClose();
  }
}
