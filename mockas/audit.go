package mockas

// This file emits audit events through Config.Logger (log/slog), in the shape of
// Scalekit's guide ("Comprehensive Logging"): an event name plus client_id, grant_type,
// requested_scopes and success. Secrets and whole tokens are never logged; tokens are
// identified by their jti.

import (
	"context"
	"log/slog"
)

// audit logs one event at Info (success) or Warn (failure).
func (h *Handler) audit(event string, success bool, attrs ...slog.Attr) {
	level := slog.LevelInfo
	if !success {
		level = slog.LevelWarn
	}
	attrs = append([]slog.Attr{slog.String("event", event), slog.Bool("success", success)}, attrs...)
	h.log.LogAttrs(context.Background(), level, event, attrs...)
}

// auditToken logs an oauth_token_request event.
func (h *Handler) auditToken(clientID, grantType string, scopes []string, jti string, e *Error) {
	attrs := []slog.Attr{
		slog.String("client_id", clientID), slog.String("grant_type", grantType),
		slog.Any("requested_scopes", nonNil(scopes)),
	}
	if jti != "" {
		attrs = append(attrs, slog.String("jti", jti))
	}
	if e != nil {
		attrs = append(attrs, slog.String("error", string(e.Code)), slog.String("error_description", e.Description))
	}
	h.audit("oauth_token_request", e == nil, attrs...)
}

// nonNil returns s, or an empty slice for nil so JSON shows [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
