package mockas

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" means valid
	}{
		{name: "zero", cfg: Config{}},
		{name: "issuer https", cfg: Config{Issuer: "https://env.scalekit.dev"}},
		{name: "issuer with path", cfg: Config{Issuer: "http://127.0.0.1:8080/tenant"}},
		{name: "issuer trailing slash", cfg: Config{Issuer: "https://env.example/"}, wantErr: "issuer: must not end with a slash"},
		{name: "issuer query", cfg: Config{Issuer: "https://env.example?x=1"}, wantErr: "no query or fragment"},
		{name: "issuer scheme", cfg: Config{Issuer: "ftp://env.example"}, wantErr: "scheme must be https or http"},
		{name: "issuer relative", cfg: Config{Issuer: "/env"}, wantErr: "issuer"},
		{name: "resource id empty", cfg: Config{Resources: []Resource{{}}}, wantErr: "resources[0]: id: must not be empty"},
		{name: "resource id slash", cfg: Config{Resources: []Resource{{ID: "res/1"}}}, wantErr: "only letters"},
		{name: "resource duplicate", cfg: Config{Resources: []Resource{{ID: "res_1"}, {ID: "res_1"}}}, wantErr: "resources[1]: id: duplicate"},
		{name: "resource server url relative", cfg: Config{Resources: []Resource{{ID: "res_1", ServerURL: "/mcp"}}}, wantErr: "server_url"},
		{name: "client empty id", cfg: Config{Clients: []Client{{}}}, wantErr: "clients[0]: client_id"},
		{name: "client duplicate", cfg: Config{Clients: []Client{{ID: "a"}, {ID: "a"}}}, wantErr: "clients[1]: client_id: duplicate"},
		{name: "client none with secret", cfg: Config{Clients: []Client{{ID: "a", Secret: "s", AuthMethod: "none"}}}, wantErr: "public client"},
		{name: "client basic without secret", cfg: Config{Clients: []Client{{ID: "a", AuthMethod: "client_secret_basic"}}}, wantErr: "client_secret: required"},
		{name: "client bad method", cfg: Config{Clients: []Client{{ID: "a", AuthMethod: "private_key_jwt"}}}, wantErr: "unsupported"},
		{name: "client bad grant", cfg: Config{Clients: []Client{{ID: "a", Secret: "s", GrantTypes: []string{"password"}}}}, wantErr: "grant_types"},
		{name: "public client credentials", cfg: Config{Clients: []Client{{ID: "a", GrantTypes: []string{"client_credentials"}}}}, wantErr: "confidential"},
		{name: "client redirect fragment", cfg: Config{Clients: []Client{{ID: "a", RedirectURIs: []string{"https://x/cb#f"}}}}, wantErr: "fragment"},
		{name: "user empty", cfg: Config{Users: []User{{}}}, wantErr: "users[0].sub"},
		{name: "default user unknown", cfg: Config{Users: []User{{Subject: "usr_1"}}, DefaultUser: "usr_2"}, wantErr: "default_user"},
		{name: "default user known", cfg: Config{Users: []User{{Subject: "usr_1"}, {Subject: "usr_2"}}, DefaultUser: "usr_2"}},
		{name: "negative lifetime", cfg: Config{Lifetimes: Lifetimes{AccessToken: Duration(-time.Second)}}, wantErr: "lifetimes.access_token"},
		{name: "rate limit no client", cfg: Config{RateLimits: []RateLimit{{Requests: 1, Per: Duration(time.Second)}}}, wantErr: "rate_limits[0]: client_id"},
		{name: "rate limit zero", cfg: Config{RateLimits: []RateLimit{{ClientID: "*", Per: Duration(time.Second)}}}, wantErr: "requests"},
		{name: "fault endpoint", cfg: Config{Faults: []Fault{{Endpoint: "nope"}}}, wantErr: "faults[0]: endpoint"},
		{name: "fault status", cfg: Config{Faults: []Fault{{Endpoint: "token", Status: 1000}}}, wantErr: "status"},
		{name: "fault count", cfg: Config{Faults: []Fault{{Endpoint: "token", Count: -2}}}, wantErr: "count"},
		{name: "signing key garbage", cfg: Config{SigningKey: "not a key"}, wantErr: "signing_key"},
		{name: "signing key ok", cfg: Config{SigningKey: testKeyPEM}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("errors.Is(err, ErrInvalidConfig) = false for %v", err)
			}
		})
	}
}

func TestConfig_Validate_reportsEveryProblem(t *testing.T) {
	err := Config{Issuer: "ftp://x", Users: []User{{}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "issuer") || !strings.Contains(err.Error(), "users[0]") {
		t.Fatalf("Validate() = %v, want both problems", err)
	}
}

func TestConfig_JSONRoundTrip(t *testing.T) {
	in := `{"issuer":"https://env.example","resources":[{"id":"res_9","server_url":"https://mcp.example/mcp","scopes":["mcp:tools:*"]}],
	"lifetimes":{"access_token":"5m","refresh_token":3600},"rate_limits":[{"client_id":"*","requests":2,"per":"1s"}],
	"faults":[{"endpoint":"token","status":503,"latency":"10ms"}],"unknown_field":true}`
	var c Config
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Lifetimes{AccessToken: Duration(5 * time.Minute), RefreshToken: Duration(time.Hour)}
	if diff := cmp.Diff(want, c.Lifetimes); diff != "" {
		t.Errorf("lifetimes (-want +got):\n%s", diff)
	}
	if c.Faults[0].Latency != Duration(10*time.Millisecond) || c.RateLimits[0].Per != Duration(time.Second) {
		t.Errorf("durations not decoded: %+v %+v", c.Faults[0], c.RateLimits[0])
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.Resources, back.Resources); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestNewHandler_requiresIssuer(t *testing.T) {
	_, err := NewHandler(Config{})
	if !errors.Is(err, ErrIssuerRequired) {
		t.Fatalf("NewHandler(Config{}) = %v, want ErrIssuerRequired", err)
	}
	_, err = NewHandler(Config{Issuer: "https://x/"})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("NewHandler(bad issuer) = %v, want ErrInvalidConfig", err)
	}
}

// fakeTB records Fatalf so Start's failure path can be tested.
type fakeTB struct {
	fatal    string
	cleanups []func()
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Fatalf(format string, _ ...any) { f.fatal = format }

func TestStart_invalidConfigFails(t *testing.T) {
	tb := &fakeTB{}
	if s := Start(tb, WithIssuer("ftp://bad")); s != nil {
		t.Fatal("Start returned a server for an invalid config")
	}
	if tb.fatal == "" {
		t.Fatal("Start did not call Fatalf")
	}
}

func TestNewServer_panicsOnInvalidOptions(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewServer did not panic")
		}
	}()
	NewServer(WithIssuer("ftp://bad"))
}

func TestStart_registersCleanup(t *testing.T) {
	tb := &fakeTB{}
	s := Start(tb, WithSigningKey(testKeyPEM))
	if s == nil || len(tb.cleanups) != 1 {
		t.Fatalf("Start: server %v, %d cleanups", s, len(tb.cleanups))
	}
	if r := get(t, s.URL+"/health"); r.status != 200 {
		t.Fatalf("health: %d", r.status)
	}
	tb.cleanups[0]()
	if _, err := noRedirect.Get(s.URL + "/health"); err == nil {
		t.Fatal("server still answers after cleanup")
	}
}
