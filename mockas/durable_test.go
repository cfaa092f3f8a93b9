package mockas

// Tests for durable state (issue 11 items 2–5): acknowledgements only after the disk has
// the change, one owner per state directory, state read back validated like input.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// failingDisk is a syncFile that fails while on.
type failingDisk struct{ on atomic.Bool }

func (d *failingDisk) sync(f *os.File) error {
	if d.on.Load() {
		return syscall.EIO
	}
	return f.Sync()
}

// startOnDisk is Start with the state files flushed through d.
func startOnDisk(t *testing.T, d *failingDisk, opts ...Option) *Server {
	t.Helper()
	s, err := newServer(d.sync, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// registerBody registers a confidential client_credentials client.
const registerBody = `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post","client_name":"c"}`

// TestState_failedWriteFailsRegistration: with a disk that fails, a registration used to be
// answered 201 and lost at the next restart.
func TestState_failedWriteFailsRegistration(t *testing.T) {
	disk := &failingDisk{}
	s := startOnDisk(t, disk, WithStateDir(t.TempDir()))
	disk.on.Store(true)
	r := postJSON(t, s.URL+"/resource-server/oauth/register", registerBody)
	if r.status != http.StatusInternalServerError || r.json["error"] != "server_error" {
		t.Fatalf("registration on a failing disk: %d %s", r.status, r.body)
	}
	if n := len(s.Clients()); n != 1 {
		t.Errorf("%d clients in memory after a failed write, want only the pre-registered one", n)
	}
	if err := s.Reset(); err == nil {
		t.Error("Reset on a failing disk reported success")
	}
	disk.on.Store(false)
	if r := postJSON(t, s.URL+"/resource-server/oauth/register", registerBody); r.status != http.StatusCreated {
		t.Fatalf("registration once the disk works: %d %s", r.status, r.body)
	}
}

// TestState_failedWriteKeepsKeys: a rotation on a failing disk used to answer 500 yet switch
// the signing key in memory, so tokens signed afterwards died at the next restart.
func TestState_failedWriteKeepsKeys(t *testing.T) {
	disk := &failingDisk{}
	dir := t.TempDir()
	s := startOnDisk(t, disk, WithStateDir(dir))
	before := s.Info().ActiveKID
	jwks, _ := json.Marshal(s.JWKS())
	disk.on.Store(true)
	if _, err := s.RotateKey(false); !errors.Is(err, ErrState) {
		t.Fatalf("RotateKey on a failing disk = %v, want ErrState", err)
	}
	if r := postJSON(t, s.URL+"/_mockas/keys/rotate", `{"retire_previous":true}`); r.status != http.StatusInternalServerError {
		t.Errorf("control-plane rotate on a failing disk: %d %s", r.status, r.body)
	}
	s.h.mu.Lock()
	n := len(s.h.keys.published)
	s.h.mu.Unlock()
	if s.Info().ActiveKID != before || n != 1 {
		t.Fatalf("keys changed after failed writes: active %s (was %s), %d published", s.Info().ActiveKID, before, n)
	}
	if after, _ := json.Marshal(s.JWKS()); !bytes.Equal(after, jwks) {
		t.Error("JWKS changed after failed writes")
	}
	if r := get(t, s.URL+"/keys"); !bytes.Contains(r.body, []byte(before)) || bytes.Count(r.body, []byte(`"kid"`)) != 1 {
		t.Errorf("served JWKS changed: %s", r.body)
	}
	disk.on.Store(false)
	tok, err := s.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := Start(t, WithStateDir(dir))
	verify(t, s2.JWKS(), tok) // what was signed after the failure still verifies after a restart
}

// TestState_unwritableDirStopsStartup: a state directory that could be read but not written
// used to start, then acknowledge changes it never kept.
func TestState_unwritableDirStopsStartup(t *testing.T) {
	disk := &failingDisk{}
	disk.on.Store(true)
	_, err := newHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: t.TempDir(), SigningKey: testKeyPEM}, disk.sync)
	if !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "not writable") || !strings.Contains(err.Error(), "--ephemeral") {
		t.Fatalf("NewHandler on an unwritable disk = %v", err)
	}
	if os.Geteuid() == 0 {
		return // root writes through permissions; the failing disk above covers it
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if _, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir}); !errors.Is(err, ErrState) {
		t.Fatalf("NewHandler on a read-only directory = %v", err)
	}
}

