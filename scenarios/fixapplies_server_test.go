package scenarios_test

// The applied fixes that need state of their own (sessions, rate-limit windows, negotiated
// versions) or the server's operation tables (scopes): each is the middleware a server author
// writes when following the Fix text, put in front of the flawed reference server.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

// verifiedClaims returns the claims of the request's Bearer token when the token is one this
// server accepts: signature by a key of the issuer's JWKS, iss the trusted issuer, aud
// containing the resource, exp in the future. Fixes that act "after authentication" use it.
func verifiedClaims(s fixSite, r *http.Request) (map[string]any, bool) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	tok = strings.TrimLeft(tok, " ")
	hdr, claims, ok := decodeJWS(tok)
	if !ok || !verifiesSignature(s, tok, hdr, claims) || claims["iss"] != s.issuer || !audContainsResource(s, tok, hdr, claims) {
		return nil, false
	}
	exp, ok := claims["exp"].(float64)
	return claims, ok && time.Unix(int64(exp), 0).After(time.Now())
}

// grantedScopes reads the scope claim (space-delimited) and Scalekit's scopes array.
func grantedScopes(claims map[string]any) []string {
	var out []string
	if s, ok := claims["scope"].(string); ok {
		out = strings.Fields(s)
	}
	if arr, ok := claims["scopes"].([]any); ok {
		for _, a := range arr {
			if s, ok := a.(string); ok {
				out = append(out, strings.Fields(s)...)
			}
		}
	}
	return out
}

// expandHierarchy is RS-54's fix: a granted "prefix:*" implies every known scope below it.
func expandHierarchy(granted, known []string) []string {
	out := slices.Clone(granted)
	for _, g := range granted {
		if prefix, ok := strings.CutSuffix(g, "*"); ok && strings.HasSuffix(prefix, ":") {
			for _, k := range known {
				if strings.HasPrefix(k, prefix) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// readBody reads and restores a request body.
func readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// requireBearer is RS-01's fix: the bearer check in front of the MCP handler.
func requireBearer() appliedFix {
	return appliedFix{id: "RS-01",
		says: []string{"Put the bearer-token check in front of every MCP handler, before the JSON-RPC body is parsed or dispatched", "answer requests without credentials with 401 and a WWW-Authenticate: Bearer challenge"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
				if r.URL.Path == s.mcpPath && r.Method != http.MethodOptions && !strings.EqualFold(scheme, "Bearer") {
					w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q`, s.prmURL(), strings.Join(s.scopes, " ")))
					writeJSONError(w, http.StatusUnauthorized, "", "a bearer access token is required")
					return
				}
				next.ServeHTTP(w, r)
			})
		}}
}

// writeJSONError writes an OAuth-style error body; code "" leaves error out (RFC 6750 §3.1:
// no error code for a request without credentials).
func writeJSONError(w http.ResponseWriter, status int, code, desc string) {
	body := map[string]string{"error_description": desc}
	if code != "" {
		body["error"] = code
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// boundSession is a session ID handed out by sessionGuard.
type boundSession struct{ internal, subject string }

// sessionGuard is RS-10b's fix: session IDs from a CSPRNG (128 bits), each stored with the
// subject of the token that created it and refused (404, as an unknown session) to another.
func sessionGuard() appliedFix {
	return appliedFix{id: "RS-10b",
		says: []string{"Generate session IDs from a CSPRNG (at least 128 bits)", "store the token's subject with the session; refuse the session when a different subject presents it"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			var mu sync.Mutex
			sessions := map[string]boundSession{}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				claims, ok := verifiedClaims(s, r)
				if r.URL.Path != s.mcpPath || !ok {
					next.ServeHTTP(w, r) // the server's own authentication answers
					return
				}
				sub, _ := claims["sub"].(string)
				if id := r.Header.Get("Mcp-Session-Id"); id != "" {
					mu.Lock()
					bs, known := sessions[id]
					mu.Unlock()
					if !known || bs.subject != sub {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusNotFound)
						_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"session not found"}}`)
						return
					}
					r.Header.Set("Mcp-Session-Id", bs.internal)
				}
				c := captureResponse(next, r)
				if internal := c.header.Get("Mcp-Session-Id"); internal != "" {
					b := make([]byte, 16)
					_, _ = rand.Read(b)
					id := hex.EncodeToString(b)
					mu.Lock()
					sessions[id] = boundSession{internal: internal, subject: sub}
					mu.Unlock()
					c.header.Set("Mcp-Session-Id", id)
				}
				c.send(w)
			})
		}}
}

