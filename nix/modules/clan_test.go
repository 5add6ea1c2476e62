package modules

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// These tests run the project's flake outputs inside the unmodified clan-core and
// flake-parts snapshots (testdata/real-clan.nix): the quickstart template as a user's
// clan, plus an infra-manager named in inventory.json and a machine whose
// infrastructure is a string there, as the Clan UI writes it.

// realClan copies the quickstart into a fresh clan and adds to it what the tests check.
func realClan(t *testing.T, remote string) string {
	t.Helper()
	clan := filepath.Join(t.TempDir(), "clan")
	testenv.CopyDir(t, abs(t, "../../examples/quickstart"), clan)
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(clan, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("machines/web-server/terraform-outputs.json", `{"ipv4_address": "10.0.1.10", "authorized_key": "ssh-ed25519 AAAAtest", "ports": [22, 80]}`)
	// What `clan machines install --update-hardware-config nixos-facter` writes.
	write("machines/web-server/facter.json", `{"version": 1, "system": "x86_64-linux"}`)
	write("machines/db/infra.nix", "{ }\n")
	write("machines/admin/configuration.nix", "{ }\n")
	inventory := map[string]any{
		"machines": map[string]any{"db": map[string]any{}, "admin": map[string]any{}},
		"instances": map[string]any{"terranix": map[string]any{"roles": map[string]any{
			"machine": map[string]any{"machines": map[string]any{"db": map[string]any{"settings": map[string]any{
				"infrastructure": "machines/db/infra.nix"}}}},
			// Per machine: clan.nix holds the role's settings, which clan-core keeps unique.
			"infra-manager": map[string]any{"machines": map[string]any{"admin": map[string]any{"settings": map[string]any{
				"clanDirectory": filepath.Join(filepath.Dir(clan), "checkout"),
				"driftCheck":    map[string]any{"remote": remote, "onCalendar": "hourly", "sopsAgeKeyFile": "/run/secrets/age"},
			}}}},
		}}},
	}
	if remote == "" {
		delete(inventory["instances"].(map[string]any)["terranix"].(map[string]any)["roles"].(map[string]any)["infra-manager"].(map[string]any)["machines"].(map[string]any)["admin"].(map[string]any)["settings"].(map[string]any)["driftCheck"].(map[string]any), "remote")
	}
	data, _ := json.Marshal(inventory)
	write("inventory.json", string(data))
	return clan
}

// evalReal evaluates expr with `r` (testdata/real-clan.nix) and `dir` (the clan) in
// scope, and fails on any warning Nix prints (clan-core warns through lib.warn too).
func evalReal(t *testing.T, clan, expr string, out any) {
	t.Helper()
	upstream := testenv.Upstream(t)
	nix := needNix(t, "nix-instantiate")
	full := `let r = import ./testdata/real-clan.nix { upstream = ` + upstream + `; repo = ` + abs(t, "../..") + `; };
  dir = "` + clan + `"; in ` + expr
	// Read-write as `nix eval` of a flake is: flake-output.nix evaluates the
	// workspaces from a filtered copy of the clan's source (builtins.path),
	// which must be in the store to be read.
	cmd := exec.Command(nix, "--eval", "--strict", "--json", "--read-write-mode", "-E", full)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix-instantiate: %v\n%s\nexpression:\n%s", err, stderr.String(), full)
	}
	if strings.Contains(strings.ToLower(stderr.String()), "warning") {
		t.Errorf("evaluation warned:\n%s", stderr.String())
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
}

type machineView struct {
	Enable         bool
	DependsOn      []string
	Infrastructure *string
	Outputs        map[string]any
	Warnings       []string
	Failed         []string
	AuthorizedKeys []string
	HasDriftUnit   bool
	FacterReport   *string
	Disk           *string
}

const machinesExpr = `
let
  clan = r.clanOf dir;
  # A machine in neither role has no clan.terranix options.
  none = { enable = false; dependsOn = [ ]; outputs = { }; infrastructure = null; };
  view = m: let c = m.config; t = c.clan.terranix or none; in {
    inherit (t) enable dependsOn outputs;
    infrastructure = if t.infrastructure == null then null else toString t.infrastructure;
    warnings = c.warnings;
    failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
    authorizedKeys = c.users.users.root.openssh.authorizedKeys.keys or [ ];
    hasDriftUnit = (c.systemd.services or { }) ? clan-terranix-drift;
    facterReport = c.hardware.facter.reportPath or null;
    disk = c.disko.devices.disk.main.device or null;
  };
in builtins.mapAttrs (_: view) clan.nixosConfigurations`

func TestInRealClanMachines(t *testing.T) {
	clan := realClan(t, "")
	var got map[string]machineView
	evalReal(t, clan, machinesExpr, &got)
	// The template's flake also gives flake mode its output.
	var workspaces []string
	evalReal(t, clan, `builtins.attrNames ((r.clanOf dir).clanTerranix { }).workspaces`, &workspaces)
	if !reflect.DeepEqual(workspaces, []string{"db", "shared", "web-server"}) {
		t.Errorf("the template's clanTerranix output: workspaces %v", workspaces)
	}
	if len(got) != 3 {
		t.Fatalf("machines: %v", got)
	}
	for name, m := range got {
		if len(m.Warnings) != 0 || len(m.Failed) != 0 {
			t.Errorf("%s: clan-core warnings %q, failed assertions %q", name, m.Warnings, m.Failed)
		}
	}
	// web-server: in the machine role by tag (local-infra); its outputs come from the file.
	web := got["web-server"]
	if !web.Enable || !reflect.DeepEqual(web.DependsOn, []string{"shared"}) {
		t.Errorf("web-server: enable %v, dependsOn %q (the service and configuration.nix must not duplicate it)", web.Enable, web.DependsOn)
	}
	if web.Outputs["ipv4_address"] != "10.0.1.10" || !reflect.DeepEqual(web.Outputs["ports"], []any{22.0, 80.0}) {
		t.Errorf("web-server: clan.terranix.outputs = %v, want the content of machines/web-server/terraform-outputs.json", web.Outputs)
	}
	if !reflect.DeepEqual(web.AuthorizedKeys, []string{"ssh-ed25519 AAAAtest"}) {
		t.Errorf("web-server: the template's configuration.nix should use the outputs: keys %q", web.AuthorizedKeys)
	}
	// The template installs: clan-core picks up its disk layout and the hardware report.
	if web.Disk == nil || *web.Disk != "/dev/sda" || web.FacterReport == nil || *web.FacterReport != clan+"/machines/web-server/facter.json" {
		t.Errorf("web-server: disko device %v, hardware.facter.reportPath %v", web.Disk, web.FacterReport)
	}
	// db: in the machine role by name, infrastructure a string in inventory.json.
	db := got["db"]
	if !db.Enable || db.Infrastructure == nil || *db.Infrastructure != clan+"/machines/db/infra.nix" {
		t.Errorf("db: enable %v, infrastructure %v (want the string resolved in the clan)", db.Enable, db.Infrastructure)
	}
	if len(db.Outputs) != 0 {
		t.Errorf("db has no terraform-outputs.json, outputs should be empty: %v", db.Outputs)
	}
	// admin: the infra-manager by name, not a machine with a workspace.
	if admin := got["admin"]; admin.Enable || !admin.HasDriftUnit || web.HasDriftUnit {
		t.Errorf("admin: enable %v, drift unit %v; web-server drift unit %v", admin.Enable, admin.HasDriftUnit, web.HasDriftUnit)
	}
}

// TestInRealClanServiceSchema: clan-core's own checks of the service (its API schema,
// which the Clan UI renders from the role interfaces, and the service's assertions).
func TestInRealClanServiceSchema(t *testing.T) {
	var got struct {
		Schema map[string]json.RawMessage
		Failed []string
	}
	evalReal(t, realClan(t, ""), `
let s = (r.clanOf dir).clan._services.allServices."clan-terranix-terranix"; in {
  schema = s.result.api.schema;
  failed = builtins.attrNames (r.lib.filterAttrs (_: a: !a.assertion) s.result.assertions);
}`, &got)
	if len(got.Schema) != 2 || got.Schema["machine"] == nil || got.Schema["infra-manager"] == nil || len(got.Failed) != 0 {
		t.Errorf("schema roles %d, failed assertions %v", len(got.Schema), got.Failed)
	}
	if !strings.Contains(string(got.Schema["infra-manager"]), `"sopsAgeKeyFile"`) {
		t.Errorf("the infra-manager schema lacks the drift check's options: %s", got.Schema["infra-manager"])
	}
}

type driftView struct {
	Script        string
	Environment   map[string]string
	ServiceConfig map[string]any
	Path          []string
	Calendar      string
	Packages      []string
	User          map[string]any
}

const driftExpr = `
let
  c = (r.clanOf dir).nixosConfigurations.admin.config;
  unit = c.systemd.services.clan-terranix-drift;
in {
  inherit (unit) script environment serviceConfig;
  path = map (p: p.name) unit.path;
  calendar = c.systemd.timers.clan-terranix-drift.timerConfig.OnCalendar;
  packages = map (p: p.name) c.environment.systemPackages;
  user = c.users.users.clan-terranix;
}`

func TestInRealClanInfraManager(t *testing.T) {
	clan := realClan(t, "https://git.example.org/clan.git")
	var got driftView
	evalReal(t, clan, driftExpr, &got)
	if got.Calendar != "hourly" || got.ServiceConfig["User"] != "clan-terranix" || got.User["isSystemUser"] != true {
		t.Errorf("timer %q, serviceConfig %v, user %v", got.Calendar, got.ServiceConfig, got.User)
	}
	// Drift (exit 2) is a result, not a failed unit.
	if !reflect.DeepEqual(got.ServiceConfig["SuccessExitStatus"], []any{2.0}) {
		t.Errorf("SuccessExitStatus: %v", got.ServiceConfig["SuccessExitStatus"])
	}
	for _, tool := range []string{"clan-terranix-0.1.0-dev", "opentofu", "git", "openssh", "sops", "age", "nix"} {
		if !contains(got.Path, tool) {
			t.Errorf("the drift unit's path lacks %s: %v (the flake's package, not a rebuild)", tool, got.Path)
		}
	}
	if !reflect.DeepEqual(got.Packages, []string{"clan-terranix-0.1.0-dev", "opentofu"}) {
		t.Errorf("systemPackages: %v", got.Packages)
	}
	if got.Environment["SOPS_AGE_KEY_FILE"] != "/run/secrets/age" {
		t.Errorf("environment: %v", got.Environment)
	}
	if !strings.Contains(got.Script, "https://git.example.org/clan.git") || !strings.Contains(got.Script, "CLAN_TERRANIX_DRIFT=") {
		t.Errorf("drift script:\n%s", got.Script)
	}

	// The command the unit runs is one the binary accepts: cobra parses every flag
	// before it honours --help, so an unknown flag fails here.
	line := regexp.MustCompile(`(?m)^\s*(clan-terranix .*)$`).FindStringSubmatch(got.Script)
	if line == nil {
		t.Fatalf("no clan-terranix command in the script:\n%s", got.Script)
	}
	if !regexp.MustCompile(`'?drift'? '?--all`).MatchString(line[1]) {
		t.Errorf("the timer should run clan-terranix drift: %s", line[1])
	}
	bin := buildCLI(t)
	cmd := exec.Command("sh", "-c", line[1]+" --help")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "clan-terranix drift [WORKSPACE...]") {
		t.Errorf("%s --help: %v\n%s", line[1], err, out)
	}
}

