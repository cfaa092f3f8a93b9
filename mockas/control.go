package mockas

// This file implements the test control plane under /_mockas (see the package
// documentation for the list of operations) and the Go API operations on keys. The control
// plane is off when Config.DisableControl is set.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// controlPrefix is the path prefix of the control plane, below the issuer path.
const controlPrefix = "/_mockas"

// Info is the body of GET /_mockas/info.
type Info struct {
	// Issuer is the environment URL.
	Issuer string `json:"issuer"`
	// TokenIssuer is the iss of issued access tokens for the default resource.
	TokenIssuer string `json:"token_issuer"`
	// JWKSURI is where the key set is served.
	JWKSURI string `json:"jwks_uri"`
	// Resources are the configured resource ids, the default first.
	Resources []string `json:"resources"`
	// ResourceDetails are the configured resources.
	ResourceDetails []Resource `json:"resource_details"`
	// Clients are the ids of pre-registered and dynamically registered clients.
	Clients []string `json:"clients"`
	// ActiveKID is the kid of the published signing key.
	ActiveKID string `json:"active_kid"`
	// UnpublishedKID is the kid tokens are signed with while the unpublished-key mode is on.
	UnpublishedKID string `json:"unpublished_kid,omitempty"`
	// Now is the instance clock.
	Now time.Time `json:"now"`
}

