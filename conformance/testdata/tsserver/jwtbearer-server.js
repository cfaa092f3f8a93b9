// An MCP server protected with express-oauth2-jwt-bearer (Auth0's Express middleware for
// JWT access tokens, used well beyond Auth0), as its README shows:
//
//   - auth({ issuerBaseURL, audience }) discovers the authorization server's metadata,
//     resolves keys through jose's remote JWKS (refetch on an unknown kid, 30 s cooldown) and
//     checks the signature, alg, iss, aud and exp (required), with 5 s of clock tolerance;
//     DPoP is on by default (a bearer token is still accepted).
//   - requiredScopes(...) per operation: every request needs mcp:access, and each tool,
//     resource or prompt its own scope, read from the JSON-RPC body; a missing scope is a 403
//     insufficient_scope naming the scopes (the library reads the "scope" claim).
//   - The library's errors carry their status and WWW-Authenticate (realm="api",
//     error="invalid_token", …); an error handler answers them as JSON.
//   - The protected resource metadata comes from the TypeScript SDK's mcpAuthMetadataRouter;
//     the library's challenge has no resource_metadata, so clients find it at the well-known
//     URL.
//   - A stateless Streamable HTTP transport at /mcp (a server per request).
//
// mcp-conform's Go tests (conformance/realservers_jwtbearer_test.go) start it and check the
// verdicts the suite gives it.
//
// Environment:
//   MOCKAS_ISSUER  issuer URL of the authorization server whose tokens are trusted (required)
//
// It listens on 127.0.0.1 on a free port and prints {"port": N} on stdout once ready.

import express from 'express';
import { z } from 'zod';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { mcpAuthMetadataRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { BASE_SCOPE, OPERATION_SCOPES, requireIssuer, scopesFor } from './scopes.js';

const issuer = requireIssuer();

const metaRes = await fetch(new URL('/.well-known/oauth-authorization-server', issuer));
if (!metaRes.ok) {
  console.error(`authorization server metadata: ${metaRes.status}`);
  process.exit(1);
}
const oauthMetadata = await metaRes.json();

const app = express();
app.use(express.json());
const httpServer = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: httpServer.address().port }));
});
await new Promise(resolve => httpServer.once('listening', resolve));
const mcpUrl = new URL(`http://127.0.0.1:${httpServer.address().port}/mcp`);

app.use(mcpAuthMetadataRouter({
  oauthMetadata,
  resourceServerUrl: mcpUrl,
  scopesSupported: [BASE_SCOPE, ...new Set(Object.values(OPERATION_SCOPES).flat())],
  resourceName: 'express-oauth2-jwt-bearer notes',
}));

const checkJwt = auth({ issuerBaseURL: issuer, audience: mcpUrl.href });

// operationScopes: requiredScopes for what the JSON-RPC body asks.
function operationScopes(req, res, next) {
  return requiredScopes(scopesFor(req.body))(req, res, next);
}

function newServer() {
  const server = new McpServer({ name: 'jwt-bearer-notes', version: '1.0.0' });
  server.registerTool('get_weather', {
    description: 'Current weather for a city (needs mcp:tools:weather).',
    inputSchema: { city: z.string().min(1), units: z.enum(['metric', 'imperial']).optional() },
    annotations: { readOnlyHint: true },
  }, async ({ city }) => ({ content: [{ type: 'text', text: `Sunny, 21 °C in ${city}` }] }));
  server.registerTool('delete_note', {
    description: 'Delete a note (needs mcp:tools:notes:write).',
    inputSchema: { id: z.uuid() },
    annotations: { destructiveHint: true },
  }, async ({ id }) => ({ content: [{ type: 'text', text: `deleted ${id}` }] }));
  server.registerResource('notes', 'notes://all', { title: 'Notes', mimeType: 'text/plain' },
    async uri => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'buy milk' }] }));
  server.registerPrompt('summarize', { argsSchema: { topic: z.string() } },
    ({ topic }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }] }));
  return server;
}

app.post('/mcp', checkJwt, operationScopes, async (req, res) => {
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => { transport.close(); server.close(); });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});

// The library's errors carry status and headers; answer them as OAuth-style JSON.
app.use((err, _req, res, _next) => {
  const status = err.status || 500;
  if (err.headers) res.set(err.headers);
  res.status(status).json(status < 500
    ? { error: err.code || 'invalid_request', error_description: err.message }
    : { error: 'server_error' });
});

process.on('SIGTERM', () => httpServer.close(() => process.exit(0)));