func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin", "clan-terranix")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/clan-terranix")
	cmd.Dir = abs(t, "../..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestInRealClanFlakeParts(t *testing.T) {
	clan := realClan(t, "")
	var got struct {
		Outputs     []string
		Workspaces  []string
		App         string
		Packages    []string
		PerSystem   []string
		FlakeModule map[string]any
	}
	evalReal(t, clan, `
let f = r.flakePartsOf dir; in {
  outputs = builtins.attrNames f;
  workspaces = builtins.attrNames (f.clanTerranix { withNulls = false; }).workspaces;
  app = f.apps.x86_64-linux.clan-terranix.program;
  packages = builtins.attrNames f.packages.x86_64-linux;
  flakeModule = let m = r.project.flakeModules.default { inherit (r) lib; config = { }; self = { }; flake-parts-lib.mkPerSystemOption = m: m; };
    in { inherit (m) _class; file = baseNameOf m._file; };
}`, &got)
	for _, want := range []string{"clan", "nixosConfigurations", "clanTerranix", "terranixModules", "apps", "packages"} {
		if !contains(got.Outputs, want) {
			t.Errorf("flake-parts outputs lack %s: %v", want, got.Outputs)
		}
	}
	// clanTerranix, which nobody wrote by hand, evaluates the clan's workspaces.
	if !reflect.DeepEqual(got.Workspaces, []string{"db", "shared", "web-server"}) {
		t.Errorf("clanTerranix workspaces: %v", got.Workspaces)
	}
	if !strings.HasSuffix(got.App, "-clan-terranix-0.1.0-dev/bin/clan-terranix") {
		t.Errorf("apps.clan-terranix: %s", got.App)
	}
	// Terranix's own flake module, imported beside ours, still makes its packages.
	if !reflect.DeepEqual(got.Packages, []string{"standalone"}) {
		t.Errorf("packages (Terranix's terranixConfigurations): %v", got.Packages)
	}
	if got.FlakeModule["_class"] != "flake" || got.FlakeModule["file"] != "flake-module.nix" {
		t.Errorf("flakeModules.default: %v", got.FlakeModule)
	}
}

