package mockas

// This file declares Config, the single source of truth for a mockas instance. Options are
// thin setters over it; the mockas binary fills it from flags and a YAML or JSON file.

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
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
	// LoginPage makes the authorization endpoint answer a login and consent page (pick a
	// user, grant fewer scopes, deny) instead of approving at once as the default user.
	// For interactive development with a real MCP client; tests and CI stay headless.
	LoginPage bool `json:"login_page,omitempty" yaml:"login_page,omitempty"`
	// StateDir persists the signing keys and dynamically registered clients across restarts
	// (written atomically). Empty means ephemeral.
	StateDir string `json:"state_dir,omitempty" yaml:"state_dir,omitempty"`
	// SigningKey is a PEM (PKCS#1 or PKCS#8 RSA private key) or a private JWK, used instead
	// of a generated or persisted key.
	SigningKey string `json:"signing_key,omitempty" yaml:"signing_key,omitempty"`
	// OrganizationID is the oid claim of issued access tokens; default
	// "org_10000000000000001". Set it to "-" to leave oid out.
	OrganizationID string `json:"organization_id,omitempty" yaml:"organization_id,omitempty"`
	// DisablePathInsertMetadata answers 404 on the RFC 8414 path-insert form
	// /.well-known/oauth-authorization-server/resources/{RES}, as some Scalekit custom
	// domains were reported to do.
	DisablePathInsertMetadata bool `json:"disable_path_insert_metadata,omitempty" yaml:"disable_path_insert_metadata,omitempty"`
	// Limits bounds what clients can make the instance hold: captured requests,
	// registered clients, slow connections. Zero fields take the defaults.
	Limits Limits `json:"limits,omitempty" yaml:"limits,omitempty"`

	// ListenAddr is the address the server listens on, when the caller knows it. It is
	// recorded in the state directory's lock so a second process can name the owner.
	ListenAddr string `json:"-" yaml:"-"`
	// Now is the clock; default time.Now. Each instance has its own clock offset on top.
	Now func() time.Time `json:"-" yaml:"-"`
	// Logger receives JSON-able audit events; default: discard.
	Logger *slog.Logger `json:"-" yaml:"-"`
	// HTTPClient fetches client ID metadata documents; default: a client with a 5s timeout.
	HTTPClient *http.Client `json:"-" yaml:"-"`
	// SigningSlots is how many RSA signatures run at once; the others wait their turn in
	// arrival order. Default: GOMAXPROCS. The mockas binary runs with one P more than it has
	// CPUs and one slot per CPU, so a P is always free to read and write the network while
	// the others sign (docs/benchmarks.md, "Under load").
	SigningSlots int `json:"-" yaml:"-"`
}

// Limits bounds the memory, disk and connection time clients can make mockas spend, so an
// instance stays small whatever it is sent. Zero fields take the defaults; with the
// defaults the captured requests and the registered clients together stay under about
// 50 MB.
type Limits struct {
	// CaptureBytes bounds the captured requests in total; the oldest are dropped first.
	// Default 8 MiB.
	CaptureBytes int `json:"capture_bytes,omitempty" yaml:"capture_bytes,omitempty"`
	// CaptureEntryBytes bounds one captured request: values beyond it are cut and end with
	// "…[truncated N bytes]". Default 16 KiB.
	CaptureEntryBytes int `json:"capture_entry_bytes,omitempty" yaml:"capture_entry_bytes,omitempty"`
	// MaxClients bounds the dynamically registered clients; one more registration is
	// refused with invalid_client_metadata. Default 5000.
	MaxClients int `json:"max_clients,omitempty" yaml:"max_clients,omitempty"`
	// RegistrationBytes bounds the body of a registration request. Default 8 KiB.
	RegistrationBytes int `json:"registration_bytes,omitempty" yaml:"registration_bytes,omitempty"`
	// FieldBytes bounds each string of a registration: client_name, each URI, each
	// contact, scope. Default 2 KiB.
	FieldBytes int `json:"field_bytes,omitempty" yaml:"field_bytes,omitempty"`
	// RedirectURIs bounds the number of redirect_uris (and of contacts) of a registration.
	// Default 16.
	RedirectURIs int `json:"redirect_uris,omitempty" yaml:"redirect_uris,omitempty"`
	// MaxGrants bounds each store of OAuth state: authorization codes, refresh tokens,
	// grants, revoked token ids. Past it, the entries that expire soonest are forgotten
	// (their codes and refresh tokens are then refused). Default 20,000.
	MaxGrants int `json:"max_grants,omitempty" yaml:"max_grants,omitempty"`
	// ReadTimeout bounds reading one request, headers and body, in Server and the binary,
	// so a body that never arrives does not hold a connection. Default 30s.
	ReadTimeout Duration `json:"read_timeout,omitempty" yaml:"read_timeout,omitempty"`
	// IdleTimeout closes a keep-alive connection idle this long. Default 2m.
	IdleTimeout Duration `json:"idle_timeout,omitempty" yaml:"idle_timeout,omitempty"`
}

