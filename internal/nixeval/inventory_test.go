package nixeval

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// realClan copies testdata/clans/<name> to a scratch folder with its flake
// inputs laid out: the real clan-core (upstream snapshot), nixpkgs' lib,
// flake-parts and this project's flake.
func realClan(t *testing.T, name string) string {
	t.Helper()
	requireNix(t)
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("SKIPPING: the nix command is not installed")
	}
	upstream := testenv.Upstream(t)
	tmp := t.TempDir()
	inputs, err := testenv.ClanFlakeInputs(upstream, testenv.Find().RepoRoot, filepath.Join(tmp, "inputs"))
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "clan")
	testenv.CopyDir(t, filepath.Join("testdata/clans", name), root)
	if err := testenv.SubstFile(filepath.Join(root, "flake.nix"), inputs); err != nil {
		t.Fatal(err)
	}
	return root
}

func evaluateFlake(t *testing.T, root string) *Result {
	t.Helper()
	l, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Evaluator{Flake: true}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFlakeModeReadsTheEvaluatedInventory: with the flake's clan output,
// machines, tags, targetHost and the service instance's settings are what
// clan-core computes, including what clan.nix only sets through imports.
func TestFlakeModeReadsTheEvaluatedInventory(t *testing.T) {
	res := evaluateFlake(t, realClan(t, "realclan"))
	if res.Inventory != InventoryClan {
		t.Errorf("inventory from %q, want %q", res.Inventory, InventoryClan)
	}
	db, web := res.Machines["db"], res.Machines["web"]
	// db: parts/fleet.nix and inventory.json give the same address (so it merges): still Nix's.
	if strings.Join(db.Tags, ",") != "all,cloud,nixos" || !db.TargetHostSetByNix || db.TargetHost != "root@10.0.0.2" {
		t.Errorf("db (set through imports): %+v", db)
	}
	if strings.Join(web.Tags, ",") != "all,cloud,nixos" || web.TargetHostSetByNix || web.TargetHost != "root@192.0.2.10" {
		t.Errorf("web (targetHost from inventory.json only): %+v", web)
	}
	dbSettings := res.Workspaces["db"].Settings
	if dbSettings["updateHardwareConfig"] != "nixos-facter" || dbSettings["sshPort"] != float64(2222) || dbSettings["targetUser"] != "admin" {
		t.Errorf("db settings (role < tag < machine): %v", dbSettings)
	}
	if s := res.Workspaces["web"].Settings; s["updateHardwareConfig"] != nil || s["sshPort"] != float64(2222) {
		t.Errorf("web settings: %v", s)
	}
	if string(res.Settings) != `{"engine":"tofu"}` {
		t.Errorf("clan-wide settings: %s", res.Settings)
	}
}

// TestTargetHosts: the write-back's check evaluates the clan with the
// edited inventory.json. A targetHost next to one Nix sets breaks the clan
// (conflicting definitions): the error is Nix's first line.
func TestTargetHosts(t *testing.T) {
	root := realClan(t, "realclan")
	ev := &Evaluator{Flake: true}
	ctx := context.Background()
	hosts, err := ev.TargetHosts(ctx, root)
	if err != nil || len(hosts) != 2 || hosts["web"] == nil || *hosts["web"] != "root@192.0.2.10" || *hosts["db"] != "root@10.0.0.2" {
		t.Errorf("got %v %v", hosts, err)
	}
	inv := `{"machines": {"web": {"deploy": {"targetHost": "root@192.0.2.10"}}, "db": {"deploy": {"targetHost": "root@192.0.2.11"}}}}`
	if err := os.WriteFile(filepath.Join(root, "inventory.json"), []byte(inv), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ev.TargetHosts(ctx, root)
	if err == nil || strings.Contains(err.Error(), "\n") ||
		!strings.HasPrefix(err.Error(), "The option `inventory.machines.db.deploy.targetHost' has conflicting definition values") {
		t.Errorf("conflicting targetHost: %v", err)
	}
}

// TestFlakePartsClan: a flake-parts clan (`clan = { ... }` through
// clan-core's flake module) is read the same way; a targetHost set there is
// Nix's.
func TestFlakePartsClan(t *testing.T) {
	res := evaluateFlake(t, realClan(t, "flakeparts"))
	web := res.Machines["web"]
	if res.Inventory != InventoryClan || !web.TargetHostSetByNix || web.TargetHost != "root@web.example.org" || strings.Join(web.Tags, ",") != "all,cloud,nixos" {
		t.Errorf("inventory %q, web %+v", res.Inventory, web)
	}
	if s := res.Workspaces["web"].Settings; s["updateHardwareConfig"] != "nixos-generate-config" {
		t.Errorf("web settings: %v", s)
	}
}

// TestFilesModeTagSettings: without the clan's evaluation, a role's per-tag
// settings apply to the machines carrying the tag too, between the role's
// settings and the machine's own, as clan-core merges them.
func TestFilesModeTagSettings(t *testing.T) {
	requireNix(t)
	root := t.TempDir()
	files := map[string]string{
		"inventory.json": `{"machines": {"web": {"tags": ["cloud"]}, "db": {"tags": ["cloud"]}}}`,
		"inventory/services/terranix.nix": `{ instances.infra = {
			module.name = "terranix";
			roles.machine.tags.cloud.settings = { sshPort = 2222; targetUser = "ops"; };
			roles.machine.settings.targetUser = "admin";
			roles.machine.machines.db.settings.targetUser = "dba";
		}; }`,
		"machines/web/infrastructure.nix": "{ }",
		"machines/db/infrastructure.nix":  "{ }",
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Evaluator{}).Evaluate(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inventory != InventoryFiles {
		t.Errorf("inventory from %q", res.Inventory)
	}
	if s := res.Workspaces["web"].Settings; s["sshPort"] != float64(2222) || s["targetUser"] != "ops" {
		t.Errorf("web: %v", s)
	}
	if s := res.Workspaces["db"].Settings; s["sshPort"] != float64(2222) || s["targetUser"] != "dba" {
		t.Errorf("db: %v", s)
	}
}
