package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Upstream returns the folder of the unmodified upstream snapshots (clan-core,
// nixpkgs-lib, terranix, flake-parts) that differential tests run against:
// $CLAN_TERRANIX_UPSTREAM, else ../shared/upstream beside the repository root.
// Without it the test is skipped loudly; under CI its absence is a failure.
func Upstream(t testing.TB) string {
	t.Helper()
	dir, looked := UpstreamDir()
	if dir != "" {
		return dir
	}
	msg := "!!! UPSTREAM SNAPSHOTS MISSING: no clan-core in " + looked +
		" (set CLAN_TERRANIX_UPSTREAM or put them at ../shared/upstream) !!!"
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// UpstreamDir is Upstream's lookup without a test (for testscript's
// conditions): the folder, or "" and where it looked.
func UpstreamDir() (dir, looked string) {
	dir = os.Getenv("CLAN_TERRANIX_UPSTREAM")
	if dir == "" {
		if root := Find().RepoRoot; root != "" {
			dir = filepath.Join(filepath.Dir(root), "shared", "upstream")
		}
	}
	if dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		if info, err := os.Stat(filepath.Join(dir, "clan-core")); err == nil && info.IsDir() {
			return dir, dir
		}
	}
	return "", dir
}
