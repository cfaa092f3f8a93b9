package main

// This file runs the process: parse, build the config, listen, serve mockas.NewHandler,
// announce readiness on stdout, and shut down gracefully when the context ends.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// environment is what the process runs with; tests build their own.
type environment struct {
	stdout io.Writer
	stderr io.Writer
	// userConfigDir locates the default state directory (os.UserConfigDir).
	userConfigDir func() (string, error)
	// signingSlots is mockas.Config.SigningSlots: main sets it to the CPUs when it runs one P
	// more than that for the network; 0 (tests): GOMAXPROCS.
	signingSlots int
}

// run is the whole command; it returns the exit code. ctx ends on SIGINT or SIGTERM.
func (e *environment) run(ctx context.Context, args []string) int {
	o, err := parseFlags(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(e.stdout)
		return exitOK
	case err != nil:
		fmt.Fprintf(e.stderr, "mockas: %v\nRun \"mockas -h\" for the flags.\n", err)
		return exitUsage
	case o.version:
		fmt.Fprintf(e.stdout, "mockas %s\n", version())
		return exitOK
	}
	cfg, err := buildConfig(o, e.userConfigDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "mockas: %v\n", err)
		return exitUsage
	}
	logger := newLogger(e.stderr, o.logFormat, o.logLevel)
	cfg.Logger = logger
	return e.serve(ctx, o, cfg, logger)
}

// serve listens, serves until ctx ends, then shuts down within o.shutdownTimeout.
func (e *environment) serve(ctx context.Context, o options, cfg mockas.Config, logger *slog.Logger) int {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "mockas: cannot listen on %s: %v\n", o.addr, err)
		return exitFailure
	}
	listenURL := "http://" + issuerHost(o.addr, ln.Addr())
	if cfg.Issuer == "" {
		cfg.Issuer = listenURL
	}
	cfg.ListenAddr = ln.Addr().String()
	cfg.SigningSlots = e.signingSlots
	h, err := mockas.NewHandler(cfg)
	if err != nil {
		_ = ln.Close()
		// The library's errors already start with "mockas: ".
		fmt.Fprintf(e.stderr, "mockas: %s\n", strings.TrimPrefix(err.Error(), "mockas: "))
		if errors.Is(err, mockas.ErrInvalidConfig) || errors.Is(err, mockas.ErrIssuerRequired) {
			return exitUsage
		}
		return exitFailure
	}
	defer h.Close() // releases the state directory's lock after the last request
	srv := h.HTTPServer()
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if cfg.Issuer == listenURL {
		fmt.Fprintf(e.stdout, "mockas: serving %s\n", cfg.Issuer)
	} else {
		fmt.Fprintf(e.stdout, "mockas: serving %s (listening on %s)\n", cfg.Issuer, ln.Addr())
	}
	info := h.Info()
	logger.Info("mockas_started", slog.String("event", "mockas_started"), slog.String("issuer", cfg.Issuer),
		slog.String("addr", ln.Addr().String()), slog.String("state_dir", cfg.StateDir),
		slog.Bool("control_plane", !cfg.DisableControl), slog.String("active_kid", info.ActiveKID),
		slog.Any("resources", info.Resources), slog.Any("clients", info.Clients), slog.String("version", version()))

	select {
	case err := <-served:
		fmt.Fprintf(e.stderr, "mockas: serve: %v\n", err)
		return exitFailure
	case <-ctx.Done():
	}
	logger.Info("mockas_stopping", slog.String("event", "mockas_stopping"), slog.String("timeout", o.shutdownTimeout.String()))
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		fmt.Fprintf(e.stderr, "mockas: shutdown: %v\n", err)
		return exitFailure
	}
	logger.Info("mockas_stopped", slog.String("event", "mockas_stopped"))
	return exitOK
}

// newLogger writes to w in format ("text", "json", or "" for text on a terminal and JSON
// otherwise, so a developer reads lines and a pipeline parses them).
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	if format == "" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// issuerHost is the host:port of the default issuer: the host given in --addr (a name such
// as localhost is kept as typed) with the port actually bound; an unspecified host (":9000",
// "0.0.0.0:9000", "[::]:9000") becomes 127.0.0.1, since no client can use it as a URL.
func issuerHost(addr string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(addr)
	_, port, perr := net.SplitHostPort(bound.String())
	if err != nil || perr != nil {
		return bound.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// version is the module version of the binary, or "(devel)" with the VCS revision when built
// from a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 && v == "(devel)" {
			v += " " + s.Value[:12]
		}
	}
	return v
}
