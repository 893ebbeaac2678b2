import type { IncomingMessage } from 'node:http';
import { EnvError, validateEnv } from '../config/env.config';
import { clientAddress, countedAddress } from './client-address';

function from(remoteAddress: string | undefined, forwarded?: string): IncomingMessage {
  const headers = forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe(countedAddress.name, () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::1', '::1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b:1:2::192.0.2.1', '64:ff9b:1:2::/64'],
    ['not an address', ''],
  ])('counts %s as %s', (address, counted) => {
    expect(countedAddress(address)).toBe(counted);
  });
});

describe(clientAddress.name, () => {
  it('believes no X-Forwarded-For by default: the socket peer is the client', () => {
    const sut = clientAddress([]);
    expect(sut(from('::ffff:10.0.0.5', '198.51.100.1'))).toBe('10.0.0.5');
    expect(sut(from(undefined))).toBe('');
  });

  it.each([
    ['1', '192.0.2.1, 198.51.100.1', '198.51.100.1'],
    ['2', '192.0.2.1, 198.51.100.1', '192.0.2.1'],
    ['3', '192.0.2.1, 198.51.100.1', '192.0.2.1'],
    ['1', undefined, '10.0.0.5'],
    ['1', 'garbage', '10.0.0.5'],
    ['0', '198.51.100.1', '10.0.0.5'],
  ])('with a hop count of %s and X-Forwarded-For %p, counts %s', (hops, forwarded, client) => {
    expect(clientAddress([hops])(from('10.0.0.5', forwarded))).toBe(client);
  });

  it.each([
    // The peer is a trusted proxy, and so is the next hop: the client is the first one that is not.
    ['192.0.2.1, 198.51.100.1, 10.1.2.3', '198.51.100.1'],
    // Whatever the client wrote left of that is not believed.
    ['spoofed, 198.51.100.1', '198.51.100.1'],
    // A trusted proxy that forwards garbage is the client as far as anyone can tell.
    ['garbage', '10.0.0.5'],
    ['2001:db8:5:6::1', '2001:db8:5:6::/64'],
  ])('with trusted blocks and X-Forwarded-For %p, counts %s', (forwarded, client) => {
    expect(clientAddress(['10.0.0.0/8', 'fd00::/8'])(from('10.0.0.5', forwarded))).toBe(client);
  });

  it('believes nothing a peer outside the trusted blocks forwards', () => {
    const sut = clientAddress(['10.0.0.0/8']);
    expect(sut(from('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('reads the header once per request', () => {
    const sut = clientAddress(['1']);
    const request = from('10.0.0.5', '198.51.100.1');
    expect(sut(request)).toBe('198.51.100.1');
    request.headers['x-forwarded-for'] = '198.51.100.2';
    expect(sut(request)).toBe('198.51.100.1');
  });
});

describe('TRUST_PROXY', () => {
  it.each([[''], ['2'], ['10.0.0.0/8, 192.0.2.7, fd00::/8, ::1']])('accepts %p', (value) => {
    expect(() => validateEnv({ TRUST_PROXY: value })).not.toThrow();
  });

  it.each([['17'], ['10.0.0.0/33'], ['proxy.internal'], ['1, 10.0.0.1'], ['10.0.0.0/8/8']])(
    'refuses %p, naming the variable',
    (value) => {
      expect(() => validateEnv({ TRUST_PROXY: value })).toThrow(
        new EnvError([
          'TRUST_PROXY must be a hop count from 0 to 16 or comma-separated addresses and CIDR blocks such as 10.0.0.0/8',
        ]),
      );
    },
  );
});