// Info describes the instance, as GET /_mockas/info does.
func (h *Handler) Info() Info {
	in := Info{Issuer: h.issuer, TokenIssuer: h.TokenIssuer(), JWKSURI: h.issuer + "/keys", Now: h.Now()}
	for _, r := range h.cfg.Resources {
		in.Resources = append(in.Resources, r.ID)
		in.ResourceDetails = append(in.ResourceDetails, r)
	}
	for _, c := range h.Clients() {
		in.Clients = append(in.Clients, c.ID)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	in.ActiveKID = h.keys.active.kid
	if h.keys.unpublished != nil {
		in.UnpublishedKID = h.keys.unpublished.kid
	}
	return in
}

// RotateKey adds a new published key and makes it active; with retirePrevious the
// previously active key leaves the JWKS. It returns the new kid. With a state directory the
// change is on disk before it takes effect; if the write fails, the keys stay as they were.
func (h *Handler) RotateKey(retirePrevious bool) (string, error) {
	sk, err := generateSigningKey()
	if err != nil {
		return "", err
	}
	err = h.changeKeys(func(k *keyring) error {
		prev := k.active
		k.published = append(k.published, sk)
		k.active = sk
		if retirePrevious && prev != nil {
			return k.retire(prev.kid)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	h.audit("key_rotated", true, slog.String("kid", sk.kid), slog.Bool("retire_previous", retirePrevious))
	return sk.kid, nil
}

// PublishKey adds a new key to the JWKS without making it active: issued tokens are still
// signed with the active key, and only a Mint whose TokenSpec.KeyID names the new kid uses
// it. This is a key rotation one client can observe while every other client is undisturbed
// (mcp-conform's rotation check). With a state directory the change is on disk before it
// takes effect; RetireKey removes the key again. It returns the new kid.
func (h *Handler) PublishKey() (string, error) {
	sk, err := generateSigningKey()
	if err != nil {
		return "", err
	}
	if err := h.changeKeys(func(k *keyring) error {
		k.published = append(k.published, sk)
		return nil
	}); err != nil {
		return "", err
	}
	h.audit("key_published", true, slog.String("kid", sk.kid))
	return sk.kid, nil
}

// RetireKey removes kid from the JWKS. The active key cannot be retired (ErrActiveKey).
// With a state directory the change is on disk before it takes effect.
func (h *Handler) RetireKey(kid string) error {
	if err := h.changeKeys(func(k *keyring) error { return k.retire(kid) }); err != nil {
		return err
	}
	h.audit("key_retired", true, slog.String("kid", kid))
	return nil
}

// SignWithUnpublishedKey turns on (or off) signing issued and minted tokens with a fresh
// key that the JWKS never lists, under a well-formed snk_ kid.
func (h *Handler) SignWithUnpublishedKey(on bool) {
	var sk *signingKey
	if on {
		var err error
		if sk, err = generateSigningKey(); err != nil {
			h.log.Error("key_generation_failed", slog.String("event", "key_generation_failed"), slog.String("error", err.Error()))
			return
		}
	}
	h.mu.Lock()
	h.keys.unpublished = sk
	h.mu.Unlock()
	h.audit("unpublished_key", true, slog.Bool("enabled", on))
}

// controlRoutes registers the control plane and the dashboard under prefix. Every call is
// logged at debug level.
func (h *Handler) controlRoutes(prefix string) {
	for path, methods := range h.controlHandlers() {
		h.mux.Handle(prefix+path, h.debugLogged("control", methodSwitch(methods)))
	}
	h.mux.Handle(prefix+"/{$}", http.HandlerFunc(h.serveDashboard))
}

// controlHandlers maps each control-plane path to its handler per method. controlOps
// documents the same set.
func (h *Handler) controlHandlers() map[string]map[string]http.HandlerFunc {
	return map[string]map[string]http.HandlerFunc{
		"/info":             {http.MethodGet: h.ctlInfo},
		"/clients":          {http.MethodGet: h.ctlClients},
		"/tokens":           {http.MethodGet: h.ctlTokens},
		"/tokens/revoke":    {http.MethodPost: h.ctlRevoke},
		"/mint":             {http.MethodPost: h.ctlMint},
		"/keys":             {http.MethodGet: h.ctlKeys},
		"/keys/rotate":      {http.MethodPost: h.ctlRotate},
		"/keys/retire":      {http.MethodPost: h.ctlRetire},
		"/keys/publish":     {http.MethodPost: h.ctlPublish},
		"/keys/unpublished": {http.MethodPost: h.ctlUnpublished},
		"/clock":            {http.MethodGet: h.ctlClock},
		"/clock/advance":    {http.MethodPost: h.ctlAdvance},
		"/clock/set":        {http.MethodPost: h.ctlSet},
		"/faults":           {http.MethodGet: h.ctlFaultsList, http.MethodPost: h.ctlFaultsAdd, http.MethodDelete: h.ctlFaultsClear},
		"/rate-limits":      {http.MethodGet: h.ctlLimitsList, http.MethodPost: h.ctlLimitsSet},
		"/requests":         {http.MethodGet: h.ctlRequests, http.MethodDelete: h.ctlRequestsClear},
		"/reset":            {http.MethodPost: h.ctlReset},
	}
}

// methodSwitch dispatches on the method, answering 405 with an OAuth-style body. Like
// every other route, a control-plane operation refuses a body over 1 MiB with 413, whether
// or not it reads one; the body it reads is handed on from memory.
func methodSwitch(m map[string]http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, ok := m[r.Method]; ok {
			b, e := readBody(r)
			if e != nil {
				writeError(w, e, false)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			f(w, r)
			return
		}
		var allow []string
		for k := range m {
			allow = append(allow, k)
		}
		w.Header().Set("Allow", joinSorted(allow))
		writeError(w, &Error{Code: CodeInvalidRequest, Description: "method " + r.Method + " not allowed", Status: http.StatusMethodNotAllowed}, false)
	})
}

// decodeControl reads an optional JSON body into v (unknown fields ignored).
func decodeControl(r *http.Request, v any) *Error {
	b, e := readBody(r)
	if e != nil {
		return e
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return oauthErr(CodeInvalidRequest, "malformed JSON body: %s", err.Error())
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return oauthErr(CodeInvalidRequest, "malformed JSON body: trailing data")
	}
	return nil
}

// decodeStrict is decodeControl rejecting unknown members with a 400 that lists the
// valid ones.
func decodeStrict(r *http.Request, v any) *Error {
	b, e := readBody(r)
	if e != nil {
		return e
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return oauthErr(CodeInvalidRequest, "unknown field %s; valid fields: %s", name, strings.Join(jsonFieldNames(v), ", "))
		}
		return oauthErr(CodeInvalidRequest, "malformed JSON body: %s", err.Error())
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return oauthErr(CodeInvalidRequest, "malformed JSON body: trailing data")
	}
	return nil
}

// jsonFieldNames lists the JSON member names of the struct v points to, in field order.
func jsonFieldNames(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

func (h *Handler) ctlInfo(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.Info())
}

func (h *Handler) ctlClients(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.ClientInfos())
}

func (h *Handler) ctlTokens(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.IssuedTokens())
}