// TestInfraManagerDriftRun runs the drift unit's script as systemd would (bash -e, the
// unit's environment, $STATE_DIRECTORY) with the real binary, git and OpenTofu: it
// clones the remote, reports the never-applied quickstart as drift (exit 2, which the
// unit counts as success) in the journal line and the status file, follows a push to
// the remote, and reports an unreachable remote as an error.
func TestInfraManagerDriftRun(t *testing.T) {
	tc := testenv.Tools(t)
	remote := filepath.Join(t.TempDir(), "remote")
	testenv.CopyDir(t, abs(t, "../../examples/quickstart"), remote)
	testenv.GitRepo(t, remote)
	clan := realClan(t, remote)
	var unit driftView
	evalReal(t, clan, driftExpr, &unit)
	if !reflect.DeepEqual(unit.ServiceConfig["SuccessExitStatus"], []any{2.0}) {
		t.Fatalf("SuccessExitStatus: %v", unit.ServiceConfig["SuccessExitStatus"])
	}
	bin := buildCLI(t)
	stateDir := t.TempDir()
	checkout := filepath.Join(filepath.Dir(clan), "checkout")
	run := func() (int, string) { return runDriftScript(t, tc, unit, bin, stateDir) }
	status := func() map[string]any {
		t.Helper()
		var s map[string]any
		data, err := os.ReadFile(filepath.Join(stateDir, "drift-status.json"))
		if err != nil || json.Unmarshal(data, &s) != nil {
			t.Fatalf("status file: %v: %s", err, data)
		}
		return s
	}
	head := func(dir string) string {
		out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}

	code, out := run()
	if code != 2 || !strings.Contains(out, "CLAN_TERRANIX_DRIFT=drift exit=2 commit="+head(remote)) {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	if s := status(); s["result"] != "drift" || s["exitCode"] != 2.0 || s["commit"] != head(remote) {
		t.Errorf("status after drift: %v", s)
	}

	// A push to the remote reaches the checkout on the next run.
	os.WriteFile(filepath.Join(remote, "NOTES"), []byte("pushed\n"), 0o644)
	for _, args := range [][]string{{"add", "NOTES"}, {"commit", "-q", "--no-gpg-sign", "-m", "notes"}} {
		cmd := exec.Command("git", append([]string{"-C", remote}, args...)...)
		cmd.Env = tc.Env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if code, out := run(); code != 2 || head(checkout) != head(remote) {
		t.Errorf("second run: exit %d, checkout at %s, remote at %s\n%s", code, head(checkout), head(remote), out)
	}

	// The remote gone: an error, not drift, and the unit fails.
	if err := os.Rename(remote, remote+".gone"); err != nil {
		t.Fatal(err)
	}
	code, out = run()
	if code != 1 || !strings.Contains(out, "CLAN_TERRANIX_DRIFT=error exit=1") || !strings.Contains(out, "git fetch of "+remote) {
		t.Errorf("unreachable remote: exit %d\n%s", code, out)
	}
	if s := status(); s["result"] != "error" {
		t.Errorf("status after a failed fetch: %v", s)
	}

	// No remote configured and nobody made the checkout.
	var noRemote driftView
	evalReal(t, realClan(t, ""), driftExpr, &noRemote)
	code, out = runDriftScript(t, tc, noRemote, bin, t.TempDir())
	if code != 1 || !strings.Contains(out, "no clan checkout at") || !strings.Contains(out, "CLAN_TERRANIX_DRIFT=error exit=1") {
		t.Errorf("no checkout, no remote: exit %d\n%s", code, out)
	}
}

// runDriftScript runs the unit's script as systemd would: bash -e (NixOS's `script`),
// the unit's environment, $STATE_DIRECTORY, the built binary first on PATH.
func runDriftScript(t *testing.T, tc testenv.Toolchain, unit driftView, bin, stateDir string) (int, string) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "clan-terranix-drift-start")
	if err := os.WriteFile(script, []byte(unit.Script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-e", script)
	env := tc.Env()
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
		}
	}
	env = append(env, "STATE_DIRECTORY="+stateDir, "HOME="+t.TempDir())
	for k, v := range unit.Environment {
		env = append(env, k+"="+v)
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}
