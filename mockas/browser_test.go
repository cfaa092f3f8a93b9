package mockas_test

// Tests in a real headless Chromium, driven over the DevTools protocol by chromedp: the
// login page as the browser step of the go-sdk's OAuth flow (pick a user, uncheck a scope,
// approve, then a tool call with the token), the deny path, the dashboard (the token from
// the flow is listed; rotating the key changes the JWKS), framing refused, and hostile
// client names shown as text.
//
// Without a browser the tests skip and say how to get one; under CI=true they fail instead,
// so CI cannot pass by skipping. MOCKAS_SCREENSHOTS=1 rewrites the screenshots in
// docs/images; a normal run never touches committed files.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// browserNames are the executables looked for on PATH, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"}

// findBrowser returns a Chromium executable, or skips (fails under CI=true) saying how to
// get one. MOCKAS_BROWSER names one explicitly.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MOCKAS_BROWSER"); p != "" {
		return p
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium found on PATH (looked for %s). Install one (Debian/Ubuntu: apt-get install chromium; "+
		"macOS: brew install --cask chromium) or set MOCKAS_BROWSER=/path/to/chrome", strings.Join(browserNames, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatalf("browser tests cannot run under CI=true: %s; .ci/run installs it", msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts one headless Chromium for the test and returns a tab's context.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findBrowser(t)),
		chromedp.WindowSize(1100, 860),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("hide-scrollbars", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Run(ctx); err != nil { // start the browser now, so a broken install fails here
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// newTab opens a tab of the browser behind ctx for one subtest and closes it afterwards, so
// nothing a previous subtest's page still does (a reload, a pending request) can abort this
// subtest's navigations.
func newTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	// The first Run opens the tab and binds it to the context it is given: tab itself, not a
	// context with a deadline, whose cancellation would close the tab again.
	if err := chromedp.Run(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return tab
}

// run runs actions with a deadline.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// screenshot writes the page to docs/images/name when MOCKAS_SCREENSHOTS=1.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("MOCKAS_SCREENSHOTS") != "1" {
		return
	}
	var png []byte
	run(t, ctx, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join("..", "docs", "images", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// callback is a loopback redirect URI that hands the authorization response to the test.
type callback struct {
	url string
	got chan url.Values
}

func newCallback(t *testing.T) *callback {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &callback{url: "http://" + ln.Addr().String() + "/callback", got: make(chan url.Values, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			// Chromium also asks this origin for /favicon.ico; only the redirect counts (an
			// empty query taken as the authorization response read as a state mismatch).
			http.NotFound(w, r)
			return
		}
		select {
		case cb.got <- r.URL.Query():
		default:
		}
		_, _ = fmt.Fprint(w, "<!doctype html><title>done</title><p>You can close this window.</p>")
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return cb
}

// wait returns the authorization response the browser brought to the callback.
func (cb *callback) wait(ctx context.Context) (url.Values, error) {
	select {
	case q := <-cb.got:
		return q, nil
	case <-time.After(30 * time.Second):
		return nil, errors.New("the browser never reached the redirect URI")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

const adminScope = "mcp:tools:admin"

// loginFixture is a go-sdk MCP server protected by a mockas with the login page, and a
// go-sdk client whose browser step is Chromium.
type loginFixture struct {
	as     *mockas.Server
	mcpURL string
}

func newLoginFixture(t *testing.T) *loginFixture {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mcpURL := "http://" + ln.Addr().String() + "/mcp"
	as := mockas.Start(t, mockas.WithLoginPage(),
		mockas.WithResource(mockas.Resource{ID: "res_60000000000000006", ServerURL: mcpURL, Scopes: []string{gosdkScope, adminScope}}),
		mockas.WithUser(mockas.User{Subject: mockas.DefaultUserSubject, Email: mockas.DefaultUserEmail, Name: mockas.DefaultUserName}),
		mockas.WithUser(mockas.User{Subject: "usr_70000000000000007", Email: "alice@example.com", Name: "Alice Admin", Claims: map[string]any{"roles": []string{"admin"}}}))
	startGoSDKServer(t, ln, as, as.Issuer(), as.TokenIssuer())
	return &loginFixture{as: as, mcpURL: mcpURL}
}

// connect runs the go-sdk OAuth flow; browserStep plays the user on the login page.
func (f *loginFixture) connect(t *testing.T, cb *callback, browserStep func(ctx context.Context, authURL string) error) (*mcp.ClientSession, error) {
	t.Helper()
	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{
				ClientName: "go-sdk browser client", RedirectURIs: []string{cb.url},
				GrantTypes: []string{"authorization_code", "refresh_token"}, TokenEndpointAuthMethod: "none",
			},
		},
		// The client asks for more than the server needs; the user grants less.
		ScopeFilter: func(discovered []string) []string { return append(discovered, adminScope) },
		AuthorizationCodeFetcher: func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
			if err := browserStep(ctx, args.URL); err != nil {
				return nil, err
			}
			q, err := cb.wait(ctx)
			if err != nil {
				return nil, err
			}
			if e := q.Get("error"); e != "" {
				return nil, fmt.Errorf("authorization refused: %s (state %q, iss %q)", e, q.Get("state"), q.Get("iss"))
			}
			return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		},
	})
	if err != nil {
		t.Fatalf("NewAuthorizationCodeHandler: %v", err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "mockas-browser-client", Version: "1.0.0"}, nil)
	return client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: f.mcpURL, OAuthHandler: handler, DisableStandaloneSSE: true}, nil)
}

func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)

	t.Run("login page: pick a user, uncheck a scope, approve, call a tool", func(t *testing.T) {
		f := newLoginFixture(t)
		cb := newCallback(t)
		var adminOffered bool
		session, err := f.connect(t, cb, func(_ context.Context, authURL string) error {
			run(t, ctx,
				chromedp.Navigate(authURL),
				chromedp.WaitVisible(`#approve`, chromedp.ByQuery),
				chromedp.Evaluate(fmt.Sprintf(`!!document.querySelector('input[name=scope][value=%q]')`, adminScope), &adminOffered),
				chromedp.Click(`input[name=user][value="usr_70000000000000007"]`, chromedp.ByQuery),
				chromedp.Click(fmt.Sprintf(`input[name=scope][value=%q]`, adminScope), chromedp.ByQuery),
			)
			screenshot(t, ctx, "mockas-login.png")
			run(t, ctx, chromedp.Click(`#approve`, chromedp.ByQuery))
			return nil
		})
		if err != nil {
			t.Fatalf("Connect through the login page: %v\nmockas saw:\n%s", err, transcript(f.as))
		}
		defer session.Close()
		if !adminOffered {
			t.Fatalf("the login page did not offer the requested scope %s", adminScope)
		}
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "whoami", Arguments: map[string]any{}})
		if err != nil || res.IsError {
			t.Fatalf("CallTool whoami: %v %+v", err, res)
		}
		var got whoami
		if err := remarshal(res.StructuredContent, &got); err != nil {
			t.Fatal(err)
		}
		if got.Subject != "usr_70000000000000007" {
			t.Errorf("whoami subject = %q; want the user picked on the page", got.Subject)
		}
		var issued *mockas.IssuedToken
		for _, tok := range f.as.IssuedTokens() {
			if tok.Source == "authorization_code" {
				issued = &tok
				break
			}
		}
		if issued == nil {
			t.Fatal("no authorization_code token recorded")
		}
		if issued.Claims["scope"] != gosdkScope || issued.Claims["sub"] != "usr_70000000000000007" {
			t.Errorf("token claims = %v; want scope %q only (admin unchecked) and the picked user", issued.Claims, gosdkScope)
		}

		t.Run("dashboard lists the token; rotate key changes the JWKS", func(t *testing.T) {
			before := f.as.JWKS()
			if os.Getenv("MOCKAS_SCREENSHOTS") == "1" {
				run(t, ctx, chromedp.Navigate(f.as.URL+"/"), chromedp.WaitVisible(`table`, chromedp.ByQuery))
				screenshot(t, ctx, "mockas-index.png")
			}
			var text string
			run(t, ctx,
				chromedp.Navigate(f.as.URL+"/_mockas/"),
				chromedp.WaitVisible(`#tokens`, chromedp.ByQuery),
				chromedp.Text(`#tokens`, &text, chromedp.ByQuery),
			)
			if !strings.Contains(text, issued.JTI) || !strings.Contains(text, "usr_70000000000000007") {
				t.Errorf("dashboard tokens do not list %s:\n%s", issued.JTI, text)
			}
			run(t, ctx, chromedp.Click(`#tokens details summary`, chromedp.ByQuery))
			screenshot(t, ctx, "mockas-dashboard.png")
			var kids string
			// Mark this document; the page reloads itself after the call, which drops the mark.
			run(t, ctx, chromedp.Evaluate(`window.mockasBeforeRotate = true`, nil), chromedp.Click(`#rotate`, chromedp.ByQuery))
			reloaded := false
			for deadline := time.Now().Add(15 * time.Second); !reloaded && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				_ = chromedp.Run(tctx, chromedp.Evaluate(`!window.mockasBeforeRotate && document.readyState === "complete" && !!document.querySelector("#keys")`, &reloaded))
				cancel() // errors while the page navigates just mean "not yet"
			}
			if !reloaded {
				t.Fatal("the dashboard did not reload after Rotate key")
			}
			run(t, ctx, chromedp.Text(`#keys`, &kids, chromedp.ByQuery))
			after := f.as.JWKS()
			if len(after.Keys) != len(before.Keys)+1 || after.Keys[0].KeyID != before.Keys[0].KeyID {
				t.Fatalf("JWKS after rotate: %d keys; want the old one plus a new one", len(after.Keys))
			}
			newKID := after.Keys[len(after.Keys)-1].KeyID
			if !strings.Contains(kids, newKID) {
				t.Errorf("dashboard keys do not show the new kid %s:\n%s", newKID, kids)
			}
			if info := f.as.Info(); info.ActiveKID != newKID {
				t.Errorf("active kid = %s; want the rotated key %s", info.ActiveKID, newKID)
			}
		})

		t.Run("dashboard mints a token with one defect", func(t *testing.T) {
			var minted string
			run(t, ctx,
				chromedp.Navigate(f.as.URL+"/_mockas/"),
				chromedp.SendKeys(`#mint-scopes`, "mcp:tools:read mcp:tools:write", chromedp.ByQuery),
				chromedp.SetValue(`#mint-defect`, string(mockas.DefectExpired), chromedp.ByQuery),
				chromedp.Click(`#mint-submit`, chromedp.ByQuery),
				chromedp.WaitVisible(`#mint-result`, chromedp.ByQuery),
				chromedp.Value(`#minted`, &minted, chromedp.ByQuery),
			)
			var found *mockas.IssuedToken
			for _, tok := range f.as.IssuedTokens() {
				if tok.Source == "mint" {
					found = &tok
					break
				}
			}
			if found == nil || strings.Count(minted, ".") != 2 || found.Defect != mockas.DefectExpired ||
				found.Claims["scope"] != "mcp:tools:read mcp:tools:write" || !found.Expires.Before(f.as.Now()) {
				t.Errorf("minted %q; recorded %+v; want an expired token with both scopes", minted, found)
			}
		})
	})

	t.Run("deny redirects with access_denied, state and iss", func(t *testing.T) {
		ctx := newTab(t, ctx)
		f := newLoginFixture(t)
		cb := newCallback(t)
		_, err := f.connect(t, cb, func(_ context.Context, authURL string) error {
			run(t, ctx, chromedp.Navigate(authURL), chromedp.WaitVisible(`#deny`, chromedp.ByQuery), chromedp.Click(`#deny`, chromedp.ByQuery))
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "access_denied") || !strings.Contains(err.Error(), `iss "`+f.as.Issuer()+`"`) || strings.Contains(err.Error(), `state ""`) {
			t.Fatalf("Connect after Deny: %v; want access_denied with state and iss", err)
		}
	})

	t.Run("pages refuse to be framed", func(t *testing.T) {
		ctx := newTab(t, ctx)
		as := mockas.Start(t, mockas.WithLoginPage())
		framer := framingPage(t, map[string]string{"login": loginURL(as), "dashboard": as.URL + "/_mockas/", "index": as.URL + "/"})
		run(t, ctx, chromedp.Navigate(framer+"/frame?target=own"), chromedp.WaitReady(`body`, chromedp.ByQuery))
		if !frameLoaded(t, ctx, framer+"/own") {
			t.Fatal("positive control: a framable page did not load in the frame; the framing check cannot be trusted")
		}
		for _, name := range []string{"login", "dashboard", "index"} {
			run(t, ctx, chromedp.Navigate(framer+"/frame?target="+name), chromedp.WaitReady(`body`, chromedp.ByQuery))
			if frameLoaded(t, ctx, "") {
				t.Errorf("the %s page loaded inside a frame from another origin", name)
			}
		}
	})

	t.Run("hostile client names are shown as text", func(t *testing.T) {
		ctx := newTab(t, ctx)
		const hostile = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`
		as := mockas.Start(t, mockas.WithLoginPage(), mockas.WithClient(mockas.Client{
			ID: "skc_80000000000000008", Secret: "s", Name: hostile, RedirectURIs: []string{"http://127.0.0.1:1/cb"},
		}))
		p := url.Values{"response_type": {"code"}, "client_id": {"skc_80000000000000008"}, "redirect_uri": {"http://127.0.0.1:1/cb"},
			"code_challenge": {mockas.S256Challenge("verifier-verifier-verifier-verifier-verifier")}, "code_challenge_method": {"S256"}, "scope": {"a b"}}
		for _, page := range []struct{ url, sel string }{
			{as.URL + "/oauth/authorize?" + p.Encode(), "#client-name"},
			{as.URL + "/_mockas/", "#clients .client-name"},
			{as.URL + "/", "table"},
		} {
			var title, text string
			run(t, ctx, chromedp.Navigate(page.url), chromedp.WaitReady(page.sel, chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond),
				chromedp.Title(&title), chromedp.Text(page.sel, &text, chromedp.ByQuery))
			if title == "pwned" || !strings.Contains(text, `<script>document.title='pwned'</script>`) {
				t.Errorf("%s: title %q, text %q; want the name shown literally and nothing run", page.url, title, text)
			}
		}
	})
}

// loginURL is an authorization URL for the default client that shows the login page.
func loginURL(as *mockas.Server) string {
	p := url.Values{"response_type": {"code"}, "client_id": {mockas.DefaultClientID}, "redirect_uri": {mockas.DefaultClientRedirectURI},
		"code_challenge": {mockas.S256Challenge("verifier-verifier-verifier-verifier-verifier")}, "code_challenge_method": {"S256"}, "state": {"s"}}
	return as.URL + "/oauth/authorize?" + p.Encode()
}

// framingPage serves, from another origin, /frame?target=NAME framing targets[NAME], and
// /own, a page that allows framing (the positive control).
func framingPage(t *testing.T, targets map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	targets["own"] = base + "/own"
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/own":
			_, _ = fmt.Fprint(w, "<!doctype html><title>own</title><p>framable</p>")
		default:
			_, _ = fmt.Fprintf(w, "<!doctype html><title>framer</title><iframe id=f width=600 height=400 src=\"%s\"></iframe>", html.EscapeString(targets[r.URL.Query().Get("target")]))
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return base
}

// frameLoaded reports whether the page's child frame loaded its document (want, when set,
// is the URL it must show). A frame refused by X-Frame-Options or frame-ancestors shows
// Chromium's error page instead: its URL is chrome-error://… with unreachableUrl set.
func frameLoaded(t *testing.T, ctx context.Context, want string) bool {
	t.Helper()
	var fr *cdp.Frame
	// Wait until the frame has settled on a document or on the error page.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var tree *page.FrameTree
		run(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			tree, err = page.GetFrameTree().Do(ctx)
			return err
		}))
		if len(tree.ChildFrames) != 1 {
			continue
		}
		fr = tree.ChildFrames[0].Frame
		if fr.UnreachableURL != "" || (fr.URL != "" && fr.URL != "about:blank") {
			break
		}
	}
	if fr == nil {
		t.Fatal("the framing page has no child frame")
	}
	ok := fr.UnreachableURL == "" && !strings.HasPrefix(fr.URL, "chrome-error:") && fr.URL != "about:blank"
	if want != "" && fr.URL != want {
		ok = false
	}
	t.Logf("child frame: url %q unreachable %q loaded=%v", fr.URL, fr.UnreachableURL, ok)
	return ok
}
