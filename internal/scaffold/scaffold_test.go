package scaffold

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var localFiles = []string{
	"clan.nix", "flake.nix",
	"inventory/infrastructure/modules/instance.nix",
	"inventory/infrastructure/providers/local.nix",
	"inventory/infrastructure/shared/dns.nix",
	"inventory/infrastructure/shared/networking.nix",
	"inventory/infrastructure/shared/security.nix",
	"inventory/services/terranix.nix",
	"inventory/tags/infra-manager.nix",
	"inventory/tags/local-infra.nix",
	"machines/web-server/configuration.nix",
	"machines/web-server/disko.nix",
	"machines/web-server/infrastructure.nix",
	"modules/terranix/default.nix",
	"scripts/terraform.sh",
	"terraform-state/.gitignore",
}

func TestInitLocalIntoEmptyFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-clan")
	res, err := Init(Options{Dir: dir, Provider: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Written, "\n") != strings.Join(localFiles, "\n") || len(res.Skipped) != 0 {
		t.Errorf("written:\n%s\nskipped: %v", strings.Join(res.Written, "\n"), res.Skipped)
	}
	placeholder := regexp.MustCompile(`@[A-Z]+@`)
	for _, f := range res.Written {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if m := placeholder.Find(data); m != nil {
			t.Errorf("%s still holds %s", f, m)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "scripts/terraform.sh")); fi.Mode().Perm()&0o111 == 0 {
		t.Error("scripts/terraform.sh is not executable")
	}
	clanNix, _ := os.ReadFile(filepath.Join(dir, "clan.nix"))
	if !bytes.Contains(clanNix, []byte(`meta.name = "my-clan";`)) || !bytes.Contains(clanNix, []byte(`inventory.machines.web-server = {`)) {
		t.Errorf("clan.nix:\n%s", clanNix)
	}
}

func TestInitNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	mine := []byte("# the user's own file\n{ }\n")
	os.MkdirAll(filepath.Join(dir, "inventory/services"), 0o755)
	os.WriteFile(filepath.Join(dir, "inventory/services/terranix.nix"), mine, 0o600)
	os.WriteFile(filepath.Join(dir, "clan.nix"), mine, 0o644)
	res, err := Init(Options{Dir: dir, Provider: "aws", Machine: "db"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Skipped, " ") != "clan.nix inventory/services/terranix.nix" {
		t.Errorf("skipped: %v", res.Skipped)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "inventory/services/terranix.nix")); !bytes.Equal(got, mine) {
		t.Error("an existing file was overwritten")
	}
	if !contains(res.Written, "machines/db/infrastructure.nix") || !contains(res.Written, "inventory/tags/aws-infra.nix") {
		t.Errorf("written: %v", res.Written)
	}
	again, err := Init(Options{Dir: dir, Provider: "aws", Machine: "db"})
	if err != nil || len(again.Written) != 0 || len(again.Skipped) != len(res.Written)+len(res.Skipped) {
		t.Errorf("second init wrote %v (err %v)", again.Written, err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp-*"))
	if len(entries) != 0 {
		t.Errorf("temp files left: %v", entries)
	}
}

func TestInitBadInput(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(Options{Dir: dir, Provider: "gcp"}); err == nil || err.Error() != `unknown provider "gcp" (known: aws, hetzner, local)` {
		t.Errorf("provider: %v", err)
	}
	if _, err := Init(Options{Dir: dir, Provider: "local", Machine: "../evil"}); err == nil || !strings.Contains(err.Error(), `machine name "../evil"`) {
		t.Errorf("machine: %v", err)
	}
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Init(Options{Dir: file, Provider: "local"}); err == nil || !strings.Contains(err.Error(), "is a file, not a folder") {
		t.Errorf("file: %v", err)
	}
}

// init --provider local writes the quickstart example itself, byte for byte
// when the names are the example's own.
func TestInitLocalIsTheQuickstart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "quickstart")
	res, err := Init(Options{Dir: dir, Provider: "local"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Written {
		want, err := os.ReadFile(filepath.Join("../../examples/quickstart", f))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(got, want) {
			t.Errorf("%s differs from examples/quickstart/%s", f, f)
		}
	}
}

func needNix(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("nix-instantiate")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nix-instantiate not found (run scripts/bootstrap)")
	}
	t.Skip("SKIPPED: nix-instantiate not found on PATH; this test needs real Nix")
	return ""
}

func TestEveryProviderParses(t *testing.T) {
	nix := needNix(t)
	for _, provider := range ProviderNames() {
		dir := t.TempDir()
		res, err := Init(Options{Dir: dir, Provider: provider})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Written {
			if !strings.HasSuffix(f, ".nix") {
				continue
			}
			if out, err := exec.Command(nix, "--parse", filepath.Join(dir, f)).CombinedOutput(); err != nil {
				t.Errorf("%s: %s does not parse: %s", provider, f, out)
			}
		}
	}
}

// The local provider must apply with no network: only resources of the providers
// built into the offline mirror (local, random, tls, time) and OpenTofu's own
// terraform_data. This walks each workspace's modules and their imports with Nix.
func TestLocalProviderUsesOfflineResourcesOnly(t *testing.T) {
	nix := needNix(t)
	dir := t.TempDir()
	if _, err := Init(Options{Dir: dir, Provider: "local"}); err != nil {
		t.Fatal(err)
	}
	expr := `
let
  args = { machine = { name = "web-server"; tags = [ "local-infra" ]; settings = { }; }; name = "ws"; lib = { }; config = { }; };
  load = m: let v = if builtins.isAttrs m then m else import m; in if builtins.isFunction v then v args else v;
  walk = key: m: let r = load m; in builtins.attrNames (r.${key} or { }) ++ builtins.concatMap (walk key) (r.imports or [ ]);
  walkProviders = m: let r = load m; in builtins.attrNames ((r.terraform or { }).required_providers or { }) ++ builtins.concatMap walkProviders (r.imports or [ ]);
  workspaces = {
    shared = map (f: DIR + "/inventory/infrastructure/shared/${f}") [ "dns.nix" "networking.nix" "security.nix" ];
    web-server = [ (DIR + "/machines/web-server/infrastructure.nix") (DIR + "/inventory/tags/local-infra.nix") ];
  };
in builtins.mapAttrs (_: files: {
  resources = builtins.concatMap (walk "resource") files;
  data = builtins.concatMap (walk "data") files;
  providers = builtins.concatMap walkProviders files;
  outputs = builtins.concatMap (walk "output") files;
}) workspaces`
	out, err := exec.Command(nix, "--eval", "--strict", "--json", "-E", strings.ReplaceAll(expr, "DIR", dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got map[string]struct{ Resources, Data, Providers, Outputs []string }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	allowed := regexp.MustCompile(`^(local|random|tls|time)_|^terraform_data$`)
	for ws, w := range got {
		if len(w.Resources) == 0 {
			t.Errorf("%s: no resources", ws)
		}
		for _, r := range append(w.Resources, w.Data...) {
			if !allowed.MatchString(r) {
				t.Errorf("%s: resource type %s needs a provider that is not available offline", ws, r)
			}
		}
		for _, p := range w.Providers {
			if !allowed.MatchString(p + "_") {
				t.Errorf("%s: provider %s is not available offline", ws, p)
			}
		}
	}
	outputs := got["web-server"].Outputs
	sort.Strings(outputs)
	if !contains(outputs, "instance_id") || !contains(outputs, "ipv4_address") {
		t.Errorf("web-server outputs %v lack instance_id/ipv4_address (install needs them)", outputs)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
