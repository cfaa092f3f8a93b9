package mockas

// This file persists what users depend on across restarts in Config.StateDir: the signing
// keys (keys.json) and the dynamically registered clients (clients.json). Every write goes
// to a temporary file in the same directory, is synced, then renamed over the old file, so
// a crash leaves either the old or the new file, never a torn one.

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	keysFile    = "keys.json"
	clientsFile = "clients.json"
	stateFormat = 1
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

// clientsState is the content of clients.json.
type clientsState struct {
	Version int                 `json:"version"`
	Clients []*registeredClient `json:"clients"`
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
	if h.cfg.StateDir != "" {
		ok, err := h.readKeys()
		if err != nil || ok {
			return err
		}
	}
	sk, err := generateSigningKey()
	if err != nil {
		return err
	}
	if err := h.keys.add(sk); err != nil {
		return err
	}
	return h.saveKeysLocked()
}

// readKeys loads keys.json; it reports false when the file does not exist.
func (h *Handler) readKeys() (bool, error) {
	b, err := os.ReadFile(filepath.Join(h.cfg.StateDir, keysFile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrState, err)
	}
	var st keysState
	if err := json.Unmarshal(b, &st); err != nil {
		return false, fmt.Errorf("%w: %s: %w", ErrState, keysFile, err)
	}
	var active *signingKey
	for i, ks := range st.Keys {
		priv, err := parseRSAPrivatePEM([]byte(ks.PrivateKey))
		if err != nil {
			return false, fmt.Errorf("%w: %s: keys[%d]: %w", ErrState, keysFile, i, err)
		}
		sk, err := newSigningKey(ks.KID, priv)
		if err != nil {
			return false, fmt.Errorf("%w: %s: keys[%d]: %w", ErrState, keysFile, i, err)
		}
		h.keys.published = append(h.keys.published, sk)
		if ks.KID == st.ActiveKID {
			active = sk
		}
	}
	if active == nil {
		return false, fmt.Errorf("%w: %s: active_kid %q is not among the keys", ErrState, keysFile, st.ActiveKID)
	}
	h.keys.active = active
	return true, h.keys.reencode()
}

// saveKeysLocked writes keys.json (no-op without a state directory or with a configured
// SigningKey, which is the source of truth then). Callers hold h.mu or own h.
func (h *Handler) saveKeysLocked() error {
	if h.cfg.StateDir == "" || h.cfg.SigningKey != "" {
		return nil
	}
	st := keysState{Version: stateFormat, ActiveKID: h.keys.active.kid}
	for _, sk := range h.keys.published {
		der, err := x509.MarshalPKCS8PrivateKey(sk.priv)
		if err != nil {
			return fmt.Errorf("%w: encode key %s: %w", ErrState, sk.kid, err)
		}
		st.Keys = append(st.Keys, keyState{KID: sk.kid, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))})
	}
	return writeStateFile(h.cfg.StateDir, keysFile, st)
}

// loadClients loads clients.json into h.dynamic. Called only from NewHandler.
func (h *Handler) loadClients() error {
	if h.cfg.StateDir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(h.cfg.StateDir, clientsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	var st clientsState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrState, clientsFile, err)
	}
	for i, rc := range st.Clients {
		if rc == nil || rc.ID == "" {
			return fmt.Errorf("%w: %s: clients[%d] has no client_id", ErrState, clientsFile, i)
		}
		if _, dup := h.static[rc.ID]; dup {
			continue // a pre-registered client of the same id wins
		}
		if _, dup := h.dynamic[rc.ID]; !dup {
			h.dynOrder = append(h.dynOrder, rc.ID)
		}
		h.dynamic[rc.ID] = rc
	}
	return nil
}

// saveClientsLocked writes clients.json. Callers hold h.mu.
func (h *Handler) saveClientsLocked() error {
	if h.cfg.StateDir == "" {
		return nil
	}
	st := clientsState{Version: stateFormat, Clients: make([]*registeredClient, 0, len(h.dynOrder))}
	for _, id := range h.dynOrder {
		st.Clients = append(st.Clients, h.dynamic[id])
	}
	return writeStateFile(h.cfg.StateDir, clientsFile, st)
}

// writeStateFile encodes v and writes it atomically to dir/name with mode 0600.
func writeStateFile(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: encode %s: %w", ErrState, name, err)
	}
	if err := writeFileAtomic(dir, name, b); err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	return nil
}

// writeFileAtomic writes data to dir/name through a synced temporary file and a rename.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
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
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable where the platform allows it
		_ = d.Close()
	}
	return nil
}