// TestState_oneOwner: two instances on one state directory used to start with different
// keys and lose each other's registrations.
func TestState_oneOwner(t *testing.T) {
	dir := t.TempDir()
	h1, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir, ListenAddr: "127.0.0.1:9123"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir})
	if !errors.Is(err, ErrStateLocked) || !errors.Is(err, ErrState) {
		t.Fatalf("second owner = %v, want ErrStateLocked", err)
	}
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), "127.0.0.1:9123", dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if err := h1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := h1.RotateKey(false); !errors.Is(err, ErrClosed) {
		t.Errorf("RotateKey after Close = %v, want ErrClosed", err)
	}
	h2, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir})
	if err != nil {
		t.Fatalf("after the first owner closed: %v", err)
	}
	if h2.Info().ActiveKID != h1.Info().ActiveKID {
		t.Error("the next owner has another key")
	}
	_ = h2.Close()
}

// TestState_loadValidatedLikeInput: a hand-edited javascript: redirect URI used to be
// accepted and redirected to; duplicate kids and unknown versions were read silently.
func TestState_loadValidatedLikeInput(t *testing.T) {
	client := func(id, body string) string {
		return fmt.Sprintf(`{"version":1,"client":{"client_id":%q,"client_id_issued_at":1,%s}}`, id, body)
	}
	tests := []struct {
		name, file, content, want string
	}{
		{"javascript redirect", "clients/m2m_1.json", client("m2m_1", `"redirect_uris":["javascript:alert(1)"],"token_endpoint_auth_method":"none"`), "redirect_uri"},
		{"http redirect off loopback", "clients/m2m_1.json", client("m2m_1", `"redirect_uris":["http://evil.example/cb"],"token_endpoint_auth_method":"none"`), "loopback"},
		{"public client_credentials", "clients/m2m_1.json", client("m2m_1", `"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"`), "confidential"},
		{"confidential without secret", "clients/m2m_1.json", client("m2m_1", `"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"`), "client_secret"},
		{"id not the file name", "clients/m2m_1.json", client("m2m_2", `"grant_types":["client_credentials"],"client_secret":"x"`), "file name"},
		{"client version", "clients/m2m_1.json", `{"version":2,"client":{"client_id":"m2m_1"}}`, "version 2"},
		{"oversized name", "clients/m2m_1.json", client("m2m_1", `"grant_types":["client_credentials"],"client_secret":"x","client_name":"`+strings.Repeat("n", 3000)+`"`), "client_name"},
		{"keys version", keysFile, `{"version":2,"active_kid":"snk_1","keys":[]}`, "version 2"},
		{"legacy javascript redirect", legacyClientsFile, `{"version":1,"clients":[{"client_id":"m2m_1","metadata":{"redirect_uris":["javascript:alert(1)"],"token_endpoint_auth_method":"none"}}]}`, "redirect_uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, clientsDir), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Issuer: "http://127.0.0.1:9", StateDir: dir}
			if tt.file != keysFile {
				cfg.SigningKey = testKeyPEM
			}
			h, err := NewHandler(cfg)
			if !errors.Is(err, ErrState) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewHandler = %v, want ErrState naming %q", err, tt.want)
			}
			if h != nil {
				_ = h.Close()
			}
		})
	}

	// Duplicate kids: write a valid keys.json, then repeat its key.
	dir := t.TempDir()
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Close()
	var st keysState
	b, _ := os.ReadFile(filepath.Join(dir, keysFile))
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	st.Keys = append(st.Keys, st.Keys[0])
	b, _ = json.Marshal(st)
	if err := os.WriteFile(filepath.Join(dir, keysFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", StateDir: dir}); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("duplicate kids: %v", err)
	}
}

