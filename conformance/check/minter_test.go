package check

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestControlPlaneMinter_mockas(t *testing.T) {
	as, base := newAS(t)
	m, err := ControlPlaneMinter(t.Context(), base, nil)
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
			_, err := ControlPlaneMinter(t.Context(), srv.URL, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
