// A notes-and-weather MCP server on the official TypeScript SDK, protected the way the SDK's
// documentation shows: requireBearerAuth with a token verifier built on jose
// (createRemoteJWKSet against the authorization server's jwks_uri, RS256, iss, aud, exp),
// mcpAuthMetadataRouter for RFC 9728 metadata, a stateful StreamableHTTPServerTransport per
// session, zod-typed tools with required arguments and annotations, a resource and a
// prompt. mcp-conform's Go tests (conformance/realservers_ts_test.go) start it and run the
// suite against it.
//
// Environment:
//   MOCKAS_ISSUER  issuer URL of the authorization server whose tokens are trusted (required)
//   SCOPE_MODE     where per-operation scopes are enforced: "http-403" (HTTP middleware
//                  answering 403 insufficient_scope; the default), "in-band" (the handler
//                  answers an isError result / JSON-RPC error), "not-checked" (never)
//
// It listens on 127.0.0.1 on a free port and prints {"port": N} on stdout once ready.

import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { BASE_SCOPE, OPERATION_SCOPES, operation, requireIssuer } from './scopes.js';

const issuer = requireIssuer();
const scopeMode = process.env.SCOPE_MODE || 'http-403';
if (!['http-403', 'in-band', 'not-checked'].includes(scopeMode)) {
  console.error(`SCOPE_MODE ${scopeMode}: want http-403, in-band or not-checked`);
  process.exit(2);
}

const SCOPES_SUPPORTED = [BASE_SCOPE, 'mcp:tools:weather', 'mcp:tools:notes:write', 'mcp:resources:notes:read',
  'mcp:prompts:summarize', 'mcp:tools:*', 'mcp:resources:*'];

// covers: granted implies need, equal or "prefix:*" above it (Scalekit's hierarchy).
const covers = (granted, need) => granted === need || (granted.endsWith(':*') && need.startsWith(granted.slice(0, -1)));
const missingScopes = (granted, op) => (OPERATION_SCOPES[op] || []).filter(n => !granted.some(g => covers(g, n)));

// The authorization server's RFC 8414 metadata gives the JWKS URL; jose caches the keys
// and refetches on an unknown kid (with a cooldown).
const metaRes = await fetch(new URL('/.well-known/oauth-authorization-server', issuer));
if (!metaRes.ok) {
  console.error(`authorization server metadata: ${metaRes.status}`);
  process.exit(1);
}
const oauthMetadata = await metaRes.json();
const jwks = createRemoteJWKSet(new URL(oauthMetadata.jwks_uri));

const app = createMcpExpressApp({ host: '127.0.0.1' });
const httpServer = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: httpServer.address().port }));
});
await new Promise(resolve => httpServer.once('listening', resolve));
const mcpUrl = new URL(`http://127.0.0.1:${httpServer.address().port}/mcp`);
const prmUrl = getOAuthProtectedResourceMetadataUrl(mcpUrl);

const verifier = {
  async verifyAccessToken(token) {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: oauthMetadata.issuer,
        audience: mcpUrl.href,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        clockTolerance: 5,
      }));
    } catch (err) {
      throw new InvalidTokenError(err.message);
    }
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    if (Array.isArray(payload.scopes)) payload.scopes.forEach(s => scopes.add(s));
    return {
      token,
      clientId: payload.client_id ?? payload.azp ?? payload.sub,
      scopes: [...scopes],
      expiresAt: payload.exp,
      extra: { sub: payload.sub },
    };
  },
};

app.use(mcpAuthMetadataRouter({
  oauthMetadata,
  resourceServerUrl: mcpUrl,
  scopesSupported: SCOPES_SUPPORTED,
  resourceName: 'TypeScript SDK notes',
}));

const requireAuth = requireBearerAuth({ verifier, requiredScopes: [BASE_SCOPE], resourceMetadataUrl: prmUrl });