// TestState_staleTempFilesRemoved: kill -9 during a write used to leave temporary files
// holding client secrets that were never removed.
func TestState_staleTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".keys.json.tmp-123", "clients/.m2m_1.json.tmp-456", ".clients.trash-789/m2m_2.json"}
	for _, f := range stale {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(`{"client_secret":"leaked"}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := Start(t, WithStateDir(dir), WithSigningKey(testKeyPEM))
	for _, f := range append(stale, ".clients.trash-789") {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after start: %v", f, err)
		}
	}
	s.Close()
}

// TestState_legacyClientsMigrated: clients.json of earlier versions is read, every member
// kept, and rewritten as per-client files.
func TestState_legacyClientsMigrated(t *testing.T) {
	dir := t.TempDir()
	legacy := `{"version":1,"clients":[{"client_id":"m2m_12345678901234567","client_secret":"sec","client_name":"old",
	"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post","client_id_issued_at":5,
	"metadata":{"client_name":"old","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post","client_uri":"https://old.example"}}]}`
	if err := os.WriteFile(filepath.Join(dir, legacyClientsFile), []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Start(t, WithStateDir(dir), WithSigningKey(testKeyPEM))
	s.h.mu.Lock()
	rc := s.h.dynamic["m2m_12345678901234567"]
	s.h.mu.Unlock()
	if rc == nil || rc.Secret != "sec" || rc.ClientURI != "https://old.example" || rc.IssuedAt != 5 {
		t.Fatalf("migrated client: %+v", rc)
	}
	if _, err := os.Stat(filepath.Join(dir, legacyClientsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("clients.json kept after migration: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, clientsDir, "m2m_12345678901234567.json")); err != nil {
		t.Errorf("no per-client file: %v", err)
	}
}

// TestRegister_limits: registration had no size limits (200 registrations with 1 MiB names
// gave a 420 MB state file and 4.7 GB RSS); each field was stored twice and logged whole.
func TestRegister_limits(t *testing.T) {
	var logs bytes.Buffer
	dir := t.TempDir()
	s := start(t, WithStateDir(dir), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
		func(c *Config) { c.Limits.MaxClients = 2 })
	reg := s.URL + "/resource-server/oauth/register"
	uris := make([]string, 17)
	for i := range uris {
		uris[i] = fmt.Sprintf(`"https://a.example/cb%d"`, i)
	}
	for name, body := range map[string]string{
		"long name":   `{"grant_types":["client_credentials"],"client_name":"` + strings.Repeat("n", 2049) + `"}`,
		"long uri":    `{"redirect_uris":["https://a.example/` + strings.Repeat("p", 2049) + `"]}`,
		"17 uris":     `{"redirect_uris":[` + strings.Join(uris, ",") + `]}`,
		"big body":    `{"grant_types":["client_credentials"],"x":"` + strings.Repeat("x", 9000) + `"}`,
		"17 contacts": `{"grant_types":["client_credentials"],"contacts":[` + strings.Repeat(`"a@b.example",`, 16) + `"a@b.example"]}`,
	} {
		r := postJSON(t, reg, body)
		if r.status != 400 || r.json["error"] != string(CodeInvalidClientMetadata) || !strings.Contains(r.json["error_description"].(string), "limits.") {
			t.Errorf("%s: %d %.200s", name, r.status, r.body)
		}
	}
	name := "a-distinct-client-name-" + strings.Repeat("z", 1000)
	var id string
	for range 2 {
		r := postJSON(t, reg, `{"grant_types":["client_credentials"],"client_name":"`+name+`"}`)
		if r.status != 201 {
			t.Fatalf("registration within limits: %d %s", r.status, r.body)
		}
		id = r.json["client_id"].(string)
	}
	if r := postJSON(t, reg, registerBody); r.status != 400 || !strings.Contains(string(r.body), "max_clients") {
		t.Errorf("registration past max_clients: %d %s", r.status, r.body)
	}
	b, err := os.ReadFile(filepath.Join(dir, clientsDir, id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), name); n != 1 {
		t.Errorf("client_name stored %d times in the state file", n)
	}
	if strings.Contains(logs.String(), name) {
		t.Error("the audit line logs the client_name itself")
	}
	if !strings.Contains(logs.String(), `"client_name_bytes":1023`) {
		t.Errorf("the audit line does not log the name's size: %s", logs.String())
	}
}
