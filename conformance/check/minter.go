package check

// This file adapts the two ways of minting tokens a target trusts to Minter: an in-process
// mockas (Server or Handler) and a running mockas reached through its control plane
// (GET /_mockas/info, POST /_mockas/mint; see docs/mockas.md).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// localMinter adapts an in-process mockas.
type localMinter struct {
	as interface {
		Issuer() string
		Mint(mockas.TokenSpec) (string, error)
	}
}

// LocalMinter adapts an in-process mockas server (or handler) to Minter.
func LocalMinter(as interface {
	Issuer() string
	Mint(mockas.TokenSpec) (string, error)
}) Minter {
	return localMinter{as: as}
}

// Issuer implements Minter.
func (m localMinter) Issuer() string { return m.as.Issuer() }

// Resources implements resourceLister when the mockas exposes Info (Server and Handler do).
func (m localMinter) Resources() []mockas.Resource {
	if in, ok := m.as.(interface{ Info() mockas.Info }); ok {
		return in.Info().ResourceDetails
	}
	return nil
}

// Mint implements Minter.
func (m localMinter) Mint(ctx context.Context, spec mockas.TokenSpec) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("mint: %w", err)
	}
	tok, err := m.as.Mint(spec)
	if err != nil {
		return "", fmt.Errorf("mint: %w", err)
	}
	return tok, nil
}

// CapturedRequests implements requestLog with the in-process mockas's capture.
func (m localMinter) CapturedRequests(_ context.Context, since uint64) ([]mockas.RecordedRequest, error) {
	switch as := m.as.(type) {
	case interface {
		RequestsSince(after uint64, limit int) []mockas.RecordedRequest
	}:
		return as.RequestsSince(since, 0), nil
	case interface{ MockAS() *mockas.Handler }:
		return as.MockAS().RequestsSince(since, 0), nil
	}
	return nil, errors.New("the mockas keeps no request log")
}

// controlPlaneMinter talks to a running mockas.
type controlPlaneMinter struct {
	base        string
	client      *safe.Client
	issuer      string
	tokenIssuer string
	resources   []mockas.Resource
}

// ControlPlaneMinter reaches a running mockas at baseURL through its control plane
// (GET /_mockas/info, POST /_mockas/mint), each request bounded by timeout (zero:
// safe.DefaultTimeout). Requests go through a safe.Client whose only origin is the mockas:
// a redirect is an error naming its Location, never followed, so a mint request's body never
// goes anywhere else.
func ControlPlaneMinter(ctx context.Context, baseURL string, timeout time.Duration) (Minter, error) {
	client, err := safe.NewClient(safe.Options{Target: baseURL, Timeout: timeout, UserAgent: "mcp-conform/" + clientVersion()})
	if err != nil {
		return nil, fmt.Errorf("mockas control plane: %w", err)
	}
	m := &controlPlaneMinter{base: strings.TrimSuffix(baseURL, "/"), client: client}
	var info struct {
		Issuer          string            `json:"issuer"`
		TokenIssuer     string            `json:"token_issuer"`
		ResourceDetails []mockas.Resource `json:"resource_details"`
	}
	if err := m.call(ctx, http.MethodGet, "/_mockas/info", nil, &info); err != nil {
		return nil, fmt.Errorf("mockas control plane at %s: %w", baseURL, err)
	}
	if info.Issuer == "" {
		return nil, fmt.Errorf("mockas control plane at %s: /_mockas/info has no issuer", baseURL)
	}
	m.issuer, m.tokenIssuer, m.resources = info.Issuer, info.TokenIssuer, info.ResourceDetails
	return m, nil
}

// Resources implements resourceLister: the resources GET /_mockas/info reported.
func (m *controlPlaneMinter) Resources() []mockas.Resource { return m.resources }

// resourceLister is implemented by minters that know the resources registered in their
// environment, so minted tokens can carry the resource id as Scalekit's do.
type resourceLister interface {
	Resources() []mockas.Resource
}

