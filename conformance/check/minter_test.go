package check

import (
	"fmt"
	"github.com/google/go-cmp/cmp"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestControlPlaneMinter_mockas(t *testing.T) {
	as, base := newAS(t)
	m, err := ControlPlaneMinter(t.Context(), base, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Issuer() != as.Issuer() {
		t.Errorf("Issuer = %q, want %q", m.Issuer(), as.Issuer())
	}
	tok, err := m.Mint(t.Context(), mockas.TokenSpec{Subject: "mcp-conform-x", Audience: []string{"https://r.example/mcp"}})
	if err != nil {
		t.Fatal(err)
	}
	if claims := decodeClaims(t, tok); claims["sub"] != "mcp-conform-x" {
		t.Errorf("sub = %v", claims["sub"])
	}
	if _, err := m.Mint(t.Context(), mockas.TokenSpec{Defect: "no_such_defect"}); err == nil {
		t.Error("an invalid spec was minted")
	}
}

func TestControlPlaneMinter_errors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{name: "error description", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error":"access_denied","error_description":"control plane disabled"}`)
		}, want: "control plane disabled"},
		{name: "plain status", handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, want: "status 404"},
		{name: "no issuer", handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) }, want: "no issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := loopbackServer(t, tt.handler)
			_, err := ControlPlaneMinter(t.Context(), srv.URL, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// fakeLister is a Minter that knows its environment's resources.
type fakeLister struct {
	localMinter
	rs []mockas.Resource
}

func (f fakeLister) Resources() []mockas.Resource { return f.rs }

func TestScalekitAudience(t *testing.T) {
	const mcpURL = "http://127.0.0.1:3000/mcp"
	tests := []struct {
		name string
		m    Minter
		want []string
	}{
		{"minter without resources", localMinter{}, []string{mcpURL}},
		{"no resources registered", fakeLister{}, []string{mcpURL}},
		{"default resource first", fakeLister{rs: []mockas.Resource{{ID: "res_1"}, {ID: "res_2"}}}, []string{"res_1", mcpURL}},
		{"resource registered for this server", fakeLister{rs: []mockas.Resource{{ID: "res_1"}, {ID: "res_2", ServerURL: mcpURL}}}, []string{"res_2", mcpURL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scalekitAudience(tt.m, mcpURL)); diff != "" {
				t.Errorf("scalekitAudience (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocalMinter_ResourcesFromMockas(t *testing.T) {
	as := mockas.NewServer(mockas.WithResource(mockas.Resource{ID: "res_42", ServerURL: "http://127.0.0.1:3000/mcp"}))
	defer as.Close()
	got := scalekitAudience(LocalMinter(as), "http://127.0.0.1:3000/mcp")
	if diff := cmp.Diff([]string{"res_42", "http://127.0.0.1:3000/mcp"}, got); diff != "" {
		t.Errorf("audience (-want +got):\n%s", diff)
	}
}

// TestControlPlaneMinter_redirectNotFollowed: a --mockas URL that answers 307 must not get
// the mint request (and its body) re-sent elsewhere; the error names the Location.
func TestControlPlaneMinter_redirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, `{"token":"stolen","issuer":"http://x"}`)
	}))
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_mockas/info" {
			fmt.Fprint(w, `{"issuer":"http://127.0.0.1:1"}`)
			return
		}
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	m, err := ControlPlaneMinter(t.Context(), srv.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Mint(t.Context(), mockas.TokenSpec{Subject: "s"})
	if err == nil || !strings.Contains(err.Error(), other.URL+"/_mockas/mint") || !strings.Contains(err.Error(), "not followed") {
		t.Errorf("err = %v, want a redirect error naming the Location", err)
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the mint request was re-sent to the redirect's target")
	}
}
