package nixeval

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	nixlib "github.com/clan-terranix/clan-terranix/nix"
)

// A clan flake without inputs: it carries a copy of nix/lib, as a real clan
// gets it from this project's flake input.
const testFlake = `{
  outputs = { self }: {
    nixosConfigurations.nixos-host.config.networking.hostName = "name-from-nixos";
    clanTerranix = import ./clan-terranix-lib/flake-output.nix {
      inherit self;
      nixosConfigurations = self.nixosConfigurations;
    };
  };
}
`

// TestFlakeModeMatchesBuiltinsMode: both modes give the same result for the
// same clan, and flake mode offers nixosConfig.
func TestFlakeModeMatchesBuiltinsMode(t *testing.T) {
	requireNix(t)
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("SKIPPING: the nix command is not installed")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/clans/plan")); err != nil {
		t.Fatal(err)
	}
	lib, err := fs.Sub(nixlib.Lib, "lib")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(root, "clan-terranix-lib"), lib); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "flake.nix"), []byte(testFlake), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	builtinsMode, err := (&Evaluator{}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	flakeMode, err := (&Evaluator{Flake: true}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(builtinsMode)
	b, _ := json.Marshal(flakeMode)
	if string(a) != string(b) {
		t.Errorf("flake mode differs from builtins mode:\nflake:    %s\nbuiltins: %s", b, a)
	}

	host := filepath.Join(root, "machines/nixos-host/infrastructure.nix")
	if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(host, []byte("{ nixosConfig, ... }: { output.host.value = nixosConfig.networking.hostName; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := (&Evaluator{Flake: true}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Workspaces["nixos-host"].Config); got != `{"output":{"host":{"value":"name-from-nixos"}}}` {
		t.Errorf("nixosConfig in flake mode: got %s", got)
	}
	if got := res.Workspaces["nixos-host"].Files; len(got) != 1 || got[0] != "machines/nixos-host/infrastructure.nix" {
		t.Errorf("files not relative to the clan: %q", got)
	}
}