// Defaults of Limits.
const (
	defaultCaptureBytes      = 8 << 20
	defaultCaptureEntryBytes = 16 << 10
	defaultMaxClients        = 5000
	defaultRegistrationBytes = 8 << 10
	defaultFieldBytes        = 2 << 10
	defaultRedirectURIs      = 16
	defaultMaxGrants         = 20000
	defaultReadTimeout       = 30 * time.Second
	defaultIdleTimeout       = 2 * time.Minute
)

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.CaptureBytes, defaultCaptureBytes)
	def(&l.CaptureEntryBytes, defaultCaptureEntryBytes)
	def(&l.MaxClients, defaultMaxClients)
	def(&l.RegistrationBytes, defaultRegistrationBytes)
	def(&l.FieldBytes, defaultFieldBytes)
	def(&l.RedirectURIs, defaultRedirectURIs)
	def(&l.MaxGrants, defaultMaxGrants)
	if l.ReadTimeout == 0 {
		l.ReadTimeout = Duration(defaultReadTimeout)
	}
	if l.IdleTimeout == 0 {
		l.IdleTimeout = Duration(defaultIdleTimeout)
	}
	return l
}

// validate reports the first negative limit.
func (l Limits) validate() error {
	for name, v := range map[string]int64{
		"capture_bytes": int64(l.CaptureBytes), "capture_entry_bytes": int64(l.CaptureEntryBytes),
		"max_clients": int64(l.MaxClients), "registration_bytes": int64(l.RegistrationBytes),
		"field_bytes": int64(l.FieldBytes), "redirect_uris": int64(l.RedirectURIs), "max_grants": int64(l.MaxGrants),
		"read_timeout": int64(l.ReadTimeout), "idle_timeout": int64(l.IdleTimeout),
	} {
		if v < 0 {
			return fmt.Errorf("%s: must not be negative", name)
		}
	}
	return nil
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
	// ID is the client_id.
	ID string `json:"client_id" yaml:"client_id"`
	// Secret is the client_secret of a confidential client; empty for a public client.
	Secret string `json:"client_secret,omitempty" yaml:"client_secret,omitempty"`
	// Name is the human-readable client_name.
	Name string `json:"client_name,omitempty" yaml:"client_name,omitempty"`
	// RedirectURIs are compared to the redirect_uri of a request by simple string comparison.
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
	// Subject is the sub claim, "usr_<digits>".
	Subject string `json:"sub" yaml:"sub"`
	// Email is the email claim of ID tokens and userinfo.
	Email string `json:"email,omitempty" yaml:"email,omitempty"`
	// Name is the name claim of ID tokens and userinfo.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Claims are extra claims (roles, xuid…) added to the user's access tokens, ID tokens
	// and userinfo; they never override a standard claim.
	Claims map[string]any `json:"claims,omitempty" yaml:"claims,omitempty"`
}

// Lifetimes of issued artefacts; zero fields take the defaults.
type Lifetimes struct {
	// AccessToken is the access-token lifetime (expires_in); default 1h.
	AccessToken Duration `json:"access_token,omitempty" yaml:"access_token,omitempty"`
	// RefreshToken is the lifetime of each refresh token; default 30d.
	RefreshToken Duration `json:"refresh_token,omitempty" yaml:"refresh_token,omitempty"`
	// AuthorizationCode is how long a code may be redeemed; default 10m.
	AuthorizationCode Duration `json:"authorization_code,omitempty" yaml:"authorization_code,omitempty"`
	// IDToken is the ID-token lifetime; default 1h.
	IDToken Duration `json:"id_token,omitempty" yaml:"id_token,omitempty"`
}

