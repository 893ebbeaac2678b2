import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The address a request is counted under: IPv4 as is, IPv6 by its /64 (one host's usual share). */
export type ClientAddress = (request: IncomingMessage) => string;

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const ADDRESS = Symbol('clientAddress');

/** An address without its zone, an IPv4-mapped IPv6 address as the IPv4 one; '' if not an IP. */
function plain(text: string): string {
  const zone = text.indexOf('%');
  const bare = (zone === -1 ? text : text.slice(0, zone)).trim();
  const version = isIP(bare);
  if (version === 0) return '';
  return version === 6 ? (MAPPED_IPV4.exec(bare)?.[1] ?? bare.toLowerCase()) : bare;
}

/** The first four groups of an IPv6 address, as `2001:db8:0:1::/64`. */
function prefix64(address: string): string {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** How a request's address is counted; '' (no socket address) stays '' and shares one budget. */
export function countedAddress(text: string): string {
  const address = plain(text);
  if (address === '' || isIP(address) === 4 || address === '::1') return address;
  return prefix64(address);
}

/** A list of addresses and CIDR blocks as a BlockList (TRUST_PROXY's entries, validated before). */
function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const type = isIP(plain(address)) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(plain(address), type);
    else list.addSubnet(plain(address), Number(bits), type);
  }
  return list;
}

/**
 * The client's address, from TRUST_PROXY: empty, the socket's peer (X-Forwarded-For is anyone's
 * to write); a hop count n, the address n entries from the right of X-Forwarded-For (only when
 * every request comes through those n proxies); a list of addresses and CIDR blocks, the
 * rightmost X-Forwarded-For entry not sent by one of them, starting from the peer. A malformed
 * entry ends the walk at the last address a trusted proxy vouched for. Computed once a request.
 */
export function clientAddress(trustProxy: readonly string[]): ClientAddress {
  const counted = trustProxy.length === 1 && /^\d+$/.test(trustProxy[0]);
  const hops = counted ? Number(trustProxy[0]) : 0;
  const trusted = !counted && trustProxy.length > 0 ? blockListOf(trustProxy) : undefined;
  const believes = (address: string, hop: number): boolean =>
    trusted === undefined
      ? hop < hops
      : trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

  const resolve = (request: IncomingMessage): string => {
    let address = plain(request.socket.remoteAddress ?? '');
    const header = request.headers['x-forwarded-for'];
    if ((hops === 0 && trusted === undefined) || typeof header !== 'string' || address === '') {
      return address;
    }
    const forwarded = header.split(',');
    for (let hop = 0, i = forwarded.length - 1; i >= 0 && believes(address, hop); hop++, i--) {
      const next = plain(forwarded[i]);
      if (next === '') break;
      address = next;
    }
    return address;
  };

  return (request) => {
    const annotated = request as IncomingMessage & { [ADDRESS]?: string };
    annotated[ADDRESS] ??= countedAddress(resolve(request));
    return annotated[ADDRESS];
  };
}
