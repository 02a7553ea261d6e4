// Nodes as services, in this process, over real loopback TCP and HTTP: channels between nodes,
// the HTTP interface and its errors, exactly-once consumption of duplicated and malformed
// peer traffic, tokens, periodic timers, and restarts from a state directory.

import { afterEach, describe, expect, it } from "vitest";
import { fixture, hostPort, RawPeer, request, startNode, stateDirectory, stopAll, stopNode, subscribe, eventually } from "./service-harness.ts";
import { encodeFrame } from "../runtime/service/framing.ts";

const RELAY = fixture("relay.hydro");
const DURABLE = fixture("durable.hydro");

afterEach(stopAll);

describe("two nodes", () => {
  it("carries a channel from one node to another and answers the post after its tick", async () => {
    const b = await startNode(RELAY, { me: "b" });
    const a = await startNode(RELAY, { me: "a", peers: new Map([["b", hostPort(b.address)]]) });
    const stream = await subscribe(b.httpAddress!, "/out/got");
    const posted = await request(a, "POST", "/in/put", [["b", "x", 1], { to: "b", k: "y", v: 2 }]);
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({
      tick: 1,
      outputs: { accepted: [["x"], ["y"]] },
      sent: [
        { to: "b", channel: "fwd", tuple: ["b", "x", 1] },
        { to: "b", channel: "fwd", tuple: ["b", "y", 2] },
      ],
    });
    const state = await eventually(async () => {
      const reply = await request(b, "GET", "/state/kv");
      return (reply.body as unknown[]).length === 2 ? reply.body : undefined;
    });
    expect(state).toEqual([["x", 1], ["y", 2]]);
    await eventually(() => (stream.events.length > 0 ? true : undefined));
    expect(stream.events[0]!.data).toEqual({ tick: 1, output: "got", tuples: [["x", 1], ["y", 2]] });
    expect(stream.comments[0]).toBe("connected");
    stream.close();
    const health = await request(a, "GET", "/health");
    expect(health.body).toMatchObject({ status: "ok", node: "a", module: "relay", peers: { b: "connected" }, outbox: 0 });
    const metrics = await request(b, "GET", "/metrics");
    expect(metrics.text).toMatch(/^hydro_messages_received_total 2$/m);
    // Tick 0, the tick that took both messages, and the tick that applied their deferred upserts.
    expect(metrics.text).toMatch(/^hydro_ticks_total 3$/m);
    expect(metrics.text).toMatch(/^hydro_tick_duration_seconds_count 3$/m);
    expect(metrics.text).toMatch(/^hydro_state_tuples 2$/m);
  });

  it("reaches a node by host:port without naming it, and names itself by its address", async () => {
    const b = await startNode(RELAY);
    const a = await startNode(RELAY);
    expect(b.name).toBe(b.address);
    const posted = await request(a, "POST", "/in/put", [[b.address, "k", 7]]);
    expect(posted.status).toBe(200);
    await eventually(async () => ((await request(b, "GET", "/state/kv")).body as unknown[]).length === 1 || undefined);
    expect((await request(b, "GET", "/state/kv")).body).toEqual([["k", 7]]);
  });
});