// publicMetadata is RS-14's fix: the well-known paths are routed to the metadata handler
// before the MCP endpoint's middleware (authentication, protocol-version validation).
func publicMetadata() appliedFix {
	f := servePRM("RS-14", "Exclude the /.well-known/ paths from the authentication middleware")
	f.says = append(f.says, "and from the MCP endpoint's request checks (MCP-Protocol-Version, sessions)")
	return f
}

// nothingToDo applies a Fix text that asks for no change.
func nothingToDo(id, says string) appliedFix { return appliedFix{id: id, says: []string{says}} }

// healthEndpoint is RS-69's fix: /health reports the authorization server's state, probed on
// every call.
func healthEndpoint() appliedFix {
	return appliedFix{id: "RS-69",
		says: []string{`Serve GET /health with {"status":…,"services":{"oauth_server":…}}`, "probing the authorization server's metadata (or JWKS) on each call", "answer 503 with status degraded when it fails"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			client := &http.Client{Timeout: 2 * time.Second}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/health" {
					next.ServeHTTP(w, r)
					return
				}
				oauth, status, code := "healthy", "healthy", http.StatusOK
				req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, strings.TrimSuffix(s.issuer, "/")+"/keys", nil)
				resp, err := client.Do(req)
				if err == nil {
					_ = resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					oauth, status, code = "unhealthy", "degraded", http.StatusServiceUnavailable
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(code)
				_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "services": map[string]string{"mcp_server": "healthy", "oauth_server": oauth}})
			})
		}}
}

// loopbackOnly is RS-70's fix: Host and Origin checked before anything else.
func loopbackOnly() appliedFix {
	return appliedFix{id: "RS-70",
		says: []string{"validate Host and Origin before anything else: accept only localhost, 127.0.0.1 and [::1] (with your port), answer anything else 403"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			u, _ := url.Parse(s.base)
			port := u.Port()
			ours := func(hostport string) bool {
				h, p, err := net.SplitHostPort(hostport)
				return err == nil && p == port && (h == "localhost" || h == "127.0.0.1" || h == "::1")
			}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				o, err := url.Parse(r.Header.Get("Origin"))
				if !ours(r.Host) || (r.Header.Get("Origin") != "" && (err != nil || o.Scheme != "http" || !ours(o.Host))) {
					http.Error(w, "forbidden", http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
			})
		}}
}

// jsonRefusals is RS-63's fix: every refusal carries a JSON body whose error is the
// challenge's.
func jsonRefusals() appliedFix {
	return appliedFix{id: "RS-63",
		says: []string{`Answer refusals with Content-Type: application/json and {"error":"invalid_token","error_description":"…"}, the error equal to the WWW-Authenticate error parameter`},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			return rewriting(next, func(_ *http.Request, c *captured) {
				switch c.status {
				case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
				default:
					return
				}
				if c.isJSON() {
					return
				}
				params, _ := challengeParams(c.header.Get("WWW-Authenticate"))
				body := map[string]string{"error_description": http.StatusText(c.status)}
				if e := params["error"]; e != "" {
					body["error"] = e
				} else if c.status != http.StatusUnauthorized {
					body["error"] = map[int]string{400: "invalid_request", 403: "forbidden", 429: "rate_limit_exceeded"}[c.status]
				}
				c.header.Set("Content-Type", "application/json")
				c.body, _ = json.Marshal(body)
			})
		}}
}

// registeredCodes is RS-64's fix: every challenge error is a registered code matching its
// status.
func registeredCodes() appliedFix {
	return appliedFix{id: "RS-64",
		says: []string{`Use error="invalid_token" with 401 for every token problem`, `error="invalid_request" with 400 for malformed requests`, `error="insufficient_scope" with 403`},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			byStatus := map[int]string{400: "invalid_request", 401: "invalid_token", 403: "insufficient_scope"}
			return rewriting(next, func(_ *http.Request, c *captured) {
				params, _ := challengeParams(c.header.Get("WWW-Authenticate"))
				e, has := params["error"]
				if !has || e == byStatus[c.status] {
					return
				}
				setChallengeParam(c, "error", byStatus[c.status])
				var body map[string]any
				if json.Unmarshal(c.body, &body) == nil && body["error"] != nil {
					body["error"] = byStatus[c.status]
					c.body, _ = json.Marshal(body)
				}
			})
		}}
}

