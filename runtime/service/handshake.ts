// The peer handshake: who is speaking on a connection, and proof that both ends hold the token.
// In: the shared token (or none) and the nonces each side draws. Out: the frames of the
// exchange and their checks.
//   server → client  {t: "hello", v: 1, node, nonce}
//   client → server  {t: "auth", v: 1, from, link, nonce, mac}
//   server → client  {t: "welcome", mac}   or   {t: "denied", reason}, then close
// Why challenge-response: the token never crosses the wire, each side proves it holds it over
// the other side's fresh nonce (so a recorded exchange cannot be replayed), and the client
// checks the server's answer too, so a node never hands its messages to an impostor. Without a
// token on either side the same exchange runs with null MACs; a token on one side only fails.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = 1;
const NONCE_BYTES = 16;

export interface Hello {
  readonly t: "hello";
  readonly v: number;
  readonly node: string;
  readonly nonce: Uint8Array;
}

export interface Auth {
  readonly t: "auth";
  readonly v: number;
  /** The sender's node name (its `--me`), for logs. */
  readonly from: string;
  /** The sender's link id: the unit of ordering and deduplication at the receiver. */
  readonly link: string;
  readonly nonce: Uint8Array;
  readonly mac: Uint8Array | null;
}

export interface Welcome {
  readonly t: "welcome";
  readonly mac: Uint8Array | null;
}

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

export function hello(node: string, nonce: Uint8Array): Hello {
  return { t: "hello", v: PROTOCOL_VERSION, node, nonce };
}

function mac(token: string, parts: readonly (string | Uint8Array)[]): Uint8Array {
  const hmac = createHmac("sha256", token);
  hmac.update("hydrolog-peer-v1");
  for (const part of parts) {
    hmac.update("|");
    hmac.update(typeof part === "string" ? part : Buffer.from(part).toString("hex"));
  }
  return hmac.digest();
}

function sameMac(expected: Uint8Array, actual: unknown): boolean {
  if (!(actual instanceof Uint8Array) || actual.length !== expected.length) return false;
  return timingSafeEqual(expected, actual);
}

/** The client's answer to a hello. */
export function auth(token: string | null, serverNonce: Uint8Array, from: string, link: string): Auth {
  const nonce = newNonce();
  return { t: "auth", v: PROTOCOL_VERSION, from, link, nonce, mac: token === null ? null : mac(token, ["client", serverNonce, nonce, from, link]) };
}

/** Checks a client's auth frame on the server; the reason when it is refused. */
export function checkAuth(token: string | null, serverNonce: Uint8Array, frame: unknown): { ok: true; auth: Auth } | { ok: false; reason: string } {
  if (typeof frame !== "object" || frame === null) return { ok: false, reason: "expected an auth frame" };
  const candidate = frame as Record<string, unknown>;
  if (candidate["t"] !== "auth") return { ok: false, reason: "expected an auth frame first" };
  if (candidate["v"] !== PROTOCOL_VERSION) return { ok: false, reason: `protocol version ${String(candidate["v"])} is not ${PROTOCOL_VERSION}` };
  const { from, link, nonce } = candidate;
  if (typeof from !== "string" || typeof link !== "string" || link === "" || !(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    return { ok: false, reason: "malformed auth frame" };
  }
  if (token !== null) {
    if (candidate["mac"] === null || candidate["mac"] === undefined) return { ok: false, reason: "this node requires a token" };
    if (!sameMac(mac(token, ["client", serverNonce, nonce, from, link]), candidate["mac"])) return { ok: false, reason: "wrong token" };
  }
  return { ok: true, auth: { t: "auth", v: PROTOCOL_VERSION, from, link, nonce, mac: null } };
}

/** The server's proof over the client's nonce. */
export function welcome(token: string | null, clientNonce: Uint8Array, serverNonce: Uint8Array): Welcome {
  return { t: "welcome", mac: token === null ? null : mac(token, ["server", clientNonce, serverNonce]) };
}

/** Checks the server's welcome on the client. */
export function checkWelcome(token: string | null, clientNonce: Uint8Array, serverNonce: Uint8Array, frame: unknown): { ok: true } | { ok: false; reason: string } {
  if (typeof frame !== "object" || frame === null) return { ok: false, reason: "expected a welcome frame" };
  const candidate = frame as Record<string, unknown>;
  if (candidate["t"] === "denied") return { ok: false, reason: `refused by the peer: ${String(candidate["reason"])}` };
  if (candidate["t"] !== "welcome") return { ok: false, reason: "expected a welcome frame" };
  if (token === null) return { ok: true };
  if (!sameMac(mac(token, ["server", clientNonce, serverNonce]), candidate["mac"])) {
    return { ok: false, reason: "the peer does not hold the same token" };
  }
  return { ok: true };
}

/** Checks a server's hello on the client. */
export function checkHello(frame: unknown): { ok: true; hello: Hello } | { ok: false; reason: string } {
  if (typeof frame !== "object" || frame === null) return { ok: false, reason: "expected a hello frame" };
  const candidate = frame as Record<string, unknown>;
  if (candidate["t"] !== "hello") return { ok: false, reason: "expected a hello frame first" };
  if (candidate["v"] !== PROTOCOL_VERSION) return { ok: false, reason: `protocol version ${String(candidate["v"])} is not ${PROTOCOL_VERSION}` };
  const { node, nonce } = candidate;
  if (typeof node !== "string" || !(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) return { ok: false, reason: "malformed hello frame" };
  return { ok: true, hello: { t: "hello", v: PROTOCOL_VERSION, node, nonce } };
}
