package safe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func newTestClient(t *testing.T, target string, opts Options) *Client {
	t.Helper()
	opts.Target = target
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClientRules exercises each rule of the Client doc comment once.
func TestClientRules(t *testing.T) {
	var elsewhereHits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereHits.Add(1)
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" {
			t.Errorf("credentials reached another origin: %v", r.Header)
		}
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer elsewhere.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, elsewhere.URL+"/mint", http.StatusTemporaryRedirect)
		case "/big":
			w.Write([]byte(strings.Repeat("x", MaxBodyBytes+10)))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/headers":
			for i := range 20000 {
				w.Header().Add("WWW-Authenticate", fmt.Sprintf(`Bearer realm="r%d", error="invalid_token"`, i))
			}
			w.WriteHeader(http.StatusUnauthorized)
		default:
			if r.Header.Get("X-Api-Key") != "k-123" {
				t.Errorf("Options.Headers not sent to the target: %v", r.Header)
			}
			fmt.Fprint(w, "hello")
		}
	}))
	defer target.Close()
	ctx := context.Background()
	c := newTestClient(t, target.URL+"/mcp", Options{Headers: http.Header{"X-Api-Key": {"k-123"}}, Timeout: 10 * time.Second, MaxRequests: 9})

	t.Run("redirects are not followed and the error names the Location", func(t *testing.T) {
		resp, err := c.Do(ctx, Request{Method: http.MethodPost, URL: target.URL + "/redirect", Body: []byte(`{"sub":"x"}`)})
		var re *RedirectError
		if !errors.As(err, &re) || !errors.Is(err, ErrRedirect) || resp == nil || resp.Status != 307 {
			t.Fatalf("err = %v, resp = %v; want a RedirectError with the 307", err, resp)
		}
		if !strings.Contains(err.Error(), elsewhere.URL+"/mint") {
			t.Errorf("error %q does not name the Location", err)
		}
		if elsewhereHits.Load() != 0 {
			t.Errorf("the redirect was followed")
		}
	})
	t.Run("bodies are capped", func(t *testing.T) {
		resp, err := c.Do(ctx, Request{URL: target.URL + "/big"})
		if err != nil || len(resp.Body) != MaxBodyBytes || !resp.Truncated {
			t.Fatalf("err = %v, body %d bytes, truncated %v", err, len(resp.Body), resp != nil && resp.Truncated)
		}
	})
	t.Run("requests time out", func(t *testing.T) {
		start := time.Now()
		_, err := newTestClient(t, target.URL, Options{Timeout: 300 * time.Millisecond}).Do(ctx, Request{URL: target.URL + "/slow"})
		if err == nil || !strings.Contains(err.Error(), "within 300ms") {
			t.Fatalf("err = %v, want a timeout naming 300ms", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("timeout took %s", d)
		}
	})
	t.Run("header lines are capped", func(t *testing.T) {
		resp, err := c.Do(ctx, Request{URL: target.URL + "/headers"})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(resp.Header.Values("WWW-Authenticate")); n > maxValuesPerField || n == 0 {
			t.Errorf("kept %d WWW-Authenticate lines", n)
		}
		if resp.HeaderLinesDropped < 19000 {
			t.Errorf("HeaderLinesDropped = %d", resp.HeaderLinesDropped)
		}
	})
	t.Run("only the target and permitted URLs", func(t *testing.T) {
		if _, err := c.Do(ctx, Request{URL: elsewhere.URL + "/jwks"}); !errors.Is(err, ErrNotAllowed) {
			t.Fatalf("err = %v, want ErrNotAllowed", err)
		}
		c.Permit(elsewhere.URL + "/jwks")
		if _, err := c.Do(ctx, Request{URL: elsewhere.URL + "/jwks?x=1"}); err != nil {
			t.Fatalf("permitted URL: %v", err)
		}
		if _, err := c.Do(ctx, Request{URL: elsewhere.URL + "/admin"}); !errors.Is(err, ErrNotAllowed) {
			t.Fatalf("other path: err = %v, want ErrNotAllowed", err)
		}
		if _, err := c.Do(ctx, Request{URL: "file:///etc/passwd"}); !errors.Is(err, ErrNotAllowed) {
			t.Fatalf("file URL: err = %v, want ErrNotAllowed", err)
		}
	})
	t.Run("credentials only to the target's origin", func(t *testing.T) {
		for _, h := range []http.Header{{"Authorization": {"Bearer t"}}, {"Cookie": {"a=b"}}} {
			if _, err := c.Do(ctx, Request{URL: elsewhere.URL + "/jwks", Header: h}); !errors.Is(err, ErrCredentialsOffOrigin) {
				t.Errorf("%v: err = %v, want ErrCredentialsOffOrigin", h, err)
			}
		}
		if _, err := c.Do(ctx, Request{URL: target.URL + "/mcp", Header: http.Header{"Authorization": {"Bearer t"}}}); err != nil {
			t.Errorf("credentials to the target: %v", err)
		}
	})
	t.Run("request budget", func(t *testing.T) {
		for c.Requests() < 9 {
			_, _ = c.Do(ctx, Request{URL: target.URL + "/mcp"})
		}
		if _, err := c.Do(ctx, Request{URL: target.URL + "/mcp"}); !errors.Is(err, ErrRequestBudget) {
			t.Errorf("err = %v, want ErrRequestBudget", err)
		}
	})
}

// TestClientHeaderWireLimit: a header section beyond MaxHeaderWireBytes fails fast.
func TestClientHeaderWireLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := strings.Repeat("a", 8000)
		for i := range 400 {
			w.Header().Add(fmt.Sprintf("X-H%d", i), v)
		}
		io.WriteString(w, "x")
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, Options{})
	if _, err := c.Do(context.Background(), Request{URL: srv.URL}); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("err = %v, want a header-size error", err)
	}
}