// requireOperationScopes: 403 insufficient_scope naming every scope the operation needs
// (MCP 2025-11-25 authorization §10.1.1).
function requireOperationScopes(req, res, next) {
  if (scopeMode !== 'http-403' || req.method !== 'POST') return next();
  const msgs = Array.isArray(req.body) ? req.body : [req.body];
  for (const msg of msgs) {
    const op = operation(msg);
    const missing = missingScopes(req.auth.scopes, op);
    if (missing.length > 0) {
      const needed = [BASE_SCOPE, ...OPERATION_SCOPES[op]].join(' ');
      res.set('WWW-Authenticate',
        `Bearer error="insufficient_scope", scope="${needed}", resource_metadata="${prmUrl}", error_description="${op} needs ${missing.join(' ')}"`);
      return res.status(403).json({ error: 'insufficient_scope', error_description: `${op} needs ${missing.join(' ')}` });
    }
  }
  next();
}

// inBand returns the refusal an in-band server gives, or undefined.
function inBand(extra, op) {
  if (scopeMode !== 'in-band') return undefined;
  const missing = missingScopes((extra.authInfo && extra.authInfo.scopes) || [], op);
  return missing.length > 0 ? `forbidden: ${op} needs scope ${missing.join(' ')}` : undefined;
}

function newServer() {
  const server = new McpServer({ name: 'ts-sdk-notes', version: '1.0.0' });
  server.registerTool('get_weather', {
    title: 'Weather',
    description: 'Current weather for a city (needs mcp:tools:weather).',
    inputSchema: { city: z.string().min(1).describe('City name'), units: z.enum(['metric', 'imperial']).optional() },
    annotations: { readOnlyHint: true },
  }, async ({ city }, extra) => {
    const refusal = inBand(extra, 'tools/call:get_weather');
    if (refusal) return { isError: true, content: [{ type: 'text', text: refusal }] };
    return { content: [{ type: 'text', text: `Sunny, 21 °C in ${city}` }] };
  });
  server.registerTool('delete_note', {
    description: 'Delete a note (needs mcp:tools:notes:write).',
    inputSchema: { id: z.uuid() },
    annotations: { destructiveHint: true },
  }, async ({ id }, extra) => {
    const refusal = inBand(extra, 'tools/call:delete_note');
    if (refusal) return { isError: true, content: [{ type: 'text', text: refusal }] };
    return { content: [{ type: 'text', text: `deleted ${id}` }] };
  });
  server.registerTool('book_meeting', {
    description: 'Book a meeting room.',
    inputSchema: {
      organizer: z.email(),
      attendees: z.array(z.email()).min(1).max(20),
      start: z.iso.datetime(),
      durationMinutes: z.number().int().positive().max(480),
      room: z.string().regex(/^[A-Z]{2}-\d{3}$/),
      agendaUrl: z.url(),
      location: z.object({ building: z.string(), floor: z.number().int().min(0).max(99) }),
      notes: z.string().nullable(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false },
  }, async ({ room }) => ({ content: [{ type: 'text', text: `booked ${room}` }] }));
  server.registerResource('notes', 'notes://all', { title: 'Notes', mimeType: 'text/plain' }, async (uri, extra) => {
    const refusal = inBand(extra, 'resources/read:notes://all');
    if (refusal) throw new Error(refusal);
    return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'buy milk' }] };
  });
  server.registerPrompt('summarize', { argsSchema: { topic: z.string() } }, ({ topic }, extra) => {
    const refusal = inBand(extra, 'prompts/get:summarize');
    if (refusal) throw new Error(refusal);
    return { messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }] };
  });
  return server;
}

// Stateful Streamable HTTP, as the SDK's examples do it: one transport and server per
// session, created by an initialize request.
const transports = {};

app.post('/mcp', requireAuth, requireOperationScopes, async (req, res) => {
  const sessionId = req.headers['mcp-session-id'];
  let transport = sessionId && transports[sessionId];
  if (!transport) {
    if (sessionId || !isInitializeRequest(req.body)) {
      return res.status(sessionId ? 404 : 400).json({
        jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null,
      });
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: id => { transports[id] = transport; },
    });
    transport.onclose = () => { if (transport.sessionId) delete transports[transport.sessionId]; };
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, req.body);
});

const sessionRequest = async (req, res) => {
  const transport = transports[req.headers['mcp-session-id']];
  if (!transport) return res.status(400).send('Invalid or missing session ID');
  await transport.handleRequest(req, res);
};
app.get('/mcp', requireAuth, sessionRequest);
app.delete('/mcp', requireAuth, sessionRequest);

process.on('SIGTERM', () => httpServer.close(() => process.exit(0)));
