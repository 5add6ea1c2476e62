package workspace

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
)

var update = flag.Bool("update", false, "rewrite golden files")

// planResult is the evaluation of the plan's two examples (with the subnet_id
// output the plan forgot, and machine.name for config.networking.hostName).
func planResult(sharedOutputs string) *nixeval.Result {
	return &nixeval.Result{Workspaces: map[string]nixeval.Workspace{
		"shared": {Kind: "shared", Files: []string{"/clan/inventory/infrastructure/shared/networking.nix"}, Config: json.RawMessage(`{
			"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "clan-main-vpc"}}},
			             "aws_subnet": {"public": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24"}}},
			"output": ` + sharedOutputs + `}`)},
		"web-server": {Kind: "machine", Machine: "web-server", DependsOn: []string{"shared"}, Config: json.RawMessage(`{
			"resource": {
			  "aws_security_group": {"web": {"name": "web-server-sg", "vpc_id": "${data.terraform_remote_state.shared.outputs.vpc_id}",
			     "ingress": [{"from_port": 80, "to_port": 80, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}},
			  "aws_instance": {"web": {"ami": "ami-12345", "instance_type": "t3.micro",
			     "subnet_id": "${data.terraform_remote_state.shared.outputs.subnet_id}",
			     "user_data": "echo $${data.terraform_remote_state.nothere.outputs.x}",
			     "vpc_security_group_ids": ["${aws_security_group.web.id}"]}}}}`)},
	}}
}

func TestGenerateWiresBackendAndRemoteState(t *testing.T) {
	set, err := Build("/clan", planResult(`{"vpc_id": {"value": "${aws_vpc.main.id}"}, "subnet_id": {"value": "${aws_subnet.public.id}"}}`))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Get("web-server")
	if got := strings.Join(w.Dependencies(), ","); got != "shared" {
		t.Errorf("dependencies = %q, want shared", got)
	}
	if len(w.Refs) != 2 {
		t.Errorf("refs = %v, want vpc_id and subnet_id of shared (the escaped $${...} is not a reference)", w.Refs)
	}
	for _, name := range []string{"shared", "web-server"} {
		w, _ := set.Get(name)
		got, err := set.Generate(w)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", name+".tf.json"), got)
	}
}

func TestMissingUpstreamOutputFails(t *testing.T) {
	_, err := Build("/clan", planResult(`{"vpc_id": {"value": "${aws_vpc.main.id}"}}`))
	want := `workspace web-server reads output "subnet_id" of workspace shared, which shared does not declare (declared: vpc_id)`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

func TestUnknownWorkspaceRefFails(t *testing.T) {
	res := planResult(`{"vpc_id": {"value": 1}, "subnet_id": {"value": 2}}`)
	ws := res.Workspaces["web-server"]
	ws.Config = json.RawMessage(`{"output": {"x": {"value": "${data.terraform_remote_state.sharde.outputs.vpc_id}"}}}`)
	res.Workspaces["web-server"] = ws
	_, err := Build("/clan", res)
	if err == nil || !strings.Contains(err.Error(), `workspace web-server reads data.terraform_remote_state.sharde, but there is no workspace "sharde"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownDependsOnFails(t *testing.T) {
	res := planResult(`{"vpc_id": {"value": 1}, "subnet_id": {"value": 2}}`)
	ws := res.Workspaces["web-server"]
	ws.DependsOn = []string{"dns"}
	res.Workspaces["web-server"] = ws
	_, err := Build("/clan", res)
	if err == nil || !strings.Contains(err.Error(), `workspace web-server: dependsOn names "dns", which is not a workspace`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUserRemoteStateBlockIsKept(t *testing.T) {
	res := &nixeval.Result{Workspaces: map[string]nixeval.Workspace{
		"web": {Kind: "machine", Machine: "web", Config: json.RawMessage(`{
			"data": {"terraform_remote_state": {"legacy": {"backend": "s3", "config": {"bucket": "b"}}}},
			"output": {"x": {"value": "${data.terraform_remote_state.legacy.outputs.anything}"}}}`)},
	}}
	set, err := Build("/clan", res)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Get("web")
	if len(w.Dependencies()) != 0 {
		t.Errorf("a user-declared remote state outside the clan is no dependency: %v", w.Dependencies())
	}
	got, _ := set.Generate(w)
	if !strings.Contains(string(got), `"bucket": "b"`) {
		t.Errorf("user block lost:\n%s", got)
	}
}

func TestWriteWorkDirKeepsUnchangedFile(t *testing.T) {
	root := t.TempDir()
	set, err := Build(root, planResult(`{"vpc_id": {"value": 1}, "subnet_id": {"value": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Get("shared")
	dir, _, err := set.WriteWorkDir(root, w)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, ConfigFile)
	before, _ := os.Stat(file)
	if _, _, err := set.WriteWorkDir(root, w); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(file)
	if !before.ModTime().Equal(after.ModTime()) {
		t.Error("unchanged config was rewritten")
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".clan-terranix", ".gitignore"))
	if err != nil || !strings.Contains(string(ignore), "*") {
		t.Errorf(".clan-terranix/.gitignore = %q, %v", ignore, err)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// A machine name from the inventory is refused before any file is made from
// it: "../../x" would be a folder outside the clan, "shared" the shared
// workspace's place.
func TestBadMachineNamesAreRefused(t *testing.T) {
	for name, want := range map[string]string{
		"../../x": `machine name "../../x" in the inventory (inventory.json, clan.nix or machines/): use letters, digits and -`,
		"shared":  `machine name "shared" in the inventory (inventory.json, clan.nix or machines/) is reserved for the workspace of inventory/infrastructure/shared/`,
	} {
		res := planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`)
		res.Machines = map[string]nixeval.Machine{name: {}}
		if _, err := Build("/clan", res); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Build with machine %q = %v, want %q", name, err, want)
		}
	}
	// A machine workspace that took the shared one's place.
	res := planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`)
	res.Workspaces["shared"] = nixeval.Workspace{Kind: "machine", Machine: "shared", Config: json.RawMessage(`{}`)}
	if _, err := Build("/clan", res); err == nil || !strings.Contains(err.Error(), `machine name "shared"`) {
		t.Errorf("Build with a machine workspace named shared = %v", err)
	}
}

// A run's steps each ask for a workspace's config (credential warning,
// schema check, --changed, the work dir): it is made once.
func TestGenerateOncePerSet(t *testing.T) {
	root := t.TempDir()
	set, err := Build(root, planResult(`{"vpc_id": {"value": 1}, "subnet_id": {"value": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Get("shared")
	first, err := set.Generate(w)
	if err != nil {
		t.Fatal(err)
	}
	_, written, err := set.WriteWorkDir(root, w)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := set.Generate(w)
	if set.generations != 1 {
		t.Errorf("config generated %d times, want once", set.generations)
	}
	if !bytes.Equal(first, written) || !bytes.Equal(first, again) {
		t.Error("the config handed on differs from the one generated")
	}
}
