package mockas

// This file implements per-client rate limits on the token endpoint: a fixed window on the
// instance clock, answered with 429, Retry-After (RFC 9110 §10.2.3) and
// {"error":"rate_limit_exceeded",...} as Scalekit's guide shows.

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rateWindow counts one client's requests in the current window.
type rateWindow struct {
	start time.Time
	count int
}

// SetRateLimit sets (or with Requests <= 0 removes) the limit for rl.ClientID ("*" means
// every client, each counted separately). It restarts that client's window.
func (h *Handler) SetRateLimit(rl RateLimit) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rl.Requests <= 0 || rl.Per <= 0 {
		delete(h.limits, rl.ClientID)
	} else {
		h.limits[rl.ClientID] = rl
	}
	if rl.ClientID == "*" {
		h.windows = map[string]*rateWindow{}
	} else {
		delete(h.windows, rl.ClientID)
	}
}

// RateLimits returns the limits in force.
func (h *Handler) RateLimits() []RateLimit {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]RateLimit, 0, len(h.limits))
	for _, rl := range h.limits {
		out = append(out, rl)
	}
	return out
}

// allow counts one request of clientID at now; when over the limit it returns false and
// how long until the window resets.
func (h *Handler) allow(clientID string, now time.Time) (bool, time.Duration) {
	if clientID == "" {
		return true, 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rl, ok := h.limits[clientID]
	if !ok {
		if rl, ok = h.limits["*"]; !ok {
			return true, 0
		}
	}
	per := time.Duration(rl.Per)
	w := h.windows[clientID]
	if w == nil || now.Before(w.start) || now.Sub(w.start) >= per {
		if w == nil && len(h.windows) >= maxWindows {
			h.pruneWindowsLocked(now)
		}
		w = &rateWindow{start: now}
		// A copy: the id is often a substring of a request body that must not stay alive.
		h.windows[strings.Clone(clientID)] = w
	}
	if w.count >= rl.Requests {
		return false, w.start.Add(per).Sub(now)
	}
	w.count++
	return true, 0
}

// maxWindows is how many rate windows allow keeps before it drops the closed ones: "*"
// limits apply to any client_id a request names, known or not.
const maxWindows = 4096

// pruneWindowsLocked drops windows that have closed; if every window is still open (more
// than maxWindows distinct clients within one window), it drops them all, which only ever
// lets a client through early. Callers hold h.mu.
func (h *Handler) pruneWindowsLocked(now time.Time) {
	for id, w := range h.windows {
		rl, ok := h.limits[id]
		if !ok {
			rl = h.limits["*"]
		}
		if now.Before(w.start) || now.Sub(w.start) >= time.Duration(rl.Per) {
			delete(h.windows, id)
		}
	}
	if len(h.windows) >= maxWindows {
		clear(h.windows)
	}
}

// writeRateLimited answers 429.
func writeRateLimited(w http.ResponseWriter, retry time.Duration) {
	secs := int((retry + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, &Error{Code: CodeRateLimitExceeded, Description: "Too many requests from this client", Status: http.StatusTooManyRequests}, false)
}
