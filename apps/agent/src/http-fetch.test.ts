// The agent's HTTP client against a real local server: JSON calls, status codes, redirects, aborts
// and cut connections, and the command stream through the `eventsource` package. That the running
// agent never loads Node's fetch (undici), which is what the client is for, agent-faults.test.ts
// checks on the real bundle.
import http from "node:http";
import { EventSource } from "eventsource";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpFetch } from "./http-fetch.js";

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

let server: http.Server;
let base: string;
let handler: Handler;
const closedStreams: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, response, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  closedStreams.length = 0;
});

describe("httpFetch", () => {
  it("sends the method, headers and body of a JSON call and reads the answer as JSON", async () => {
    handler = (request, response, body) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ method: request.method, path: request.url, auth: request.headers.authorization, type: request.headers["content-type"], length: request.headers["content-length"], body: JSON.parse(body) as unknown }));
    };
    const answer = await httpFetch(`${base}/api/trpc/agent.report`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer cfa_x" },
      body: JSON.stringify({ hostname: "mäc" }),
    });
    expect(answer.ok).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Type")).toBe("application/json");
    expect(await answer.json()).toEqual({ method: "POST", path: "/api/trpc/agent.report", auth: "Bearer cfa_x", type: "application/json", length: String(Buffer.byteLength('{"hostname":"mäc"}')), body: { hostname: "mäc" } });
  });

  it("answers an error status as fetch does, not as a thrown error, with its body readable", async () => {
    handler = (_request, response) => {
      response.writeHead(401, "Unauthorized", { "content-type": "application/json" });
      response.end('{"error":"revoked"}');
    };
    const answer = await httpFetch(`${base}/x`);
    expect([answer.ok, answer.status, answer.statusText]).toEqual([false, 401, "Unauthorized"]);
    expect(answer.headers.get("x-missing")).toBeNull();
    expect(await answer.text()).toBe('{"error":"revoked"}');
  });

  it("follows a GET's redirects and says so, but hands a POST's redirect back as is", async () => {
    handler = (request, response) => {
      if (request.url === "/old") response.writeHead(307, { location: "/new" }).end();
      else response.writeHead(200).end(`at ${request.url}`);
    };
    const got = await httpFetch(`${base}/old`);
    expect([got.status, got.redirected, got.url, await got.text()]).toEqual([200, true, `${base}/new`, "at /new"]);
    const posted = await httpFetch(`${base}/old`, { method: "POST", body: "{}" });
    expect([posted.status, posted.redirected]).toEqual([307, false]);
  });

  it("rejects with an AbortError when aborted before the answer, and a read when aborted during the body", async () => {
    handler = (request, response) => {
      if (request.url === "/slow") return; // never answers
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("first");
    };
    const early = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: early.signal });
    setTimeout(() => early.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });

    const late = new AbortController();
    const answer = await httpFetch(`${base}/body`, { signal: late.signal });
    const reader = answer.body.getReader();
    const first = await reader.read();
    expect(first.done ? "" : Buffer.from(first.value).toString()).toBe("first");
    const next = reader.read();
    late.abort();
    await expect(next).rejects.toMatchObject({ name: "AbortError" });
  });

  it("fails a read when the server cuts the connection before the body ends", async () => {
    handler = (_request, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("part");
      setTimeout(() => response.socket?.destroy(), 10);
    };
    const answer = await httpFetch(`${base}/cut`);
    await expect(answer.text()).rejects.toThrow(/closed before the response ended|aborted|socket hang up/);
  });

  it("refuses a URL that is not http or https", async () => {
    await expect(httpFetch("file:///etc/passwd")).rejects.toThrow(/Only http and https/);
  });

  it("carries a server-sent event stream through the eventsource package, and closing it ends the connection", async () => {
    handler = (request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      response.write(`id: 1\ndata: {"n":1}\n\n`);
      setTimeout(() => response.write(`id: 2\ndata: {"n":2}\n\n`), 20);
      request.socket.once("close", () => closedStreams.push(request.headers.authorization ?? ""));
    };
    const source = new EventSource(`${base}/stream`, { fetch: (input, init) => httpFetch(input, { ...init, headers: { ...init.headers, authorization: "Bearer t" } }) });
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      source.onmessage = (event) => {
        events.push(`${event.lastEventId}:${event.data}`);
        if (events.length === 2) resolve();
      };
      source.onerror = (event) => reject(new Error(`stream error: ${event.message ?? "unknown"}`));
    });
    source.close();
    expect(events).toEqual(['1:{"n":1}', '2:{"n":2}']);
    await expect.poll(() => closedStreams).toEqual(["Bearer t"]);
  });
});
