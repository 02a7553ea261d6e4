// Node addresses: `host:port` text, the `--peers` list, and how a channel's `@` value finds a
// node. In: the command line's `--listen`, `--http`, `--peers` and the destination column of a
// sent tuple. Out: parsed host and port (or one sentence saying what is wrong), and the
// canonical `host:port` text that names a link.
// Why loopback by default: a service that forgets `HOST` must not be reachable from the network
// (`--listen 7000` and `--listen :7000` bind 127.0.0.1); exposure is always written out.

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export const LOOPBACK = "127.0.0.1";

/** `host:port`, `[v6]:port`, `:port` or `port`; the host defaults to loopback. */
export function parseHostPort(text: string, what: string, allowZeroPort = true): HostPort | string {
  const trimmed = text.trim();
  let host: string;
  let portText: string;
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed);
  if (bracket !== null) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else if (/^\d+$/.test(trimmed)) {
    host = LOOPBACK;
    portText = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(":");
    if (colon < 0) return `${what}: expected HOST:PORT, got ${JSON.stringify(text)}`;
    host = trimmed.slice(0, colon) || LOOPBACK;
    portText = trimmed.slice(colon + 1);
    if (host.includes(":")) return `${what}: write an IPv6 host in brackets, like [::1]:7000, not ${JSON.stringify(text)}`;
  }
  if (!/^\d+$/.test(portText)) return `${what}: the port must be a number, got ${JSON.stringify(portText)}`;
  const port = Number(portText);
  if (port > 65535 || (port === 0 && !allowZeroPort)) return `${what}: port ${port} is out of range`;
  return { host, port };
}

/** The canonical text of an address. */
export function formatHostPort(address: HostPort): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** `name=host:port,name=host:port`; names are what programs write in `@` columns. */
export function parsePeers(text: string | undefined): Map<string, HostPort> | string {
  const peers = new Map<string, HostPort>();
  if (text === undefined || text.trim() === "") return peers;
  for (const entry of text.split(",")) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    const equals = trimmed.indexOf("=");
    if (equals <= 0) return `--peers: expected name=host:port, got ${JSON.stringify(trimmed)}`;
    const name = trimmed.slice(0, equals).trim();
    if (peers.has(name)) return `--peers: ${name} is listed twice`;
    const address = parseHostPort(trimmed.slice(equals + 1), `--peers ${name}`, false);
    if (typeof address === "string") return address;
    peers.set(name, address);
  }
  return peers;
}

/** Whether binding this host keeps the service on this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/**
 * Where a message to `destination` goes: a peer's address when it is a peer's name, the text
 * itself when it is already `host:port`, null when it names nothing known.
 */
export function resolveDestination(destination: string, peers: ReadonlyMap<string, HostPort>): string | null {
  const peer = peers.get(destination);
  if (peer !== undefined) return formatHostPort(peer);
  const parsed = parseHostPort(destination, "destination", false);
  if (typeof parsed === "string" || /^\d+$/.test(destination.trim())) return null;
  return formatHostPort(parsed);
}
