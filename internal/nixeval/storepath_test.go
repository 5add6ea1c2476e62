package nixeval

import "testing"

// The store path Nix 2.8 gave the upstream nixpkgs-lib snapshot fetched with
// builtins.fetchTree { type = "path"; ...; narHash = ...; }.
func TestLockedStorePath(t *testing.T) {
	locked := map[string]any{"type": "github", "narHash": "sha256-2LHgHa0CAYjMN1PQ3Y3JSPGyKkpMA2dKFT7agAnZK7U="}
	if got, want := lockedStorePath(locked), "/nix/store/dqzgy7179lv3b01giyl5pgvv9zpsj5sb-source"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := lockedStorePath(map[string]any{"narHash": "sha512-AAAA"}); got != "" {
		t.Errorf("no sha256 narHash: got %s", got)
	}
}
