package main

// This file builds the mockas.Config the process serves: the config file (YAML or JSON,
// unknown keys rejected), then the flags on top, then the default state directory.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// stateDirName is the directory under the user config directory that holds the default state.
const stateDirName = "mockas"

// buildConfig returns the configuration o describes: file, then flags, then defaults.
// userConfigDir is os.UserConfigDir in production. Every error wraps errUsage.
func buildConfig(o options, userConfigDir func() (string, error)) (mockas.Config, error) {
	var cfg mockas.Config
	if o.configFile != "" {
		c, err := loadConfigFile(o.configFile)
		if err != nil {
			return cfg, fmt.Errorf("%w: config file %s: %w", errUsage, o.configFile, err)
		}
		cfg = c
	}
	if o.set["issuer"] {
		cfg.Issuer = o.issuer
	}
	if o.keyFile != "" {
		b, err := os.ReadFile(o.keyFile)
		if err != nil {
			return cfg, fmt.Errorf("%w: --key: %w", errUsage, err)
		}
		cfg.SigningKey = string(b)
	}
	if o.noControl {
		cfg.DisableControl = true
	}
	if o.loginPage {
		cfg.LoginPage = true
	}

	switch {
	case o.ephemeral:
		cfg.StateDir = ""
	case o.set["state"]:
		cfg.StateDir = o.stateDir
	case cfg.StateDir != "":
		// From the file; a relative path is relative to the file's directory.
		if !filepath.IsAbs(cfg.StateDir) {
			cfg.StateDir = filepath.Join(filepath.Dir(o.configFile), cfg.StateDir)
		}
	default:
		dir, err := userConfigDir()
		if err != nil {
			return cfg, fmt.Errorf("%w: no default state directory (%w); pass --state DIR or --ephemeral", errUsage, err)
		}
		cfg.StateDir = filepath.Join(dir, stateDirName)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	return cfg, nil
}

// loadConfigFile decodes a YAML or JSON (by the .json extension) file into a Config,
// rejecting unknown keys so a typo is an error rather than a silently ignored setting.
func loadConfigFile(path string) (mockas.Config, error) {
	var cfg mockas.Config
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read: %w", err)
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return cfg, decodeJSON(b, &cfg)
	}
	return cfg, decodeYAML(b, &cfg)
}

// decodeJSON decodes exactly one JSON object with no unknown fields.
func decodeJSON(b []byte, cfg *mockas.Config) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("JSON: trailing data after the object")
	}
	return nil
}

// decodeYAML decodes one YAML document with no unknown fields. An empty file is the zero
// Config. Durations are Go duration strings ("10m"), read through mockas.Duration's
// UnmarshalText.
func decodeYAML(b []byte, cfg *mockas.Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("YAML: %w", err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("YAML: more than one document")
	}
	return nil
}
