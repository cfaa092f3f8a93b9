package check

// This file gives checks the mockas operations beyond minting that only a tester running the
// target's authorization server can use: publish a key the target has never seen and retire
// it again (key rotation), and inject faults (a degraded authorization server). Both minters
// implement them: an in-process mockas directly, a running one through its control plane
// (POST /_mockas/keys/publish, /_mockas/keys/retire, /_mockas/faults; see docs/mockas.md).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// ErrNoASControl reports a minter that cannot change the authorization server's state.
var ErrNoASControl = errors.New("the minter offers no mockas control plane")

// asController is implemented by minters that can change the mockas's keys and faults.
type asController interface {
	PublishKey(ctx context.Context) (string, error)
	RetireKey(ctx context.Context, kid string) error
	QueueFault(ctx context.Context, f mockas.Fault) error
	ClearFaults(ctx context.Context) error
	RevokeToken(ctx context.Context, token string) error
}

// asControl returns the run's controller, or ErrNoASControl.
func (c *C) asControl() (asController, error) {
	ac, ok := c.run.cfg.Minter.(asController)
	if !ok {
		return nil, ErrNoASControl
	}
	return ac, nil
}

// PublishKey has the mockas publish a new key without making it active (mint with it by
// setting TokenSpec.KeyID); every other check keeps minting with the active key. The error
// says why it could not (no control plane, or the control plane refused).
func (c *C) PublishKey(ctx context.Context) (string, error) {
	ac, err := c.asControl()
	if err != nil {
		return "", err
	}
	kid, err := ac.PublishKey(ctx)
	if err != nil {
		return "", fmt.Errorf("publish a key: %w", err)
	}
	return kid, nil
}

// RetireKey removes kid from the mockas's JWKS.
func (c *C) RetireKey(ctx context.Context, kid string) error {
	ac, err := c.asControl()
	if err != nil {
		return err
	}
	if err := ac.RetireKey(ctx, kid); err != nil {
		return fmt.Errorf("retire key %s: %w", kid, err)
	}
	return nil
}

// InjectFault queues a fault at the mockas; ClearFaults removes every queued fault. Only
// checks that run alone (NeedsQuietAS) may use them.
func (c *C) InjectFault(ctx context.Context, f mockas.Fault) error {
	ac, err := c.asControl()
	if err != nil {
		return err
	}
	if err := ac.QueueFault(ctx, f); err != nil {
		return fmt.Errorf("inject fault on %s: %w", f.Endpoint, err)
	}
	return nil
}

// ClearFaults removes every fault queued at the mockas.
func (c *C) ClearFaults(ctx context.Context) error {
	ac, err := c.asControl()
	if err != nil {
		return err
	}
	if err := ac.ClearFaults(ctx); err != nil {
		return fmt.Errorf("clear faults: %w", err)
	}
	return nil
}

// RevokeToken has the mockas revoke token as RFC 7009 revocation does (introspection then
// answers "active": false). Revoke only tokens minted for the calling check.
func (c *C) RevokeToken(ctx context.Context, token string) error {
	ac, err := c.asControl()
	if err != nil {
		return err
	}
	if err := ac.RevokeToken(ctx, token); err != nil {
		return fmt.Errorf("revoke a token: %w", err)
	}
	return nil
}

// ASRequestsSince returns the requests the mockas answered after capture sequence number
// since that the suite did not send — what the target (or another client of the mockas)
// asked the authorization server — and the last sequence number captured, to pass as since
// next time. The error says why the mockas's capture cannot be read (no cooperative mode, a
// mockas without a request log, a control plane that refused).
func (c *C) ASRequestsSince(ctx context.Context, since uint64) ([]mockas.RecordedRequest, uint64, error) {
	m := c.run.cfg.Minter
	if m == nil {
		return nil, since, ErrNoASControl
	}
	return targetASRequests(ctx, m, since)
}

// localAS is the part of an in-process mockas (Server or Handler) the controller uses.
type localAS interface {
	PublishKey() (string, error)
	RetireKey(kid string) error
	QueueFault(f mockas.Fault)
	ClearFaults()
}

func (m localMinter) local() (localAS, error) {
	l, ok := m.as.(localAS)
	if !ok {
		return nil, ErrNoASControl
	}
	return l, nil
}

// PublishKey implements asController.
func (m localMinter) PublishKey(ctx context.Context) (string, error) {
	l, err := m.local()
	if err != nil {
		return "", err
	}
	return l.PublishKey()
}

// RetireKey implements asController.
func (m localMinter) RetireKey(ctx context.Context, kid string) error {
	l, err := m.local()
	if err != nil {
		return err
	}
	return l.RetireKey(kid)
}

// QueueFault implements asController.
func (m localMinter) QueueFault(ctx context.Context, f mockas.Fault) error {
	l, err := m.local()
	if err != nil {
		return err
	}
	l.QueueFault(f)
	return nil
}

// ClearFaults implements asController.
func (m localMinter) ClearFaults(ctx context.Context) error {
	l, err := m.local()
	if err != nil {
		return err
	}
	l.ClearFaults()
	return nil
}

// RevokeToken implements asController.
func (m localMinter) RevokeToken(ctx context.Context, token string) error {
	r, ok := m.as.(interface {
		RevokeToken(string) (mockas.RevokedToken, error)
	})
	if !ok {
		return ErrNoASControl
	}
	_, err := r.RevokeToken(token)
	return err
}

// RevokeToken implements asController with POST /_mockas/tokens/revoke.
func (m *controlPlaneMinter) RevokeToken(ctx context.Context, token string) error {
	body, err := json.Marshal(map[string]string{"token": token})
	if err != nil {
		return err
	}
	var out mockas.RevokedToken
	return m.call(ctx, http.MethodPost, "/_mockas/tokens/revoke", body, &out)
}

// PublishKey implements asController with POST /_mockas/keys/publish.
func (m *controlPlaneMinter) PublishKey(ctx context.Context) (string, error) {
	var out struct {
		KID string `json:"kid"`
	}
	if err := m.call(ctx, http.MethodPost, "/_mockas/keys/publish", []byte("{}"), &out); err != nil {
		return "", err
	}
	if out.KID == "" {
		return "", errors.New("/_mockas/keys/publish answered without a kid")
	}
	return out.KID, nil
}

// RetireKey implements asController with POST /_mockas/keys/retire.
func (m *controlPlaneMinter) RetireKey(ctx context.Context, kid string) error {
	body, err := json.Marshal(map[string]string{"kid": kid})
	if err != nil {
		return err
	}
	var out map[string]any
	return m.call(ctx, http.MethodPost, "/_mockas/keys/retire", body, &out)
}

// QueueFault implements asController with POST /_mockas/faults (201 on success).
func (m *controlPlaneMinter) QueueFault(ctx context.Context, f mockas.Fault) error {
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	var out []mockas.Fault
	return m.callStatus(ctx, http.MethodPost, "/_mockas/faults", body, http.StatusCreated, &out)
}

// ClearFaults implements asController with DELETE /_mockas/faults (204).
func (m *controlPlaneMinter) ClearFaults(ctx context.Context) error {
	return m.callStatus(ctx, http.MethodDelete, "/_mockas/faults", nil, http.StatusNoContent, nil)
}

var (
	_ asController = localMinter{}
	_ asController = (*controlPlaneMinter)(nil)
)
