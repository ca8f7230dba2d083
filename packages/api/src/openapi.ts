// The OpenAPI 3.1 document of the HTTP API automation uses: the fleet, audit, machines and
// commands procedures as tRPC serves them at /api/trpc (queries GET with a JSON `input` query
// parameter, mutations POST with a JSON body, answers wrapped in `result.data`). Each operation's
// input schema is generated from the procedure's own zod schema, walked from the router itself, so
// the document cannot drift from the code.
import type { AnyTRPCProcedure } from "@trpc/server";
import { z } from "zod";
import { appRouter } from "./root.js";

/** The routers the HTTP API documents (others are the browser's or the agents' own). */
export const documentedRouters = ["fleet", "audit", "machines", "commands"] as const;

type JsonSchema = Record<string, unknown>;

function isProcedure(value: unknown): value is AnyTRPCProcedure {
  return typeof value === "function" && "_def" in value && typeof value._def === "object" && value._def !== null && "procedure" in value._def;
}

/** The procedure's input as JSON Schema, or null when it takes none. */
function inputSchema(procedure: AnyTRPCProcedure): { schema: JsonSchema; required: boolean } | null {
  const [parser, ...more] = procedure._def.inputs;
  if (parser === undefined) return null;
  if (!(parser instanceof z.ZodType) || more.length > 0) throw new Error("Every documented procedure takes one zod input schema.");
  // io "input": what a caller sends (defaults optional); dates and other values JSON cannot carry
  // do not occur in these inputs, and would show as an open schema rather than fail the document.
  const schema = z.toJSONSchema(parser, { io: "input", unrepresentable: "any" });
  delete schema.$schema;
  return { schema, required: !parser.safeParse(undefined).success };
}

const errorResponse = {
  description: "A tRPC error: `error.data.code` is e.g. UNAUTHORIZED (no or a refused token), FORBIDDEN (a read token on a change), BAD_REQUEST, NOT_FOUND.",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: {
              message: { type: "string" },
              code: { type: "integer" },
              data: { type: "object", properties: { code: { type: "string" }, httpStatus: { type: "integer" }, path: { type: "string" } } },
            },
          },
        },
      },
    },
  },
};

const resultResponse = {
  description: "The procedure's answer, in `result.data`.",
  content: { "application/json": { schema: { type: "object", properties: { result: { type: "object", properties: { data: {} } } }, required: ["result"] } } },
};

function operation(path: string, procedure: AnyTRPCProcedure): Record<string, unknown> {
  const input = inputSchema(procedure);
  const [routerName = path] = path.split(".");
  const common = {
    operationId: path,
    tags: [routerName],
    responses: { "200": resultResponse, "400": errorResponse, "401": errorResponse, "403": errorResponse, "404": errorResponse },
  };
  if (procedure._def.type === "query") {
    return {
      get: {
        ...common,
        summary: `${path} (read scope)`,
        parameters: input
          ? [{ name: "input", in: "query", required: input.required, description: "The input as JSON, URL-encoded.", content: { "application/json": { schema: input.schema } } }]
          : [],
      },
    };
  }
  return {
    post: {
      ...common,
      summary: `${path} (admin scope)`,
      ...(input ? { requestBody: { required: input.required, content: { "application/json": { schema: input.schema } } } } : {}),
    },
  };
}

/** The document, with `serverUrl` (the dashboard's origin) as its one server. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const [routerName] = path.split(".");
    if (!isProcedure(procedure) || !documentedRouters.some((name) => name === routerName)) continue;
    // Subscriptions are server-sent event streams for the browser; automation polls the queries.
    if (procedure._def.type === "subscription") continue;
    paths[`/api/trpc/${path}`] = operation(path, procedure);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Cachefleet API",
      version: "1",
      description:
        "The dashboard's own tRPC endpoint, for automation. Authenticate with an API token created on the API tokens page: `Authorization: Bearer cfa_…`. A read token may call every query; changes (POST) need an admin token. Every change is written to the activity log under `token:<name>`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiToken: [] }],
    components: { securitySchemes: { apiToken: { type: "http", scheme: "bearer", description: "An API token (cfa_…)." } } },
    paths,
  };
}
