// Package modules holds no Go code: these tests evaluate the project's Nix files
// (flake.nix, the NixOS module, the Clan service, the flake-parts module) with real
// Nix. nixpkgs cannot be fetched on the test machines, so the NixOS, service and
// flake-parts modules are evaluated against testdata/stub-lib.nix, a stand-in for the
// few nixpkgs lib functions they call; the flake is evaluated with nixpkgs replaced by
// a stub that throws, which proves its builtins-only outputs never touch nixpkgs.
package modules

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func needNix(t *testing.T, program string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (run scripts/bootstrap)", program)
	}
	t.Skipf("SKIPPED: %s not found on PATH; these tests need real Nix (run scripts/bootstrap)", program)
	return ""
}

// evalJSON evaluates a Nix expression in this folder and decodes its JSON.
func evalJSON(t *testing.T, expr string, out any) {
	t.Helper()
	nix := needNix(t, "nix-instantiate")
	cmd := exec.Command(nix, "--eval", "--strict", "--json", "-E", expr)
	data, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("nix-instantiate: %v\n%s\nexpression:\n%s", err, stderr, expr)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
}

func abs(t *testing.T, rel string) string {
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFilesParse(t *testing.T) {
	nix := needNix(t, "nix-instantiate")
	files := []string{"../../flake.nix", "../packages/clan-terranix/default.nix", "terranix/default.nix",
		"clan-service/default.nix", "flake-module.nix", "testdata/stub-lib.nix"}
	for _, f := range files {
		if out, err := exec.Command(nix, "--parse", f).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %s", f, out)
		}
	}
}

func TestNixosModuleOptions(t *testing.T) {
	dir := t.TempDir()
	outputsFile := filepath.Join(dir, "terraform-outputs.json")
	os.WriteFile(outputsFile, []byte(`{"ipv6_address": "2001:db8::1", "ports": [22, 80]}`), 0o644)
	clanRoot := filepath.Join(dir, "clan")
	os.MkdirAll(filepath.Join(clanRoot, "machines/web"), 0o755)
	os.WriteFile(filepath.Join(clanRoot, "machines/web/terraform-outputs.json"), []byte(`{"target_host": "web.example.org"}`), 0o644)
	expr := `
let
  lib = import ./testdata/stub-lib.nix;
  module = import ./terranix;
  eval = options: config: module { inherit lib options config; };
  plain = cfg: (eval { } { clan.terranix = cfg; }).options.clan.terranix;
  opts = plain { outputsFile = null; };
  inClan = (eval
    { clan.core.settings.directory.isDefined = true; clan.core.settings.machine.name.isDefined = true; }
    { clan.core.settings.directory = ` + clanRoot + `; clan.core.settings.machine.name = "web";
      clan.terranix.outputsFile = opts'.outputsFile.default; }).options.clan.terranix;
  opts' = (eval
    { clan.core.settings.directory.isDefined = true; clan.core.settings.machine.name.isDefined = true; }
    { clan.core.settings.directory = ` + clanRoot + `; clan.core.settings.machine.name = "web"; clan.terranix = { }; }).options.clan.terranix;
in {
  names = builtins.attrNames opts;
  types = builtins.mapAttrs (_: o: o.type.name) opts;
  defaults = { inherit (opts) enable infrastructure dependsOn; outputsFile = opts.outputsFile.default; };
  enableDefault = opts.enable.default;
  outputsReadOnly = opts.outputs.readOnly;
  outputsBeforeApply = opts.outputs.default;
  outputsFromFile = (plain { outputsFile = "` + outputsFile + `"; }).outputs.default;
  clanOutputsFile = toString opts'.outputsFile.default;
  clanOutputs = inClan.outputs.default;
}`
	var got struct {
		Names              []string
		Types              map[string]string
		EnableDefault      bool
		OutputsReadOnly    bool
		OutputsBeforeApply map[string]any
		OutputsFromFile    map[string]any
		ClanOutputsFile    string
		ClanOutputs        map[string]any
	}
	evalJSON(t, strings.ReplaceAll(expr, "\n", " \n"), &got)
	if !reflect.DeepEqual(got.Names, []string{"dependsOn", "enable", "infrastructure", "outputs", "outputsFile"}) {
		t.Errorf("options: %v", got.Names)
	}
	wantTypes := map[string]string{"enable": "bool", "infrastructure": "nullOr(path)", "dependsOn": "listOf(str)",
		"outputsFile": "nullOr(path)", "outputs": "attrsOf(anything)"}
	if !reflect.DeepEqual(got.Types, wantTypes) {
		t.Errorf("types: %v", got.Types)
	}
	if got.EnableDefault || !got.OutputsReadOnly || len(got.OutputsBeforeApply) != 0 {
		t.Errorf("enable default %v, outputs readOnly %v, outputs without file %v", got.EnableDefault, got.OutputsReadOnly, got.OutputsBeforeApply)
	}
	if got.OutputsFromFile["ipv6_address"] != "2001:db8::1" {
		t.Errorf("outputs from file: %v", got.OutputsFromFile)
	}
	if got.ClanOutputsFile != filepath.Join(clanRoot, "machines/web/terraform-outputs.json") {
		t.Errorf("in a clan, outputsFile defaults to %q", got.ClanOutputsFile)
	}
	if got.ClanOutputs["target_host"] != "web.example.org" {
		t.Errorf("in a clan, outputs: %v", got.ClanOutputs)
	}
}

