package mockas

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// docServer serves client metadata documents; doc receives the document's own URL.
type docServer struct {
	*httptest.Server
	mu    sync.Mutex
	hits  int
	doc   func(self string) string
	cache string
}

func newDocServer(t *testing.T, doc func(self string) string, cacheControl string) *docServer {
	ds := &docServer{doc: doc, cache: cacheControl}
	ds.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ds.mu.Lock()
		ds.hits++
		ds.mu.Unlock()
		if r.URL.Path != "/client.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if ds.cache != "" {
			w.Header().Set("Cache-Control", ds.cache)
		}
		fmt.Fprint(w, ds.doc(ds.URL+"/client.json"))
	}))
	t.Cleanup(ds.Close)
	return ds
}

func (d *docServer) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits
}

func goodDoc(self string) string {
	return `{"client_id":"` + self + `","client_name":"Doc Client","redirect_uris":["http://127.0.0.1:7777/cb"],"token_endpoint_auth_method":"none"}`
}

func TestCIMD_flow(t *testing.T) {
	ds := newDocServer(t, goodDoc, "max-age=60")
	s := start(t, WithLoopbackClientIDMetadata())
	id := ds.URL + "/client.json"
	p := authorizeParams()
	p.Set("client_id", id)
	p.Set("redirect_uri", "http://127.0.0.1:7777/cb")
	code := authorize(t, s.URL, p).Get("code")
	r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {id},
		"redirect_uri": {"http://127.0.0.1:7777/cb"}, "code_verifier": {testVerifier}})
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	if c := verify(t, s.JWKS(), r.json["access_token"].(string)); c["client_id"] != id {
		t.Errorf("client_id claim %v", c["client_id"])
	}
	if n := ds.count(); n != 1 {
		t.Errorf("document fetched %d times, want 1 (cached)", n)
	}
	s.Advance(2 * time.Minute)
	authorize(t, s.URL, p)
	if n := ds.count(); n != 2 {
		t.Errorf("document fetched %d times after max-age, want 2", n)
	}
}

func TestCIMD_rejections(t *testing.T) {
	tests := []struct {
		name     string
		doc      func(string) string
		path     string
		loopback bool
	}{
		{"loopback not allowed", goodDoc, "/client.json", false},
		{"client_id mismatch", func(string) string {
			return `{"client_id":"https://elsewhere.example/c.json","redirect_uris":["http://127.0.0.1:7777/cb"]}`
		}, "/client.json", true},
		{"secret in document", func(s string) string {
			return `{"client_id":"` + s + `","client_secret":"x","redirect_uris":["http://127.0.0.1:7777/cb"]}`
		}, "/client.json", true},
		{"shared secret method", func(s string) string {
			return `{"client_id":"` + s + `","token_endpoint_auth_method":"client_secret_basic","redirect_uris":["http://127.0.0.1:7777/cb"]}`
		}, "/client.json", true},
		{"bad redirect in document", func(s string) string {
			return `{"client_id":"` + s + `","redirect_uris":["http://evil.example/cb"]}`
		}, "/client.json", true},
		{"no redirect uris", func(s string) string { return `{"client_id":"` + s + `"}` }, "/client.json", true},
		{"not json", func(string) string { return `<html>` }, "/client.json", true},
		{"404", goodDoc, "/missing.json", true},
		{"dot segment", goodDoc, "/a/../client.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := newDocServer(t, tt.doc, "")
			opts := []Option{}
			if tt.loopback {
				opts = append(opts, WithLoopbackClientIDMetadata())
			}
			s := start(t, opts...)
			p := authorizeParams()
			p.Set("client_id", ds.URL+tt.path)
			p.Set("redirect_uri", "http://127.0.0.1:7777/cb")
			r := get(t, s.URL+"/oauth/authorize?"+p.Encode())
			if r.status != 400 || r.header.Get("Location") != "" || !strings.Contains(string(r.body), "invalid_client_metadata_url") {
				t.Fatalf("got %d %q %s", r.status, r.header.Get("Location"), r.body)
			}
		})
	}
}

func TestCIMD_errorsNotCached(t *testing.T) {
	broken := true
	var mu sync.Mutex
	ds := newDocServer(t, func(self string) string {
		mu.Lock()
		defer mu.Unlock()
		if broken {
			return `{}`
		}
		return goodDoc(self)
	}, "max-age=600")
	s := start(t, WithLoopbackClientIDMetadata())
	p := authorizeParams()
	p.Set("client_id", ds.URL+"/client.json")
	p.Set("redirect_uri", "http://127.0.0.1:7777/cb")
	if r := get(t, s.URL+"/oauth/authorize?"+p.Encode()); r.status != 400 {
		t.Fatalf("broken doc: %d", r.status)
	}
	mu.Lock()
	broken = false
	mu.Unlock()
	if q := authorize(t, s.URL, p); q.Get("code") == "" {
		t.Fatal("fixed document not re-fetched")
	}
}

func TestCacheTTL(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", cimdDefaultTTL}, {"max-age=30", 30 * time.Second}, {"public, max-age=999999", cimdMaxTTL},
		{"no-store", 0}, {"no-cache, max-age=10", 0}, {"max-age=abc", cimdDefaultTTL},
	}
	for _, tt := range tests {
		if got := cacheTTL(tt.in); got != tt.want {
			t.Errorf("cacheTTL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