// fixedTokenErrors is RS-65's fix: a fixed 401 body and description for every rejected token.
func fixedTokenErrors() appliedFix {
	return appliedFix{id: "RS-65",
		says: []string{`map every validation error to a fixed 401 body ({"error":"invalid_token","error_description":"…"}) that never includes the exception, the request's Authorization value or internal paths`},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			const desc = "the access token is invalid"
			return rewriting(next, func(r *http.Request, c *captured) {
				if c.status != http.StatusUnauthorized || r.Header.Get("Authorization") == "" {
					return
				}
				if params, _ := challengeParams(c.header.Get("WWW-Authenticate")); params["error_description"] != "" {
					setChallengeParam(c, "error_description", desc)
				}
				c.header.Set("Content-Type", "application/json")
				c.body, _ = json.Marshal(map[string]string{"error": "invalid_token", "error_description": desc})
			})
		}}
}

// negotiatedVersionFallback is RS-56's fix: a request without MCP-Protocol-Version is served
// with the version its session negotiated, or 2025-03-26.
func negotiatedVersionFallback() appliedFix {
	return appliedFix{id: "RS-56",
		says: []string{"Up to 2025-11-25 fall back to the negotiated version (or 2025-03-26)"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			var mu sync.Mutex
			negotiated := map[string]string{} // session ID -> version
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != s.mcpPath || r.Method != http.MethodPost {
					next.ServeHTTP(w, r)
					return
				}
				var msg struct {
					Method string `json:"method"`
				}
				_ = json.Unmarshal(readBody(r), &msg)
				if msg.Method != "initialize" && r.Header.Get("MCP-Protocol-Version") == "" {
					mu.Lock()
					v := negotiated[r.Header.Get("Mcp-Session-Id")]
					mu.Unlock()
					if v == "" {
						v = "2025-03-26"
					}
					r.Header.Set("MCP-Protocol-Version", v)
				}
				c := captureResponse(next, r)
				if id := c.header.Get("Mcp-Session-Id"); id != "" && msg.Method == "initialize" {
					var res struct {
						Result struct {
							ProtocolVersion string `json:"protocolVersion"`
						} `json:"result"`
					}
					if json.Unmarshal(c.body, &res) == nil && res.Result.ProtocolVersion != "" {
						mu.Lock()
						negotiated[id] = res.Result.ProtocolVersion
						mu.Unlock()
					}
				}
				c.send(w)
			})
		}}
}

// perClientLimit is RS-60's and RS-68's fix: the declared limit enforced per client_id after
// authentication, 429 with Retry-After (delay-seconds) and a JSON body.
func perClientLimit(id string, says ...string) appliedFix {
	return appliedFix{id: id, says: says,
		wrap: func(s fixSite, next http.Handler) http.Handler {
			type window struct {
				start time.Time
				n     int
			}
			var mu sync.Mutex
			windows := map[string]*window{}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				claims, ok := verifiedClaims(s, r)
				if r.URL.Path != s.mcpPath || !ok || s.rateLimit == nil {
					next.ServeHTTP(w, r)
					return
				}
				client, _ := claims["client_id"].(string)
				mu.Lock()
				win := windows[client]
				if win == nil || time.Since(win.start) >= s.rateLimit.Per {
					win = &window{start: time.Now()}
					windows[client] = win
				}
				win.n++
				over, reset := win.n > s.rateLimit.Requests, s.rateLimit.Per-time.Since(win.start)
				mu.Unlock()
				if over {
					w.Header().Set("Retry-After", strconv.Itoa(max(1, int(reset.Seconds()+0.999))))
					writeJSONError(w, http.StatusTooManyRequests, "rate_limit_exceeded", fmt.Sprintf("at most %d requests per %s per client", s.rateLimit.Requests, s.rateLimit.Per))
					return
				}
				next.ServeHTTP(w, r)
			})
		}}
}

func rateLimitFixes() []appliedFix {
	return []appliedFix{
		perClientLimit("RS-60", "Enforce the limit you declared per client (key it on the token's client_id, not the IP), answer 429 with Retry-After in delay-seconds"),
		perClientLimit("RS-68", "Key the limiter on the token's client_id", `answer 429 with Retry-After and {"error":"rate_limit_exceeded","error_description":"…"}`),
	}
}

