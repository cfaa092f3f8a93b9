package mockas

// This file persists what users depend on across restarts in Config.StateDir: the signing
// keys (keys.json) and the dynamically registered clients (one file per client in
// clients/, so a registration writes one small file whatever the number of clients).
//
// Rules, in the order they matter:
//   - One owner: the process holds an exclusive lock on StateDir/lock for its lifetime
//     (lock_flock.go); a second one is refused with the holder's pid and address.
//   - Durable acknowledgements: a change is on disk (temporary file, fsync, rename, fsync of
//     the directory) before memory changes and before the client is answered; a failed
//     write fails the request and leaves memory as it was.
//   - State read back is validated like input: unknown format versions, duplicate kids,
//     redirect URIs the registration endpoint would refuse are errors at start.
//   - Temporary files a crash left behind are removed at start.

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	keysFile    = "keys.json"
	clientsDir  = "clients"
	lockFile    = "lock"
	stateFormat = 1
	// legacyClientsFile is where mockas before per-client files kept every client; it is
	// read at start, rewritten as per-client files, then removed.
	legacyClientsFile = "clients.json"
	// tmpMarker is in the name of every temporary file (".NAME.tmp-RANDOM").
	tmpMarker = ".tmp-"
	// trashPrefix names a clients directory set aside by Reset, removed right after or at
	// the next start.
	trashPrefix = ".clients.trash-"
)

// keysState is the content of keys.json.
type keysState struct {
	Version   int        `json:"version"`
	ActiveKID string     `json:"active_kid"`
	Keys      []keyState `json:"keys"`
}

// keyState is one persisted key: kid and PKCS#8 PEM.
type keyState struct {
	KID        string `json:"kid"`
	PrivateKey string `json:"private_key"`
}

// clientFileState is the content of clients/<client_id>.json.
type clientFileState struct {
	Version int               `json:"version"`
	Client  *registeredClient `json:"client"`
}

// legacyClientsState is the content of the old clients.json.
type legacyClientsState struct {
	Version int `json:"version"`
	Clients []struct {
		registeredClient
		Metadata json.RawMessage `json:"metadata"`
	} `json:"clients"`
}

// lockOwner is written into the lock file by its holder, for a refused process to name.
type lockOwner struct {
	PID     int       `json:"pid"`
	Addr    string    `json:"addr,omitempty"`
	Issuer  string    `json:"issuer,omitempty"`
	Started time.Time `json:"started"`
}

// stateStore is a state directory owned by this process.
type stateStore struct {
	dir  string
	lock *os.File
	// sync flushes a written file to stable storage: (*os.File).Sync, replaced in tests
	// to simulate a disk that fails.
	sync func(*os.File) error
}

// openStore takes ownership of dir: creates it, locks it, checks that it can be written,
// and removes what a crash left behind.
func openStore(dir string, owner lockOwner, sync func(*os.File) error) (*stateStore, error) {
	if sync == nil {
		sync = (*os.File).Sync
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w %s cannot be created: %w (fix it or run with --ephemeral)", ErrState, dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w %s is not writable: %w (fix its permissions or run with --ephemeral)", ErrState, dir, err)
	}
	if err := lockFileExclusive(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errLockHeld) {
			return nil, fmt.Errorf("%w: %s is in use by %s; stop it or pass another --state", ErrStateLocked, dir, describeOwner(dir))
		}
		return nil, fmt.Errorf("%w %s: lock: %w", ErrState, dir, err)
	}
	s := &stateStore{dir: dir, lock: f, sync: sync}
	if err := s.claim(owner); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// claim records the owner in the lock file, proves the directory writable with a synced
