package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestHelp_listsRoutesIssuerAndDefaultClient(t *testing.T) {
	var b bytes.Buffer
	usage(&b)
	for _, want := range []string{"--login-page", "--log-format format", "Issuer (SCALEKIT_ENVIRONMENT_URL): http://127.0.0.1:9000",
		"Default client: skc_10000000000000001", "/oauth/authorize  /resources/{res}/oauth/authorize", "/_mockas/clients", "/.well-known/oauth-authorization-server"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("-h lacks %q:\n%s", want, b.String())
		}
	}
}

func TestParseFlags_logFormatAndLoginPage(t *testing.T) {
	if _, err := parseFlags([]string{"--log-format", "yaml"}); err == nil || !strings.Contains(err.Error(), "want text or json") {
		t.Errorf("--log-format yaml: %v", err)
	}
	o, err := parseFlags([]string{"--log-format", "text", "--login-page", "--ephemeral"})
	if err != nil || o.logFormat != "text" {
		t.Fatalf("parse: %v %+v", err, o)
	}
	cfg, err := buildConfig(o, nil)
	if err != nil || !cfg.LoginPage {
		t.Errorf("--login-page: %v, LoginPage %v", err, cfg.LoginPage)
	}
}

func TestNewLogger_textOrJSON(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"json", `"msg":"hello"`},
		{"text", "msg=hello"},
		{"", `"msg":"hello"`}, // a buffer is not a terminal
	} {
		var b bytes.Buffer
		newLogger(&b, tc.format, slog.LevelInfo).Info("hello")
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("format %q wrote %q; want %q", tc.format, b.String(), tc.want)
		}
	}
}
