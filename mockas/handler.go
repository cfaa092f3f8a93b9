package mockas

// This file holds Handler, the http.Handler that serves every mockas route, with the
// request pipeline shared by all endpoints: routing, the 1 MiB body limit, injected faults
// and latency, and request capture.

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxBodyBytes is the largest request body mockas reads; larger bodies get 413.
const maxBodyBytes = 1 << 20

// Handler is a mockas authorization server without a listener: mount it in any mux or
// server. Create it with NewHandler. All methods are safe for concurrent use.
type Handler struct {
	cfg       Config // defaults applied; never mutated after NewHandler
	issuer    string
	base      string // path of the issuer URL ("" or "/tenant"), prefixed to every route
	mux       *http.ServeMux
	log       *slog.Logger
	static    map[string]Client
	resources map[string]Resource
	users     map[string]User
	meta      metadataDocs // pre-encoded metadata documents
	captured  captureRing  // has its own lock
	signers   signGate     // RSA signatures in arrival order, one per CPU

	// stateMu orders persisted changes with Reset and Close: a registration or key change
	// holds it shared while it writes and installs, Reset and Close hold it exclusively.
	stateMu sync.RWMutex
	store   *stateStore // nil without Config.StateDir
	keysMu  sync.Mutex  // serialises changeKeys

	mu       sync.Mutex
	offset   time.Duration
	keys     keyring
	dynamic  map[string]*registeredClient
	dynOrder []string
	pending  int // registrations being written, counted against Limits.MaxClients
	codes    map[string]*authCode
	refresh  map[string]*refreshRecord
	families map[string]*family
	revoked  map[string]int64 // jti -> exp of revoked access tokens
	faults   []*queuedFault
	limits   map[string]RateLimit
	windows  map[string]*rateWindow
	cimd     map[string]cimdEntry
	inserts  int
	issued   tokenRing
	// login page state (login.go), each map bounded by maxLoginEntries.
	pendingAuthz map[string]*pendingAuthz // by CSRF token
	sessions     map[string]*loginSession // by browser cookie
	loginUsers   map[string]User          // users typed into the free fields, by sub
}

var _ http.Handler = (*Handler)(nil)

// NewHandler validates cfg and returns a handler serving it. cfg.Issuer is required (the
// handler cannot know the URL it is reached at). No RSA key is generated when cfg.SigningKey
// is set or cfg.StateDir holds one.
func NewHandler(cfg Config) (*Handler, error) { return newHandler(cfg, nil) }

// newHandler is NewHandler with the function that flushes state files to disk: nil means
// (*os.File).Sync; tests pass one that fails, to simulate a broken disk.
func newHandler(cfg Config, syncFile func(*os.File) error) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Issuer == "" {
		return nil, ErrIssuerRequired
	}
	cfg = cfg.withDefaults()
	u, err := url.Parse(cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	h := &Handler{
		cfg: cfg, issuer: cfg.Issuer, base: strings.TrimSuffix(u.EscapedPath(), "/"),
		mux: http.NewServeMux(), log: cfg.Logger,
		static: map[string]Client{}, resources: map[string]Resource{}, users: map[string]User{},
		signers: newSignGate(cfg.SigningSlots),
	}
	for _, c := range cfg.Clients {
		h.static[c.ID] = c
	}
	for _, r := range cfg.Resources {
		h.resources[r.ID] = r
	}
	for _, us := range cfg.Users {
		h.users[us.Subject] = us
	}
	if h.meta, err = h.encodeMetadata(); err != nil {
		return nil, err
	}
	h.resetStateLocked()
	if cfg.StateDir != "" {
		owner := lockOwner{PID: os.Getpid(), Addr: cfg.ListenAddr, Issuer: cfg.Issuer, Started: time.Now().UTC()}
		if h.store, err = openStore(cfg.StateDir, owner, syncFile); err != nil {
			return nil, err
		}
	}
	if err := h.loadKeys(); err != nil {
		h.store.close()
		return nil, err
	}
	if err := h.loadClients(); err != nil {
		h.store.close()
		return nil, err
	}
	h.routes()
	return h, nil
}

// ServeHTTP serves every mockas route.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// resetStateLocked clears the per-run state (not keys). Callers hold h.mu or own h.
func (h *Handler) resetStateLocked() {
	h.offset = 0
	h.dynamic = map[string]*registeredClient{}
	h.dynOrder = nil
	h.codes = map[string]*authCode{}
	h.refresh = map[string]*refreshRecord{}
	h.families = map[string]*family{}
	h.revoked = map[string]int64{}
	h.faults = nil
	for _, f := range h.cfg.Faults {
		h.faults = append(h.faults, newQueuedFault(f))
	}
	h.limits = map[string]RateLimit{}
	for _, rl := range h.cfg.RateLimits {
		h.limits[rl.ClientID] = rl
	}
	h.windows = map[string]*rateWindow{}
	h.captured.clear()
	h.cimd = map[string]cimdEntry{}
	h.keys.unpublished = nil
	h.issued = tokenRing{}
	h.pendingAuthz = map[string]*pendingAuthz{}
	h.sessions = map[string]*loginSession{}
	h.loginUsers = map[string]User{}
}

