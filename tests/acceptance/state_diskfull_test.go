package acceptance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// TestDiskFullStateIsAdopted: tofu applies, then cannot save the state (the
// state dir is a full tmpfs in a mount namespace of its own) and leaves
// errored.tfstate in its work dir. The next run adopts it: the resources it
// created are in the state and committed, nothing is created twice.
func TestDiskFullStateIsAdopted(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SKIPPING: mounting a tmpfs in a mount namespace needs root")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("SKIPPING: unshare (util-linux) is not installed")
	}
	tc := testenv.Tools(t)
	c := newStateClan(t, tc, map[string]string{
		".clan-flake": "",
		"inventory/infrastructure/shared/data.nix": "{ resource.terraform_data.first.input = \"one\"; }\n",
	})
	c.ct("apply", "shared", "--yes")
	// Enough resources that the new state cannot fit where the old one did.
	c.write(map[string]string{"inventory/infrastructure/shared/more.nix": `{
  resource.terraform_data.more = { count = 40; input = "\${count.index} ` + strings.Repeat("x", 2000) + `"; };
}
`})
	stateDir := filepath.Join(c.dir, "terraform-state/shared")
	saved := t.TempDir()
	if out, err := exec.Command("cp", "-a", stateDir+"/.", saved).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The tmpfs holds the state files and leaves three pages free: enough
	// for tofu's lock info and backup, not for the new state.
	script := `set -e
mount -t tmpfs -o size=256k tmpfs "$1"
cp -a "$2"/. "$1"/
dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null || true
truncate -s -12K "$1/filler"
shift 2
"$@" || true
`
	cmd := c.command(t.Context(), "unshare", "-m", "sh", "-c", script, "sh", stateDir, saved, filepath.Join(binDir, "clan-terranix"), "apply", "shared", "--yes")
	out, _ := cmd.CombinedOutput()
	t.Logf("the apply with a full disk:\n%s", out)
	errored := filepath.Join(c.dir, ".clan-terranix/work/shared/errored.tfstate")
	data, err := os.ReadFile(errored)
	if err != nil {
		t.Fatalf("tofu left no errored.tfstate (the scenario did not happen): %v", err)
	}
	want := ids(t, data)
	if len(want) != 41 {
		t.Fatalf("errored.tfstate holds %d resources, want 41", len(want))
	}

	// The next run adopts what tofu could not save, and has nothing to create.
	out2 := c.ct("apply", "shared", "--yes")
	if !strings.Contains(out2, "tofu could not save its state and left it in .clan-terranix/work/shared/errored.tfstate; adopted it as terraform-state/shared/terraform.tfstate") {
		t.Errorf("the next apply did not say it adopted errored.tfstate:\n%s", out2)
	}
	if !strings.Contains(out2, "shared     no changes") {
		t.Errorf("the next apply had changes: resources were created twice?\n%s", out2)
	}
	got := ids(t, []byte(c.git("show", "HEAD:terraform-state/shared/terraform.tfstate")))
	for addr, id := range want {
		if got[addr] != id {
			t.Errorf("%s: committed state has id %q, errored.tfstate had %q", addr, got[addr], id)
		}
	}
	if status := c.git("status", "--porcelain", "--", "terraform-state"); status != "" {
		t.Errorf("state left uncommitted:\n%s", status)
	}
	if _, err := os.Stat(errored); err == nil {
		t.Error("errored.tfstate is still there: the run after would adopt it again")
	}
}

// ids maps each resource instance of a state to its id.
func ids(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var doc struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range doc.Resources {
		for _, in := range r.Instances {
			m[r.Type+"."+r.Name+"["+strings.TrimSpace(jsonString(in.IndexKey))+"]"] = in.Attributes.ID
		}
	}
	return m
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
