package nixeval

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestClanInputs: the clan's paths an evaluation may read are its entries
// but terraform-state/, .git, the work dir and machines' outputs files.
func TestClanInputs(t *testing.T) {
	root := writeClan(t, map[string]string{
		"inventory.json":                                "{}",
		"network.txt":                                   "10.0.0.0/16",
		"machines/m1/infrastructure.nix":                "{ }",
		"machines/m1/terraform-outputs.json":            "{}",
		"machines/m1/keys/ssh.pub":                      "ssh-ed25519 A",
		"terraform-state/machines/m1/terraform.tfstate": "{}",
		".git/HEAD":                                     "ref: refs/heads/main",
		".clan-terranix/eval-cache.json":                "{}",
	})
	got, err := clanInputs(root)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(root, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"inventory.json", "machines/m1/infrastructure.nix", "machines/m1/keys", "network.txt"}
	if !slices.Equal(rel, want) {
		t.Errorf("clanInputs = %q, want %q", rel, want)
	}
}

// TestNixString: any layout text survives the trip through a Nix string.
func TestNixString(t *testing.T) {
	requireNix(t)
	for _, s := range []string{`plain`, `"quoted" \back\slash`, `${interpolated} $${x} $`, "new\nline\ttab", `''`} {
		out, err := exec.Command("nix-instantiate", "--eval", "--json", "-E", nixString(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil || got != s {
			t.Errorf("%q: Nix reads %s (%v)", s, out, err)
		}
	}
}
