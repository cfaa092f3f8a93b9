package mockas

// This file implements fault injection: per-endpoint queues of deliberate misbehaviour
// (status codes, OAuth errors, latency, malformed bodies, a 200 carrying an error), used to
// test how clients and resource servers cope with a misbehaving authorization server.

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// queuedFault is a Fault with the number of requests it still applies to (-1: until cleared).
type queuedFault struct {
	Fault
	remaining int
}

// newQueuedFault applies Count's defaults.
func newQueuedFault(f Fault) *queuedFault {
	n := f.Count
	if n == 0 {
		n = 1
	}
	return &queuedFault{Fault: f, remaining: n}
}

// QueueFault queues f for its endpoint; faults for one endpoint apply in queue order. An
// invalid fault (unknown endpoint, bad status) is logged and dropped.
func (h *Handler) QueueFault(f Fault) {
	if err := validateFault(f); err != nil {
		h.log.Error("fault_rejected", slog.String("event", "fault_rejected"), slog.String("error", err.Error()))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = append(h.faults, newQueuedFault(f))
}

// ClearFaults drops every queued fault.
func (h *Handler) ClearFaults() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = nil
}

// Faults returns the queued faults, Count holding the requests each still applies to.
func (h *Handler) Faults() []Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Fault, 0, len(h.faults))
	for _, q := range h.faults {
		f := q.Fault
		f.Count = q.remaining
		out = append(out, f)
	}
	return out
}

// takeFault pops one use of the first fault queued for endpoint.
func (h *Handler) takeFault(endpoint string) *Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, q := range h.faults {
		if q.Endpoint != endpoint {
			continue
		}
		f := q.Fault
		if q.remaining > 0 {
			q.remaining--
			if q.remaining == 0 {
				h.faults = append(h.faults[:i:i], h.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// latencyOnly reports whether f only delays the response.
func latencyOnly(f *Fault) bool {
	return f.Status == 0 && f.Error == "" && !f.ErrorIn200 && f.Body == ""
}

// applyFault delays, then writes the fault's response. It reports whether the response was
// written (false: serve normally).
func (h *Handler) applyFault(w *statusWriter, r *http.Request, f *Fault) bool {
	if f.Latency > 0 {
		t := time.NewTimer(time.Duration(f.Latency))
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true // the client went away; nothing to answer
		}
	}
	if latencyOnly(f) {
		return false
	}
	status := f.Status
	switch {
	case f.ErrorIn200:
		status = http.StatusOK
	case status == 0 && f.Error != "":
		status = http.StatusBadRequest
	case status == 0:
		status = http.StatusInternalServerError
	}
	if f.Body != "" {
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	code := ErrorCode(f.Error)
	if code == "" {
		code = defaultFaultCode(status)
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	w.errCode = string(code)
	b, _ := json.Marshal(Error{Code: code, Description: orDefault(f.Description, "injected by mockas")})
	w.Header().Set("Cache-Control", "no-store")
	writeRawJSON(w, status, b)
	return true
}

// defaultFaultCode picks an error code fitting a status-only fault.
func defaultFaultCode(status int) ErrorCode {
	switch {
	case status == http.StatusTooManyRequests:
		return CodeRateLimitExceeded
	case status == http.StatusServiceUnavailable:
		return CodeTemporarilyUnavailable
	case status >= 500:
		return CodeServerError
	case status == http.StatusUnauthorized:
		return CodeInvalidClient
	default:
		return CodeInvalidRequest
	}
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// joinSorted joins s sorted, with ", ".
func joinSorted(s []string) string {
	slices.Sort(s)
	return strings.Join(s, ", ")
}
