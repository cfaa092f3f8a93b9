package mockas

// This file implements OAuth Client ID Metadata Documents
// (draft-ietf-oauth-client-id-metadata-document-00, MCP 2025-11-25 §5.1): a client_id that
// is an https URL names a JSON document the authorization server fetches, validates and
// caches.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	// maxCIMDBytes bounds a fetched document.
	maxCIMDBytes = 64 << 10
	// cimdDefaultTTL is the cache lifetime when the response has no max-age.
	cimdDefaultTTL = 5 * time.Minute
	// cimdMaxTTL caps max-age.
	cimdMaxTTL = 24 * time.Hour
)

// cimdEntry is one cached, validated document.
type cimdEntry struct {
	client  Client
	expires time.Time
}

// cimdDocument is the part of a client metadata document mockas reads.
type cimdDocument struct {
	ClientID                string           `json:"client_id"`
	ClientName              string           `json:"client_name"`
	RedirectURIs            []string         `json:"redirect_uris"`
	GrantTypes              []string         `json:"grant_types"`
	TokenEndpointAuthMethod string           `json:"token_endpoint_auth_method"`
	Scope                   string           `json:"scope"`
	ClientSecret            *json.RawMessage `json:"client_secret"`
	ClientSecretExpiresAt   *json.RawMessage `json:"client_secret_expires_at"`
}

// isURLClientID reports whether id is meant as a client ID metadata document URL.
func isURLClientID(id string) bool {
	return strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://")
}

// checkCIMDURL validates a client_id URL.
//
// CIMD §3: "Client identifier URLs MUST have an "https" scheme, MUST contain a path
// component, MUST NOT contain single-dot or double-dot path segments, MUST NOT contain a
// fragment component and MUST NOT contain a username or password."
func (h *Handler) checkCIMDURL(id string) error {
	u, err := url.Parse(id)
	if err != nil {
		return fmt.Errorf("client_id is not a URL: %w", err)
	}
	switch {
	case u.Scheme == "http" && h.cfg.AllowLoopbackClientIDMetadata && isLoopbackHost(u.Hostname()):
	case u.Scheme != "https":
		return fmt.Errorf("client_id URL must use https, got %q", u.Scheme)
	}
	if u.Host == "" || u.Path == "" || u.Path == "/" {
		return fmt.Errorf("client_id URL must have a host and a path")
	}
	if u.Fragment != "" || strings.Contains(id, "#") || u.User != nil {
		return fmt.Errorf("client_id URL must have no fragment and no userinfo")
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("client_id URL must have no dot segments")
		}
	}
	return nil
}

// cimdClient returns the client described by the document at id, from cache or fetched.
func (h *Handler) cimdClient(ctx context.Context, id string) (Client, *Error) {
	now := h.Now()
	h.mu.Lock()
	e, ok := h.cimd[id]
	h.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.client, nil
	}
	fail := func(err error) (Client, *Error) {
		h.audit("client_metadata_fetch", false, slog.String("client_id", id), slog.String("error", err.Error()))
		return Client{}, oauthErr(CodeInvalidClientMetadataURL, "client ID metadata document %s: %s", id, err.Error())
	}
	if err := h.checkCIMDURL(id); err != nil {
		return fail(err)
	}
	c, ttl, err := h.fetchCIMD(ctx, id)
	if err != nil {
		return fail(err)
	}
	// CIMD §4.4: the authorization server "MUST NOT cache error responses" or invalid
	// documents; a valid one is cached as its HTTP caching headers allow.
	if ttl > 0 {
		h.mu.Lock()
		h.cimd[id] = cimdEntry{client: c, expires: now.Add(ttl)}
		h.mu.Unlock()
	}
	h.audit("client_metadata_fetch", true, slog.String("client_id", id))
	return c, nil
}

// fetchCIMD fetches and validates the document; it returns the client and cache lifetime.
func (h *Handler) fetchCIMD(ctx context.Context, id string) (Client, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return Client{}, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := h.cfg.HTTPClient.Do(req)
	if err != nil {
		return Client{}, 0, fmt.Errorf("fetch: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return Client{}, 0, fmt.Errorf("fetch: status %d", resp.StatusCode)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil &&
		mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return Client{}, 0, fmt.Errorf("content type %q is not JSON", mt)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCIMDBytes+1))
	if err != nil {
		return Client{}, 0, fmt.Errorf("read: %w", err)
	}
	if len(body) > maxCIMDBytes {
		return Client{}, 0, fmt.Errorf("document exceeds %d bytes", maxCIMDBytes)
	}
	c, err := parseCIMD(id, body)
	if err != nil {
		return Client{}, 0, err
	}
	return c, cacheTTL(resp.Header.Get("Cache-Control")), nil
}

// parseCIMD validates a document fetched from id.
func parseCIMD(id string, body []byte) (Client, error) {
	var doc cimdDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return Client{}, fmt.Errorf("invalid JSON: %w", err)
	}
	// CIMD §4.1: "the client_id property in the metadata document MUST match the URL of
	// the document, using simple string comparison".
	if doc.ClientID != id {
		return Client{}, fmt.Errorf("document client_id %q does not equal its URL", doc.ClientID)
	}
	// CIMD §4.1: shared-secret authentication "MUST NOT" be used; client_secret and
	// client_secret_expires_at MUST NOT appear.
	if doc.ClientSecret != nil || doc.ClientSecretExpiresAt != nil {
		return Client{}, fmt.Errorf("document must not contain client_secret or client_secret_expires_at")
	}
	if doc.TokenEndpointAuthMethod != "" && doc.TokenEndpointAuthMethod != authNone {
		return Client{}, fmt.Errorf("token_endpoint_auth_method %q is not supported (only none)", doc.TokenEndpointAuthMethod)
	}
	if len(doc.RedirectURIs) == 0 {
		return Client{}, fmt.Errorf("redirect_uris is required")
	}
	for _, u := range doc.RedirectURIs {
		if e := checkRedirectURI(u); e != nil {
			return Client{}, fmt.Errorf("%s", e.Description)
		}
	}
	grants := []string{grantAuthorizationCode, grantRefreshToken}
	for _, g := range doc.GrantTypes {
		if !slices.Contains(grants, g) {
			return Client{}, fmt.Errorf("grant type %q is not allowed for a public client", g)
		}
	}
	var scopes []string
	if doc.Scope != "" {
		s, e := parseScope(doc.Scope)
		if e != nil {
			return Client{}, fmt.Errorf("scope: %s", e.Description)
		}
		scopes = s
	}
	return Client{
		ID: id, Name: doc.ClientName, RedirectURIs: doc.RedirectURIs, AuthMethod: authNone,
		GrantTypes: grants, Scopes: scopes,
	}, nil
}

// cacheTTL reads max-age from Cache-Control; no-store or no-cache means 0.
func cacheTTL(cc string) time.Duration {
	ttl := cimdDefaultTTL
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-store" || d == "no-cache":
			return 0
		case strings.HasPrefix(d, "max-age="):
			n, err := strconv.Atoi(strings.TrimPrefix(d, "max-age="))
			if err == nil && n >= 0 {
				ttl = time.Duration(n) * time.Second
			}
		}
	}
	return min(ttl, cimdMaxTTL)
}
