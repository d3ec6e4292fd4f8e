/**
 * A real HTTP server on 127.0.0.1 for tests: routes are plain node:http handlers.
 * Usage: const srv = await startServer({ "/feed.xml": (req, res) => res.end(xml) }); srv.url("/feed.xml")
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  server: Server;
  port: number;
  url(path: string): string;
  /** Requests received, in order, as "METHOD /path". */
  requests: string[];
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>, host = "127.0.0.1"): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = routes[path];
    if (!route) {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    Promise.resolve(route(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    requests,
    url: (path) => `http://${host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
