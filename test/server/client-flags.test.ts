// --server / GENOPS_SERVER with GENOPS_TOKEN: what a client command accepts before it sends anything.
import { describe, expect, it } from 'vitest';
import { remoteClient } from '../../source/client/server-flags.js';
import { Backoff } from '../../source/client/backoff.js';

describe('remoteClient', () => {
  it('local unless a server is named; the token only from the environment', () => {
    expect(remoteClient({}, {})).toBeUndefined();
    expect(remoteClient({ server: 'http://127.0.0.1:8080' }, { GENOPS_TOKEN: 't' })?.transport).toBe('http');
    expect(remoteClient({}, { GENOPS_SERVER: 'https://genops.example.com', GENOPS_TOKEN: 't' })?.transport).toBe('http');
    expect(() => remoteClient({ server: 'http://127.0.0.1:8080' }, {})).toThrow(/GENOPS_TOKEN/);
  });

  it('refuses a claimed identity and anything but http(s)', () => {
    expect(() => remoteClient({ server: 'http://x', as: 'bob' }, { GENOPS_TOKEN: 't' })).toThrow(/--as is refused/);
    expect(() => remoteClient({ server: 'http://x', requestedBy: 'bob' }, { GENOPS_TOKEN: 't' })).toThrow(/--requested-by is refused/);
    expect(() => remoteClient({ server: 'file:///etc/passwd' }, { GENOPS_TOKEN: 't' })).toThrow(/http/);
    expect(() => remoteClient({ server: 'not a url' }, { GENOPS_TOKEN: 't' })).toThrow(/not a URL/);
  });
});

describe('Backoff', () => {
  it('grows, is capped, and never runs past the deadline', () => {
    const b = new Backoff(100, 400);
    const now = 1_000_000;
    const delays = Array.from({ length: 6 }, () => b.next(now + 10_000, now)!);
    expect(delays.every((d, i) => d >= Math.min(400, 100 * 2 ** i) / 2 && d <= Math.min(400, 100 * 2 ** i))).toBe(true);
    expect(b.next(now + 50, now)).toBe(50);
    expect(b.next(now, now)).toBeUndefined();
  });
});
