// An MCP server built with mcp-use (the framework's MCPServer on the TypeScript SDK v2) and
// its built-in Scalekit provider, as mcp-use's docs show it:
//
//   - oauthScalekitProvider({ environmentUrl, resourceId }) verifies tokens with jose against
//     ENV/keys (RS256, iss either ENV or ENV/resources/RES, aud must contain the res_… id),
//     serves the protected resource metadata and the authorization server metadata it
//     derives from the environment; requiredScopes makes mcp:access an endpoint-wide scope.
//   - server.listen on 127.0.0.1 with DNS-rebinding Host protection (mcp-use's default for
//     localhost binds); zod-typed tools with required arguments, a resource and a prompt.
//   - Telemetry off (MCP_USE_ANONYMIZED_TELEMETRY=false).
//
// mcp-conform's Go tests (conformance/realservers_mcpuse_test.go) start it and check the
// verdicts the suite gives it.
//
// Environment:
//   MOCKAS_ISSUER  the environment URL of the authorization server (required)
//   RESOURCE_ID    the MCP server's resource id, res_… (required)
//
// It listens on 127.0.0.1 on a free port and prints {"port": N} on stdout once ready.

import { z } from 'zod';
import { MCPServer } from 'mcp-use';
import { oauthScalekitProvider } from 'mcp-use/oauth/scalekit';

// mcp-use sends anonymous usage telemetry by default: a test server sends nothing anywhere
// but to its own clients and the authorization server.
process.env.MCP_USE_ANONYMIZED_TELEMETRY = 'false';

const environmentUrl = process.env.MOCKAS_ISSUER;
const resourceId = process.env.RESOURCE_ID;
if (!environmentUrl || !resourceId) {
  console.error('MOCKAS_ISSUER and RESOURCE_ID are required');
  process.exit(2);
}

const server = new MCPServer({
  name: 'mcp-use-notes',
  version: '1.0.0',
  oauth: oauthScalekitProvider({
    environmentUrl,
    resourceId,
    requiredScopes: ['mcp:access'],
    scopesSupported: ['mcp:access'],
  }),
});

server.tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  inputSchema: z.object({ city: z.string().min(1).describe('City name'), units: z.enum(['metric', 'imperial']).optional() }),
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
}, async ({ city }) => ({ content: [{ type: 'text', text: `Sunny, 21 °C in ${city}` }] }));

server.tool({
  name: 'delete_note',
  description: 'Delete a note.',
  inputSchema: z.object({ id: z.uuid() }),
  annotations: { destructiveHint: true },
}, async ({ id }) => ({ content: [{ type: 'text', text: `deleted ${id}` }] }));

server.resource({ name: 'notes', uri: 'notes://all', title: 'Notes', mimeType: 'text/plain' },
  async () => ({ contents: [{ uri: 'notes://all', mimeType: 'text/plain', text: 'buy milk' }] }));

server.prompt({ name: 'summarize', description: 'Summarize a topic.', schema: z.object({ topic: z.string() }) },
  async ({ topic }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }] }));

// mcp-use names its resource http://localhost:PORT/mcp whatever the bind address, so the
// URL it returns, not 127.0.0.1, is the MCP endpoint clients must use.
const { port, url } = await server.listen(0, { host: '127.0.0.1' });
console.log(JSON.stringify({ port, url }));

process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