// scalekitAudience returns the audience a Scalekit environment puts in a token for the MCP
// server whose resource identifier is resource: the registered resource id (res_…) whose
// server URL is resource, else the environment's default (first) resource id, followed by
// resource itself ("aud" always contains RES plus the server URL; scalekit-profile §6).
func scalekitAudience(m Minter, resource string) []string {
	aud := []string{resource}
	rl, ok := m.(resourceLister)
	if !ok {
		return aud
	}
	rs := rl.Resources()
	if len(rs) == 0 {
		return aud
	}
	id := rs[0].ID
	for _, r := range rs {
		if r.ServerURL == resource {
			id = r.ID
			break
		}
	}
	return jwtrule.ScalekitAudience(id, resource)
}

// Issuer implements Minter: the issuer GET /_mockas/info reported.
func (m *controlPlaneMinter) Issuer() string { return m.issuer }

// TokenIssuer returns the iss of the tokens the mockas mints (may differ from Issuer).
func (m *controlPlaneMinter) TokenIssuer() string { return m.tokenIssuer }

// Mint implements Minter with POST /_mockas/mint.
func (m *controlPlaneMinter) Mint(ctx context.Context, spec mockas.TokenSpec) (string, error) {
	body, err := json.Marshal(spec)
	if err != nil {
		return "", fmt.Errorf("mint: encode token spec: %w", err)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := m.call(ctx, http.MethodPost, "/_mockas/mint", body, &out); err != nil {
		return "", fmt.Errorf("mint: %w", err)
	}
	if out.Token == "" {
		return "", fmt.Errorf("mint: /_mockas/mint answered without a token")
	}
	return out.Token, nil
}

// maxCapturePages bounds how many pages of GET /_mockas/requests a diagnosis reads.
const maxCapturePages = 10

// CapturedRequests implements requestLog with GET /_mockas/requests, page by page (?since=
// the last seq seen), from since on.
func (m *controlPlaneMinter) CapturedRequests(ctx context.Context, since uint64) ([]mockas.RecordedRequest, error) {
	var all []mockas.RecordedRequest
	for range maxCapturePages {
		var page []mockas.RecordedRequest
		if err := m.call(ctx, http.MethodGet, fmt.Sprintf("/_mockas/requests?since=%d", since), nil, &page); err != nil {
			return nil, err
		}
		if len(page) == 0 || page[len(page)-1].Seq <= since {
			break
		}
		all = append(all, page...)
		since = page[len(page)-1].Seq
	}
	return all, nil
}

// call sends one control-plane request and decodes a 200 JSON answer into out; any other
// status is an error naming the body's error and error_description.
func (m *controlPlaneMinter) call(ctx context.Context, method, path string, body []byte, out any) error {
	return m.callStatus(ctx, method, path, body, http.StatusOK, out)
}

// callStatus is call for an operation whose success status is want; out may be nil when
// the answer has no body to decode.
func (m *controlPlaneMinter) callStatus(ctx context.Context, method, path string, body []byte, want int, out any) error {
	header := http.Header{"Accept": {"application/json"}}
	if body != nil {
		header.Set("Content-Type", "application/json")
	}
	resp, err := m.client.Do(ctx, safe.Request{Method: method, URL: m.base + path, Header: header, Body: body})
	if err != nil {
		return err
	}
	if resp.Status != want {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(resp.Body, &e) // a non-JSON error body is reported by status alone
		switch {
		case e.Description != "":
			return fmt.Errorf("%s %s: status %d: %s: %s", method, path, resp.Status, e.Error, e.Description)
		case e.Error != "":
			return fmt.Errorf("%s %s: status %d: %s", method, path, resp.Status, e.Error)
		default:
			return fmt.Errorf("%s %s: status %d", method, path, resp.Status)
		}
	}
	if out == nil {
		return nil
	}
	if resp.Truncated {
		return fmt.Errorf("%s %s: answer larger than %d bytes", method, path, safe.MaxBodyBytes)
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

var (
	_ Minter = localMinter{}
	_ Minter = (*controlPlaneMinter)(nil)
)
