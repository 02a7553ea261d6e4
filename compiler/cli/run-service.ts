// `hydro run prog.hydro --listen HOST:PORT [--peers name=host:port,…] [--http HOST:PORT]
// [--state DIR] [--token T] [--me NAME]`: the program as a long-running node (LANGUAGE.md §6).
// In: the program and the service options; the token may come from HYDRO_TOKEN instead of
// --token (better: it stays out of `ps`). Out: once everything is bound and the state is
// recovered, one JSON line on stdout,
//   {"listening": "127.0.0.1:41234", "http": "127.0.0.1:41235", "node": "a"}
// (`http` null without --http; with port 0 the ports the system chose), then logs (pino, JSON
// lines) on stderr. SIGINT or SIGTERM stops the node cleanly: exit 0. Bad options, a program
// that does not compile, an address in use or an unusable state directory: exit 2.
// Without --me the node's name (me()) is its listen address `host:port`, which other nodes can
// reach without naming it in their --peers.

import { resolve } from "node:path";
import { pino } from "pino";
import { parseHostPort, parsePeers, type HostPort } from "../../runtime/service/address.ts";
import { ServiceNode, type ServiceLimits } from "../../runtime/service/service.ts";
import { EXIT_ERRORS, EXIT_OK, type CliContext } from "./io.ts";
import { compileProgramClass } from "./load-program.ts";
import type { ServiceCliOptions } from "./run-service-options.ts";

export async function runService(file: string, options: ServiceCliOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const usage = (message: string): number => {
    io.stderr(`hydro run: ${message}\n`);
    return EXIT_ERRORS;
  };
  if (options.listen === undefined) return usage("service mode needs --listen HOST:PORT");
  const listen = parseHostPort(options.listen, "--listen");
  if (typeof listen === "string") return usage(listen);
  let http: HostPort | undefined;
  if (options.http !== undefined) {
    const parsed = parseHostPort(options.http, "--http");
    if (typeof parsed === "string") return usage(parsed);
    http = parsed;
  }
  const peers = parsePeers(options.peers);
  if (typeof peers === "string") return usage(peers);
  const token = options.token ?? io.env["HYDRO_TOKEN"];
  if (token !== undefined && token.length === 0) return usage("the token is empty");
  const limits = limitsFromEnvironment(io.env);
  if (typeof limits === "string") return usage(limits);

  const Program = await compileProgramClass(file, context);
  if (Program === null) return EXIT_ERRORS;

  const level = io.env["HYDRO_LOG_LEVEL"] ?? "info";
  const logger = pino({ level, base: { pid: process.pid } }, { write: (line: string) => io.stderr(line) });
  let service: ServiceNode;
  try {
    service = await ServiceNode.start({
      Program,
      listen,
      ...(http === undefined ? {} : { http }),
      peers,
      ...(options.me === undefined || options.me === "self" ? {} : { me: options.me }),
      ...(options.state === undefined ? {} : { stateDirectory: resolve(io.cwd, options.state) }),
      ...(token === undefined ? {} : { token }),
      logger,
      limits,
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  io.stdout(`${JSON.stringify({ listening: service.address, http: service.httpAddress, node: service.name })}\n`);
  logger.info({ node: service.name, listening: service.address, http: service.httpAddress }, "node started");

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  logger.info("stopping");
  await service.stop();
  return EXIT_OK;
}

/**
 * Limits that operators and tests may tune without new flags: HYDRO_COMPACT_BYTES (log size
 * that triggers a snapshot), HYDRO_SSE_HEARTBEAT_MS, HYDRO_MAX_BATCH (messages per tick).
 */
function limitsFromEnvironment(env: Readonly<Record<string, string | undefined>>): Partial<ServiceLimits> | string {
  const limits: { -readonly [K in keyof ServiceLimits]?: number } = {};
  const names: [string, keyof ServiceLimits][] = [
    ["HYDRO_COMPACT_BYTES", "compactBytes"],
    ["HYDRO_SSE_HEARTBEAT_MS", "heartbeatMs"],
    ["HYDRO_MAX_BATCH", "maxBatch"],
  ];
  for (const [variable, key] of names) {
    const text = env[variable];
    if (text === undefined || text === "") continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) return `${variable} must be a positive integer, not ${JSON.stringify(text)}`;
    limits[key] = value;
  }
  return limits;
}

