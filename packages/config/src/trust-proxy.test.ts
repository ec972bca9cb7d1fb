import { z } from 'zod';
import { parseEnv } from './parse-env';
import { trustProxy } from './trust-proxy';

const schema = z.object({ TRUST_PROXY: trustProxy });
const parse = (value?: string) => parseEnv(schema, { TRUST_PROXY: value }).TRUST_PROXY;

describe('trustProxy', () => {
  it('trusts no proxy unless told', () => {
    expect(parse()).toBe(false);
    expect(parse('')).toBe(false);
    expect(parse('none')).toBe(false);
    expect(parse('0')).toBe(false);
  });

  it('takes a hop count', () => {
    expect(parse('2')).toBe(2);
  });

  it('takes addresses, CIDR ranges and the named ranges', () => {
    expect(parse('10.0.0.0/8, 192.168.1.7 ,::1/128,loopback')).toEqual(['10.0.0.0/8', '192.168.1.7', '::1/128', 'loopback']);
  });

  it('refuses true, which would let every client pick its own address', () => {
    expect(() => parse('true')).toThrow(/TRUST_PROXY: true would trust any X-Forwarded-For a client sends/);
  });

  it('names each bad entry', () => {
    expect(() => parse('10.0.0.0/33,proxy.local')).toThrow(/"10.0.0.0\/33" has an invalid prefix length; "proxy.local" is not an IP address or CIDR range/);
  });
});