// asMetadataOnHost is RS-62's fix: the authorization server's metadata served at the root of
// the MCP host, its issuer the URL it is served from.
func asMetadataOnHost() appliedFix {
	return appliedFix{id: "RS-62",
		says: []string{"Serve RFC 8414 metadata at the root of the MCP host (path discarded)", "with issuer set to the MCP host's URL, the URL the document is served from (RFC 8414 §3.3)"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/.well-known/oauth-authorization-server" {
					next.ServeHTTP(w, r)
					return
				}
				u, _ := url.Parse(s.issuer)
				resp, err := http.Get(u.Scheme + "://" + u.Host + "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/"))
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadGateway)
					return
				}
				defer resp.Body.Close()
				var meta map[string]any
				if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&meta) != nil {
					http.Error(w, "authorization server metadata unavailable", http.StatusBadGateway)
					return
				}
				meta["issuer"] = s.base
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(meta)
			})
		}}
}

// operationNeeds returns the scopes the JSON-RPC request in body needs, from the server's
// tables (tools/call, resources/read, prompts/get), and the operation's name.
func operationNeeds(s fixSite, body []byte) (string, []string) {
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
			URI  string `json:"uri"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &msg) != nil {
		return "", nil
	}
	switch msg.Method {
	case "tools/call":
		return msg.Method + ":" + msg.Params.Name, strings.Fields(s.tools[msg.Params.Name])
	case "resources/read":
		return msg.Method + ":" + msg.Params.URI, strings.Fields(s.resources[msg.Params.URI])
	case "prompts/get":
		return msg.Method + ":" + msg.Params.Name, strings.Fields(s.prompts[msg.Params.Name])
	}
	return msg.Method, nil
}

// scopeGuard is the fix of RS-51…RS-53 (and RS-64's 403): after authentication, the
// operation's scopes are compared with the granted ones (expanded through the hierarchy) and
// a lacking token gets 403 with one insufficient_scope challenge naming every needed scope.
func scopeGuard(id string, says ...string) appliedFix {
	return appliedFix{id: id, says: says,
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				claims, ok := verifiedClaims(s, r)
				if r.URL.Path != s.mcpPath || r.Method != http.MethodPost || !ok {
					next.ServeHTTP(w, r)
					return
				}
				op, needed := operationNeeds(s, readBody(r))
				granted := expandHierarchy(grantedScopes(claims), s.known)
				for _, n := range needed {
					if !slices.Contains(granted, n) {
						w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q, resource_metadata=%q, error_description=%q`,
							strings.Join(needed, " "), s.prmURL(), op+" needs "+strings.Join(needed, " ")))
						writeJSONError(w, http.StatusForbidden, "insufficient_scope", op+" needs "+strings.Join(needed, " "))
						return
					}
				}
				next.ServeHTTP(w, r)
			})
		}}
}

func scopeFixes(ids ...string) []appliedFix {
	var out []appliedFix
	for _, id := range ids {
		switch id {
		case "RS-51":
			out = append(out, scopeGuard(id, "Check the operation's required scopes after authentication and answer 403 with an insufficient_scope challenge when they are missing — for resources/read and prompts/get as for tools/call"))
		case "RS-52":
			out = append(out, scopeGuard(id, `Answer with WWW-Authenticate: Bearer error="insufficient_scope", scope="<scopes needed>", resource_metadata="<PRM URL>"`))
		case "RS-53":
			out = append(out, scopeGuard(id, "Put every scope the operation needs into one challenge"))
		case "RS-64":
			out = append(out, scopeGuard(id, `error="insufficient_scope" with 403`))
		}
	}
	return out
}

// declareOperations declares the scopes of one tool, one resource and one prompt, with
// arguments the typed tools accept, so that RS-51 judges resources and prompts too.
func declareOperations(c *check.Config) {
	c.ToolArgs = fixtureToolArgs()
	c.Scopes = map[string]string{
		"weather": "mcp:tools:weather",
		"resources/read:mcp-conform://customer-data/acme": "mcp:resources:customer-data:read",
		"prompts/get:risk-assessment":                     "mcp:exec:workflows:risk-assessment",
	}
}

