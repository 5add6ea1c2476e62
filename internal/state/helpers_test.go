package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// requireTool finds a real tool or skips loudly (fails under CI).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	if name == "tofu" {
		if env := os.Getenv("CLAN_TERRANIX_TOFU"); env != "" {
			return env
		}
		if abs, err := filepath.Abs("../../.cache/bin/tofu"); err == nil {
			if _, err := os.Stat(abs); err == nil {
				return abs
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (run scripts/bootstrap)", name)
	}
	t.Skipf("SKIPPING %s: %s is not installed (run scripts/bootstrap)", t.Name(), name)
	return ""
}

// isolateGit keeps the developer's git configuration out of the tests and
// gives them a fixed identity.
func isolateGit(t *testing.T) {
	t.Helper()
	requireTool(t, "git")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	cfg := filepath.Join(home, "gitconfig")
	os.WriteFile(cfg, []byte("[user]\n\tname = Alice\n\temail = alice@example.org\n[init]\n\tdefaultBranch = main\n"), 0o644)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitcli.Repo{Dir: dir}.Run(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newClan makes a clan root that is a git repository with one commit.
func newClan(t *testing.T) string {
	t.Helper()
	isolateGit(t)
	root := t.TempDir()
	git(t, root, "init", "-q")
	writeFile(t, filepath.Join(root, "flake.nix"), "{ }\n")
	git(t, root, "add", "flake.nix")
	git(t, root, "commit", "-qm", "init")
	return root
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func stateJSON(serial int, lineage string) string {
	return fmt.Sprintf(`{"version":4,"terraform_version":"1.12.6","serial":%d,"lineage":%q,"outputs":{},"resources":[],"check_results":null}`+"\n", serial, lineage)
}

func machinePaths(t *testing.T, root, name string) Paths {
	t.Helper()
	p, err := PathsFor(root, clan.KindMachine, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// warnings collects warnings for assertions.
type warnings struct {
	mu    sync.Mutex
	lines []string
}

func (w *warnings) add(s string) { w.mu.Lock(); w.lines = append(w.lines, s); w.mu.Unlock() }

func (w *warnings) contains(sub string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range w.lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func s0(root string) gitcli.Repo { return gitcli.Repo{Dir: root} }

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}
