package nixeval

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
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
		"machines/m2/infrastructure.nix":                "{ }",
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
	want := []string{"inventory.json", "machines/m1/infrastructure.nix", "machines/m1/keys", "machines/m2", "network.txt"}
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

// TestEvaluateConfinedWithNixpkgs: under restrict-eval a full nixpkgs still
// gives pkgs (imported without the user's config, which would be read from
// the home folder), and <nixpkgs> in a module is the nixpkgs chosen, with
// NIX_PATH not passed on.
func TestEvaluateConfinedWithNixpkgs(t *testing.T) {
	requireNix(t)
	full := writeClan(t, map[string]string{
		"default.nix":          "{ config ? throw \"no config given\", ... }: builtins.seq config { hello = \"/nix/store/hello\"; }\n",
		"pkgs/top-level/.keep": "",
	})
	if err := os.CopyFS(filepath.Join(full, "lib"), os.DirFS(filepath.Join(testenv.Upstream(t), "nixpkgs-lib", "lib"))); err != nil {
		t.Fatal(err)
	}
	root := writeClan(t, map[string]string{
		"machines/web/infrastructure.nix": "{ pkgs, ... }: { output.h.value = \"${pkgs.hello}/bin/hello\"; output.n.value = (import <nixpkgs> { config = { }; }).hello; }\n",
	})
	t.Setenv("NIX_PATH", "nixpkgs=/nonexistent")
	l, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Evaluator{Nixpkgs: full}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res.Workspaces["web"].Config)
	if want := `{"output":{"h":{"value":"/nix/store/hello/bin/hello"},"n":{"value":"/nix/store/hello"}}}`; string(got) != want {
		t.Errorf("config %s, want %s", got, want)
	}
}
