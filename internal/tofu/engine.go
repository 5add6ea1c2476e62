// Package tofu runs OpenTofu or Terraform: finding the engine, running its
// processes with interrupts forwarded, and reading its -json message stream.
package tofu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Engine is an OpenTofu or Terraform executable.
type Engine struct {
	Name    string // "tofu" or "terraform"
	Path    string
	Version string
}

// IsTofu reports whether the engine is OpenTofu.
func (e *Engine) IsTofu() bool { return e.Name == "tofu" }

var minVersion = map[string][2]int{"tofu": {1, 6}, "terraform": {1, 5}}

// Find locates the engine named name ("tofu" or "terraform"), or when name is
// empty tofu if it is on PATH and terraform otherwise, and checks its version.
func Find(ctx context.Context, name string) (*Engine, error) {
	candidates := []string{"tofu", "terraform"}
	switch name {
	case "":
	case "tofu", "terraform":
		candidates = []string{name}
	default:
		return nil, fmt.Errorf("unknown engine %q: use tofu or terraform", name)
	}
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		e := &Engine{Name: c, Path: p}
		if err := e.readVersion(ctx); err != nil {
			return nil, err
		}
		return e, nil
	}
	if name == "terraform" {
		return nil, errors.New("terraform not found on PATH: install Terraform >= 1.5, or use --engine tofu")
	}
	return nil, errors.New("neither tofu nor terraform found on PATH: install OpenTofu >= 1.6 (https://opentofu.org/docs/intro/install/) or run scripts/bootstrap")
}

func (e *Engine) readVersion(ctx context.Context) error {
	e.Version = cachedVersion(e.Path)
	if e.Version == "" {
		out, err := exec.CommandContext(ctx, e.Path, "version", "-json").Output()
		if err != nil {
			return fmt.Errorf("%s version: %v", e.Path, err)
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
			return fmt.Errorf("%s version -json: unexpected output %q", e.Path, firstLine(string(out)))
		}
		e.Version = v.Version
		rememberVersion(e.Path, e.Version)
	}
	major, minor := parseVersion(e.Version)
	min := minVersion[e.Name]
	if major < min[0] || (major == min[0] && minor < min[1]) {
		return fmt.Errorf("%s %s at %s is too old: clan-terranix needs %s >= %d.%d", e.Name, e.Version, e.Path, e.Name, min[0], min[1])
	}
	return nil
}

func parseVersion(v string) (major, minor int) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) >= 2 {
		major, _ = strconv.Atoi(parts[0])
		minor, _ = strconv.Atoi(parts[1])
	}
	return major, minor
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
