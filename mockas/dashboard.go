package mockas

// This file serves the dashboard at GET /_mockas/: one self-contained page showing what the
// instance issued and saw. It reads through the same Go API the control plane serves, and
// its buttons call the control-plane endpoints from the page's script, so the page adds no
// second way to change state.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// maxDashboardRequests is how many captured requests the dashboard shows.
const maxDashboardRequests = 50

// keyView is one key as the dashboard shows it.
type keyView struct {
	KID       string
	Active    bool // signs issued tokens
	Published bool // in the JWKS
	Retired   bool // removed from the JWKS
}

// keyViews lists the published keys, the unpublished signing key and the retired kids.
func (h *Handler) keyViews() []keyView {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []keyView
	for _, sk := range h.keys.published {
		out = append(out, keyView{KID: sk.kid, Published: true, Active: sk == h.keys.signer()})
	}
	if u := h.keys.unpublished; u != nil {
		out = append(out, keyView{KID: u.kid, Active: true})
	}
	for _, kid := range slices.Backward(h.keys.retired) {
		out = append(out, keyView{KID: kid, Retired: true})
	}
	return out
}

// tokenView is an issued token with its times made readable.
type tokenView struct {
	IssuedToken
	Subject, ClientID, Scope string
	ExpiresIn                string
	Expired                  bool
	HeaderJSON, ClaimsJSON   string
}

// requestView is a captured request for the page.
type requestView struct {
	RecordedRequest
	Detail string
}

// serveDashboard answers GET /_mockas/.
func (h *Handler) serveDashboard(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, &Error{Code: CodeInvalidRequest, Description: "method " + r.Method + " not allowed", Status: http.StatusMethodNotAllowed}, false)
		return
	}
	in := h.index()
	info := h.Info()
	now := info.Now
	type endpoint struct{ Name, URL string }
	data := struct {
		pageBase
		Base      string
		Info      Info
		Offset    string
		LoginPage bool
		Endpoints []endpoint
		Clients   []ClientInfo
		Tokens    []tokenView
		Requests  []requestView
		Keys      []keyView
		Faults    []Fault
		Limits    []RateLimit
		Defects   []Defect
	}{pageBase: newPageBase("Dashboard"), Base: h.base + controlPrefix, Info: info, Offset: h.clockOffset().String(),
		LoginPage: in.LoginPage, Clients: in.Clients, Keys: h.keyViews(), Faults: h.Faults(), Limits: h.RateLimits(), Defects: Defects()}
	md := h.Metadata()
	data.Endpoints = []endpoint{
		{"Issuer (SCALEKIT_ENVIRONMENT_URL)", h.issuer},
		{"Authorization server metadata", in.MetadataURL},
		{"JWKS", md.JWKSURI},
		{"Authorization endpoint", md.AuthorizationEndpoint},
		{"Token endpoint", md.TokenEndpoint},
	}
	if md.RegistrationEndpoint != "" {
		data.Endpoints = append(data.Endpoints, endpoint{"Registration endpoint", md.RegistrationEndpoint})
	}
	for _, t := range h.IssuedTokens() {
		tv := tokenView{IssuedToken: t, HeaderJSON: prettyJSON(t.Header), ClaimsJSON: prettyJSON(t.Claims)}
		tv.Subject, _ = t.Claims["sub"].(string)
		tv.ClientID, _ = t.Claims["client_id"].(string)
		tv.Scope, _ = t.Claims["scope"].(string)
		if !t.Expires.IsZero() {
			d := t.Expires.Sub(now).Round(time.Second)
			tv.Expired = d <= 0
			if tv.Expired {
				tv.ExpiresIn = "expired " + (-d).String() + " ago"
			} else {
				tv.ExpiresIn = "in " + d.String()
			}
		}
		data.Tokens = append(data.Tokens, tv)
	}
	reqs := h.Requests()
	for i := len(reqs) - 1; i >= 0 && len(data.Requests) < maxDashboardRequests; i-- {
		data.Requests = append(data.Requests, requestView{RecordedRequest: reqs[i], Detail: requestDetail(reqs[i])})
	}
	h.writePage(w, http.StatusOK, "dashboard.html", data.Nonce, nil, data)
}

// prettyJSON indents v for display.
func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// requestDetail is the redacted query, form, JSON and headers of a captured request.
func requestDetail(r RecordedRequest) string {
	var b strings.Builder
	for _, part := range []struct {
		name string
		v    map[string][]string
	}{{"query", r.Query}, {"form", r.Form}} {
		for _, k := range slices.Sorted(maps.Keys(part.v)) {
			fmt.Fprintf(&b, "%s  %s=%s\n", part.name, k, strings.Join(part.v[k], ", "))
		}
	}
	if len(r.JSON) > 0 {
		fmt.Fprintf(&b, "json   %s\n", r.JSON)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
	}
	return b.String()
}
