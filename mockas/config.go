package mockas

// This file declares Config, the single source of truth for a mockas instance. Options are
// thin setters over it; the mockas binary fills it from flags and a YAML or JSON file.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Duration is a time.Duration that reads and writes as a Go duration string ("10m", "1h30m")
// in JSON and YAML; a bare JSON number is taken as seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "10m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "10m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration: want a string like \"10m\" or a number of seconds: %w", err)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalText and UnmarshalText let YAML libraries that honour encoding.TextUnmarshaler use
// the same form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// Config configures one mockas instance. Its zero value is a working Scalekit-like
// environment: one resource, one confidential client, one user, no faults.
type Config struct {
	// Issuer is the environment URL (Scalekit's SCALEKIT_ENVIRONMENT_URL). Default: the
	// server's own base URL. Never taken from the Host header.
	Issuer string `json:"issuer,omitempty" yaml:"issuer,omitempty"`
	// ResourceIssuer makes access tokens carry iss = {Issuer}/resources/{RES} (the form
	// Scalekit is migrating to) instead of the environment URL.
	ResourceIssuer bool `json:"resource_issuer,omitempty" yaml:"resource_issuer,omitempty"`
	// Resources are the MCP servers registered in the environment. Default: one resource
	// "res_10000000000000001" with no server URL.
	Resources []Resource `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Clients are pre-registered OAuth clients. Default: one confidential client
	// "skc_10000000000000001" / "mockas-secret" allowed every grant and scope.
	Clients []Client `json:"clients,omitempty" yaml:"clients,omitempty"`
	// Users are the people a headless authorization approves as. Default: one user
	// "usr_10000000000000001" <dev@example.com>.
	Users []User `json:"users,omitempty" yaml:"users,omitempty"`
	// DefaultUser is the sub approved by the headless authorize endpoint; default: the first user.
	DefaultUser string `json:"default_user,omitempty" yaml:"default_user,omitempty"`
	// Lifetimes of issued artefacts.
	Lifetimes Lifetimes `json:"lifetimes,omitempty" yaml:"lifetimes,omitempty"`
	// ScopePermissions maps a scope to permissions added as a permissions claim
	// (the seed's "custom scope mapping").
	ScopePermissions map[string][]string `json:"scope_permissions,omitempty" yaml:"scope_permissions,omitempty"`
	// RateLimits on the token endpoint, per client.
	RateLimits []RateLimit `json:"rate_limits,omitempty" yaml:"rate_limits,omitempty"`
	// Faults queued at start.
	Faults []Fault `json:"faults,omitempty" yaml:"faults,omitempty"`
	// DisableRegistration turns dynamic client registration off (404 and no
	// registration_endpoint in metadata).
	DisableRegistration bool `json:"disable_registration,omitempty" yaml:"disable_registration,omitempty"`
	// AllowLoopbackClientIDMetadata lets client ID metadata document URLs use http on
	// loopback (for local tests); https is required otherwise.
	AllowLoopbackClientIDMetadata bool `json:"allow_loopback_client_id_metadata,omitempty" yaml:"allow_loopback_client_id_metadata,omitempty"`
	// DisableControl switches the /_mockas/ control plane off.
	DisableControl bool `json:"disable_control,omitempty" yaml:"disable_control,omitempty"`
	// StateDir persists the signing keys and dynamically registered clients across restarts
	// (written atomically). Empty means ephemeral.
	StateDir string `json:"state_dir,omitempty" yaml:"state_dir,omitempty"`
	// SigningKey is a PEM (PKCS#1 or PKCS#8 RSA private key) or a private JWK, used instead
	// of a generated or persisted key.
	SigningKey string `json:"signing_key,omitempty" yaml:"signing_key,omitempty"`

	// Now is the clock; default time.Now. Each instance has its own clock offset on top.
	Now func() time.Time `json:"-" yaml:"-"`
	// Logger receives JSON-able audit events; default: discard.
	Logger *slog.Logger `json:"-" yaml:"-"`
	// HTTPClient fetches client ID metadata documents; default: a client with a 5s timeout.
	HTTPClient *http.Client `json:"-" yaml:"-"`
}

// Resource is an MCP server registered in the environment.
type Resource struct {
	// ID is the resource id, "res_<digits>".
	ID string `json:"id" yaml:"id"`
	// ServerURL is the MCP server URL; when set it is added to every token's aud.
	ServerURL string `json:"server_url,omitempty" yaml:"server_url,omitempty"`
	// Scopes the resource defines (advertised in its metadata scopes_supported).
	Scopes []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
}

// Client is a pre-registered or dynamically registered OAuth client.
type Client struct {
	ID           string   `json:"client_id" yaml:"client_id"`
	Secret       string   `json:"client_secret,omitempty" yaml:"client_secret,omitempty"`
	Name         string   `json:"client_name,omitempty" yaml:"client_name,omitempty"`
	RedirectURIs []string `json:"redirect_uris,omitempty" yaml:"redirect_uris,omitempty"`
	// Scopes the client may be granted; a scope ending in ":*" grants every scope below it.
	// Empty means any scope.
	Scopes []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	// GrantTypes allowed; empty means authorization_code, refresh_token and client_credentials
	// for confidential clients, authorization_code and refresh_token for public ones.
	GrantTypes []string `json:"grant_types,omitempty" yaml:"grant_types,omitempty"`
	// AuthMethod is the token_endpoint_auth_method: client_secret_basic, client_secret_post
	// (both accepted for a confidential client unless set) or none (public client).
	AuthMethod string `json:"token_endpoint_auth_method,omitempty" yaml:"token_endpoint_auth_method,omitempty"`
	// AccessTokenLifetime overrides Lifetimes.AccessToken for this client.
	AccessTokenLifetime Duration `json:"access_token_lifetime,omitempty" yaml:"access_token_lifetime,omitempty"`
}

// User is a person the authorization endpoint can approve as.
type User struct {
	Subject string         `json:"sub" yaml:"sub"`
	Email   string         `json:"email,omitempty" yaml:"email,omitempty"`
	Name    string         `json:"name,omitempty" yaml:"name,omitempty"`
	Claims  map[string]any `json:"claims,omitempty" yaml:"claims,omitempty"`
}

// Lifetimes of issued artefacts; zero fields take the defaults.
type Lifetimes struct {
	AccessToken       Duration `json:"access_token,omitempty" yaml:"access_token,omitempty"`             // default 1h
	RefreshToken      Duration `json:"refresh_token,omitempty" yaml:"refresh_token,omitempty"`           // default 30d
	AuthorizationCode Duration `json:"authorization_code,omitempty" yaml:"authorization_code,omitempty"` // default 10m
	IDToken           Duration `json:"id_token,omitempty" yaml:"id_token,omitempty"`                     // default 1h
}

// RateLimit limits token requests per client: at most Requests per Per, then 429 with
// Retry-After and {"error":"rate_limit_exceeded",...}.
type RateLimit struct {
	// ClientID the limit applies to; "*" applies it to every client separately.
	ClientID string   `json:"client_id" yaml:"client_id"`
	Requests int      `json:"requests" yaml:"requests"`
	Per      Duration `json:"per" yaml:"per"`
}

// Fault is a deliberate misbehaviour of one endpoint, applied to the next Count requests.
type Fault struct {
	// Endpoint names the endpoint: metadata, openid_configuration, keys, authorize, token,
	// register, revoke, introspect, userinfo, logout, health.
	Endpoint string `json:"endpoint" yaml:"endpoint"`
	// Count of requests affected; 0 means 1; -1 means until cleared.
	Count int `json:"count,omitempty" yaml:"count,omitempty"`
	// Status to answer with (default 400 when Error is set, 500 otherwise unless Latency only).
	Status int `json:"status,omitempty" yaml:"status,omitempty"`
	// Error and Description form an RFC 6749 §5.2 error body.
	Error       string `json:"error,omitempty" yaml:"error,omitempty"`
	Description string `json:"error_description,omitempty" yaml:"error_description,omitempty"`
	// ErrorIn200 sends the error body with status 200 (what golang.org/x/oauth2 must detect).
	ErrorIn200 bool `json:"error_in_200,omitempty" yaml:"error_in_200,omitempty"`
	// Body is a raw body sent verbatim (e.g. malformed JSON), with ContentType.
	Body        string `json:"body,omitempty" yaml:"body,omitempty"`
	ContentType string `json:"content_type,omitempty" yaml:"content_type,omitempty"`
	// Latency delays the response (then answers normally unless another field is set).
	Latency Duration `json:"latency,omitempty" yaml:"latency,omitempty"`
}