describe("the HTTP interface", () => {
  it("rejects bad requests with the reason and keeps serving", async () => {
    const node = await startNode(DURABLE, { limits: { maxRequestBytes: 1000 } });
    const cases: [string, string, unknown, number, RegExp][] = [
      ["POST", "/in/set_kv", "[[", 400, /not JSON/],
      ["POST", "/in/nothing", [], 400, /unknown input "nothing"/],
      ["POST", "/in/kv", [], 400, /kv is a table, not an input/],
      ["POST", "/in/set_kv", [["a"]], 400, /set_kv, tuple 1: expected 2 columns, got 1/],
      ["POST", "/in/set_kv", [["a", "one"]], 400, /column 2: expected an int/],
      ["POST", "/in/set_kv", [{ k: "a", value: 1 }], 400, /no column "value"/],
      ["POST", "/in/set_kv", [{ k: "a" }], 400, /missing column v/],
      ["POST", "/in/set_kv", { k: "a" }, 400, /expected a JSON array/],
      ["POST", "/in/set_kv", [["a", 1]].concat(Array(200).fill(["bbbbbbbb", 2])), 413, /over 1000 bytes/],
      ["GET", "/state/nothing", undefined, 404, /unknown collection/],
      ["GET", "/out/kv", undefined, 404, /unknown output/],
      ["GET", "/in/set_kv", undefined, 405, /use POST/],
      ["GET", "/elsewhere", undefined, 404, /no route/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const reply = await request(node, method, path, body);
      expect([path, reply.status]).toEqual([path, status]);
      expect((reply.body as { error: { message: string } }).error.message).toMatch(message);
    }
    const ok = await request(node, "POST", "/in/set_kv", [{ k: "a", v: 1 }]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outputs: { changed: [["a", 1]] } });
  });

  it("answers 409 with the failed-tick line, and the node goes on", async () => {
    const node = await startNode(DURABLE);
    const failed = await request(node, "POST", "/in/boom", [["z"]]);
    expect(failed.status).toBe(409);
    expect(failed.body).toMatchObject({ failed: true, error: { message: expect.stringMatching(/key violation in conflict/) } });
    expect((failed.body as { error: { tuples: unknown[] } }).error.tuples).toEqual([["z", 1], ["z", 2]]);
    const next = await request(node, "POST", "/in/set_kv", [["a", 5]]);
    expect(next.status).toBe(200);
    expect((next.body as { tick: number }).tick).toBe((failed.body as { tick: number }).tick + 1);
    await request(node, "POST", "/in/set_kv", []);
    expect((await request(node, "GET", "/state/kv")).body).toEqual([["a", 5]]);
  });

  it("requires the bearer token on every route when a token is set", async () => {
    const node = await startNode(RELAY, { token: "s3cret" });
    for (const path of ["/health", "/metrics", "/state/kv", "/out/got"]) {
      const reply = await request(node, "GET", path);
      expect([path, reply.status]).toEqual([path, 401]);
      expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expect((await request(node, "POST", "/in/put", [], { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await request(node, "GET", "/health", undefined, { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await request(node, "POST", "/in/put", [], { authorization: "Bearer s3cret" })).status).toBe(200);
  });
});

describe("peer traffic", () => {
  it("consumes a message sent twice once, acknowledges both copies, and rejects malformed traffic without stopping", async () => {
    const node = await startNode(RELAY);
    const stream = await subscribe(node.httpAddress!, "/out/got");
    const peer = await RawPeer.connect(node.address, { link: "raw/1/x" });
    peer.send({ t: "msgs", m: [[1, "fwd", ["n", "k", 1]]] });
    peer.send({ t: "msgs", m: [[1, "fwd", ["n", "k", 1]], [2, "fwd", ["n", "k2", 2]]] });
    await eventually(() => (node.metrics.received.get() === 2 ? true : undefined));
    // A copy after the commit is acknowledged at once and dropped.
    peer.send({ t: "msgs", m: [[2, "fwd", ["n", "k2", 2]]] });
    await eventually(() => (node.metrics.duplicates.get() >= 2 ? true : undefined));
    peer.sendBytes(Buffer.from([0, 0, 0, 1, 0xc1]));
    peer.send({ t: "msgs", m: [[3, "nothing", ["n"]], [4, "fwd", ["n", "k"]], [5, "fwd", ["n", "k", "one"]], "junk"] });
    peer.send({ t: "whatever" });
    peer.send({ t: "msgs", m: [[6, "fwd", ["n", "k6", 6]]] });
    await eventually(() => (node.metrics.received.get() === 3 ? true : undefined));
    expect(node.metrics.rejected.get()).toBe(6);
    const acknowledged = new Set<number>();
    await eventually(() => {
      for (const frame of peer.frames as { t: string; r: [number, number][] }[]) {
        for (const [from, to] of frame.r) for (let sequence = from; sequence <= to; sequence++) acknowledged.add(sequence);
      }
      peer.frames.length = 0;
      return acknowledged.size === 6 ? true : undefined;
    });
    expect([...acknowledged].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    await eventually(() => (stream.events.length >= 2 ? true : undefined));
    const delivered = stream.events.flatMap((event) => (event.data as { tuples: unknown[] }).tuples);
    expect(delivered).toEqual([["k", 1], ["k2", 2], ["k6", 6]].slice(0, delivered.length));
    expect((await request(node, "GET", "/state/kv")).body).toEqual([["k", 1], ["k2", 2], ["k6", 6]]);
    stream.close();
    peer.close();
  });

  it("closes a connection whose frame is over the limit and refuses peers without the token", async () => {
    const node = await startNode(RELAY, { token: "s3cret", limits: { maxFrameBytes: 1024 } });
    await expect(RawPeer.connect(node.address, { token: "guess" })).rejects.toThrow(/refused by the peer: wrong token/);
    await expect(RawPeer.connect(node.address)).rejects.toThrow(/requires a token/);
    const peer = await RawPeer.connect(node.address, { token: "s3cret" });
    const closed = new Promise((resolve) => peer.socket.once("close", resolve));
    peer.send({ t: "msgs", m: [[1, "fwd", ["n", "x".repeat(2000), 1]]] });
    await closed;
    expect(node.metrics.rejected.get()).toBe(1);
    expect(encodeFrame(1).length).toBe(5);
  });

  it("does not deliver between nodes whose tokens differ, and delivers when they match", async () => {
    const b = await startNode(RELAY, { me: "b", token: "one" });
    const wrong = await startNode(RELAY, { me: "a", token: "two", peers: new Map([["b", hostPort(b.address)]]) });
    expect((await request(wrong, "POST", "/in/put", [["b", "x", 1]], { authorization: "Bearer two" })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await request(b, "GET", "/state/kv", undefined, { authorization: "Bearer one" })).body).toEqual([]);
    expect((await request(wrong, "GET", "/health", undefined, { authorization: "Bearer two" })).body).toMatchObject({ outbox: 1, peers: { b: "connecting" } });
    await stopNode(wrong);
    const right = await startNode(RELAY, { me: "a", token: "one", peers: new Map([["b", hostPort(b.address)]]) });
    await request(right, "POST", "/in/put", [["b", "y", 2]], { authorization: "Bearer one" });
    await eventually(async () => ((await request(b, "GET", "/state/kv", undefined, { authorization: "Bearer one" })).body as unknown[]).length === 1 || undefined);
  });
});

describe("backpressure", () => {
  it("stops ticking while too many sends are unacknowledged, refuses posts over the queue bound, and resumes on acknowledgements", async () => {
    const probe = await startNode(RELAY);
    const receiverAddress = hostPort(probe.address);
    await stopNode(probe);
    const a = await startNode(RELAY, { me: "a", peers: new Map([["b", receiverAddress]]), limits: { maxOutbox: 3, maxInbox: 10 } });
    expect((await request(a, "POST", "/in/put", [["b", "x", 1], ["b", "y", 2], ["b", "z", 3]])).status).toBe(200);
    let answered = false;
    const waiting = request(a, "POST", "/in/put", [["b", "w", 4]]).then((reply) => {
      answered = true;
      return reply;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    const refused = await request(a, "POST", "/in/put", Array.from({ length: 10 }, (_, i) => ["b", `q${i}`, i]));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    const b = await startNode(RELAY, { me: "b", listen: receiverAddress });
    expect((await waiting).status).toBe(200);
    await eventually(async () => (((await request(b, "GET", "/state/kv")).body as unknown[]).length === 4 ? true : undefined));
  });

  it("keeps event streams alive with heartbeat comments", async () => {
    const node = await startNode(RELAY, { limits: { heartbeatMs: 50 } });
    const stream = await subscribe(node.httpAddress!, "/out/got");
    await eventually(() => (stream.comments.includes("heartbeat") ? true : undefined), 5_000, "a heartbeat");
    stream.close();
  });
});

describe("timers", () => {
  it("fires a periodic from a real timer with n counting firings from 0", async () => {
    const node = await startNode(`periodic beat(20ms); table beats(n: int); beats(n) <= beat(n);`);
    const beats = await eventually(async () => {
      const reply = (await request(node, "GET", "/state/beats")).body as [number][];
      return reply.length >= 4 ? reply : undefined;
    });
    expect(beats.map(([n]) => n)).toEqual(beats.map((_, i) => i));
  });

  it("continues n after a restart from a state directory", async () => {
    const source = `periodic beat(20ms); table beats(n: int); beats(n) <= beat(n);`;
    const directory = stateDirectory();
    const first = await startNode(source, { stateDirectory: directory });
    const before = await eventually(async () => {
      const reply = (await request(first, "GET", "/state/beats")).body as [number][];
      return reply.length >= 3 ? reply.length : undefined;
    });
    await stopNode(first);
    const second = await startNode(source, { stateDirectory: directory });
    const beats = await eventually(async () => {
      const reply = (await request(second, "GET", "/state/beats")).body as [number][];
      return reply.length >= before + 3 ? reply : undefined;
    });
    expect(beats.map(([n]) => n)).toEqual(beats.map((_, i) => i));
  });
});

describe("durable state", () => {
  it("restarts from snapshot and log with what committed ticks wrote, tick numbers continuing", async () => {
    const directory = stateDirectory();
    const first = await startNode(DURABLE, { stateDirectory: directory, limits: { compactBytes: 600 } });
    for (let i = 0; i < 12; i++) {
      const reply = await request(first, "POST", "/in/set_kv", [[`k${i % 5}`, i]]);
      expect(reply.status).toBe(200);
      await request(first, "POST", "/in/add", [[`k${i % 3}`, i]]);
    }
    await request(first, "POST", "/in/del_kv", [["k0"]]);
    await request(first, "POST", "/in/tag", [["k1", "red"]]);
    const names = ["kv", "log", "best", "tags", "hits", "total", "conflict"];
    const before = await Promise.all(names.map(async (name) => (await request(first, "GET", `/state/${name}`)).body));
    const lastTick = ((await request(first, "GET", "/health")).body as { tick: number }).tick;
    expect(first.metrics.snapshots.get()).toBeGreaterThan(0);
    await stopNode(first);
    const second = await startNode(DURABLE, { stateDirectory: directory });
    // The tag's deferred insert and self-send may still have been pending: the restarted node runs them.
    await eventually(async () => {
      const log = JSON.stringify((await request(second, "GET", "/state/log")).body);
      return log.includes('["k1",0]') && log.includes('["k1",7]') ? true : undefined;
    });
    const after = await Promise.all(names.map(async (name) => (await request(second, "GET", `/state/${name}`)).body));
    const logBefore = before[1] as unknown[];
    expect(after.filter((_, i) => i !== 1)).toEqual(before.filter((_, i) => i !== 1));
    expect(after[1]).toEqual(expect.arrayContaining(logBefore));
    expect(after[1]).toEqual(expect.arrayContaining([["k1", 0], ["k1", 7]]));
    const next = await request(second, "POST", "/in/set_kv", [["z", 1]]);
    expect((next.body as { tick: number }).tick).toBeGreaterThan(lastTick);
  });

  it("resends unacknowledged messages after a restart, to a receiver that was down", async () => {
    const sender = stateDirectory();
    const receiverDirectory = stateDirectory();
    const probe = await startNode(RELAY);
    const receiverAddress = hostPort(probe.address);
    await stopNode(probe);
    const peers = new Map([["b", receiverAddress]]);
    const a = await startNode(RELAY, { me: "a", peers, stateDirectory: sender });
    for (let i = 0; i < 5; i++) expect((await request(a, "POST", "/in/put", [["b", `k${i}`, i]])).status).toBe(200);
    expect(((await request(a, "GET", "/health")).body as { outbox: number }).outbox).toBe(5);
    await stopNode(a);
    const b = await startNode(RELAY, { me: "b", listen: receiverAddress, stateDirectory: receiverDirectory });
    const again = await startNode(RELAY, { me: "a", peers, stateDirectory: sender });
    await eventually(async () => (((await request(b, "GET", "/state/kv")).body as unknown[]).length === 5 ? true : undefined));
    await eventually(async () => (((await request(again, "GET", "/health")).body as { outbox: number }).outbox === 0 ? true : undefined));
    expect(b.metrics.received.get()).toBe(5);
  });
});
