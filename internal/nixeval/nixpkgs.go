package nixeval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Where nixpkgs' lib came from (EvaluatorInfo.Source).
const (
	SourceFlag      = "--nixpkgs"
	SourceFlakeLock = "flake.lock"
	SourceNixPath   = "NIX_PATH"
	SourceFlake     = "flake"
)

// nixpkgsChoice is the nixpkgs whose lib evaluates a run: a directory, or a
// flake.lock node that Nix fetches itself (from the store when it is there).
type nixpkgsChoice struct {
	Path   string
	Locked map[string]any
	Source string
}

// args are the nix-instantiate arguments that hand the choice to eval.nix or
// render.nix; fetchTree needs the flakes feature in Nix 2.8.
func (c *nixpkgsChoice) args() []string {
	switch {
	case c == nil:
		return nil
	case c.Locked != nil:
		data, _ := json.Marshal(c.Locked)
		return []string{"--extra-experimental-features", "flakes", "--argstr", "nixpkgsLocked", string(data)}
	default:
		return []string{"--argstr", "nixpkgs", c.Path}
	}
}

func (c *nixpkgsChoice) source() string {
	if c == nil {
		return ""
	}
	return c.Source
}

// findNixpkgs picks nixpkgs' lib in the documented order: the --nixpkgs
// flag (or CLAN_TERRANIX_NIXPKGS), the clan flake's locked nixpkgs input,
// <nixpkgs> on NIX_PATH. nil means none: the builtins-only evaluator.
func findNixpkgs(given, root string) (*nixpkgsChoice, error) {
	if given != "" {
		dir, err := nixpkgsDir(given)
		if err != nil {
			return nil, fmt.Errorf("--nixpkgs %s: %w", given, err)
		}
		return &nixpkgsChoice{Path: dir, Source: SourceFlag}, nil
	}
	if root != "" {
		locked, err := lockedNixpkgs(root)
		if err != nil {
			return nil, err
		}
		if locked != nil {
			// Already in the store (the clan was built, or evaluated before):
			// no fetcher, which for a github node may try the network.
			if stored := lockedStorePath(locked); stored != "" {
				if dir, err := nixpkgsDir(stored); err == nil {
					return &nixpkgsChoice{Path: dir, Source: SourceFlakeLock}, nil
				}
			}
			return &nixpkgsChoice{Locked: locked, Source: SourceFlakeLock}, nil
		}
	}
	if dir := nixPathNixpkgs(os.Getenv("NIX_PATH")); dir != "" {
		return &nixpkgsChoice{Path: dir, Source: SourceNixPath}, nil
	}
	return nil, nil
}

// nixpkgsDir accepts a full nixpkgs or the nixpkgs.lib flake: both hold
// lib/default.nix.
func nixpkgsDir(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(filepath.Join(abs, "lib", "default.nix")); err != nil || fi.IsDir() {
		return "", fmt.Errorf("no lib/default.nix there: give a nixpkgs or nixpkgs.lib directory")
	}
	return abs, nil
}

// flakeLock is the part of flake.lock (version 5 to 7) that locates an input.
type flakeLock struct {
	Root  string `json:"root"`
	Nodes map[string]struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
		Locked map[string]any             `json:"locked"`
	} `json:"nodes"`
}

// lockedNixpkgs reads the root's `nixpkgs` input from the clan's
// flake.lock, following `follows` (["clan-core", "nixpkgs"]); nil without
// a flake or without such an input.
func lockedNixpkgs(root string) (map[string]any, error) {
	if _, err := os.Stat(filepath.Join(root, "flake.nix")); err != nil {
		return nil, nil
	}
	file := filepath.Join(root, "flake.lock")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var lock flakeLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if lock.Root == "" {
		lock.Root = "root"
	}
	node, err := lock.follow(lock.Root, []string{"nixpkgs"}, 0)
	if err != nil || node == "" {
		if err != nil {
			err = fmt.Errorf("%s: input nixpkgs: %v", file, err)
		}
		return nil, err
	}
	locked := lock.Nodes[node].Locked
	if locked == nil {
		return nil, fmt.Errorf("%s: input nixpkgs (node %q) is not locked: run nix flake lock", file, node)
	}
	if locked["type"] == "path" {
		if p, ok := locked["path"].(string); ok && !filepath.IsAbs(p) {
			locked["path"] = filepath.Join(root, p)
		}
	}
	return locked, nil
}

// follow resolves an input path from node: each input is a node name or,
// for `follows`, a path of inputs from the root. "" when the first input
// does not exist.
func (l *flakeLock) follow(node string, path []string, depth int) (string, error) {
	if depth > 32 {
		return "", fmt.Errorf("follows loop")
	}
	for _, input := range path {
		raw, ok := l.Nodes[node].Inputs[input]
		if !ok {
			if node == l.Root {
				return "", nil
			}
			return "", fmt.Errorf("node %q has no input %q", node, input)
		}
		var name string
		var follows []string
		switch {
		case json.Unmarshal(raw, &name) == nil:
			node = name
		case json.Unmarshal(raw, &follows) == nil:
			next, err := l.follow(l.Root, follows, depth+1)
			if err != nil {
				return "", err
			}
			if next == "" {
				return "", fmt.Errorf("follows %s, which does not exist", strings.Join(follows, "/"))
			}
			node = next
		default:
			return "", fmt.Errorf("input %q is neither a node nor a follows path", input)
		}
	}
	return node, nil
}

// nixPathNixpkgs finds <nixpkgs> on NIX_PATH as Nix does for its two local
// forms: `nixpkgs=DIR`, or a DIR holding nixpkgs/. URL entries are skipped.
func nixPathNixpkgs(nixPath string) string {
	for _, entry := range strings.Split(nixPath, ":") {
		var dir string
		if prefix, path, ok := strings.Cut(entry, "="); ok {
			if prefix != "nixpkgs" {
				continue
			}
			dir = path
		} else if entry != "" {
			dir = filepath.Join(entry, "nixpkgs")
		}
		if !filepath.IsAbs(dir) {
			continue
		}
		if abs, err := nixpkgsDir(dir); err == nil {
			return abs
		}
	}
	return ""
}