// RateLimit limits token requests per client: at most Requests per Per, then 429 with
// Retry-After and {"error":"rate_limit_exceeded",...}.
type RateLimit struct {
	// ClientID the limit applies to; "*" applies it to every client separately.
	ClientID string `json:"client_id" yaml:"client_id"`
	// Requests allowed per window; 0 (through SetRateLimit) removes the limit.
	Requests int `json:"requests" yaml:"requests"`
	// Per is the window length, measured on the instance clock.
	Per Duration `json:"per" yaml:"per"`
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
	// Error is the "error" member of the RFC 6749 §5.2 body sent.
	Error string `json:"error,omitempty" yaml:"error,omitempty"`
	// Description is the "error_description" member sent with Error.
	Description string `json:"error_description,omitempty" yaml:"error_description,omitempty"`
	// ErrorIn200 sends the error body with status 200 (what golang.org/x/oauth2 must detect).
	ErrorIn200 bool `json:"error_in_200,omitempty" yaml:"error_in_200,omitempty"`
	// Body is a raw body sent verbatim (e.g. malformed JSON).
	Body string `json:"body,omitempty" yaml:"body,omitempty"`
	// ContentType goes with Body; default application/json.
	ContentType string `json:"content_type,omitempty" yaml:"content_type,omitempty"`
	// Latency delays the response (then answers normally unless another field is set).
	Latency Duration `json:"latency,omitempty" yaml:"latency,omitempty"`
}

// Defaults of the zero Config.
const (
	// DefaultResourceID is the resource of the zero Config.
	DefaultResourceID = "res_10000000000000001"
	// DefaultClientID is the confidential client of the zero Config.
	DefaultClientID = "skc_10000000000000001"
	// DefaultClientSecret is DefaultClientID's secret.
	DefaultClientSecret = "mockas-secret"
	// DefaultClientRedirectURI is DefaultClientID's only redirect URI.
	DefaultClientRedirectURI = "http://127.0.0.1/callback"
	// DefaultUserSubject is the user of the zero Config.
	DefaultUserSubject = "usr_10000000000000001"
	// DefaultUserEmail is DefaultUserSubject's email.
	DefaultUserEmail = "dev@example.com"
	// DefaultUserName is DefaultUserSubject's name.
	DefaultUserName = "Dev User"
	// DefaultOrganizationID is the oid claim of the zero Config.
	DefaultOrganizationID = "org_10000000000000001"
	// DefaultMintClientID is the sub and client_id of a minted token whose spec sets neither.
	DefaultMintClientID = "mockas-test-client"

	defaultAccessTokenLifetime  = time.Hour
	defaultRefreshTokenLifetime = 30 * 24 * time.Hour
	defaultCodeLifetime         = 10 * time.Minute
	defaultIDTokenLifetime      = time.Hour
)

// Grant types and client authentication methods mockas implements.
const (
	grantAuthorizationCode = "authorization_code"
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
	authNone               = "none"
	authSecretBasic        = "client_secret_basic"
	authSecretPost         = "client_secret_post"
)

// faultEndpoints are the endpoint names a Fault may target. Written only at init.
var faultEndpoints = map[string]bool{
	"metadata": true, "openid_configuration": true, "keys": true, "authorize": true,
	"token": true, "register": true, "revoke": true, "introspect": true, "userinfo": true,
	"logout": true, "health": true,
}

