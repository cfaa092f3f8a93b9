package mockas

// This file declares the functional options: thin setters over Config, which stays the
// single source of truth.

import (
	"log/slog"
	"maps"
	"time"
)

// Option sets one field of a Config.
type Option func(*Config)

// WithConfig replaces the whole Config (later options still apply on top).
func WithConfig(c Config) Option { return func(dst *Config) { *dst = c } }

// WithIssuer sets Config.Issuer, the environment URL.
func WithIssuer(issuer string) Option { return func(c *Config) { c.Issuer = issuer } }

// WithResourceIssuer makes access tokens carry iss = {Issuer}/resources/{RES}.
func WithResourceIssuer() Option { return func(c *Config) { c.ResourceIssuer = true } }

// WithResource adds a resource; the first one added is the default. Adding any replaces
// the default resource res_10000000000000001.
func WithResource(r Resource) Option {
	return func(c *Config) { c.Resources = append(c.Resources, r) }
}

// WithClient adds a pre-registered client. Adding any replaces the default client
// skc_10000000000000001.
func WithClient(cl Client) Option { return func(c *Config) { c.Clients = append(c.Clients, cl) } }

// WithUser adds a user. Adding any replaces the default user usr_10000000000000001; the
// first user added is the default user unless Config.DefaultUser says otherwise.
func WithUser(u User) Option { return func(c *Config) { c.Users = append(c.Users, u) } }

// WithClock sets the clock the instance offsets from.
func WithClock(now func() time.Time) Option { return func(c *Config) { c.Now = now } }

// WithTokenLifetime sets the access-token lifetime (Lifetimes.AccessToken).
func WithTokenLifetime(d time.Duration) Option {
	return func(c *Config) { c.Lifetimes.AccessToken = Duration(d) }
}

// WithRateLimit adds a per-client rate limit on the token endpoint.
func WithRateLimit(rl RateLimit) Option {
	return func(c *Config) { c.RateLimits = append(c.RateLimits, rl) }
}

// WithFault queues a fault at start.
func WithFault(f Fault) Option { return func(c *Config) { c.Faults = append(c.Faults, f) } }

// WithScopePermissions sets the scope -> permissions mapping (merged into any existing one).
func WithScopePermissions(m map[string][]string) Option {
	return func(c *Config) {
		if c.ScopePermissions == nil {
			c.ScopePermissions = map[string][]string{}
		}
		maps.Copy(c.ScopePermissions, m)
	}
}

// WithLogger sets the audit logger.
func WithLogger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// WithStateDir persists keys and registered clients in dir.
func WithStateDir(dir string) Option { return func(c *Config) { c.StateDir = dir } }

// WithSigningKey sets the signing key (PEM or private JWK).
func WithSigningKey(key string) Option { return func(c *Config) { c.SigningKey = key } }

// WithoutControl switches the /_mockas control plane off.
func WithoutControl() Option { return func(c *Config) { c.DisableControl = true } }

// WithoutRegistration switches dynamic client registration off.
func WithoutRegistration() Option { return func(c *Config) { c.DisableRegistration = true } }

// WithLoopbackClientIDMetadata allows http client ID metadata document URLs on loopback.
func WithLoopbackClientIDMetadata() Option {
	return func(c *Config) { c.AllowLoopbackClientIDMetadata = true }
}
