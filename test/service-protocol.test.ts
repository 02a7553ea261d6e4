// The pieces of the peer protocol on their own: frames, the handshake, deduplication,
// addresses, metrics text.

import { describe, expect, it } from "vitest";
import { formatHostPort, parseHostPort, parsePeers, resolveDestination } from "../runtime/service/address.ts";
import { Deduplicator, isRanges, toRanges } from "../runtime/service/dedup.ts";
import { encodeFrame, FrameDecoder } from "../runtime/service/framing.ts";
import { auth, checkAuth, checkHello, checkWelcome, hello, newNonce, welcome } from "../runtime/service/handshake.ts";
import { Registry } from "../runtime/service/metrics.ts";

describe("frames", () => {
  it("reassembles frames split and merged arbitrarily by the stream", () => {
    const values = [{ t: "msgs", m: [[1, "c", ["a", 1]]] }, { t: "ack", r: [[1, 3]] }, "x".repeat(5000), [1.5, true, null]];
    const bytes = Buffer.concat(values.map((value) => encodeFrame(value)));
    for (const step of [1, 3, 7, 1000, bytes.length]) {
      const decoder = new FrameDecoder();
      const out: unknown[] = [];
      for (let offset = 0; offset < bytes.length; offset += step) {
        for (const frame of decoder.push(bytes.subarray(offset, offset + step))) {
          expect(frame.ok).toBe(true);
          if (frame.ok) out.push(frame.value);
        }
      }
      expect(out).toEqual(values);
    }
  });

  it("breaks on a frame over the limit and reports, not throws, on undecodable bytes", () => {
    const decoder = new FrameDecoder(100);
    const big = encodeFrame("y".repeat(200));
    expect(decoder.push(big)).toEqual([{ ok: false, reason: "frame of 202 bytes exceeds the limit of 100" }]);
    expect(decoder.broken).not.toBeNull();
    expect(decoder.push(encodeFrame(1))).toEqual([]);
    const garbage = Buffer.from([0, 0, 0, 2, 0xd9, 0x05]);
    const frames = new FrameDecoder().push(garbage);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.ok).toBe(false);
  });
});

describe("the handshake", () => {
  const serverNonce = newNonce();

  it("accepts a client with the same token, and the client accepts the server", () => {
    const answer = auth("s3cret", serverNonce, "a", "a/1/127.0.0.1:2");
    const checked = checkAuth("s3cret", serverNonce, answer);
    expect(checked).toMatchObject({ ok: true, auth: { from: "a", link: "a/1/127.0.0.1:2" } });
    expect(checkWelcome("s3cret", answer.nonce, serverNonce, welcome("s3cret", answer.nonce, serverNonce))).toEqual({ ok: true });
  });

  it("refuses a wrong token, a missing token, a replayed answer and an impostor server", () => {
    expect(checkAuth("s3cret", serverNonce, auth("guess", serverNonce, "a", "l"))).toEqual({ ok: false, reason: "wrong token" });
    expect(checkAuth("s3cret", serverNonce, auth(null, serverNonce, "a", "l"))).toEqual({ ok: false, reason: "this node requires a token" });
    // An answer recorded for another server nonce does not open a new connection.
    expect(checkAuth("s3cret", newNonce(), auth("s3cret", serverNonce, "a", "l"))).toEqual({ ok: false, reason: "wrong token" });
    const answer = auth("s3cret", serverNonce, "a", "l");
    expect(checkWelcome("s3cret", answer.nonce, serverNonce, welcome(null, answer.nonce, serverNonce))).toMatchObject({ ok: false });
    expect(checkWelcome("s3cret", answer.nonce, serverNonce, { t: "denied", reason: "wrong token" })).toEqual({ ok: false, reason: "refused by the peer: wrong token" });
  });

  it("runs without a token on both sides and checks frame shapes", () => {
    expect(checkAuth(null, serverNonce, auth(null, serverNonce, "a", "l")).ok).toBe(true);
    expect(checkHello(hello("b", serverNonce))).toMatchObject({ ok: true, hello: { node: "b" } });
    expect(checkHello({ t: "hello", v: 99, node: "b", nonce: serverNonce })).toMatchObject({ ok: false });
    expect(checkAuth(null, serverNonce, { t: "msgs", m: [] })).toEqual({ ok: false, reason: "expected an auth frame first" });
    expect(checkAuth(null, serverNonce, { t: "auth", v: 1, from: "a", link: "", nonce: serverNonce })).toEqual({ ok: false, reason: "malformed auth frame" });
  });
});

