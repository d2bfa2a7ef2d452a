import { z } from 'zod';
import { API_ROUTES, errorSchema, type RouteSpec } from './contract.js';

/** Turns `/api/reads/:id` into OpenAPI's `/api/reads/{id}` and lists its parameters. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const p = path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: p, params };
}

const schema = (s: z.ZodType, io: 'input' | 'output'): unknown => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the local API, built from the zod schemas of contract.ts. */
export function buildOpenApi(): { openapi: string } & Record<string, unknown> {
  if (cached) return cached as { openapi: string };
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { content: { 'application/json': { schema: schema(errorSchema, 'output') } } };
  for (const [name, spec] of Object.entries(API_ROUTES) as [string, RouteSpec][]) {
    const { path, params } = openApiPath(spec.path);
    const op: Record<string, unknown> = {
      operationId: name,
      summary: spec.summary,
      parameters: params.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      responses: {
        '200': { description: 'done', content: { 'application/json': { schema: schema(spec.reply, 'output') } } },
        '400': { description: 'a malformed request or a failed action', ...error },
        ...(spec.auth ? { '401': { description: 'not logged in, or the session expired', ...error } } : {}),
        '403': { description: 'refused by policy (role, training, purpose); the refusal is audited', ...error },
      },
      ...(spec.auth ? { security: [{ bearer: [] }] } : {}),
    };
    if (spec.body)
      op.requestBody = { required: true, content: { 'application/json': { schema: schema(spec.body, 'input') } } };
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: op };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'alpr-edge local API',
      version: '1',
      description:
        'The one door to the unit\'s data (UNIX socket). Log in with POST /api/session, then send "Authorization: Bearer TOKEN". Every governed action is authorized and audited inside the daemon.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
  return cached as { openapi: string };
}