// ctlMint mints a token. Unlike the other operations it rejects unknown members: a
// misspelt field ("scope" for "scopes") would otherwise mint a different token than the
// caller meant, silently.
func (h *Handler) ctlMint(w http.ResponseWriter, r *http.Request) {
	var spec TokenSpec
	if e := decodeStrict(r, &spec); e != nil {
		writeError(w, e, false)
		return
	}
	tok, err := h.Mint(spec)
	if errors.Is(err, ErrUnknownDefect) {
		names := make([]string, 0, len(Defects()))
		for _, d := range Defects() {
			names = append(names, string(d))
		}
		writeError(w, oauthErr(CodeInvalidRequest, "unknown defect %q; valid defects: %s", spec.Defect, strings.Join(names, ", ")), false)
		return
	}
	if err != nil {
		writeError(w, oauthErr(CodeInvalidRequest, "%s", err.Error()), false)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"token": tok})
}

// ctlRevoke revokes the token in {"token": …} (RevokeToken): 200 with what was revoked, 400
// invalid_request for a missing token, 404 not_found for a token that is not an active
// token of this instance.
func (h *Handler) ctlRevoke(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	if body.Token == "" {
		writeError(w, oauthErr(CodeInvalidRequest, "token is required"), false)
		return
	}
	rt, err := h.RevokeToken(body.Token)
	if errors.Is(err, ErrNotRevocable) {
		writeError(w, &Error{Code: CodeNotFound, Description: err.Error(), Status: http.StatusNotFound}, false)
		return
	}
	if err != nil {
		writeError(w, errorFrom(err), false)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, rt)
}

func (h *Handler) ctlKeys(w http.ResponseWriter, _ *http.Request) {
	in := h.Info()
	writeJSON(w, http.StatusOK, map[string]any{"jwks": h.JWKS(), "active_kid": in.ActiveKID, "unpublished_kid": in.UnpublishedKID})
}

func (h *Handler) ctlRotate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RetirePrevious bool `json:"retire_previous"`
	}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	kid, err := h.RotateKey(body.RetirePrevious)
	if err != nil {
		writeError(w, errorFrom(err), false)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"kid": kid, "active_kid": kid})
}

func (h *Handler) ctlPublish(w http.ResponseWriter, r *http.Request) {
	if e := decodeControl(r, &struct{}{}); e != nil {
		writeError(w, e, false)
		return
	}
	kid, err := h.PublishKey()
	if err != nil {
		writeError(w, errorFrom(err), false)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"kid": kid, "active_kid": h.Info().ActiveKID})
}

func (h *Handler) ctlRetire(w http.ResponseWriter, r *http.Request) {
	var body struct {
		KID string `json:"kid"`
	}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	if err := h.RetireKey(body.KID); err != nil {
		if errors.Is(err, ErrActiveKey) || errors.Is(err, ErrUnknownKey) {
			writeError(w, oauthErr(CodeInvalidRequest, "%s", err.Error()), false)
		} else {
			writeError(w, errorFrom(err), false)
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"retired": body.KID})
}