// Validate reports every problem in c, joined, each wrapped with ErrInvalidConfig and
// prefixed with the field path. The zero Config is valid; an empty Issuer is valid here
// (NewServer fills it in) but NewHandler requires one.
func (c Config) Validate() error {
	var errs []error
	add := func(path string, err error) {
		errs = append(errs, fmt.Errorf("%w: %s: %w", ErrInvalidConfig, path, err))
	}
	if c.Issuer != "" {
		if err := validateIssuer(c.Issuer); err != nil {
			add("issuer", err)
		}
	}
	seenRes := map[string]bool{}
	for i, r := range c.Resources {
		if err := validateResource(r, seenRes); err != nil {
			add(fmt.Sprintf("resources[%d]", i), err)
		}
	}
	seenClients := map[string]bool{}
	for i, cl := range c.Clients {
		if err := validateClient(cl, seenClients); err != nil {
			add(fmt.Sprintf("clients[%d]", i), err)
		}
	}
	seenUsers := map[string]bool{}
	for i, u := range c.Users {
		switch {
		case u.Subject == "":
			add(fmt.Sprintf("users[%d].sub", i), errors.New("must not be empty"))
		case seenUsers[u.Subject]:
			add(fmt.Sprintf("users[%d].sub", i), fmt.Errorf("duplicate subject %q", u.Subject))
		}
		seenUsers[u.Subject] = true
		if err := checkClaimsJSON(u.Claims); err != nil {
			add(fmt.Sprintf("users[%d].claims", i), err)
		}
	}
	if c.DefaultUser != "" && !seenUsers[c.DefaultUser] &&
		!(len(c.Users) == 0 && c.DefaultUser == DefaultUserSubject) {
		add("default_user", fmt.Errorf("%q is not one of users", c.DefaultUser))
	}
	for name, d := range map[string]Duration{
		"lifetimes.access_token": c.Lifetimes.AccessToken, "lifetimes.refresh_token": c.Lifetimes.RefreshToken,
		"lifetimes.authorization_code": c.Lifetimes.AuthorizationCode, "lifetimes.id_token": c.Lifetimes.IDToken,
	} {
		if d < 0 {
			add(name, errors.New("must not be negative"))
		}
	}
	for i, rl := range c.RateLimits {
		if err := validateRateLimit(rl); err != nil {
			add(fmt.Sprintf("rate_limits[%d]", i), err)
		}
	}
	for i, f := range c.Faults {
		if err := validateFault(f); err != nil {
			add(fmt.Sprintf("faults[%d]", i), err)
		}
	}
	if err := c.Limits.validate(); err != nil {
		add("limits", err)
	}
	if c.SigningKey != "" {
		if _, err := parseSigningKey(c.SigningKey); err != nil {
			add("signing_key", err)
		}
	}
	return errors.Join(errs...)
}

// checkClaimsJSON checks that extra claims can be written into a JWT, so a bad config
// fails at start instead of as a 500 on the first token request (YAML decodes a mapping
// with non-string keys into map[any]any, which encoding/json cannot write).
//
// RFC 7519 §4: "The JWT Claims Set represents a JSON object whose members are the claims
// conveyed by the JWT."
func checkClaimsJSON(claims map[string]any) error {
	if _, err := json.Marshal(claims); err != nil {
		return fmt.Errorf("not encodable as JSON: %w", err)
	}
	return nil
}

// validateIssuer checks RFC 8414 §2: "The authorization server's issuer identifier, which
// is a URL that uses the "https" scheme and has no query or fragment components." mockas
// also allows "http" so it can run on loopback and in CI networks.
func validateIssuer(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("scheme must be https or http, got %q", u.Scheme)
	case u.Host == "":
		return errors.New("must be an absolute URL with a host")
	case u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "#") || strings.Contains(s, "?"):
		return errors.New("must have no query or fragment")
	case u.User != nil:
		return errors.New("must have no userinfo")
	case strings.HasSuffix(s, "/"):
		return errors.New("must not end with a slash")
	}
	return nil
}

// validateResource checks one Resource; IDs appear in URL paths so they are restricted.
func validateResource(r Resource, seen map[string]bool) error {
	if r.ID == "" {
		return errors.New("id: must not be empty")
	}
	for _, ch := range r.ID {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.') {
			return fmt.Errorf("id %q: only letters, digits, '_', '-' and '.' are allowed", r.ID)
		}
	}
	if seen[r.ID] {
		return fmt.Errorf("id: duplicate %q", r.ID)
	}
	seen[r.ID] = true
	if r.ServerURL != "" {
		if err := validateAbsoluteURI(r.ServerURL); err != nil {
			return fmt.Errorf("server_url: %w", err)
		}
	}
	return nil
}

// validateClient checks one Client.
func validateClient(c Client, seen map[string]bool) error {
	if c.ID == "" {
		return errors.New("client_id: must not be empty")
	}
	if seen[c.ID] {
		return fmt.Errorf("client_id: duplicate %q", c.ID)
	}
	seen[c.ID] = true
	switch c.AuthMethod {
	case "":
	case authNone:
		if c.Secret != "" {
			return errors.New("client_secret: a public client (token_endpoint_auth_method none) has no secret")
		}
	case authSecretBasic, authSecretPost:
		if c.Secret == "" {
			return fmt.Errorf("client_secret: required for token_endpoint_auth_method %s", c.AuthMethod)
		}
	default:
		return fmt.Errorf("token_endpoint_auth_method: unsupported %q", c.AuthMethod)
	}
	for _, g := range c.GrantTypes {
		switch g {
		case grantAuthorizationCode, grantRefreshToken:
		case grantClientCredentials:
			if isPublic(c) {
				return errors.New("grant_types: client_credentials needs a confidential client")
			}
		default:
			return fmt.Errorf("grant_types: unsupported %q", g)
		}
	}
	for i, u := range c.RedirectURIs {
		if err := validateAbsoluteURI(u); err != nil {
			return fmt.Errorf("redirect_uris[%d]: %w", i, err)
		}
	}
	if c.AccessTokenLifetime < 0 {
		return errors.New("access_token_lifetime: must not be negative")
	}
	return nil
}

