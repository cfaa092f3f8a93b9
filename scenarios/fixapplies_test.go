package scenarios_test

// Every "how to fix" of the registry is checked by applying it. For each fixture flaw, the
// fix the registry documents for the checks the flaw trips is applied to the flawed
// reference server as a concrete change a server author would make — a middleware doing what
// the Fix text says (answer 400 to two Authorization lines, verify the signature with the
// JWKS keys, serve the document at the path-suffixed URL, check the operation's scopes…),
// and where the text says so a change of the server's configuration — while the flaw itself
// stays in place, and the check must then pass while the fixed server still accepts a valid
// token (the positive control). The same checks run first on the flawed server in the same
// setup and must not all pass there, so no applied fix is vacuous. Each
// applied fix names the phrases of the Fix text it implements: when the registry's advice
// changes, the test fails until the applied change follows it, and a Fix text whose advice
// does not work fails the run of the check.

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// appliedFix is the Fix text of check id, applied.
type appliedFix struct {
	id   string   // the check whose Fix text this follows
	says []string // phrases of that Fix text the change implements
	// options is the server configuration the fix changes (nil: none).
	options func(s fixSite, o *fixtures.Options)
	// config is what the fix changes in the run (nil: nothing), e.g. the endpoint URL
	// when the fix moves the endpoint.
	config func(s fixSite, c *check.Config)
	// wrap fronts the flawed reference handler with the change (nil: none, for a Fix
	// text that says there is nothing to change).
	wrap func(s fixSite, next http.Handler) http.Handler
}

// fixSite is where a fix is applied: the server's address, its trusted issuer and the
// operation tables it was configured with (defaults resolved).
type fixSite struct {
	base, mcpPath, issuer string
	tools, resources      map[string]string // tool name / resource URI -> needed scopes
	prompts               map[string]string // prompt name -> needed scopes
	scopes                []string          // the scopes a client needs (scopes_supported)
	known                 []string          // every scope the tables name, and scopes
	rateLimit             *fixtures.RateLimit
}

// newFixSite resolves the operation tables of o the way the reference server does.
func newFixSite(base string, o fixtures.Options) fixSite {
	s := fixSite{base: base, mcpPath: o.Path, issuer: o.Issuer, tools: o.Tools, resources: o.Resources, prompts: o.Prompts, scopes: o.ScopesSupported, rateLimit: o.RateLimit}
	if s.mcpPath == "" {
		s.mcpPath = "/mcp"
	}
	if s.tools == nil {
		s.tools = fixtures.DefaultTools()
	}
	if s.resources == nil {
		s.resources = fixtures.DefaultResources()
	}
	if s.prompts == nil {
		s.prompts = fixtures.DefaultPrompts()
	}
	seen := map[string]bool{}
	for _, table := range []map[string]string{s.tools, s.resources, s.prompts} {
		for _, need := range table {
			for _, sc := range strings.Fields(need) {
				if !seen[sc] {
					seen[sc] = true
					s.known = append(s.known, sc)
				}
			}
		}
	}
	slices.Sort(s.known)
	if s.scopes == nil {
		s.scopes = s.known
	}
	for _, sc := range s.scopes {
		if !slices.Contains(s.known, sc) {
			s.known = append(s.known, sc)
		}
	}
	return s
}

func (s fixSite) prmURL() string { return s.base + "/.well-known/oauth-protected-resource" + s.mcpPath }

// notYetApplied are the flaws whose fix has no applied form yet, with the reason: none today.
// A new flaw is given an applied fix in appliedFixes or, until it can be, listed here with a
// reason a reviewer would accept; the test fails when a flaw is in neither table or in both.
var notYetApplied = map[fixtures.Flaw]string{}