func (h *Handler) ctlUnpublished(w http.ResponseWriter, r *http.Request) {
	body := struct {
		Enabled *bool `json:"enabled"`
	}{}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	on := body.Enabled == nil || *body.Enabled
	h.SignWithUnpublishedKey(on)
	in := h.Info()
	if on && in.UnpublishedKID == "" {
		writeError(w, &Error{Code: CodeServerError, Description: "could not generate a key", Status: http.StatusInternalServerError}, false)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enabled": on, "kid": in.UnpublishedKID})
}

func (h *Handler) ctlClock(w http.ResponseWriter, _ *http.Request) {
	now := h.Now()
	writeJSON(w, http.StatusOK, map[string]any{"now": now.Format(time.RFC3339Nano), "offset": h.clockOffset().String()})
}

func (h *Handler) ctlAdvance(w http.ResponseWriter, r *http.Request) {
	var body struct {
		By *Duration `json:"by"`
	}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	if body.By == nil {
		writeError(w, oauthErr(CodeInvalidRequest, `"by" is required, e.g. {"by":"10m"}`), false)
		return
	}
	if err := h.advance(time.Duration(*body.By)); err != nil {
		writeError(w, oauthErr(CodeInvalidRequest, "%s", err.Error()), false)
		return
	}
	h.ctlClock(w, r)
}

func (h *Handler) ctlSet(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Now *time.Time `json:"now"`
	}
	if e := decodeControl(r, &body); e != nil {
		writeError(w, e, false)
		return
	}
	if body.Now == nil {
		writeError(w, oauthErr(CodeInvalidRequest, `"now" is required, e.g. {"now":"2030-01-01T00:00:00Z"}`), false)
		return
	}
	if err := h.setNow(*body.Now); err != nil {
		writeError(w, oauthErr(CodeInvalidRequest, "%s", err.Error()), false)
		return
	}
	h.ctlClock(w, r)
}

func (h *Handler) ctlFaultsList(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.Faults())
}

func (h *Handler) ctlFaultsAdd(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if e := decodeControl(r, &f); e != nil {
		writeError(w, e, false)
		return
	}
	if err := validateFault(f); err != nil {
		writeError(w, oauthErr(CodeInvalidRequest, "fault: %s", err.Error()), false)
		return
	}
	h.QueueFault(f)
	writeJSON(w, http.StatusCreated, h.Faults())
}

func (h *Handler) ctlFaultsClear(w http.ResponseWriter, _ *http.Request) {
	h.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) ctlLimitsList(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.RateLimits())
}

func (h *Handler) ctlLimitsSet(w http.ResponseWriter, r *http.Request) {
	var rl RateLimit
	if e := decodeControl(r, &rl); e != nil {
		writeError(w, e, false)
		return
	}
	if rl.ClientID == "" {
		writeError(w, oauthErr(CodeInvalidRequest, `rate limit: client_id is required ("*" for every client)`), false)
		return
	}
	if rl.Requests < 0 || rl.Per < 0 || (rl.Requests > 0 && rl.Per == 0) {
		writeError(w, oauthErr(CodeInvalidRequest, "rate limit: requests and per must be positive (requests 0 removes the limit)"), false)
		return
	}
	h.SetRateLimit(rl)
	writeJSON(w, http.StatusOK, h.RateLimits())
}

// ctlRequests pages through the capture: ?since=SEQ (the last seq seen, default 0) and
// ?limit=N (default and maximum 1000). The answer is at most Limits.CaptureBytes of
// requests plus JSON framing.
func (h *Handler) ctlRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since uint64
	if s := q.Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			writeError(w, oauthErr(CodeInvalidRequest, "since must be a request seq (a non-negative integer)"), false)
			return
		}
		since = n
	}
	limit := maxRecorded
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			writeError(w, oauthErr(CodeInvalidRequest, "limit must be a positive integer"), false)
			return
		}
		limit = min(n, maxRecorded)
	}
	writeJSON(w, http.StatusOK, nonNilRecords(h.RequestsSince(since, limit)))
}

// nonNilRecords returns rs, or an empty slice for nil so JSON shows [].
func nonNilRecords(rs []RecordedRequest) []RecordedRequest {
	if rs == nil {
		return []RecordedRequest{}
	}
	return rs
}

func (h *Handler) ctlRequestsClear(w http.ResponseWriter, _ *http.Request) {
	h.ClearRequests()
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) ctlReset(w http.ResponseWriter, _ *http.Request) {
	if err := h.Reset(); err != nil {
		writeError(w, errorFrom(err), false)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// clockOffset is the offset Advance and SetNow set.
func (h *Handler) clockOffset() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.offset
}