func TestClanService(t *testing.T) {
	expr := `
let
  lib = import ./testdata/stub-lib.nix;
  service = import ./clan-service { nixosModule = "NIXOS-MODULE"; packages.x86_64-linux.default = "CLI"; } { inherit lib; };
  optionNames = role: builtins.attrNames service.roles.${role}.interface.options;
  machine = (service.roles.machine.perInstance {
    settings = { dependsOn = [ "shared" ]; infrastructure = "./infra.nix"; };
  }).nixosModule;
  manager = (service.roles.infra-manager.perInstance {
    settings = { clanDirectory = "/srv/clan"; driftCheck = { enable = true; onCalendar = "hourly"; }; engine = "tofu"; };
  }).nixosModule {
    pkgs = { stdenv.hostPlatform.system = "x86_64-linux"; opentofu = "OPENTOFU"; terraform = "TERRAFORM"; git = "GIT"; nix = "NIX";
             callPackage = throw "the flake's package is used, not a rebuild"; };
  };
in {
  inherit (service) _class;
  name = service.manifest.name;
  roles = builtins.attrNames service.roles;
  machineOptions = optionNames "machine";
  managerOptions = optionNames "infra-manager";
  managerFreeform = service.roles.infra-manager.interface.freeformType.name;
  machineModule = { inherit (machine) imports; inherit (machine.clan.terranix) dependsOn infrastructure; enable = machine.clan.terranix.enable.content; };
  packages = manager.environment.systemPackages;
  script = manager.systemd.services.clan-terranix-drift.content.script;
  servicePath = manager.systemd.services.clan-terranix-drift.content.path;
  calendar = manager.systemd.timers.clan-terranix-drift.content.timerConfig.OnCalendar;
}`
	var got struct {
		Class           string `json:"_class"`
		Name            string
		Roles           []string
		MachineOptions  []string
		ManagerOptions  []string
		ManagerFreeform string
		MachineModule   map[string]any
		Packages        []string
		Script          string
		ServicePath     []string
		Calendar        string
	}
	evalJSON(t, expr, &got)
	if got.Class != "clan.service" || got.Name != "terranix" {
		t.Errorf("_class %q, manifest.name %q", got.Class, got.Name)
	}
	if !reflect.DeepEqual(got.Roles, []string{"infra-manager", "machine"}) {
		t.Errorf("roles: %v", got.Roles)
	}
	for _, want := range []string{"infrastructure", "dependsOn", "tags", "targetHostOutput", "targetUser", "instanceIdOutput",
		"sshPort", "sshTimeout", "identityFile", "updateHardwareConfig", "phases", "hostKeyCheck", "buildOn", "installer"} {
		if !contains(got.MachineOptions, want) {
			t.Errorf("machine role has no setting %s (has %v)", want, got.MachineOptions)
		}
	}
	if !reflect.DeepEqual(got.ManagerOptions, []string{"clanDirectory", "driftCheck"}) || got.ManagerFreeform != "attrsOf(anything)" {
		t.Errorf("infra-manager interface: %v, freeform %q", got.ManagerOptions, got.ManagerFreeform)
	}
	wantModule := map[string]any{"imports": []any{"NIXOS-MODULE"}, "dependsOn": []any{"shared"}, "infrastructure": "./infra.nix", "enable": true}
	if !reflect.DeepEqual(got.MachineModule, wantModule) {
		t.Errorf("machine nixosModule: %v", got.MachineModule)
	}
	if !reflect.DeepEqual(got.Packages, []string{"CLI", "OPENTOFU"}) {
		t.Errorf("infra-manager packages: %v", got.Packages)
	}
	if !strings.Contains(got.Script, "clan-terranix --clan '/srv/clan' plan --all --refresh") || !strings.Contains(got.Script, "DRIFT") {
		t.Errorf("drift script:\n%s", got.Script)
	}
	if got.Calendar != "hourly" || !contains(got.ServicePath, "GIT") {
		t.Errorf("timer %q, path %v", got.Calendar, got.ServicePath)
	}
}

func TestFlakeModule(t *testing.T) {
	expr := `
let
  lib = import ./testdata/stub-lib.nix;
  config = { terranixModules.x = "M"; terranixConfigurations.shared = "C"; };
  m = import ./flake-module.nix { inherit lib config; };
in { options = builtins.mapAttrs (_: o: o.type.name) m.options; flake = m.config.flake; }`
	var got struct {
		Options map[string]string
		Flake   map[string]map[string]string
	}
	evalJSON(t, expr, &got)
	if !reflect.DeepEqual(got.Options, map[string]string{"terranixModules": "lazyAttrsOf(deferredModule)", "terranixConfigurations": "lazyAttrsOf(raw)"}) {
		t.Errorf("options: %v", got.Options)
	}
	if got.Flake["terranixModules"]["x"] != "M" || got.Flake["terranixConfigurations"]["shared"] != "C" {
		t.Errorf("flake outputs: %v", got.Flake)
	}
}