describe("deduplication", () => {
  it("remembers consumed ids as a floor and a few above it", () => {
    const dedup = new Deduplicator();
    for (const sequence of [1, 2, 4, 5]) dedup.markConsumed("l", sequence);
    expect(dedup.toJson()).toEqual({ l: { floor: 2, above: [4, 5] } });
    expect([1, 2, 3, 4, 5, 6].map((sequence) => dedup.isConsumed("l", sequence))).toEqual([true, true, false, true, true, false]);
    dedup.markConsumed("l", 3);
    expect(dedup.toJson()).toEqual({ l: { floor: 5, above: [] } });
    expect(dedup.isConsumed("other", 1)).toBe(false);
    dedup.markConsumed("m", 9);
    dedup.advanceFloor("m", 7);
    expect(dedup.toJson()["m"]).toEqual({ floor: 7, above: [9] });
    dedup.advanceFloor("m", 8);
    expect(dedup.toJson()["m"]).toEqual({ floor: 9, above: [] });
    expect(Deduplicator.fromJson(dedup.toJson()).toJson()).toEqual(dedup.toJson());
  });

  it("writes and checks ranges", () => {
    expect(toRanges([5, 1, 2, 3, 9, 8])).toEqual([[1, 3], [5, 5], [8, 9]]);
    expect(isRanges([[1, 3], [5, 5]])).toBe(true);
    expect(isRanges([[3, 1]])).toBe(false);
    expect(isRanges([[0, 1]])).toBe(false);
    expect(isRanges("x")).toBe(false);
  });
});

describe("addresses", () => {
  it("defaults to loopback and names peers", () => {
    expect(parseHostPort("7000", "--listen")).toEqual({ host: "127.0.0.1", port: 7000 });
    expect(parseHostPort(":7000", "--listen")).toEqual({ host: "127.0.0.1", port: 7000 });
    expect(parseHostPort("0.0.0.0:0", "--listen")).toEqual({ host: "0.0.0.0", port: 0 });
    expect(parseHostPort("[::1]:80", "--http")).toEqual({ host: "::1", port: 80 });
    expect(formatHostPort({ host: "::1", port: 80 })).toBe("[::1]:80");
    expect(parseHostPort("host", "--listen")).toBe('--listen: expected HOST:PORT, got "host"');
    expect(parseHostPort("h:99999", "--listen")).toBe("--listen: port 99999 is out of range");
    const peers = parsePeers("a=127.0.0.1:7001, b=:7002");
    expect(peers).toEqual(new Map([["a", { host: "127.0.0.1", port: 7001 }], ["b", { host: "127.0.0.1", port: 7002 }]]));
    expect(parsePeers("a=1:2,a=1:3")).toBe("--peers: a is listed twice");
    expect(parsePeers("b")).toBe('--peers: expected name=host:port, got "b"');
    expect(resolveDestination("a", peers as Map<string, never>)).toBe("127.0.0.1:7001");
    expect(resolveDestination("10.0.0.5:80", peers as Map<string, never>)).toBe("10.0.0.5:80");
    expect(resolveDestination("nobody", peers as Map<string, never>)).toBeNull();
  });
});

describe("metrics text", () => {
  it("renders counters, labelled gauges and cumulative histograms", () => {
    const registry = new Registry();
    registry.counter("c_total", "A counter.").inc(2, { code: "200" });
    registry.gauge("g", "A gauge.", () => [[{ peer: 'x"y' }, 3]]);
    const histogram = registry.histogram("h_seconds", "A histogram.", [0.1, 1]);
    histogram.observe(0.05);
    histogram.observe(0.5);
    histogram.observe(5);
    expect(registry.render()).toBe(
      [
        "# HELP c_total A counter.",
        "# TYPE c_total counter",
        'c_total{code="200"} 2',
        "# HELP g A gauge.",
        "# TYPE g gauge",
        'g{peer="x\\"y"} 3',
        "# HELP h_seconds A histogram.",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{le="0.1"} 1',
        'h_seconds_bucket{le="1"} 2',
        'h_seconds_bucket{le="+Inf"} 3',
        "h_seconds_sum 5.55",
        "h_seconds_count 3",
        "",
      ].join("\n"),
    );
  });
});