// canonicalEndpoint is RS-24's fix for an endpoint served at /mcp/: the endpoint moves to
// /mcp, the resource published (and accepted as audience) is that canonical URL.
func canonicalEndpoint() appliedFix {
	return appliedFix{id: "RS-24",
		says: []string{"Serve the endpoint at its canonical URL and publish exactly that as resource", "no trailing slash", "register the same string with the authorization server as the token audience"},
		options: func(s fixSite, o *fixtures.Options) {
			o.Audience = append(o.Audience, s.base+"/mcp")
		},
		config: func(s fixSite, c *check.Config) { c.URL = s.base + "/mcp" },
		wrap: func(s fixSite, next http.Handler) http.Handler {
			const wk = "/.well-known/oauth-protected-resource"
			canonical := s.base + "/mcp"
			return rewriting(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/mcp", wk + "/mcp":
					r.URL.Path += "/" // the route the handler was mounted on
				case "/mcp/", wk + "/mcp/":
					http.NotFound(w, r)
					return
				}
				next.ServeHTTP(w, r)
			}), func(r *http.Request, c *captured) {
				if c.status == http.StatusUnauthorized || c.status == http.StatusForbidden {
					if params, _ := challengeParams(c.header.Get("WWW-Authenticate")); params["resource_metadata"] != "" {
						setChallengeParam(c, "resource_metadata", s.base+wk+"/mcp")
					}
				}
				var doc map[string]any
				if strings.HasPrefix(r.URL.Path, wk) && json.Unmarshal(c.body, &doc) == nil {
					doc["resource"] = canonical
					c.body, _ = json.Marshal(doc)
				}
			})
		}}
}

// refreshingKeys is a JWKS cache that refetches the key set when a token names an unknown
// kid, at most once a second (RS-67's fix).
type refreshingKeys struct {
	url string

	mu      sync.Mutex
	set     jose.JSONWebKeySet
	fetched time.Time
}

// key returns the keys with kid, refetching the set once when none is known.
func (k *refreshingKeys) key(ctx context.Context, kid string) []jose.JSONWebKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if keys := k.set.Key(kid); len(keys) > 0 || time.Since(k.fetched) < time.Second {
		return keys
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if resp.StatusCode == http.StatusOK && json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set) == nil {
		k.set, k.fetched = set, time.Now()
	}
	return k.set.Key(kid)
}

// tokenVerifier is the application's token verifier written along the validation Fix texts:
// go-jose's jwt package with an RS256 allow-list (RS-35, RS-36), keys only from the
// authorization server's JWKS by kid (RS-37, RS-38, RS-67), iss exact (RS-42), aud a
// string or an array containing the resource (RS-43…RS-45), exp required and checked with a
// minute of leeway (RS-40, RS-47), nbf checked (RS-41). expand expands the granted scopes
// through the scope hierarchy (RS-54).
func tokenVerifier(s fixSite, expand bool) func(context.Context, string) (fixtures.TokenInfo, error) {
	keys := &refreshingKeys{url: strings.TrimSuffix(s.issuer, "/") + "/keys"}
	return func(ctx context.Context, token string) (fixtures.TokenInfo, error) {
		tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			return fixtures.TokenInfo{}, err
		}
		var claims jwt.Claims
		var extra struct {
			ClientID string   `json:"client_id"`
			Scope    string   `json:"scope"`
			Scopes   []string `json:"scopes"`
		}
		verified := false
		for _, k := range keys.key(ctx, tok.Headers[0].KeyID) {
			if tok.Claims(k.Key, &claims, &extra) == nil {
				verified = true
				break
			}
		}
		switch {
		case !verified:
			return fixtures.TokenInfo{}, errors.New("the signature does not verify with the authorization server's keys")
		case claims.Expiry == nil:
			return fixtures.TokenInfo{}, errors.New("exp is required")
		}
		if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: s.issuer, AnyAudience: jwt.Audience{s.base + s.mcpPath}, Time: time.Now()}, time.Minute); err != nil {
			return fixtures.TokenInfo{}, err
		}
		scopes := append(strings.Fields(extra.Scope), extra.Scopes...)
		if expand {
			scopes = expandHierarchy(scopes, s.known)
		}
		return fixtures.TokenInfo{Subject: claims.Subject, ClientID: extra.ClientID, Scopes: scopes}, nil
	}
}

// ownVerifier replaces the server's token validation with tokenVerifier.
func ownVerifier(id string, expand bool, says ...string) appliedFix {
	return appliedFix{id: id, says: says, options: func(s fixSite, o *fixtures.Options) {
		o.VerifyToken = tokenVerifier(s, expand)
	}}
}
