import type { INestApplicationContext } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { IncomingHttpHeaders } from 'http';
import type { ServerOptions } from 'socket.io';
import { APP_CONFIG, AppConfig } from '../../infra/config/app.config';

/**
 * Cross-origin policy (`CORS_ORIGINS`, default the PUBLIC_URL origin): which browser pages may
 * call the REST API and open sockets. Origins are compared exactly after normalisation
 * (`https://console.example.com`); `*` is never used, so credentials are safe to allow.
 */

/** REST (`app.enableCors`): an allowed origin is reflected; any other gets no CORS header at all. */
export function restCorsOptions(origins: readonly string[]): CorsOptions {
  const allowed = new Set(origins);
  return {
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  };
}

/**
 * socket.io (engine.io runs it on the polling requests *and* the WebSocket upgrade, where
 * browsers do not apply CORS themselves): a handshake from another origin is refused (400),
 * not just left without headers. Requests without an Origin (native and server clients) and
 * pages served by this server itself (Origin host = Host) are let in.
 */
export function socketCorsOptions(origins: readonly string[]): NonNullable<ServerOptions['cors']> {
  const allowed = new Set(origins);
  return (req: { headers: IncomingHttpHeaders }, cb: (err: Error | null, options?: CorsOptions) => void) => {
    const origin = req.headers.origin;
    if (origin === undefined) return cb(null, { origin: false });
    if (allowed.has(origin) || sameHost(origin, req.headers.host)) return cb(null, { origin, credentials: true });
    cb(new Error(`Origin ${origin} is not allowed (CORS_ORIGINS)`));
  };
}

/** The socket server's CORS option from the app's configuration (the adapter has only the app context). */
export function socketCorsFor(app: INestApplicationContext): NonNullable<ServerOptions['cors']> {
  return socketCorsOptions(app.get<AppConfig>(APP_CONFIG, { strict: false }).corsOrigins);
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
