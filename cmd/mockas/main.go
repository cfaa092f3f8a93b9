// Command mockas runs the offline mock Scalekit authorization server of package mockas as a
// standalone process, so any MCP server (Node, Python, Go…) can trust it through
// SCALEKIT_ENVIRONMENT_URL.
//
// Usage:
//
//	mockas [--addr 127.0.0.1:9000] [--issuer URL] [--config FILE] [--key FILE]
//	       [--state DIR | --ephemeral] [--no-control] [--log-level LEVEL]
//
// It prints one line on stdout when it is ready ("mockas: serving http://127.0.0.1:9000"),
// writes JSON log lines (audit events such as oauth_token_request) on stderr, and shuts down
// gracefully on SIGINT or SIGTERM.
//
// Exit codes: 0 after a graceful shutdown (or -h, --version), 1 on a runtime failure (the
// address is in use, the state directory cannot be read or written, shutdown timed out),
// 2 on a usage error (bad flag, unreadable or invalid config file, invalid key file).
//
// The command maps flags and the config file to mockas.Config and serves mockas.NewHandler;
// it holds no business logic. See docs/mockas.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0 // graceful shutdown, -h, --version
	exitFailure = 1 // runtime failure: listen, state directory, shutdown timeout
	exitUsage   = 2 // bad flags, bad config or key file, invalid configuration
)

func main() {
	slots := 0 // mockas.Config.SigningSlots; 0: GOMAXPROCS
	if os.Getenv("GOMAXPROCS") == "" {
		// One P more than the CPUs, and one signing slot per CPU: a P is always free to read
		// and write the network while the others sign (mockas/signgate.go).
		slots = runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(slots + 1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &environment{
		stdout:        os.Stdout,
		stderr:        os.Stderr,
		userConfigDir: os.UserConfigDir,
		signingSlots:  slots,
	}
	code := env.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