// appliedFixes maps each flaw to the fixes of the checks it trips.
func appliedFixes() map[fixtures.Flaw][]appliedFix {
	// Challenge (RS-02…RS-10).
	fullChallenge := appliedFix{id: "RS-02",
		says: []string{`WWW-Authenticate: Bearer resource_metadata="https://<host>/.well-known/oauth-protected-resource/<path>"`, `scope="…"`, "to every 401"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return onChallenge(next, func(_ *http.Request, c *capturedResponse) {
				c.header.Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q`, s.prmURL(), strings.Join(s.scopes, " ")))
			})
		}}
	withResourceMetadata := appliedFix{id: "RS-03", says: []string{`Include resource_metadata="<absolute URL of your protected resource metadata>" in the Bearer challenge of every 401`},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return onChallenge(next, func(_ *http.Request, c *capturedResponse) {
				setChallengeParam(c, "resource_metadata", s.prmURL())
			})
		}}
	quoted := appliedFix{id: "RS-04", says: []string{`Quote the value: resource_metadata="https://host/.well-known/oauth-protected-resource/mcp"`},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return onChallenge(next, func(_ *http.Request, c *capturedResponse) {
				setChallengeParam(c, "resource_metadata", s.prmURL())
			})
		}}
	authWholeEndpoint := appliedFix{id: "RS-09", says: []string{"Mount the authentication middleware on the whole MCP endpoint, not just on the POST route"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == s.mcpPath && r.Method != http.MethodPost && r.Method != http.MethodOptions && r.Header.Get("Authorization") == "" {
					// The endpoint's authentication, whatever the method: the answer a POST
					// without credentials gets.
					probe := r.Clone(r.Context())
					probe.Method = http.MethodPost
					probe.Body = io.NopCloser(strings.NewReader(`{"jsonrpc":"2.0","id":0,"method":"ping"}`))
					probe.Header.Set("Content-Type", "application/json")
					c := captureResponse(next, probe)
					if c.status == http.StatusUnauthorized {
						c.send(w)
						return
					}
				}
				next.ServeHTTP(w, r)
			})
		}}
	return map[fixtures.Flaw][]appliedFix{
		fixtures.FlawNoWWWAuthenticate:            {fullChallenge, withResourceMetadata},
		fixtures.FlawBareBearer:                   {fullChallenge, withResourceMetadata},
		fixtures.FlawNoResourceMetadata:           {withResourceMetadata},
		fixtures.FlawUnquotedResourceMetadata:     {quoted},
		fixtures.FlawRelativeResourceMetadata:     {quoted},
		fixtures.FlawAngleBracketResourceMetadata: {quoted},
		fixtures.FlawErrorOnMissingToken: {{id: "RS-05",
			says: []string{`Emit error="invalid_token" only when a token was presented and rejected`, "send just the Bearer challenge with resource_metadata and scope"},
			wrap: func(_ fixSite, next http.Handler) http.Handler {
				return onChallenge(next, func(r *http.Request, c *capturedResponse) {
					if r.Header.Get("Authorization") == "" {
						deleteChallengeParams(c, "error", "error_description")
					}
				})
			}}},
		fixtures.FlawNoScopeInChallenge: {{id: "RS-06", says: []string{`Add scope="<the scopes a client needs to use the server>" to the Bearer challenge`},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				return onChallenge(next, func(_ *http.Request, c *capturedResponse) {
					setChallengeParam(c, "scope", strings.Join(s.scopes, " "))
				})
			}}},
		fixtures.FlawDuplicateChallengeParam: {{id: "RS-07", says: []string{"Build the challenge from a map of parameters so each appears once, and quote values"},
			wrap: func(_ fixSite, next http.Handler) http.Handler {
				return onChallenge(next, func(_ *http.Request, c *capturedResponse) {
					params, order := challengeParams(c.header.Get("WWW-Authenticate"))
					c.header.Set("WWW-Authenticate", formatParams(params, order))
				})
			}}},
		fixtures.FlawBasicSchemeAccepted:   {onlyBearer()},
		fixtures.FlawBasicSchemeError:      {onlyBearer()},
		fixtures.FlawGetUnauthenticated:    {authWholeEndpoint},
		fixtures.FlawDeleteUnauthenticated: {authWholeEndpoint},
		fixtures.FlawSessionAuthenticates: {{id: "RS-10", says: []string{"Authenticate every request from its Authorization header; the session ID only selects protocol state, it is not a credential"},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == s.mcpPath && r.Header.Get("Authorization") == "" {
						r.Header.Del("Mcp-Session-Id")
					}
					next.ServeHTTP(w, r)
				})
			}}},

		// Protected resource metadata (RS-11…RS-25).
		fixtures.FlawNoPRM: {servePRM("RS-11", "Serve the PRM document at /.well-known/oauth-protected-resource/<mcp path>"),
			servePRM("RS-12", `Serve a JSON document {"resource": "<MCP URL>", "authorization_servers": ["<issuer>"]`)},
		fixtures.FlawPRMHTML: {servePRM("RS-13", "Route the well-known path before any SPA catch-all and set Content-Type: application/json")},
		fixtures.FlawPRMNoResource: {editPRM("RS-15", []string{"Set resource to the public https URL of the MCP endpoint"}, func(s fixSite, u string, doc map[string]any) {
			doc["resource"] = documentResource(s, u)
		})},
		fixtures.FlawPRMResourceTrailingSlash: {resourcePerLocation(), pathSuffixedPointer()},
		fixtures.FlawPRMResourceOrigin:        {resourcePerLocation(), pathSuffixedPointer()},
		fixtures.FlawPRMRootResourceEndpoint:  {resourcePerLocation()},
		fixtures.FlawPRMUppercaseResource: {resourcePerLocation(), pathSuffixedPointer(),
			editPRM("RS-24", []string{"publish exactly that as resource: lower-case scheme and host"}, func(s fixSite, u string, doc map[string]any) {
				doc["resource"] = documentResource(s, u)
			})},
		fixtures.FlawChallengePointsToRootPRM: {pathSuffixedPointer()},
		fixtures.FlawPRMNoAuthorizationServers: {editPRM("RS-18", []string{`Add "authorization_servers": ["<issuer URL of your authorization server>"]`}, func(s fixSite, _ string, doc map[string]any) {
			doc["authorization_servers"] = []string{s.issuer}
		})},
		fixtures.FlawPRMASEndpoint: {editPRM("RS-19", []string{"List the issuer identifier (e.g. https://auth.example.com), not an endpoint URL"}, func(s fixSite, _ string, doc map[string]any) {
			doc["authorization_servers"] = []string{s.issuer}
		})},
		fixtures.FlawPRMEmptyArray: {editPRM("RS-20", []string{"Leave out parameters you have no values for"}, func(_ fixSite, _ string, doc map[string]any) {
			for k, v := range doc {
				if a, ok := v.([]any); ok && len(a) == 0 || v == "" {
					delete(doc, k)
				}
			}
		})},
		fixtures.FlawPRMNoScopesSupported: {publishScopes()},
		fixtures.FlawPRMOfflineAccess:     {publishScopes()},
		fixtures.FlawPRMBearerQuery: {editPRM("RS-22", []string{`Set bearer_methods_supported to ["header"]`}, func(_ fixSite, _ string, doc map[string]any) {
			doc["bearer_methods_supported"] = []string{"header"}
		})},
		fixtures.FlawPRMBadJWKSURI:     {typedOrOmitted("jwks_uri")},
		fixtures.FlawPRMSigningAlgNone: {typedOrOmitted("resource_signing_alg_values_supported")},
		fixtures.FlawPRMMistypedField:  {typedOrOmitted("dpop_bound_access_tokens_required")},
		fixtures.FlawPRMNoCache: {{id: "RS-25", says: []string{"Cache-Control: public, max-age=3600 on the PRM document"},
			wrap: func(_ fixSite, next http.Handler) http.Handler {
				return onPRM(next, func(_ *http.Request, c *capturedResponse) {
					c.header.Set("Cache-Control", "public, max-age=3600")
				})
			}}},

		// Presentation (RS-26…RS-32).
		fixtures.FlawSchemeCaseSensitive: {{id: "RS-26", says: []string{"Compare the scheme with strings.EqualFold"},
			wrap: editAuthorization(func(v string) string {
				if scheme, rest, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Bearer") {
					return "Bearer " + rest
				}
				return v
			})}},
		fixtures.FlawSingleSpaceOnly: {{id: "RS-27", says: []string{"Split the scheme from the credentials at the first run of spaces and trim"},
			wrap: editAuthorization(func(v string) string {
				if scheme, rest, ok := strings.Cut(v, " "); ok {
					return scheme + " " + strings.TrimLeft(rest, " ")
				}
				return v
			})}},
		fixtures.FlawQueryTokenAccepted: {noQueryToken("RS-28", "Read tokens only from the Authorization header; remove any access_token query-parameter fallback"),
			noQueryToken("RS-29", "Ignore the query string for authentication entirely")},
		fixtures.FlawBodyTokenAccepted: {{id: "RS-30", says: []string{"never look for tokens inside the JSON-RPC message"},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == s.mcpPath && r.Method == http.MethodPost {
						body, _ := io.ReadAll(r.Body)
						var msg map[string]any
						if json.Unmarshal(body, &msg) == nil {
							delete(msg, "access_token")
							if p, ok := msg["params"].(map[string]any); ok {
								if meta, ok := p["_meta"].(map[string]any); ok {
									delete(meta, "access_token")
								}
							}
							body, _ = json.Marshal(msg)
						}
						r.Body = io.NopCloser(strings.NewReader(string(body)))
						r.ContentLength = int64(len(body))
					}
					next.ServeHTTP(w, r)
				})
			}}},
		fixtures.FlawDuplicateAuthAccepted: {{id: "RS-31", says: []string{"Reject requests with more than one Authorization field line", "with 400 invalid_request"},
			wrap: func(_ fixSite, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if len(r.Header.Values("Authorization")) > 1 {
						w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
						http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
						return
					}
					next.ServeHTTP(w, r)
				})
			}}},
		fixtures.FlawMalformedAuth500: {{id: "RS-32", says: []string{"Validate the credentials against the token68 grammar before decoding", "answer malformed ones with 400 invalid_request or 401 invalid_token"},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				token68 := regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
					if strings.EqualFold(scheme, "Bearer") && !token68.MatchString(strings.TrimLeft(cred, " ")) {
						refuse(w, s)
						return
					}
					next.ServeHTTP(w, r)
				})
			}}},

		// Validation (RS-33…RS-49, RS-66).
		fixtures.FlawOpaqueTokenAccepted: {validate("RS-33", []string{"with a JWT library configured with the authorization server's issuer, its JWKS and an explicit algorithm allow-list"}, verifiesSignature)},
		fixtures.FlawInvalidTokenNoError: {{id: "RS-33", says: []string{`answer 401 with WWW-Authenticate: Bearer error="invalid_token" and a resource_metadata pointer`},
			wrap: func(_ fixSite, next http.Handler) http.Handler {
				return onChallenge(next, func(r *http.Request, c *capturedResponse) {
					if r.Header.Get("Authorization") != "" {
						setChallengeParam(c, "error", "invalid_token")
					}
				})
			}}},
		fixtures.FlawMalformedJWT500: {{id: "RS-34", says: []string{"Treat every token parse error as invalid_token (401); wrap the JWT library call so decoding errors cannot surface as 500"},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					c := captureResponse(next, r)
					if c.status >= 500 && r.Header.Get("Authorization") != "" {
						refuse(w, s)
						return
					}
					c.send(w)
				})
			}}},
		fixtures.FlawAlgNoneAccepted:           {validate("RS-35", []string{"explicit allow-list of signing algorithms (e.g. RS256)"}, algRS256)},
		fixtures.FlawHS256Confusion:            {validate("RS-36", []string{"Pin the algorithm per key (RSA keys verify RS256 only)"}, algRS256)},
		fixtures.FlawForeignKeyAccepted:        {validate("RS-37", []string{"Verify signatures only with keys from the authorization server's jwks_uri"}, verifiesSignature), validate("RS-39", []string{"Verify the JWS signature before reading any claim"}, verifiesSignature)},
		fixtures.FlawSignatureStrippedAccepted: {validate("RS-39", []string{"Verify the JWS signature before reading any claim"}, verifiesSignature)},
		fixtures.FlawJWKHeaderTrusted:          {keysFromJWKSOnly()},
		fixtures.FlawJKUFollowed:               {keysFromJWKSOnly()},
		fixtures.FlawJKUFetched:                {keysFromJWKSOnly()},
		fixtures.FlawKidInjection:              {keysFromJWKSOnly()},
		fixtures.FlawEmptyHMACKeyAccepted: {validate("RS-66", []string{"explicit algorithm allow-list (e.g. RS256)"}, algRS256),
			keysFromJWKSOnly()},
		fixtures.FlawAlgMissingAccepted: {validate("RS-66", []string{"Reject a header without alg before anything else"}, algRS256)},
		fixtures.FlawExpiredAccepted: {validate("RS-40", []string{"Check exp with at most a few minutes of leeway"}, func(_ fixSite, _ string, _ jwsHeader, c map[string]any) bool {
			exp, ok := c["exp"].(float64)
			return !ok || time.Unix(int64(exp), 0).Add(time.Minute).After(time.Now())
		})},
		fixtures.FlawNBFIgnored: {validate("RS-41", []string{"Check nbf (with a small leeway)"}, func(_ fixSite, _ string, _ jwsHeader, c map[string]any) bool {
			nbf, ok := c["nbf"].(float64)
			return !ok || time.Unix(int64(nbf), 0).Add(-time.Minute).Before(time.Now())
		})},
		fixtures.FlawIssuerUnchecked: {validate("RS-42", []string{"Compare iss exactly with the issuer you trust"}, func(s fixSite, _ string, _ jwsHeader, c map[string]any) bool {
			return c["iss"] == s.issuer
		})},
		fixtures.FlawAudienceUnchecked: {validate("RS-43", []string{"Require aud to contain this server's resource identifier (the resource value of your PRM document)"}, audContainsResource)},
		fixtures.FlawNoAudAccepted:     {validate("RS-44", []string{"Treat a missing aud as a mismatch"}, audContainsResource)},
		fixtures.FlawNoExpAccepted: {validate("RS-47", []string{"Require exp"}, func(_ fixSite, _ string, _ jwsHeader, c map[string]any) bool {
			_, ok := c["exp"].(float64)
			return ok
		})},
		fixtures.FlawCritIgnored: {validate("RS-49", []string{"Use a JWS library that enforces crit (go-jose does)"}, verifiesSignature)},

		// Transport (RS-55, RS-57).
		fixtures.FlawProtocolVersionUnchecked: {{id: "RS-55", says: []string{"Validate MCP-Protocol-Version against the versions you support and answer anything else with 400"},
			wrap: func(s fixSite, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if v := r.Header.Get("MCP-Protocol-Version"); r.URL.Path == s.mcpPath && v != "" && !slices.Contains(check.KnownVersions(), v) {
						http.Error(w, "unsupported MCP-Protocol-Version", http.StatusBadRequest)
						return
					}
					next.ServeHTTP(w, r)
				})
			}}},
		fixtures.FlawCORSMissing:         {browserCORS()},
		fixtures.FlawCORSNoExposeHeaders: {browserCORS()},
		fixtures.FlawErrorBodyContradicts: {agreeingBody("RS-61", "Keep the body's error code identical to the challenge's error parameter"),
			agreeingBody("RS-63", `{"error":"invalid_token","error_description":"…"}, the error equal to the WWW-Authenticate error parameter`)},
		fixtures.FlawOriginUnchecked: {originAllowList()},
		fixtures.FlawOriginAfterAuth: {originAllowList()},

		// Fixes with state or tables of their own (fixapplies_server_test.go).
		fixtures.FlawNoAuth:                              {requireBearer()},
		fixtures.FlawChallenge403:                        {requireBearer()},
		fixtures.FlawPredictableSessionIDs:               {sessionGuard()},
		fixtures.FlawSessionNotBound:                     {sessionGuard()},
		fixtures.FlawPRMRequiresAuth:                     {publicMetadata()},
		fixtures.FlawPRMRejectsProtocolHeader:            {publicMetadata()},
		fixtures.FlawNoncanonicalEndpoint:                {canonicalEndpoint()},
		fixtures.FlawTypAtJWTRequired:                    {nothingToDo("RS-46", "otherwise nothing to do")},
		fixtures.FlawAudienceNormalized:                  {nothingToDo("RS-48", "Nothing required")},
		fixtures.FlawScopeUnchecked:                      scopeFixes("RS-51"),
		fixtures.FlawInsufficientScopeInBand:             scopeFixes("RS-51"),
		fixtures.FlawInsufficientScope401:                scopeFixes("RS-51", "RS-64"),
		fixtures.FlawResourceScopeUnchecked:              scopeFixes("RS-51"),
		fixtures.FlawScopeToolsOnly:                      scopeFixes("RS-51"),
		fixtures.FlawInsufficientScopeNoErrorParam:       scopeFixes("RS-52"),
		fixtures.FlawInsufficientScopeNoScopeParam:       scopeFixes("RS-52"),
		fixtures.FlawInsufficientScopeNoResourceMetadata: scopeFixes("RS-52"),
		fixtures.FlawIncrementalScopeChallenge:           scopeFixes("RS-53"),
		fixtures.FlawMissingVersionRejected:              {negotiatedVersionFallback()},
		fixtures.FlawHealthAlwaysHealthy:                 {healthEndpoint()},
		fixtures.FlawHealthNotJSON:                       {healthEndpoint()},
		fixtures.FlawHostUnchecked:                       {loopbackOnly()},
		fixtures.FlawDNSRebindingOpen:                    {loopbackOnly(), originAllowList()},
		fixtures.FlawRateLimitNever:                      rateLimitFixes(),
		fixtures.FlawRateLimitNoRetryAfter:               rateLimitFixes(),
		fixtures.FlawRateLimitBadRetryAfter:              rateLimitFixes(),
		fixtures.FlawRateLimitPlainBody:                  rateLimitFixes(),
		fixtures.FlawNoASMetadata:                        {asMetadataOnHost()},
		fixtures.FlawASMetadataForeignIssuer:             {asMetadataOnHost()},
		fixtures.FlawErrorBodyHTML:                       {jsonRefusals()},
		fixtures.FlawUnregisteredErrorCode:               {registeredCodes()},
		fixtures.FlawStackTraceLeak:                      {fixedTokenErrors()},
		fixtures.FlawTokenEchoed:                         {fixedTokenErrors()},

		// The application's own token verifier (Options.VerifyToken) and limiter key.
		fixtures.FlawStringAudRejected: {ownVerifier("RS-45", false, "Decode aud as either a string or an array of strings (RFC 7519 §4.1.3) and accept the token when it contains your resource identifier")},
		fixtures.FlawPositiveBroken: {ownVerifier("RS-50", false, "Make sure the server trusts the issuer and JWKS of the authorization server that issued the token",
			"its expected audience is the resource in its PRM document")},
		fixtures.FlawJWKSFetchedOnce:            {ownVerifier("RS-67", false, "Resolve keys through a JWKS cache that refetches jwks_uri when a token names an unknown kid (rate-limited")},
		fixtures.FlawJWKSPerRequest:             {ownVerifier("RS-71", false, "Keep the JWKS in a cache that refetches jwks_uri only when a token names an unknown kid")},
		fixtures.FlawIntrospectionActiveIgnored: {introspectingVerifier("RS-72")},
		fixtures.FlawIntrospectionCached:        {introspectingVerifier("RS-72")},
		fixtures.FlawHierarchyIgnored:           {ownVerifier("RS-54", true, "Expand granted scopes through your hierarchy before comparing them with the operation's requirement")},
		fixtures.FlawRateLimitByIP: {{id: "RS-68", says: []string{"Key the limiter on the token's client_id (express-rate-limit: keyGenerator: (req) => req.auth?.clientId)"},
			options: func(_ fixSite, o *fixtures.Options) {
				limit := *o.RateLimit
				limit.Key = func(_ *http.Request, clientID string) string { return clientID }
				o.RateLimit = &limit
			}}},
		fixtures.FlawASNoPKCE:       {pkceAdvertised()},
		fixtures.FlawJWKSPrivateKey: {publicKeysOnly()},
	}
}

// pkceAdvertised follows RS-73's fix: the fronting host serves its identity provider's
// metadata with code_challenge_methods_supported added, issuer and endpoints untouched.
func pkceAdvertised() appliedFix {
	return appliedFix{id: "RS-73",
		says: []string{`"code_challenge_methods_supported": ["S256"]`, "serve its metadata with the member added and the issuer and endpoints unchanged"},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			return rewriting(next, func(r *http.Request, c *captured) {
				var meta map[string]any
				if r.URL.Path != "/.well-known/oauth-authorization-server" || json.Unmarshal(c.body, &meta) != nil {
					return
				}
				meta["code_challenge_methods_supported"] = []string{"S256"}
				c.body, _ = json.Marshal(meta) // decoded from JSON: cannot fail
			})
		}}
}

// publicKeysOnly follows RS-74's fix: every key of the published JWKS is marshalled from its
// public part (go-jose's key.Public()).
func publicKeysOnly() appliedFix {
	return appliedFix{id: "RS-74",
		says: []string{"Publish only the public part of each key", "in go-jose marshal key.Public()"},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			return rewriting(next, func(r *http.Request, c *captured) {
				var set jose.JSONWebKeySet
				if r.URL.Path != "/.well-known/jwks.json" || json.Unmarshal(c.body, &set) != nil {
					return
				}
				for i, k := range set.Keys {
					set.Keys[i] = k.Public()
				}
				c.body, _ = json.Marshal(set) // public keys always marshal
			})
		}}
}

// TestRegistryFixesApplied applies, for every flaw, the registry's fix for each check the
// flaw trips, and runs the check.
func TestRegistryFixesApplied(t *testing.T) {
	t.Parallel()
	fixText := map[string]string{}
	for _, d := range check.Definitions() {
		fixText[d.ID] = d.Fix
	}
	fixes := appliedFixes()
	shared := mockas.Start(t)
	var pending []string
	for _, flaw := range fixtures.AllFlaws() {
		applied, has := fixes[flaw]
		reason, skipped := notYetApplied[flaw]
		switch {
		case has && skipped:
			t.Errorf("%s has an applied fix and is listed as not yet applied (%s)", flaw, reason)
			continue
		case !has && !skipped:
			t.Errorf("%s: no applied fix; apply the registry's fix for its checks, or list it in notYetApplied with the reason", flaw)
			continue
		case skipped:
			pending = append(pending, string(flaw))
			continue
		}
		_, ids := fixtures.FlawInfo(flaw)
		for _, id := range ids {
			if !slices.ContainsFunc(applied, func(f appliedFix) bool { return f.id == id }) {
				t.Errorf("%s trips %s, but no applied fix follows %s's Fix text", flaw, id, id)
			}
		}
		for _, f := range applied {
			for _, phrase := range f.says {
				if !strings.Contains(fixText[f.id], phrase) {
					t.Errorf("%s's Fix text no longer says %q, which the applied fix for %s implements:\n%s", f.id, phrase, flaw, fixText[f.id])
				}
			}
		}
		t.Run(string(flaw), func(t *testing.T) {
			t.Parallel()
			as := shared
			if quietAS(ids) {
				as = mockas.Start(t) // the check injects faults or rotates keys: an AS of its own
			}
			// The flawed server, in the configuration that exposes the flaw: the checks
			// must not all pass, or the applied fix proves nothing.
			flawed := startFixture(t, as, flaw, nil)
			if !slices.ContainsFunc(ids, func(id string) bool { return run(t, flawed, id).Status != check.StatusPass }) {
				t.Errorf("%s: every check of %s passes on the flawed server; the test does not expose the flaw", flaw, strings.Join(ids, ", "))
			}
			cfg := startFixture(t, as, flaw, applied)
			// A fix must not pass by refusing everything: the fixed server still accepts a
			// valid token (the positive control, first, before a rate limit is spent).
			if !slices.Contains(ids, check.ControlID) {
				if res := run(t, cfg, check.ControlID); res.Status != check.StatusPass {
					t.Errorf("%s: with the fix for %s applied, the positive control %s: %s", flaw, strings.Join(ids, ", "), res.Status, res.Detail)
				}
			}
			for _, id := range ids {
				res := run(t, cfg, id)
				if res.Status != check.StatusPass && res.Status != check.StatusInfo {
					t.Errorf("%s with its flaw %s and the registry's fix applied: %s, want pass\nFix: %s\nDetail: %s",
						id, flaw, res.Status, fixText[id], res.Detail)
				}
			}
		})
	}
	if len(pending) > 0 {
		t.Logf("fixes not yet applied (%d of %d flaws): %s", len(pending), len(fixtures.AllFlaws()), strings.Join(pending, ", "))
	}
}

// exposing is the setup under which a flaw is observable, where the default one (the
// reference server trusting a mockas, weather's scope declared) does not show it. It is part
// of the flaw, not of its fix: the flawed server is run with it too.
var exposing = map[fixtures.Flaw]struct {
	options func(o *fixtures.Options)
	config  func(c *check.Config)
}{
	// offline_access is discouraged from 2026-07-28 on.
	fixtures.FlawPRMOfflineAccess: {config: atSpec(check.Version20260728)},
	// The endpoint is served at /mcp/.
	fixtures.FlawNoncanonicalEndpoint: {config: func(c *check.Config) { c.URL += "/" }},
	// Only an operation whose scope is declared is judged.
	fixtures.FlawResourceScopeUnchecked: {config: declareOperations},
	fixtures.FlawScopeToolsOnly:         {config: declareOperations},
	fixtures.FlawIncrementalScopeChallenge: {config: func(c *check.Config) {
		c.Scopes = map[string]string{"report": "mcp:tools:weather mcp:admin"}
	}},
	// Authorization server metadata on the MCP host is a 2025-03-26 rule.
	fixtures.FlawNoASMetadata:            {config: atSpec(check.Version20250326)},
	fixtures.FlawASMetadataForeignIssuer: {config: atSpec(check.Version20250326)},
	// A key cache that never refetches is told from a slow one by waiting: 5 s is enough
	// for the applied fix's one-second refetch cooldown.
	fixtures.FlawJWKSFetchedOnce: {config: func(c *check.Config) { c.KeyRotationWait = 5 * time.Second }},
	// An introspection cache that never expires is told from a short one by waiting.
	fixtures.FlawIntrospectionCached: {config: func(c *check.Config) { c.RevocationWait = 2 * time.Second }},
	// A hierarchy is judged from 2026-07-28 on, and FAILs only when the server advertises
	// the broader scope.
	fixtures.FlawHierarchyIgnored: {
		options: func(o *fixtures.Options) {
			o.ScopesSupported = []string{"mcp:admin", "mcp:tools:*", "mcp:tools:weather"}
		},
		config: atSpec(check.Version20260728),
	},
}

func atSpec(v string) func(*check.Config) { return func(c *check.Config) { c.SpecVersion = v } }

// quietAS reports whether one of the checks ids changes its mockas's shared state (faults,
// key rotation), so that it needs an authorization server of its own.
func quietAS(ids []string) bool {
	for _, d := range check.Definitions() {
		if slices.Contains(ids, d.ID) && d.Needs&check.NeedsQuietAS != 0 {
			return true
		}
	}
	return false
}

// startFixture serves the reference server carrying flaw (with the Options the flaw needs to
// be observable, FlawTweak), trusting as, with the fixes applied, and returns the run
// configuration: cooperative, weather's scope declared, the server's rate limit declared.
func startFixture(t *testing.T, as *mockas.Server, flaw fixtures.Flaw, applied []appliedFix) check.Config {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	opts := fixtures.Options{Issuer: as.Issuer(), Flaws: []fixtures.Flaw{flaw}}
	if tweak := fixtures.FlawTweak(flaw); tweak != nil {
		tweak(&opts)
	}
	exp := exposing[flaw]
	if exp.options != nil {
		exp.options(&opts)
	}
	for _, f := range applied {
		if f.options != nil {
			f.options(newFixSite(base, opts), &opts)
		}
	}
	site := newFixSite(base, opts)
	h, err := fixtures.NewHandler(opts, base)
	if err != nil {
		ts.Close()
		t.Fatalf("fixtures.NewHandler: %v", err)
	}
	for _, f := range applied {
		if f.wrap != nil {
			h = f.wrap(site, h)
		}
	}
	ts.Config.Handler = h
	ts.Start()
	t.Cleanup(ts.Close)
	cfg := check.Config{
		URL:    base + site.mcpPath,
		Minter: check.LocalMinter(as),
		Scopes: map[string]string{"weather": "mcp:tools:weather"},
	}
	if opts.RateLimit != nil {
		cfg.RateLimit = &check.RateLimit{Requests: opts.RateLimit.Requests, Per: opts.RateLimit.Per}
	}
	if exp.config != nil {
		exp.config(&cfg)
	}
	for _, f := range applied {
		if f.config != nil {
			f.config(site, &cfg)
		}
	}
	return cfg
}

// capturedResponse is a buffered response, rewritten before it is sent.
type capturedResponse = captured

// captureResponse runs next on r and buffers its answer.
func captureResponse(next http.Handler, r *http.Request) *capturedResponse { return capture(next, r) }

// onChallenge edits every 401 answer.
func onChallenge(next http.Handler, edit func(*http.Request, *capturedResponse)) http.Handler {
	return rewriting(next, func(r *http.Request, c *captured) {
		if c.status == http.StatusUnauthorized {
			edit(r, c)
		}
	})
}

// onPRM edits every answer under /.well-known/oauth-protected-resource.
func onPRM(next http.Handler, edit func(*http.Request, *capturedResponse)) http.Handler {
	return rewriting(next, func(r *http.Request, c *captured) {
		if strings.HasPrefix(r.URL.Path, "/.well-known/oauth-protected-resource") {
			edit(r, c)
		}
	})
}

var paramRE = regexp.MustCompile(`([A-Za-z_]+)=("(?:[^"\\]|\\.)*"|[^\s,]*)`)

// challengeParams parses a Bearer challenge's auth-params (first occurrence wins).
func challengeParams(h string) (map[string]string, []string) {
	params := map[string]string{}
	var order []string
	_, rest, _ := strings.Cut(h, " ")
	for _, m := range paramRE.FindAllStringSubmatch(rest, -1) {
		k, v := strings.ToLower(m[1]), m[2]
		if strings.HasPrefix(v, `"`) {
			v = strings.ReplaceAll(strings.Trim(v, `"`), `\"`, `"`)
		}
		if _, dup := params[k]; !dup {
			params[k] = v
			order = append(order, k)
		}
	}
	return params, order
}

// formatParams writes a Bearer challenge with quoted values, each parameter once.
func formatParams(params map[string]string, order []string) string {
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s=%q", k, params[k]))
	}
	return strings.TrimSpace("Bearer " + strings.Join(parts, ", "))
}

func setChallengeParam(c *capturedResponse, name, value string) {
	params, order := challengeParams(c.header.Get("WWW-Authenticate"))
	if _, ok := params[name]; !ok {
		order = append(order, name)
	}
	params[name] = value
	c.header.Set("WWW-Authenticate", formatParams(params, order))
}

func deleteChallengeParams(c *capturedResponse, names ...string) {
	params, order := challengeParams(c.header.Get("WWW-Authenticate"))
	order = slices.DeleteFunc(order, func(k string) bool { return slices.Contains(names, k) })
	c.header.Set("WWW-Authenticate", formatParams(params, order))
}

// refuse answers an invalid token as the fixture does: 401 with the full challenge.
func refuse(w http.ResponseWriter, s fixSite) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q, error="invalid_token"`, s.prmURL(), strings.Join(s.scopes, " ")))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = io.WriteString(w, `{"error":"invalid_token"}`)
}

func onlyBearer() appliedFix {
	return appliedFix{id: "RS-08", says: []string{"Only accept the Bearer scheme; answer any other scheme exactly like a request without credentials"},
		wrap: editAuthorization(func(v string) string {
			if scheme, _, _ := strings.Cut(v, " "); !strings.EqualFold(scheme, "Bearer") {
				return ""
			}
			return v
		})}
}

// editAuthorization rewrites (or, for "", removes) each Authorization field line.
func editAuthorization(edit func(string) string) func(fixSite, http.Handler) http.Handler {
	return func(_ fixSite, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var out []string
			for _, v := range r.Header.Values("Authorization") {
				if v = edit(v); v != "" {
					out = append(out, v)
				}
			}
			r.Header.Del("Authorization")
			for _, v := range out {
				r.Header.Add("Authorization", v)
			}
			next.ServeHTTP(w, r)
		})
	}
}

func noQueryToken(id, says string) appliedFix {
	return appliedFix{id: id, says: []string{says}, wrap: func(_ fixSite, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del("access_token")
			r.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r)
		})
	}}
}

// prmDocument is the document RS-12's fix describes, for the well-known URL u.
func prmDocument(s fixSite, u string) map[string]any {
	return map[string]any{
		"resource":                 documentResource(s, u),
		"authorization_servers":    []string{s.issuer},
		"scopes_supported":         s.scopes,
		"bearer_methods_supported": []string{"header"},
	}
}

// documentResource is the resource a PRM document at well-known URL u names (RS-16's fix):
// the path-suffixed one names the MCP endpoint, the root one the origin.
func documentResource(s fixSite, u string) string {
	if strings.HasSuffix(u, "/.well-known/oauth-protected-resource") {
		return s.base
	}
	return s.base + s.mcpPath
}

func servePRM(id, says string) appliedFix {
	return appliedFix{id: id, says: []string{says}, wrap: func(s fixSite, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/.well-known/oauth-protected-resource"+s.mcpPath || r.URL.Path == "/.well-known/oauth-protected-resource" {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(prmDocument(s, s.base+r.URL.Path))
				return
			}
			next.ServeHTTP(w, r)
		})
	}}
}

// editPRM applies edit to every PRM JSON document served.
func editPRM(id string, says []string, edit func(s fixSite, url string, doc map[string]any)) appliedFix {
	return appliedFix{id: id, says: says, wrap: func(s fixSite, next http.Handler) http.Handler {
		return onPRM(next, func(r *http.Request, c *capturedResponse) {
			var doc map[string]any
			if c.status != http.StatusOK || json.Unmarshal(c.body, &doc) != nil {
				return
			}
			edit(s, s.base+r.URL.Path, doc)
			c.body, _ = json.Marshal(doc)
		})
	}}
}

func resourcePerLocation() appliedFix {
	return editPRM("RS-16", []string{"the path-suffixed one (https://host/.well-known/oauth-protected-resource/mcp) names https://host/mcp, the root one (/.well-known/oauth-protected-resource) names https://host"},
		func(s fixSite, u string, doc map[string]any) { doc["resource"] = documentResource(s, u) })
}

func pathSuffixedPointer() appliedFix {
	return appliedFix{id: "RS-17", says: []string{"Point resource_metadata at the path-suffixed document whose resource is exactly the MCP endpoint URL"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return resourcePerLocation().wrap(s, onChallenge(next, func(_ *http.Request, c *capturedResponse) {
				setChallengeParam(c, "resource_metadata", s.prmURL())
			}))
		}}
}

func publishScopes() appliedFix {
	return editPRM("RS-21", []string{"Publish the scopes your tools need in scopes_supported; leave offline_access to the authorization server metadata"},
		func(s fixSite, _ string, doc map[string]any) {
			doc["scopes_supported"] = s.scopes
		})
}

func typedOrOmitted(member string) appliedFix {
	return editPRM("RS-23", []string{"Emit each optional PRM parameter with the JSON type RFC 9728 §2 gives it, or leave it out"},
		func(_ fixSite, _ string, doc map[string]any) { delete(doc, member) })
}

// jwsHeader is the protected header of a presented token.
type jwsHeader map[string]any

// validate rejects, with 401 invalid_token, presented tokens that ok refuses: the check the
// Fix text asks for, in front of the fixture's own validation.
func validate(id string, says []string, ok func(s fixSite, tok string, h jwsHeader, claims map[string]any) bool) appliedFix {
	return appliedFix{id: id, says: says, wrap: func(s fixSite, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tok, present := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); present && r.URL.Path == s.mcpPath {
				hdr, claims, parsed := decodeJWS(tok)
				if !parsed || !ok(s, tok, hdr, claims) {
					refuse(w, s)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}}
}

func decodeJWS(tok string) (jwsHeader, map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, nil, false
	}
	var hdr jwsHeader
	var claims map[string]any
	for i, v := range []any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			return nil, nil, false
		}
	}
	return hdr, claims, true
}

func algRS256(_ fixSite, _ string, h jwsHeader, _ map[string]any) bool { return h["alg"] == "RS256" }

func audContainsResource(s fixSite, _ string, _ jwsHeader, c map[string]any) bool {
	switch aud := c["aud"].(type) {
	case string:
		return aud == s.base+s.mcpPath
	case []any:
		return slices.Contains(aud, any(s.base+s.mcpPath))
	}
	return false
}

// jwksCache holds the authorization servers' key sets, fetched once per issuer.
var jwksCache sync.Map // issuer -> *jose.JSONWebKeySet

func issuerKeys(issuer string) *jose.JSONWebKeySet {
	if v, ok := jwksCache.Load(issuer); ok {
		return v.(*jose.JSONWebKeySet)
	}
	resp, err := http.Get(strings.TrimSuffix(issuer, "/") + "/keys")
	if err != nil {
		return &jose.JSONWebKeySet{}
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if json.NewDecoder(resp.Body).Decode(&set) != nil {
		return &jose.JSONWebKeySet{}
	}
	jwksCache.Store(issuer, &set)
	return &set
}

// verifiesSignature verifies tok with go-jose (RS256 only, crit enforced) against the
// issuer's JWKS, looking the key up by kid.
func verifiesSignature(s fixSite, tok string, _ jwsHeader, _ map[string]any) bool {
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 {
		return false
	}
	for _, k := range issuerKeys(s.issuer).Key(jws.Signatures[0].Header.KeyID) {
		if pub, ok := k.Key.(*rsa.PublicKey); ok {
			if _, err := jws.Verify(pub); err == nil {
				return true
			}
		}
	}
	return false
}

func keysFromJWKSOnly() appliedFix {
	return validate("RS-38", []string{"disable jwk/jku/x5u header handling in the JWT library", "look it up in the key set you fetched"},
		func(s fixSite, _ string, h jwsHeader, _ map[string]any) bool {
			for _, k := range []string{"jwk", "jku", "x5u", "x5c"} {
				if _, ok := h[k]; ok {
					return false
				}
			}
			kid, _ := h["kid"].(string)
			return len(issuerKeys(s.issuer).Key(kid)) > 0
		})
}

func originAllowList() appliedFix {
	return appliedFix{id: "RS-57", says: []string{"Validate Origin against an allow-list of your own web origins and answer others with 403 before authentication"},
		wrap: func(s fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if o := r.Header.Get("Origin"); o != "" && r.URL.Path == s.mcpPath {
					u, err := url.Parse(o)
					if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
						http.Error(w, "origin not allowed", http.StatusForbidden)
						return
					}
				}
				next.ServeHTTP(w, r)
			})
		}}
}

func browserCORS() appliedFix {
	return appliedFix{id: "RS-59", says: []string{"Answer preflights before authentication and expose WWW-Authenticate and Mcp-Session-Id"},
		wrap: func(_ fixSite, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				origin := r.Header.Get("Origin")
				if origin == "" {
					next.ServeHTTP(w, r)
					return
				}
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Vary", "Origin")
				h.Set("Access-Control-Expose-Headers", "WWW-Authenticate, Mcp-Session-Id")
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
					h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
					w.WriteHeader(http.StatusNoContent)
					return
				}
				next.ServeHTTP(w, r)
			})
		}}
}

func agreeingBody(id, says string) appliedFix {
	return appliedFix{id: id, says: []string{says}, wrap: func(_ fixSite, next http.Handler) http.Handler {
		return rewriting(next, func(_ *http.Request, c *captured) {
			if c.status != http.StatusUnauthorized && c.status != http.StatusForbidden {
				return
			}
			params, _ := challengeParams(c.header.Get("WWW-Authenticate"))
			if e, ok := params["error"]; ok {
				c.header.Set("Content-Type", "application/json")
				c.body, _ = json.Marshal(map[string]string{"error": e, "error_description": "the request was refused"})
			} else {
				c.header.Del("Content-Type")
				c.body = nil
			}
		})
	}}
}

// expressLayout is the usual Express layout: one PRM document at the root naming the MCP
// endpoint, no path-suffixed document, the challenge pointing at the root.
func expressLayout(base, mcpPath string, next http.Handler) http.Handler {
	root := "/.well-known/oauth-protected-resource"
	return onChallenge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case root + mcpPath:
			http.NotFound(w, r)
		case root:
			r2 := r.Clone(r.Context())
			r2.URL.Path = root + mcpPath // the document that names the endpoint
			next.ServeHTTP(w, r2)
		default:
			next.ServeHTTP(w, r)
		}
	}), func(_ *http.Request, c *capturedResponse) { setChallengeParam(c, "resource_metadata", base+root) })
}

// TestRegistryFixRS16ExpressLayout applies RS-16's fix to the Express layout: serving the
// document at the path-suffixed URL (the root one naming the origin) turns RS-16 and RS-17
// green and keeps the positive control green; renaming the root document's resource alone,
// the old advice, does not.
func TestRegistryFixRS16ExpressLayout(t *testing.T) {
	t.Parallel()
	var fixText string
	for _, d := range check.Definitions() {
		if d.ID == "RS-16" {
			fixText = d.Fix
		}
	}
	for _, phrase := range []string{"With the usual Express layout", "serve that document at /.well-known/oauth-protected-resource/mcp instead", "point resource_metadata there", "drop the root document or make it name the origin"} {
		if !strings.Contains(fixText, phrase) {
			t.Errorf("RS-16's Fix text no longer says %q:\n%s", phrase, fixText)
		}
	}
	moved := func(base, mcpPath string, next http.Handler) http.Handler {
		s := fixSite{base: base, mcpPath: mcpPath}
		express := expressLayout(base, mcpPath, next)
		return onChallenge(onPRM(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/.well-known/oauth-protected-resource"+mcpPath {
				// The document that was at the root, now at the path-suffixed URL.
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/.well-known/oauth-protected-resource"
				express.ServeHTTP(w, r2)
				return
			}
			express.ServeHTTP(w, r)
		}), func(r *http.Request, c *capturedResponse) {
			var doc map[string]any
			if r.URL.Path == "/.well-known/oauth-protected-resource" && json.Unmarshal(c.body, &doc) == nil {
				doc["resource"] = base // the root document names the origin
				c.body, _ = json.Marshal(doc)
			}
		}), func(_ *http.Request, c *capturedResponse) { setChallengeParam(c, "resource_metadata", s.prmURL()) })
	}
	renamed := func(base, mcpPath string, next http.Handler) http.Handler {
		return onPRM(expressLayout(base, mcpPath, next), func(r *http.Request, c *capturedResponse) {
			var doc map[string]any
			if json.Unmarshal(c.body, &doc) == nil {
				doc["resource"] = base
				c.body, _ = json.Marshal(doc)
			}
		})
	}
	for _, tc := range []struct {
		name string
		wrap func(base, mcpPath string, next http.Handler) http.Handler
		want map[string]check.Status
	}{
		{"express layout", expressLayout, map[string]check.Status{"RS-16": check.StatusFail}},
		{"RS-16's fix applied", moved, map[string]check.Status{"RS-16": check.StatusPass, "RS-17": check.StatusPass, check.ControlID: check.StatusPass}},
		{"root resource renamed only", renamed, map[string]check.Status{"RS-16": check.StatusPass, "RS-17": check.StatusFail}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := startVariant(t, serverVariant{wrap: tc.wrap})
			for id, want := range tc.want {
				res := run(t, cfg, id)
				assertStatus(t, res, want)
				if id == "RS-16" && want == check.StatusFail && !strings.Contains(res.Detail, "serve this document at "+strings.TrimSuffix(cfg.URL, "/mcp")+"/.well-known/oauth-protected-resource/mcp instead") {
					t.Errorf("RS-16's failure does not show the path-suffixed URL:\n%s", res.Detail)
				}
			}
		})
	}
}