// validateRateLimit checks one RateLimit.
func validateRateLimit(rl RateLimit) error {
	switch {
	case rl.ClientID == "":
		return errors.New("client_id: must not be empty (use \"*\" for every client)")
	case rl.Requests <= 0:
		return errors.New("requests: must be positive")
	case rl.Per <= 0:
		return errors.New("per: must be positive")
	}
	return nil
}

// validateFault checks one Fault.
func validateFault(f Fault) error {
	switch {
	case !faultEndpoints[f.Endpoint]:
		return fmt.Errorf("endpoint: unknown %q", f.Endpoint)
	case f.Count < -1:
		return errors.New("count: must be -1, 0 or positive")
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		// A 1xx is an interim response: the client keeps waiting for a final one that never
		// comes (RFC 9110 §15.2), so it would hang clients instead of testing them.
		return fmt.Errorf("status: %d is not a final HTTP status (200-599)", f.Status)
	case f.Latency < 0:
		return errors.New("latency: must not be negative")
	}
	return nil
}

// validateAbsoluteURI checks an absolute URI with a host and no fragment.
func validateAbsoluteURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URI: %w", err)
	}
	if !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URI with a host", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("%q has a fragment", s)
	}
	return nil
}

// isPublic reports whether c is a public client (no secret).
func isPublic(c Client) bool {
	return c.AuthMethod == authNone || (c.AuthMethod == "" && c.Secret == "")
}

// withDefaults returns a copy of c with every zero field set to its default. Slices and
// maps are copied so the caller's Config is never aliased.
func (c Config) withDefaults() Config {
	if len(c.Resources) == 0 {
		c.Resources = []Resource{{ID: DefaultResourceID}}
	} else {
		c.Resources = append([]Resource(nil), c.Resources...)
	}
	if len(c.Clients) == 0 {
		c.Clients = []Client{{
			ID: DefaultClientID, Secret: DefaultClientSecret, Name: "mockas default client",
			RedirectURIs: []string{DefaultClientRedirectURI},
		}}
	} else {
		c.Clients = append([]Client(nil), c.Clients...)
	}
	if len(c.Users) == 0 {
		c.Users = []User{{Subject: DefaultUserSubject, Email: DefaultUserEmail, Name: DefaultUserName}}
	} else {
		c.Users = append([]User(nil), c.Users...)
	}
	if c.DefaultUser == "" {
		c.DefaultUser = c.Users[0].Subject
	}
	if c.Lifetimes.AccessToken == 0 {
		c.Lifetimes.AccessToken = Duration(defaultAccessTokenLifetime)
	}
	if c.Lifetimes.RefreshToken == 0 {
		c.Lifetimes.RefreshToken = Duration(defaultRefreshTokenLifetime)
	}
	if c.Lifetimes.AuthorizationCode == 0 {
		c.Lifetimes.AuthorizationCode = Duration(defaultCodeLifetime)
	}
	if c.Lifetimes.IDToken == 0 {
		c.Lifetimes.IDToken = Duration(defaultIDTokenLifetime)
	}
	if c.OrganizationID == "" {
		c.OrganizationID = DefaultOrganizationID
	}
	if c.ScopePermissions != nil {
		m := make(map[string][]string, len(c.ScopePermissions))
		for k, v := range c.ScopePermissions {
			m[k] = append([]string(nil), v...)
		}
		c.ScopePermissions = m
	}
	c.Limits = c.Limits.withDefaults()
	c.RateLimits = append([]RateLimit(nil), c.RateLimits...)
	c.Faults = append([]Fault(nil), c.Faults...)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{
			Timeout: 5 * time.Second,
			// CIMD documents are fetched from the client_id URL itself; redirects are not followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c
}
