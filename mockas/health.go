package mockas

// This file serves GET ENV/health in the shape of the health check in Scalekit's MCP guide:
// {"status":"healthy","timestamp":…,"services":{…}}.

import (
	"net/http"
	"time"
)

// Health is the body of GET /health.
type Health struct {
	// Status is "healthy" or "degraded".
	Status string `json:"status"`
	// Timestamp is the instance clock, RFC 3339.
	Timestamp string `json:"timestamp"`
	// Services reports each part of the mock.
	Services map[string]string `json:"services"`
}

// serveHealth reports whether the instance can sign and serve keys.
func (h *Handler) serveHealth(w http.ResponseWriter, _ *http.Request, _ *request) {
	h.mu.Lock()
	keysOK := h.keys.active != nil && len(h.keys.published) > 0
	h.mu.Unlock()
	hl := Health{
		Status: "healthy", Timestamp: h.Now().UTC().Format(time.RFC3339Nano),
		Services: map[string]string{"oauth_server": "healthy", "signing_keys": "healthy"},
	}
	status := http.StatusOK
	if !keysOK {
		hl.Status, hl.Services["signing_keys"] = "degraded", "unhealthy"
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, hl)
}
