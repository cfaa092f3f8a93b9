package main

// This file is how "token inspect --issuer" reaches the issuer: bounded requests through the
// one client (safe.Client, its credential origin the issuer), and the verdict lines it
// prints.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Verdicts printed by token inspect.
const (
	verdictOK   = "OK"
	verdictWarn = "WARN"
	verdictFail = "FAIL"
	verdictSkip = "SKIP"
)

// fetcher sends requests through the one bounded client (safe.Client). URLs the chain
// advertises are permitted as they are reached; extra headers go to the target's origin only.
type fetcher struct {
	client *safe.Client
}

// fetched is one bounded response.
type fetched struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
}

// newFetcher returns a fetcher whose credential origin is target's.
func newFetcher(target string, headers http.Header, timeout time.Duration) (*fetcher, error) {
	c, err := safe.NewClient(safe.Options{Target: target, Headers: headers, Timeout: timeout, UserAgent: "mcp-conform/" + conformance.Version()})
	if err != nil {
		return nil, err
	}
	return &fetcher{client: c}, nil
}

// do sends one request; a redirect is returned as a response (never followed).
func (f *fetcher) do(ctx context.Context, method, raw string, header http.Header, body []byte) (*fetched, error) {
	f.client.Permit(raw) // advertised by the previous step of the chain
	resp, err := f.client.Do(ctx, safe.Request{Method: method, URL: raw, Header: header, Body: body})
	if err != nil && !errors.Is(err, safe.ErrRedirect) {
		return nil, err
	}
	return &fetched{status: resp.Status, header: resp.Header, body: resp.Body, truncated: resp.Truncated}, nil
}

// getJSON GETs raw and decodes a JSON object. It returns the response (when there was one)
// and, separately, why it is not a usable JSON document.
func (f *fetcher) getJSON(ctx context.Context, raw string) (*fetched, map[string]any, error) {
	resp, err := f.do(ctx, http.MethodGet, raw, http.Header{"Accept": {"application/json"}}, nil)
	if err != nil {
		return nil, nil, err
	}
	doc, err := resp.jsonObject()
	return resp, doc, err
}

// jsonObject checks a metadata response: 200, application/json, a JSON object.
func (r *fetched) jsonObject() (map[string]any, error) {
	switch {
	case r.status >= 300 && r.status < 400:
		return nil, fmt.Errorf("redirect to %q (not followed: metadata must be served at this URL)", r.header.Get("Location"))
	case r.status != http.StatusOK:
		return nil, fmt.Errorf("status %d, want 200", r.status)
	case r.truncated:
		return nil, fmt.Errorf("body larger than %d bytes", check.MaxBodyBytes)
	}
	ct := r.header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("Content-Type %q, want application/json (an HTML catch-all page or a proxy answering instead?)", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if doc == nil {
		return nil, errors.New("JSON null, not an object")
	}
	return doc, nil
}

// verdictLog prints verdict lines and counts them.
type verdictLog struct {
	w      io.Writer
	indent string
	counts map[string]int
}

// line prints one verdict line.
func (r *verdictLog) line(verdict, format string, args ...any) {
	r.counts[verdict]++
	fmt.Fprintf(r.w, "%s%-5s %s\n", r.indent, verdict, fmt.Sprintf(format, args...))
}

// note prints an indented informational line (no verdict).
func (r *verdictLog) note(format string, args ...any) {
	fmt.Fprintf(r.w, "%s      %s\n", r.indent, fmt.Sprintf(format, args...))
}

// totals is the closing "N OK, N WARN, N FAIL, N SKIP" text.
func (r *verdictLog) totals() string {
	return fmt.Sprintf("%d OK, %d WARN, %d FAIL, %d SKIP",
		r.counts[verdictOK], r.counts[verdictWarn], r.counts[verdictFail], r.counts[verdictSkip])
}

// fetchJWKS GETs a JWK set.
func fetchJWKS(ctx context.Context, f *fetcher, uri string) (*jose.JSONWebKeySet, *fetched, error) {
	resp, err := f.do(ctx, http.MethodGet, uri, http.Header{"Accept": {"application/json"}}, nil)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case resp.status != http.StatusOK:
		return nil, resp, fmt.Errorf("GET %s: status %d, want 200", uri, resp.status)
	case resp.truncated:
		return nil, resp, fmt.Errorf("GET %s: body larger than %d bytes", uri, check.MaxBodyBytes)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(resp.body, &set); err != nil {
		return nil, resp, fmt.Errorf("GET %s: not a JWK set: %w", uri, err)
	}
	return &set, resp, nil
}

// stringsOf returns the strings of a JSON array (nil if v is not an array).
func stringsOf(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// quoteList renders strings as ["a", "b"].
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
