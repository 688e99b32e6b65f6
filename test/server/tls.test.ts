// --tls-cert/--tls-key: the API over HTTPS (a self-signed certificate made for the test).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-db.js';
import { servedEngine } from './harness.js';

const dir = tempDir();
const key = join(dir, 'key.pem');
const cert = join(dir, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'], { stdio: 'ignore' });
const s = await servedEngine('tls', { https: { key: readFileSync(key), cert: readFileSync(cert) } });

const fetchTls = (path: string, token?: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    get(`${s.base}${path}`, { ca: readFileSync(cert), headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

describe('TLS', () => {
  it('serves HTTPS with the given certificate, and authenticates as over HTTP', async () => {
    expect(s.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetchTls('/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await fetchTls('/v1/whoami', s.secrets.viewer.valid)).status).toBe(200);
    expect((await fetchTls('/v1/whoami')).status).toBe(401);
  });
});
