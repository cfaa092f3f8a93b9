package mockas

// This file holds Server, the httptest-shaped wrapper: a Handler listening on 127.0.0.1:0.

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// TB is the part of testing.TB that Start needs; *testing.T, *testing.B and GinkgoT()
// satisfy it, and mockas does not import testing.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Server is a mockas authorization server listening on a loopback port.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	h         *Handler
	srv       *http.Server
	closeOnce sync.Once
}

// NewServer starts a server on 127.0.0.1:0 with the options applied to a zero Config. The
// issuer defaults to the server URL. Like httptest.NewServer it panics when it cannot
// start (invalid options); use Start in tests or NewHandler to get an error instead.
func NewServer(opts ...Option) *Server {
	s, err := newServer(nil, opts...)
	if err != nil {
		panic(fmt.Errorf("mockas.NewServer: %w", err))
	}
	return s
}

// Start is NewServer for tests: it reports failure with tb.Fatalf and closes the server
// in tb.Cleanup.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := newServer(nil, opts...)
	if err != nil {
		tb.Fatalf("mockas.Start: %s", err.Error())
		return nil
	}
	tb.Cleanup(s.Close)
	return s
}

// Listen starts a server on addr (host:port; "127.0.0.1:0" picks a free port) with the
// options applied to a zero Config, and returns an error instead of panicking. The issuer
// defaults to http://ADDR as listened on: give a fixed port when a server under test must be
// configured with the issuer in advance ("mcp-conform run --serve-mockas").
func Listen(addr string, opts ...Option) (*Server, error) {
	return listenServer(nil, addr, opts...)
}

// newServer listens on a free loopback port, builds the handler and serves. syncFile is
// newHandler's.
func newServer(syncFile func(*os.File) error, opts ...Option) (*Server, error) {
	return listenServer(syncFile, "127.0.0.1:0", opts...)
}

// listenServer listens on addr, builds the handler and serves.
func listenServer(syncFile func(*os.File) error, addr string, opts ...Option) (*Server, error) {
	var cfg Config
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String()}
	if cfg.Issuer == "" {
		cfg.Issuer = s.URL
	}
	cfg.ListenAddr = ln.Addr().String()
	h, err := newHandler(cfg, syncFile)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.h = h
	s.srv = h.HTTPServer()
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("serve_failed", "event", "serve_failed", "error", err.Error())
		}
	}()
	return s, nil
}

// readHeaderTimeout bounds reading the request line and headers.
const readHeaderTimeout = 10 * time.Second

// HTTPServer returns an *http.Server serving h with the connection limits of
// Config.Limits: a header timeout, a read timeout that covers the body (so a body that
// never arrives does not hold a connection forever) and an idle timeout for keep-alive
// connections. There is no write timeout, so injected latency faults are answered. Server
// and the mockas binary serve through it.
func (h *Handler) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(readHeaderTimeout, time.Duration(h.cfg.Limits.ReadTimeout)),
		ReadTimeout:       time.Duration(h.cfg.Limits.ReadTimeout),
		IdleTimeout:       time.Duration(h.cfg.Limits.IdleTimeout),
	}
}

// Close stops the server and closes its connections. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		_ = s.srv.Close()
		_ = s.h.Close()
	})
}

// Handler returns the server's handler (to mount it elsewhere too).
func (s *Server) Handler() http.Handler { return s.h }

// MockAS returns the *Handler, for operations Server does not delegate.
func (s *Server) MockAS() *Handler { return s.h }

// Issuer returns the environment URL.
func (s *Server) Issuer() string { return s.h.Issuer() }

// TokenIssuer returns the iss of issued access tokens for the default resource.
func (s *Server) TokenIssuer() string { return s.h.TokenIssuer() }

// JWKS returns the published key set.
func (s *Server) JWKS() jose.JSONWebKeySet { return s.h.JWKS() }

// Metadata returns the environment-level RFC 8414 metadata.
func (s *Server) Metadata() Metadata { return s.h.Metadata() }

// ResourceMetadata returns the resource-scoped metadata of res.
func (s *Server) ResourceMetadata(res string) (Metadata, bool) { return s.h.ResourceMetadata(res) }

// Clients returns the pre-registered and dynamically registered clients.
func (s *Server) Clients() []Client { return s.h.Clients() }

// Mint returns an access token described by spec (see Handler.Mint).
func (s *Server) Mint(spec TokenSpec) (string, error) { return s.h.Mint(spec) }

// RotateKey adds and activates a new key (see Handler.RotateKey).
func (s *Server) RotateKey(retirePrevious bool) (string, error) { return s.h.RotateKey(retirePrevious) }

// PublishKey adds a key to the JWKS without making it active (see Handler.PublishKey).
func (s *Server) PublishKey() (string, error) { return s.h.PublishKey() }

// RetireKey removes kid from the JWKS.
func (s *Server) RetireKey(kid string) error { return s.h.RetireKey(kid) }

// RevokeToken revokes a token as RFC 7009 revocation does, whichever client it was issued to (see Handler.RevokeToken).
func (s *Server) RevokeToken(tok string) (RevokedToken, error) { return s.h.RevokeToken(tok) }

// SignWithUnpublishedKey turns the unpublished-key mode on or off.
func (s *Server) SignWithUnpublishedKey(on bool) { s.h.SignWithUnpublishedKey(on) }

// Now returns the instance clock.
func (s *Server) Now() time.Time { return s.h.Now() }

// Advance moves the instance clock by d.
func (s *Server) Advance(d time.Duration) { s.h.Advance(d) }

// SetNow moves the instance clock to t.
func (s *Server) SetNow(t time.Time) { s.h.SetNow(t) }

// QueueFault queues a fault.
func (s *Server) QueueFault(f Fault) { s.h.QueueFault(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.h.ClearFaults() }

// Faults returns the queued faults.
func (s *Server) Faults() []Fault { return s.h.Faults() }

// SetRateLimit sets or removes a per-client token-endpoint rate limit.
func (s *Server) SetRateLimit(rl RateLimit) { s.h.SetRateLimit(rl) }

// Requests returns the captured requests.
func (s *Server) Requests() []RecordedRequest { return s.h.Requests() }

// ClearRequests drops the captured requests.
func (s *Server) ClearRequests() { s.h.ClearRequests() }

// Reset clears per-run state but keeps keys (see Handler.Reset).
func (s *Server) Reset() error { return s.h.Reset() }

// Info describes the instance, as GET /_mockas/info does.
func (s *Server) Info() Info { return s.h.Info() }