// routes registers every endpoint of Routes(h.cfg) on h.mux.
func (h *Handler) routes() {
	// RFC 9110 §9.1: "All general-purpose servers MUST support the methods GET and HEAD."
	// HEAD is offered on the read-only routes; net/http sends the headers and drops the body.
	endpoints := map[string]endpointFunc{
		"metadata": h.serveMetadata, "openid_configuration": h.serveOpenIDConfiguration,
		"keys": h.serveKeys, "authorize": h.serveAuthorize, "token": h.serveToken,
		"register": h.serveRegister, "revoke": h.serveRevoke, "introspect": h.serveIntrospect,
		"userinfo": h.serveUserinfo, "logout": h.serveLogout, "health": h.serveHealth,
	}
	for _, rt := range Routes(h.cfg) {
		switch rt.Endpoint {
		case "control", "ui": // below
		default:
			fn, ok := endpoints[rt.Endpoint]
			if !ok {
				panic("mockas: route table names unknown endpoint " + rt.Endpoint) // a programming error caught by every test
			}
			h.handle(rt.Endpoint, rt.Methods, fn, rt.Paths...)
		}
	}
	h.mux.HandleFunc(h.base+"/{$}", h.serveIndex)
	if !h.cfg.DisableControl {
		h.controlRoutes(h.base + controlPrefix)
	}
}

// request is what the pipeline hands an endpoint.
type request struct {
	body []byte
	// res is the {res} path value, already checked to be a configured resource.
	res string
}

// endpointFunc serves one endpoint after the pipeline ran.
type endpointFunc func(w http.ResponseWriter, r *http.Request, in *request)

// statusWriter remembers the status and OAuth error code of a response for capture.
type statusWriter struct {
	http.ResponseWriter
	status  int
	errCode string
}

// WriteHeader records the status.
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	if err != nil {
		return n, fmt.Errorf("write response: %w", err)
	}
	return n, nil
}

// handle registers fn for every pattern behind the shared pipeline.
func (h *Handler) handle(name string, methods []string, fn endpointFunc, patterns ...string) {
	hf := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.pipeline(name, methods, fn, w, r) })
	for _, p := range patterns {
		h.mux.Handle(p, hf)
	}
}

// pipeline runs the shared steps: resource check, method check, body limit, faults,
// the endpoint, capture.
func (h *Handler) pipeline(name string, methods []string, fn endpointFunc, w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	in := &request{res: r.PathValue("res")}
	defer func() {
		h.capture(name, r, in.body, sw)
		switch name {
		case "keys", "metadata", "openid_configuration":
			h.logRequestDebug(name, r, sw)
		}
	}()
	if in.res != "" {
		if _, ok := h.resources[in.res]; !ok {
			writeError(sw, &Error{Code: CodeNotFound, Description: "unknown resource " + in.res, Status: http.StatusNotFound}, false)
			return
		}
	}
	if !slices.Contains(methods, r.Method) {
		sw.Header().Set("Allow", strings.Join(methods, ", "))
		writeError(sw, &Error{Code: CodeInvalidRequest, Description: "method " + r.Method + " not allowed", Status: http.StatusMethodNotAllowed}, false)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(sw, err, false)
		return
	}
	in.body = body
	if f := h.takeFault(name); f != nil {
		if done := h.applyFault(sw, r, f); done {
			return
		}
	}
	fn(sw, r, in)
}

// readBody reads at most maxBodyBytes; a larger body is a 413.
func readBody(r *http.Request) ([]byte, *Error) {
	if r.Body == nil {
		return nil, nil
	}
	tooLarge := &Error{Code: CodeInvalidRequest, Description: "request body exceeds 1 MiB", Status: http.StatusRequestEntityTooLarge}
	if r.ContentLength > maxBodyBytes {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &Error{Code: CodeInvalidRequest, Description: "reading request body: " + err.Error()}
	}
	if len(b) > maxBodyBytes {
		return nil, tooLarge
	}
	return b, nil
}

