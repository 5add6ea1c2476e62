package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// terraformClan is a clan whose settings choose the terraform engine, with
// Terraform v1.5.7 from the bootstrap first on PATH.
func terraformClan(t *testing.T, tc testenv.Toolchain, files map[string]string) *stateClan {
	t.Helper()
	terraform := tc.Terraform(t)
	c := newStateClan(t, tc, files)
	c.env = append(c.env, "PATH="+filepath.Dir(terraform)+string(os.PathListSeparator)+binDir+string(os.PathListSeparator)+tc.Vars()["PATH"])
	return c
}

// TestTerraformEngine runs a fleet with Terraform v1.5.7 instead of OpenTofu:
// dependency order and remote state, change detection (--changed starts
// nothing where nothing changed), and the refusal of state encryption, which
// only OpenTofu has.
func TestTerraformEngine(t *testing.T) {
	tc := testenv.Tools(t)
	net := func(cidr string) string {
		return `{ resource.terraform_data.net.input = "` + cidr + `"; output.net.value = "\${terraform_data.net.output}"; }` + "\n"
	}
	machine := `{ resource.terraform_data.nic.input = "\${data.terraform_remote_state.shared.outputs.net}"; resource.random_pet.name = { }; }` + "\n"
	c := terraformClan(t, tc, map[string]string{
		".clan-flake":                             "",
		"inventory/services/terranix.nix":         settingsNix(`engine = "terraform";`),
		"inventory/infrastructure/shared/net.nix": net("10.0.0.0/16"),
		"machines/m1/infrastructure.nix":          machine,
		"machines/m2/infrastructure.nix":          machine,
	})
	out := c.ct("apply", "--all", "--yes")
	if !strings.Contains(out, "3 workspaces: 3 ok") {
		t.Fatalf("first apply with terraform:\n%s", out)
	}
	for _, ws := range []string{"shared", "machines/m1", "machines/m2"} {
		var st struct {
			TerraformVersion string `json:"terraform_version"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.dir, "terraform-state", ws, "terraform.tfstate"))), &st); err != nil || st.TerraformVersion != "1.5.7" {
			t.Errorf("state of %s: written by %q (%v), want Terraform 1.5.7", ws, st.TerraformVersion, err)
		}
	}
	if status := c.git("status", "--porcelain"); status != "" {
		t.Errorf("apply with terraform left files uncommitted:\n%s", status)
	}

	if out := c.ct("apply", "--all", "--changed", "--yes"); !strings.Contains(out, "3 workspaces: 3 unchanged") {
		t.Errorf("--changed with nothing changed:\n%s", out)
	}
	c.write(map[string]string{"inventory/infrastructure/shared/net.nix": net("10.1.0.0/16")})
	c.git("commit", "-qam", "new net")
	out = c.ct("apply", "--all", "--changed", "--yes")
	if !strings.Contains(out, "3 workspaces: 3 ok") {
		t.Errorf("--changed after shared's output changed: want all three to run (m1, m2 read it)\n%s", out)
	}
	if out, _ := c.run(false, "clan-terranix", "tofu", "m1", "--", "state", "show", "terraform_data.nic"); !strings.Contains(out, "10.1.0.0/16") {
		t.Errorf("m1 did not read shared's new output through remote state with terraform:\n%s", out)
	}
	if out := c.ct("status"); strings.Contains(out, "changed") && !strings.Contains(out, "up to date") {
		t.Errorf("status after applying everything with terraform:\n%s", out)
	}

	// State encryption is OpenTofu's: with terraform it is refused before anything runs.
	c.write(map[string]string{"inventory/services/terranix.nix": settingsNix(`engine = "terraform"; encryption.passphraseEnv = "CT_PASS";`)})
	c.git("commit", "-qam", "encryption on")
	c.env = append(c.env, "CT_PASS=correct-horse-battery-1")
	out, err := c.run(true, "clan-terranix", "apply", "--all", "--yes")
	if err == nil || !strings.Contains(out, "state encryption needs OpenTofu >= 1.7, but the engine is terraform") {
		t.Errorf("encryption with terraform was not refused:\n%s", out)
	}
	if status := c.git("status", "--porcelain"); status != "" {
		t.Errorf("the refused run changed files:\n%s", status)
	}
}