// probe file, and removes stale temporary files and set-aside client directories.
func (s *stateStore) claim(owner lockOwner) error {
	b, _ := json.Marshal(owner)
	err := s.lock.Truncate(0)
	if err == nil {
		_, err = s.lock.WriteAt(append(b, '\n'), 0)
	}
	if err != nil {
		return fmt.Errorf("%w %s is not writable: %w (fix its permissions or run with --ephemeral)", ErrState, s.dir, err)
	}
	if err := s.cleanStale(); err != nil {
		return err
	}
	const probe = ".write-probe"
	if err := s.writeFileAtomic(s.dir, probe, []byte("mockas\n")); err != nil {
		return fmt.Errorf("%w %s is not writable: %w (fix its permissions or run with --ephemeral)", ErrState, s.dir, err)
	}
	if err := os.Remove(filepath.Join(s.dir, probe)); err != nil {
		return fmt.Errorf("%w %s: remove %s: %w", ErrState, s.dir, probe, err)
	}
	return nil
}

// cleanStale removes temporary files and trashed client directories left by a crash.
// Only the owner calls it, so no live write is disturbed.
func (s *stateStore) cleanStale() error {
	for _, d := range []string{s.dir, filepath.Join(s.dir, clientsDir)} {
		entries, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrState, err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") && (strings.Contains(name, tmpMarker) || strings.HasPrefix(name, trashPrefix)) {
				if err := os.RemoveAll(filepath.Join(d, name)); err != nil {
					return fmt.Errorf("%w: remove stale %s: %w", ErrState, name, err)
				}
			}
		}
	}
	return nil
}

// close releases the lock. The lock file stays: removing it would let a third process lock
// a new file while a second still waits on the old one.
func (s *stateStore) close() {
	if s == nil || s.lock == nil {
		return
	}
	_ = unlockFile(s.lock)
	_ = s.lock.Close()
	s.lock = nil
}

// describeOwner names the holder of dir's lock from what it wrote in the lock file.
func describeOwner(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, lockFile))
	var o lockOwner
	if err != nil || json.Unmarshal(b, &o) != nil || o.PID == 0 {
		return "another mockas process"
	}
	where := o.Addr
	if where == "" {
		where = o.Issuer
	}
	if where == "" {
		return fmt.Sprintf("mockas pid %d", o.PID)
	}
	return fmt.Sprintf("mockas pid %d (listening on %s)", o.PID, where)
}

// readKeys loads keys.json into a new keyring; it returns nil when the file does not exist.
func (s *stateStore) readKeys() (*keyring, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, keysFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	var st keysState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrState, keysFile, err)
	}
	if st.Version != stateFormat {
		return nil, fmt.Errorf("%w: %s: format version %d is not one this mockas reads (%d); it was written by another mockas version", ErrState, keysFile, st.Version, stateFormat)
	}
	k := &keyring{}
	seen := map[string]bool{}
	for i, ks := range st.Keys {
		if ks.KID == "" || seen[ks.KID] {
			return nil, fmt.Errorf("%w: %s: keys[%d]: kid %q is empty or used twice; every published key needs its own kid", ErrState, keysFile, i, ks.KID)
		}
		seen[ks.KID] = true
		priv, err := parseRSAPrivatePEM([]byte(ks.PrivateKey))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: keys[%d]: %w", ErrState, keysFile, i, err)
		}
		sk, err := newSigningKey(ks.KID, priv)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: keys[%d]: %w", ErrState, keysFile, i, err)
		}
		k.published = append(k.published, sk)
		if ks.KID == st.ActiveKID {
			k.active = sk
		}
	}
	if k.active == nil {
		return nil, fmt.Errorf("%w: %s: active_kid %q is not among the keys", ErrState, keysFile, st.ActiveKID)
	}
	return k, k.reencode()
}

// writeKeys writes the published keys and the active kid of k to keys.json.
func (s *stateStore) writeKeys(k *keyring) error {
	st := keysState{Version: stateFormat, ActiveKID: k.active.kid}
	for _, sk := range k.published {
		der, err := x509.MarshalPKCS8PrivateKey(sk.priv)
		if err != nil {
			return fmt.Errorf("%w: encode key %s: %w", ErrState, sk.kid, err)
		}
		st.Keys = append(st.Keys, keyState{KID: sk.kid, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))})
	}
	return s.writeJSON(s.dir, keysFile, st)
}

