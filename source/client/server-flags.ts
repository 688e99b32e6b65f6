// --server URL (or GENOPS_SERVER) with GENOPS_TOKEN: a command talks to a `genops-tui serve` over HTTP.
// The token comes only from the environment (a flag would show in `ps` and shell history). Over HTTP the
// identity is the token's name, so a claimed one (--as, --requested-by) is refused, not silently replaced.
import { UsageError } from '../commands/io.js';
import { HttpEngineClient } from './http-client.js';
import type { HttpClientOptions } from './http-client.js';

export interface ServerFlags {
  server?: string;
  as?: string;
  requestedBy?: string;
}

export function remoteClient(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env, options: HttpClientOptions = {}): HttpEngineClient | undefined {
  const server = flags.server ?? env.GENOPS_SERVER;
  if (!server) return undefined;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server: "${server}" is not a URL (e.g. https://genops.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--server must be an http:// or https:// URL');
  const token = env.GENOPS_TOKEN;
  if (!token) throw new UsageError('--server needs a token in GENOPS_TOKEN (create one with `genops-tui token create NAME --role ROLE` on the server)');
  if (flags.as !== undefined) throw new UsageError('--as is refused with --server: the engine records the token\'s name');
  if (flags.requestedBy !== undefined) throw new UsageError('--requested-by is refused with --server: the request is recorded as the token\'s name');
  return new HttpEngineClient(url.toString(), token, options);
}
