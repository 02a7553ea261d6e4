// The configuration of a service node: where it listens, whom it talks to, where it keeps its
// state, and the bounds that keep its memory and its peers' patience finite.
// In: what the command line (compiler/cli/run-service.ts) or an embedding program decides.
// Out: plain data for ServiceNode.start; DEFAULT_LIMITS documents every bound in one place.

import type { Logger } from "pino";
import type { ProgramClass } from "../load.ts";
import type { HostPort } from "./address.ts";
import { MAX_FRAME_BYTES } from "./framing.ts";
import { MAX_REQUEST_BYTES } from "./http.ts";

export interface ServiceLimits {
  /** Largest peer frame, in bytes. */
  readonly maxFrameBytes: number;
  /** Largest HTTP request body, in bytes. */
  readonly maxRequestBytes: number;
  /** Messages (and posted tuples) waiting for a tick before peers are paused and posts refused. */
  readonly maxInbox: number;
  /** Unacknowledged sent messages before the node stops running ticks. */
  readonly maxOutbox: number;
  /** Channel messages taken into one tick at most. */
  readonly maxBatch: number;
  /** Log size that triggers a snapshot and a new log. */
  readonly compactBytes: number;
  /** Interval of SSE heartbeat comments. */
  readonly heartbeatMs: number;
  readonly handshakeTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServiceLimits = {
  maxFrameBytes: MAX_FRAME_BYTES,
  maxRequestBytes: MAX_REQUEST_BYTES,
  maxInbox: 100_000,
  maxOutbox: 100_000,
  maxBatch: 10_000,
  compactBytes: 64 * 1024 * 1024,
  heartbeatMs: 15_000,
  handshakeTimeoutMs: 5_000,
};

export interface ServiceConfig {
  readonly Program: ProgramClass;
  readonly listen: HostPort;
  readonly http?: HostPort;
  readonly peers: ReadonlyMap<string, HostPort>;
  /** This node's name (me()); default its listen address as `host:port`. */
  readonly me?: string;
  readonly stateDirectory?: string;
  readonly token?: string;
  readonly logger: Logger;
  readonly limits?: Partial<ServiceLimits>;
}
