// Test fixture: the app router served over real HTTP on a loopback port, through the same fetch
// adapter and createContext as the dashboard's /api/trpc route, so tests call it as automation
// does (headers, status codes, JSON bodies). Answers are buffered: no test here streams.
import http from "node:http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { appRouter } from "../root.js";
import { createContext, type Services } from "../trpc.js";

export interface HttpEndpoint {
  /** The origin, e.g. http://127.0.0.1:41234; the endpoint is under /api/trpc. */
  origin: string;
  close(): Promise<void>;
}

export async function serveHttpEndpoint(services: Services): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const request = incomingMessageToRequest(req, res, { maxBodySize: 1_000_000 });
    void fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: ({ req: incoming }) => createContext(services, incoming.headers) })
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      });
  });
  return listenOnLoopback(server);
}

/** Starts `server` on a free loopback port; closing it also drops open connections (held streams). */
export async function listenOnLoopback(server: http.Server): Promise<HttpEndpoint> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The test endpoint has no TCP address.");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