// readClients loads every client file, validated like a registration, oldest first. It
// migrates a legacy clients.json to per-client files first.
func (s *stateStore) readClients(l Limits) ([]*registeredClient, error) {
	if err := s.migrateLegacy(l); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.dir, clientsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	out := make([]*registeredClient, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		rel := filepath.Join(clientsDir, name)
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrState, err)
		}
		var st clientFileState
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrState, rel, err)
		}
		if st.Version != stateFormat {
			return nil, fmt.Errorf("%w: %s: format version %d is not one this mockas reads (%d)", ErrState, rel, st.Version, stateFormat)
		}
		if st.Client == nil || st.Client.ID+".json" != name {
			return nil, fmt.Errorf("%w: %s: the client_id must match the file name", ErrState, rel)
		}
		if err := st.Client.validate(l); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrState, rel, err)
		}
		out = append(out, st.Client)
	}
	slices.SortStableFunc(out, func(a, b *registeredClient) int {
		if a.IssuedAt != b.IssuedAt {
			return int(a.IssuedAt - b.IssuedAt)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// migrateLegacy rewrites a legacy clients.json as per-client files, then removes it.
func (s *stateStore) migrateLegacy(l Limits) error {
	b, err := os.ReadFile(filepath.Join(s.dir, legacyClientsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	var st legacyClientsState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrState, legacyClientsFile, err)
	}
	if st.Version != stateFormat {
		return fmt.Errorf("%w: %s: format version %d is not one this mockas reads (%d)", ErrState, legacyClientsFile, st.Version, stateFormat)
	}
	for i := range st.Clients {
		rc := st.Clients[i].registeredClient
		if len(st.Clients[i].Metadata) > 0 {
			// The metadata echoed at registration holds every registered member.
			if err := json.Unmarshal(st.Clients[i].Metadata, &rc.registrationRequest); err != nil {
				return fmt.Errorf("%w: %s: clients[%d].metadata: %w", ErrState, legacyClientsFile, i, err)
			}
		}
		if err := rc.validate(l); err != nil {
			return fmt.Errorf("%w: %s: clients[%d]: %w", ErrState, legacyClientsFile, i, err)
		}
		if err := s.writeClient(&rc); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(s.dir, legacyClientsFile)); err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	return s.syncDir(s.dir)
}

// writeClient writes clients/<client_id>.json.
func (s *stateStore) writeClient(rc *registeredClient) error {
	return s.writeJSON(filepath.Join(s.dir, clientsDir), rc.ID+".json", clientFileState{Version: stateFormat, Client: rc})
}

// resetClients forgets every registered client on disk at once: the clients directory is
// renamed aside (atomic), the rename made durable, then the set-aside copy removed.
func (s *stateStore) resetClients() error {
	dir := filepath.Join(s.dir, clientsDir)
	trash := filepath.Join(s.dir, trashPrefix+randomDigits(8))
	if err := os.Rename(dir, trash); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: set aside %s: %w", ErrState, clientsDir, err)
	}
	if err := os.Remove(filepath.Join(s.dir, legacyClientsFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	if err := s.syncDir(s.dir); err != nil {
		return err
	}
	_ = os.RemoveAll(trash) // what is left is removed at the next start
	return nil
}

// writeJSON encodes v and writes it atomically to dir/name with mode 0600.
func (s *stateStore) writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: encode %s: %w", ErrState, name, err)
	}
	if err := s.writeFileAtomic(dir, name, b); err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	return nil
}

// writeFileAtomic writes data to dir/name through a synced temporary file, a rename and a
// sync of the directory, so after a crash the file is either old or new, never torn, and
// once it returns nil the new content survives a power cut.
func (s *stateStore) writeFileAtomic(dir, name string, data []byte) (err error) {
	if s.lock == nil {
		return ErrClosed // the directory may have another owner now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+name+tmpMarker+"*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := s.sync(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	return s.syncDir(dir)
}

// syncDir makes renames and removals in dir durable. Platforms that cannot sync a
// directory (Windows) report an error that is ignored: there the rename is what they offer.
func (s *stateStore) syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("%w: open %s: %w", ErrState, dir, err)
	}
	defer d.Close()
	if err := s.sync(d); err != nil && !dirSyncUnsupported {
		return fmt.Errorf("%w: sync %s: %w", ErrState, dir, err)
	}
	return nil
}

// loadKeys fills h.keys from Config.SigningKey, the state directory, or a new key (saved
// to the state directory when there is one). Called only from NewHandler.
func (h *Handler) loadKeys() error {
	if h.cfg.SigningKey != "" {
		sk, err := parseSigningKey(h.cfg.SigningKey)
		if err != nil {
			return fmt.Errorf("signing_key: %w", err)
		}
		return h.keys.add(sk)
	}
	if h.store != nil {
		k, err := h.store.readKeys()
		if err != nil {
			return err
		}
		if k != nil {
			h.keys.published, h.keys.active, h.keys.jwksJSON = k.published, k.active, k.jwksJSON
			return nil
		}
	}
	sk, err := generateSigningKey()
	if err != nil {
		return err
	}
	if err := h.keys.add(sk); err != nil {
		return err
	}
	return h.persistKeys(&h.keys)
}

// persistKeys writes k to keys.json: a no-op without a state directory or with a
// configured SigningKey, which is the source of truth then.
func (h *Handler) persistKeys(k *keyring) error {
	if h.store == nil || h.cfg.SigningKey != "" {
		return nil
	}
	return h.store.writeKeys(k)
}

// changeKeys is the one way the published keys change after start. It applies change to
// a copy of the published keys and the active key, writes the result to keys.json, and
// only then installs it, so a failed write leaves the keys that sign and the JWKS exactly
// as they were. Key operations (rotate, retire, and any new one such as publishing a key
// without activating it) call it with their change.
func (h *Handler) changeKeys(change func(k *keyring) error) error {
	h.stateMu.RLock() // the store stays open meanwhile
	defer h.stateMu.RUnlock()
	h.keysMu.Lock()
	defer h.keysMu.Unlock()
	h.mu.Lock()
	next := keyring{published: slices.Clone(h.keys.published), active: h.keys.active, retired: slices.Clone(h.keys.retired)}
	h.mu.Unlock()
	if err := change(&next); err != nil {
		return err
	}
	if err := next.reencode(); err != nil {
		return err
	}
	if err := h.persistKeys(&next); err != nil {
		return err
	}
	h.mu.Lock()
	h.keys.published, h.keys.active, h.keys.jwksJSON, h.keys.retired = next.published, next.active, next.jwksJSON, next.retired
	h.mu.Unlock()
	return nil
}

// loadClients loads the registered clients into h.dynamic. Called only from NewHandler.
func (h *Handler) loadClients() error {
	if h.store == nil {
		return nil
	}
	cs, err := h.store.readClients(h.cfg.Limits)
	if err != nil {
		return err
	}
	for _, rc := range cs {
		if _, dup := h.static[rc.ID]; dup {
			continue // a pre-registered client of the same id wins
		}
		h.dynamic[rc.ID] = rc
		h.dynOrder = append(h.dynOrder, rc.ID)
	}
	return nil
}

// Close releases the state directory, so another process (or Handler) may own it. The
// handler keeps serving from memory, but a change that must be persisted (a registration,
// a key rotation) fails with ErrClosed from then on. A Handler without a state directory
// has nothing to release. Server.Close calls it; it is safe to call more than once.
func (h *Handler) Close() error {
	h.stateMu.Lock()
	defer h.stateMu.Unlock()
	h.store.close()
	return nil
}
