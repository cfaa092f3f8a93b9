// The scopes of the Node test servers, as in conformance/realservers_test.go: every request
// needs BASE_SCOPE; each operation of OPERATION_SCOPES needs its scope on top.

export const BASE_SCOPE = 'mcp:access';

export const OPERATION_SCOPES = {
  'tools/call:get_weather': ['mcp:tools:weather'],
  'tools/call:delete_note': ['mcp:tools:notes:write'],
  'resources/read:notes://all': ['mcp:resources:notes:read'],
  'prompts/get:summarize': ['mcp:prompts:summarize'],
};

// operation names a JSON-RPC request: "tools/call:get_weather", "resources/read:notes://all",
// or its bare method.
export function operation(msg) {
  const p = (msg && msg.params) || {};
  if (!msg) return undefined;
  if (msg.method === 'tools/call' || msg.method === 'prompts/get') return `${msg.method}:${p.name}`;
  if (msg.method === 'resources/read') return `${msg.method}:${p.uri}`;
  return msg.method;
}

// scopesFor lists the scopes the JSON-RPC request(s) of a body need, BASE_SCOPE first.
export function scopesFor(body) {
  const scopes = new Set([BASE_SCOPE]);
  for (const msg of Array.isArray(body) ? body : [body]) {
    (OPERATION_SCOPES[operation(msg)] || []).forEach(s => scopes.add(s));
  }
  return [...scopes];
}

// requireIssuer returns MOCKAS_ISSUER, or exits 2 when it is not set.
export function requireIssuer() {
  const issuer = process.env.MOCKAS_ISSUER;
  if (!issuer) {
    console.error('MOCKAS_ISSUER is required');
    process.exit(2);
  }
  return issuer;
}