// TestFlakeBuiltinsOnlyOutputsOffline evaluates the real flake.nix with `nix eval
// --offline`, nixpkgs overridden by a stub whose every attribute throws. The outputs
// that must not need nixpkgs evaluate; packages reach the stub (and would fetch nixpkgs).
func TestFlakeBuiltinsOnlyOutputsOffline(t *testing.T) {
	nix := needNix(t, "nix")
	tmp := t.TempDir()
	flake := filepath.Join(tmp, "flake")
	for _, p := range []string{"flake.nix", "nix", "examples/quickstart"} {
		copyTree(t, abs(t, filepath.Join("../..", p)), filepath.Join(flake, p))
	}
	if _, err := os.Stat(filepath.Join(flake, "nix/lib/default.nix")); err != nil {
		t.Log("nix/lib/default.nix does not exist yet: the lib output is checked against a placeholder")
		os.WriteFile(filepath.Join(flake, "nix/lib/default.nix"), []byte("{ }\n"), 0o644)
	}
	stub := filepath.Join(tmp, "stub-nixpkgs")
	os.MkdirAll(stub, 0o755)
	os.WriteFile(filepath.Join(stub, "flake.nix"), []byte(`{ outputs = _: { legacyPackages = throw "STUB-NIXPKGS: needs the real nixpkgs"; lib = throw "STUB-NIXPKGS"; }; }`), 0o644)
	eval := func(attr, apply string) (string, error) {
		cmd := exec.Command(nix, "eval", "--offline", "--no-write-lock-file", "--override-input", "nixpkgs", "path:"+stub,
			"--json", "path:"+flake+"#"+attr, "--apply", apply)
		cmd.Env = append(os.Environ(), "NIX_CONFIG=experimental-features = nix-command flakes\nsubstituters =")
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(ee.Stderr), err
		}
		return strings.TrimSpace(string(out)), err
	}
	for _, tc := range []struct{ attr, apply, want string }{
		{"nixosModules", "builtins.attrNames", `["default","terranix"]`},
		{"clan.modules.terranix", `m: let s = m { lib = import ` + abs(t, "testdata/stub-lib.nix") + `; }; in [ s._class s.manifest.name (builtins.attrNames s.roles) ]`, `["clan.service","terranix",["infra-manager","machine"]]`},
		{"flakeModules", "builtins.attrNames", `["default"]`},
		{"templates.default", `t: [ (builtins.pathExists (t.path + "/clan.nix")) t.description ]`, `[true,"A Clan with shared and per-machine infrastructure that provisions offline"]`},
		{"lib", "builtins.isAttrs", ""},
	} {
		got, err := eval(tc.attr, tc.apply)
		if err != nil {
			t.Errorf("%s does not evaluate offline without nixpkgs: %v\n%s", tc.attr, err, got)
			continue
		}
		if tc.want != "" && got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.attr, got, tc.want)
		}
	}
	if out, err := eval("packages.x86_64-linux.default", "p: p.name"); err == nil || !strings.Contains(out, "STUB-NIXPKGS") {
		t.Errorf("packages should need nixpkgs (the stub): err=%v\n%s", err, out)
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

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, fi.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVendorHashIsCurrent keeps `nix build` working: buildGoModule's vendorHash
// is the NAR hash of `go mod vendor`, which changes with every go.mod change.
func TestVendorHashIsCurrent(t *testing.T) {
	nix := needNix(t, "nix")
	if strings.Contains(os.Getenv("GOFLAGS"), "-mod=vendor") {
		t.Skip("inside a vendored build (nix build): nothing to compare")
	}
	vendor := filepath.Join(t.TempDir(), "vendor")
	cmd := exec.Command("go", "mod", "vendor", "-o", vendor)
	cmd.Dir = abs(t, "../..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: go mod vendor failed (offline without the module cache?): %v\n%s", err, out)
	}
	hashCmd := exec.Command(nix, "hash", "path", vendor)
	hashCmd.Env = append(os.Environ(), "NIX_CONFIG=experimental-features = nix-command flakes")
	out, err := hashCmd.Output()
	if err != nil {
		t.Fatalf("nix hash path: %v", err)
	}
	want := `vendorHash = "` + strings.TrimSpace(string(out)) + `";`
	pkg, _ := os.ReadFile("../packages/clan-terranix/default.nix")
	if !strings.Contains(string(pkg), want) {
		t.Errorf("nix/packages/clan-terranix/default.nix: vendorHash is stale after a go.mod change; set it to:\n  %s", want)
	}
}
