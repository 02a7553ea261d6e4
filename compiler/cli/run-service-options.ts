// The service-mode options of `hydro run` (--listen, --peers, --http, --state, --token), apart
// from run-service.ts so that declaring the command loads none of the service's modules
// (sockets, HTTP, logging): only a run that asks for service mode loads them.

import type { Command } from "commander";

export interface ServiceCliOptions {
  readonly listen?: string;
  readonly peers?: string;
  readonly http?: string;
  readonly state?: string;
  readonly token?: string;
  readonly me?: string;
}

/** The service-mode options of `hydro run`. */
export function addServiceOptions(command: Command): Command {
  return command
    .option("--listen <host:port>", "service: accept peers on this address (port 0: any free port); binds 127.0.0.1 when no host is given")
    .option("--peers <list>", "service: other nodes as name=host:port,name=host:port")
    .option("--http <host:port>", "service: serve POST /in/<input>, GET /out/<output>, /state/<name>, /health, /metrics")
    .option("--state <dir>", "service: keep tables, lattices and unacknowledged sends durable in this directory")
    .option("--token <token>", "service: shared secret for peers and HTTP (default: HYDRO_TOKEN)");
}

/** Whether the options ask for service mode. */
export function wantsService(options: ServiceCliOptions): boolean {
  return options.listen !== undefined || options.peers !== undefined || options.http !== undefined || options.state !== undefined || options.token !== undefined;
}
