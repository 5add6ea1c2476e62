package nixeval

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	nixlib "github.com/clan-terranix/clan-terranix/nix"
)

func TestMaterializeLibWritesOnceToTheCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir, err := materializeLib(nixlib.Lib, "lib")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, filepath.Join(cache, "clan-terranix", "nix")+"/") {
		t.Errorf("lib written to %s, not below $XDG_CACHE_HOME", dir)
	}
	want, _ := nixlib.Lib.ReadFile("lib/terranix.nix")
	got, err := os.ReadFile(filepath.Join(dir, "terranix.nix"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("terranix.nix not written as embedded: %v", err)
	}
	again, err := materializeLib(nixlib.Lib, "lib")
	if err != nil || again != dir {
		t.Errorf("second call: %s, %v; want the same dir %s", again, err, dir)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("leftovers beside the lib dir: %v", entries)
	}
}

func TestErrorIsOneLine(t *testing.T) {
	stderr := "error: attribute 'foo' missing\n\n       at /clan/machines/a/infrastructure.nix:2:18:\n\n            1| {\n\n       … while evaluating workspace a\n"
	err := parseNixError(stderr, "/clan")
	if got, want := err.Error(), "machines/a/infrastructure.nix:2:18: attribute 'foo' missing (workspace a)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	err.ShowTrace = true
	if !strings.Contains(err.Error(), "… while evaluating workspace a") {
		t.Errorf("ShowTrace does not add Nix's output: %q", err.Error())
	}
}
