// An MCP server protected the way Scalekit's guides for Express show it (the
// express-mcp-server pattern of scalekit-inc's agent skills and the greeting-mcp-node demo):
//
//   - @scalekit-sdk/node validates every token: scalekit.validateToken(token, { audience:
//     [EXPECTED_AUDIENCE], requiredScopes }) in an app.use middleware. The SDK fetches
//     ENV/keys once and keeps the keys for the life of the process; it checks the signature,
//     exp and nbf when present, and aud; no issuer is passed, as in the guide.
//   - Any failure (no token, a bad token, a missing scope) is a 401 with
//     WWW-Authenticate: Bearer realm="OAuth", resource_metadata="…" and a JSON body
//     {"error": "<message>"}; there is no error="invalid_token" and no 403.
//   - The protected resource metadata is served as the dashboard gives it, at
//     /.well-known/oauth-protected-resource; /health is public.
//   - The MCP endpoint is POST / with a stateless transport (a server per request), zod-typed
//     tools with required arguments, a resource and a prompt; the scopes a tool, resource or
//     prompt needs are passed to validateToken as requiredScopes, read from the JSON-RPC body.
//
// mcp-conform's Go tests (conformance/realservers_scalekit_test.go) start it and check the
// verdicts the suite gives this shape.
//
// Environment:
//   MOCKAS_ISSUER  the environment URL (SK_ENV_URL) of the authorization server (required)
//
// It listens on 127.0.0.1 on a free port and prints {"port": N} on stdout once ready.

import express from 'express';
import { z } from 'zod';
import { Scalekit } from '@scalekit-sdk/node';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { BASE_SCOPE, OPERATION_SCOPES, requireIssuer, scopesFor } from './scopes.js';

const envUrl = requireIssuer();

// The client credentials are those of the SDK's management API; validateToken does not use them.
const scalekit = new Scalekit(envUrl, 'skc_10000000000000001', 'mockas-secret');

const app = express();
app.use(express.json());
const httpServer = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: httpServer.address().port }));
});
await new Promise(resolve => httpServer.once('listening', resolve));
const base = `http://127.0.0.1:${httpServer.address().port}`;
const EXPECTED_AUDIENCE = `${base}/`; // "must match the Server URL registered in Scalekit, trailing slash included"
const RESOURCE_METADATA_URL = `${base}/.well-known/oauth-protected-resource`;
const WWW_HEADER_VALUE = `Bearer realm="OAuth", resource_metadata="${RESOURCE_METADATA_URL}"`;
const PROTECTED_RESOURCE_METADATA = JSON.stringify({
  authorization_servers: [envUrl],
  bearer_methods_supported: ['header'],
  resource: EXPECTED_AUDIENCE,
  resource_documentation: `${base}/docs`,
  scopes_supported: [BASE_SCOPE, ...new Set(Object.values(OPERATION_SCOPES).flat())],
});

app.get('/.well-known/oauth-protected-resource', (_req, res) => {
  res.type('application/json').send(JSON.stringify(JSON.parse(PROTECTED_RESOURCE_METADATA), null, 2));
});
app.get('/health', (_req, res) => res.json({ status: 'healthy' }));

app.use(async (req, res, next) => {
  if (req.path.includes('.well-known') || req.path === '/health') return next();
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  if (!token) {
    return res.status(401).set('WWW-Authenticate', WWW_HEADER_VALUE).json({ error: 'Missing Bearer token' });
  }
  try {
    await scalekit.validateToken(token, { audience: [EXPECTED_AUDIENCE], requiredScopes: scopesFor(req.body) });
    next();
  } catch (err) {
    res.status(401).set('WWW-Authenticate', WWW_HEADER_VALUE).json({ error: 'Token validation failed' });
  }
});

function newServer() {
  const server = new McpServer({ name: 'scalekit-express-notes', version: '1.0.0' });
  server.tool('greet_user', 'Greets the user with a personalized message.',
    { name: z.string().min(1, 'Name is required') },
    async ({ name }) => ({ content: [{ type: 'text', text: `Hi ${name}, welcome to Scalekit!` }] }));
  server.tool('get_weather', 'Current weather for a city (needs mcp:tools:weather).',
    { city: z.string().min(1), units: z.enum(['metric', 'imperial']).optional() },
    async ({ city }) => ({ content: [{ type: 'text', text: `Sunny, 21 °C in ${city}` }] }));
  server.tool('delete_note', 'Delete a note (needs mcp:tools:notes:write).', { id: z.uuid() },
    async ({ id }) => ({ content: [{ type: 'text', text: `deleted ${id}` }] }));
  server.registerResource('notes', 'notes://all', { title: 'Notes', mimeType: 'text/plain' },
    async uri => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'buy milk' }] }));
  server.registerPrompt('summarize', { argsSchema: { topic: z.string() } },
    ({ topic }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }] }));
  return server;
}

app.post('/', async (req, res) => {
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => { transport.close(); server.close(); });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    if (!res.headersSent) res.status(500).json({ error: 'MCP transport error' });
  }
});

process.on('SIGTERM', () => httpServer.close(() => process.exit(0)));
