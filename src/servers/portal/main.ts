/** Starts the portal server: the link client from `portal.link.*`, the app, and the listener. */
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.ts';
import type { App } from '../shared/create-http-app.ts';
import { buildPortalApp } from './build-app.ts';
import { createLinkClientFromConfig } from './link-client.ts';

export interface RunningPortal {
  /** Where it listens, with the actual port (the configured port may be 0). */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, closes the link connections. */
  close(): Promise<void>;
}

/**
 * Reads the portal's certificate files and the link client's certificate files named in `config`
 * (throws if any is missing) and listens on `portal.host:portal.port`.
 */
export async function startPortalServer(config: Config, logger: Logger): Promise<RunningPortal> {
  const linkClient = createLinkClientFromConfig(config);
  let app: App | undefined;
  try {
    app = await buildPortalApp({ config, logger, linkClient });
    await app.listen({ host: config.portal.host, port: config.portal.port });
  } catch (err) {
    linkClient.close();
    await app?.close();
    throw err;
  }
  const running = app;
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : config.portal.port;
  const host = config.portal.host.includes(':') ? `[${config.portal.host}]` : config.portal.host;
  const url = `${config.portal.tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, link: config.portal.link.url }, 'portal listening');
  return {
    url,
    async close() {
      await running.close();
      linkClient.close();
    },
  };
}