// mediaType is the media type of a Content-Type value, lower case, without parameters
// ("" when it or a parameter does not parse). The form and JSON types as clients usually send them are
// returned without parsing.
func mediaType(ct string) string {
	if ct == "application/x-www-form-urlencoded" || ct == "application/json" { // the usual, as is
		return ct
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return mt
}

// Issuer returns the environment URL (Scalekit's SCALEKIT_ENVIRONMENT_URL).
func (h *Handler) Issuer() string { return h.issuer }

// TokenIssuer returns the iss of access tokens issued for the default resource: the
// environment URL, or {Issuer}/resources/{RES} when Config.ResourceIssuer is set.
func (h *Handler) TokenIssuer() string { return h.tokenIssuer(h.cfg.Resources[0].ID) }

// tokenIssuer is the iss of access tokens for resource res.
func (h *Handler) tokenIssuer(res string) string {
	if h.cfg.ResourceIssuer {
		return h.resourceIssuer(res)
	}
	return h.issuer
}

// resourceIssuer is the issuer of the resource-scoped metadata, ENV/resources/RES.
func (h *Handler) resourceIssuer(res string) string { return h.issuer + "/resources/" + res }

// routeIssuer is the issuer identifier of the metadata that advertises the route a request
// came in on: ENV for environment routes, ENV/resources/RES for resource-scoped ones.
func (h *Handler) routeIssuer(res string) string {
	if res == "" {
		return h.issuer
	}
	return h.resourceIssuer(res)
}

// Now returns the instance clock: Config.Now plus the offset set by Advance or SetNow.
func (h *Handler) Now() time.Time {
	base := h.cfg.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	return base.Add(h.offset)
}

// MaxClockOffset bounds how far Advance and SetNow move the instance clock from Config.Now,
// either way: 100 years, far beyond any token lifetime and well inside what time.Duration
// and JWT NumericDates can hold.
const MaxClockOffset = 100 * 365 * 24 * time.Hour

// Advance moves the instance clock forward by d (backward if d is negative). The offset
// saturates at ±MaxClockOffset; it never wraps around.
func (h *Handler) Advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.offset = clampOffset(addSaturating(h.offset, d))
}

// advance is Advance for the control plane: a move beyond MaxClockOffset is refused.
func (h *Handler) advance(d time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	off := addSaturating(h.offset, d)
	if off != clampOffset(off) {
		return fmt.Errorf("the clock offset would be %s; it must stay within ±%s", durationText(off), MaxClockOffset)
	}
	h.offset = off
	return nil
}

// SetNow moves the instance clock to t; it keeps ticking from there. The offset saturates
// at ±MaxClockOffset.
func (h *Handler) SetNow(t time.Time) {
	base := h.cfg.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.offset = clampOffset(t.Sub(base)) // Sub saturates at the Duration bounds
}

// setNow is SetNow for the control plane: a time beyond MaxClockOffset is refused.
func (h *Handler) setNow(t time.Time) error {
	off := t.Sub(h.cfg.Now())
	if off != clampOffset(off) {
		return fmt.Errorf("%s is more than %s away from the real clock", t.Format(time.RFC3339), MaxClockOffset)
	}
	h.SetNow(t)
	return nil
}

// addSaturating returns a+b, saturating at the time.Duration bounds instead of wrapping.
func addSaturating(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// clampOffset bounds d to ±MaxClockOffset.
func clampOffset(d time.Duration) time.Duration { return min(max(d, -MaxClockOffset), MaxClockOffset) }

// durationText prints d in hours, or as "more than 292 years" at the Duration bounds.
func durationText(d time.Duration) string {
	if d == math.MaxInt64 || d == math.MinInt64 {
		return "beyond ±292 years"
	}
	return d.Round(time.Hour).String()
}

// JWKS returns the published key set (what GET /keys serves).
func (h *Handler) JWKS() jose.JSONWebKeySet {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.keys.jwks()
}

// Clients returns the pre-registered clients followed by the dynamically registered ones,
// in registration order, secrets included.
func (h *Handler) Clients() []Client {
	out := append([]Client(nil), h.cfg.Clients...)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range h.dynOrder {
		out = append(out, h.dynamic[id].client())
	}
	return out
}

// Reset clears authorization codes, refresh tokens, revocations, faults, captured
// requests, dynamically registered clients, CIMD cache, rate-limit windows, the
// unpublished-key mode and the clock offset. Keys are kept, so cached JWKS stay valid. With
// a state directory the registered clients are forgotten on disk first; if that fails,
// Reset returns the error and nothing is cleared.
func (h *Handler) Reset() error {
	h.stateMu.Lock()
	defer h.stateMu.Unlock()
	if h.store != nil {
		if err := h.store.resetClients(); err != nil {
			h.log.Error("state_write_failed", slog.String("event", "state_write_failed"), slog.String("error", err.Error()))
			return err
		}
	}
	h.mu.Lock()
	h.resetStateLocked()
	h.mu.Unlock()
	h.audit("reset", true)
	return nil
}

// errorFrom turns any error into an *Error (server_error unless it is one).
func errorFrom(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeServerError, Description: err.Error(), Status: http.StatusInternalServerError}
}

// debugLogged logs every request to next at debug level once it is answered: the JWKS,
// metadata and control-plane calls a developer wants to see when their server misbehaves
// (how often does it fetch the JWKS? did it read the metadata?).
func (h *Handler) debugLogged(kind string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		h.logRequestDebug(kind, r, sw)
	})
}

// logRequestDebug writes one debug line for an answered request.
func (h *Handler) logRequestDebug(kind string, r *http.Request, sw *statusWriter) {
	if !h.log.Enabled(r.Context(), slog.LevelDebug) {
		return
	}
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []slog.Attr{slog.String("event", kind+"_request"), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", status), slog.String("remote_addr", r.RemoteAddr)}
	if ua := r.UserAgent(); ua != "" {
		attrs = append(attrs, slog.String("user_agent", ua))
	}
	if sw.errCode != "" {
		attrs = append(attrs, slog.String("error", sw.errCode))
	}
	h.log.LogAttrs(r.Context(), slog.LevelDebug, kind+"_request", attrs...)
}
