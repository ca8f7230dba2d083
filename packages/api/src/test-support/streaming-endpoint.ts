// Test fixture: handleTrpcRequest (the dashboard's /api/trpc route) served over real HTTP on a
// loopback port, with answers streamed as they are written, so tRPC's own client can hold a
// command stream open against it as an agent does.
import http from "node:http";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { handleTrpcRequest } from "../http.js";
import type { Services } from "../trpc.js";
import { listenOnLoopback, type HttpEndpoint } from "./http-endpoint.js";

export async function serveStreamingEndpoint(services: Services, shutdown?: AbortSignal): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const request = incomingMessageToRequest(req, res, { maxBodySize: 1_000_000 });
    void (async () => {
      const response = await handleTrpcRequest(services, request, { shutdown });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return res.end();
      const reader = response.body.getReader();
      res.on("close", () => void reader.cancel());
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  return listenOnLoopback(server);
}
