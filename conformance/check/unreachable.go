package check

// This file classifies the errors of an outbound request: no HTTP answer at all (the
// exit-2 case of the commands) versus an answer the checks judge.

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// IsUnreachable reports whether err is a failure to get an HTTP answer: ErrUnreachable,
// refused, reset, unresolvable host, network unreachable, a timeout, or a peer that does not
// speak HTTP.
func IsUnreachable(err error) bool {
	if errors.Is(err, ErrUnreachable) {
		return true
	}
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &opErr), errors.As(err, &dnsErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	}
	return false
}

// isDialFailure reports whether err is a failure to open a connection (refused, no route,
// unresolvable): the request was never sent.
func isDialFailure(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}
