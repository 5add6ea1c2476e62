package acceptance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// teamBackend is a team backend under test.
type teamBackend struct {
	typ      string                 // "pg", "s3", "http"
	settings string                 // the infra-manager setting: backend = { ... };
	env      []string               // what its server and credentials need
	where    func(ws string) string // workspace.Backend.Where of ws
}

// teamBackendRoundTrip moves a clan's state from git to the backend and back:
// lineage and serial verified each way, a dependent reading its upstream
// through the backend's remote state, and two clones applying the same
// workspace at once (the backend's lock lets one through; the other waits or
// fails naming the lock).
func teamBackendRoundTrip(t *testing.T, tc testenv.Toolchain, b teamBackend) {
	teamSettings := settingsNix(b.settings)
	c := newStateClan(t, tc, map[string]string{
		".clan-flake":                           "",
		"inventory/services/terranix.nix":       settingsNix(`engine = "tofu";`),
		"inventory/infrastructure/shared/a.nix": `{ resource.terraform_data.net.input = "10.0.0.0/16"; output.net.value = "\${terraform_data.net.output}"; }` + "\n",
		"machines/m1/infrastructure.nix":        `{ resource.terraform_data.nic.input = "\${data.terraform_remote_state.shared.outputs.net}"; }` + "\n",
	})
	c.env = append(c.env, b.env...)
	c.ct("apply", "--all", "--yes")
	before := map[string]state.Info{}
	for _, ws := range []string{"shared", "machines/m1"} {
		info, err := state.Validate(filepath.Join(c.dir, "terraform-state", ws, "terraform.tfstate"), ws)
		if err != nil || !info.Exists {
			t.Fatalf("state of %s after the first apply: %+v, %v", ws, info, err)
		}
		before[ws] = info
	}

	// git -> the backend: the copy is verified, the git copy removed in a commit saying where it went.
	c.write(map[string]string{"inventory/services/terranix.nix": teamSettings})
	c.git("commit", "-qam", "state to "+b.typ)
	out := c.ct("state", "migrate", "--to", b.typ, "--all")
	for _, ws := range []string{"shared", "m1"} {
		want := ws + "  done  moved to " + b.where(ws)
		if !strings.Contains(strings.Join(strings.Fields(out), "  "), strings.Join(strings.Fields(want), "  ")) {
			t.Errorf("state migrate --to %s: want %q in\n%s", b.typ, want, out)
		}
	}
	for _, ws := range []string{"shared", "machines/m1"} {
		if _, err := os.Stat(filepath.Join(c.dir, "terraform-state", ws, "terraform.tfstate")); !os.IsNotExist(err) {
			t.Errorf("terraform-state/%s/terraform.tfstate is still in git after migrating to %s", ws, b.typ)
		}
	}
	msg := c.git("log", "-2", "--format=%B")
	if !strings.Contains(msg, "State moved to "+b.typ) || !strings.Contains(msg, before["machines/m1"].Lineage) {
		t.Errorf("the migration commit does not say where the state went:\n%s", msg)
	}
	// Running it again is harmless.
	if out := c.ct("state", "migrate", "--to", b.typ, "--all"); !strings.Contains(out, "skipped") {
		t.Errorf("second migrate --to %s did not skip:\n%s", b.typ, out)
	}

	// Applies go to the backend; m1 reads shared's output through its remote state.
	out = c.ct("apply", "--all", "--yes")
	if !strings.Contains(out, "2 no changes") {
		t.Errorf("apply after migrating to %s: want 2 no changes (same state), got\n%s", b.typ, out)
	}
	c.write(map[string]string{"inventory/infrastructure/shared/a.nix": `{ resource.terraform_data.net.input = "10.1.0.0/16"; output.net.value = "\${terraform_data.net.output}"; }` + "\n"})
	c.git("commit", "-qam", "new net")
	c.ct("apply", "--all", "--yes")
	if out, _ := c.run(false, "clan-terranix", "tofu", "m1", "--", "state", "show", "terraform_data.nic"); !strings.Contains(out, "10.1.0.0/16") {
		t.Errorf("m1 did not read the new output of shared through %s remote state:\n%s", b.typ, out)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "terraform-state/shared/terraform.tfstate")); !os.IsNotExist(err) {
		t.Errorf("an apply with the %s backend wrote state into git", b.typ)
	}
	if status := c.git("status", "--porcelain"); status != "" {
		t.Errorf("an apply with the %s backend left files uncommitted:\n%s", b.typ, status)
	}

	// Two clones apply the same workspace at once: the backend's lock serialises them.
	remote := filepath.Join(t.TempDir(), "remote.git")
	c.git("init", "-q", "--bare", remote)
	c.git("remote", "add", "origin", remote)
	c.git("push", "-q", "origin", "main")
	other := c.clone(remote)
	slow := `{ resource.terraform_data.nic.input = "\${data.terraform_remote_state.shared.outputs.net}";
  resource.time_sleep.hold = { create_duration = "3s"; triggers = { round = "ROUND"; }; }; }` + "\n"
	for round := 1; round <= 2; round++ {
		config := map[string]string{"machines/m1/infrastructure.nix": strings.ReplaceAll(slow, "ROUND", fmt.Sprint(round))}
		c.write(config)
		other.write(config)
		var wg sync.WaitGroup
		outs := make([]string, 2)
		errs := make([]error, 2)
		for i, clan := range []*stateClan{c, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = clan.run(true, "clan-terranix", "apply", "m1", "--no-deps", "--yes")
			}()
		}
		wg.Wait()
		ok := 0
		for i := range outs {
			switch {
			case errs[i] == nil:
				ok++
			case !strings.Contains(outs[i], "state lock"):
				t.Errorf("round %d: a concurrent apply failed, but not on the state lock:\n%s", round, outs[i])
			}
		}
		if ok == 0 {
			t.Errorf("round %d: neither concurrent apply got through:\n%s\n%s", round, outs[0], outs[1])
		}
		t.Logf("round %d: %d of 2 concurrent applies got through, the other waited for or failed on %s's lock", round, ok, b.typ)
		// Whoever lost converges with a normal run: nothing was lost or doubled.
		if out := other.ct("apply", "m1", "--no-deps", "--yes"); !strings.Contains(out, "no changes") {
			t.Errorf("round %d: after the concurrent applies m1 is not converged:\n%s", round, out)
		}
	}
	c.git("checkout", "--", "machines/m1/infrastructure.nix")

	// backend -> git: lineage and serial as the backend had them, committed.
	out = c.ct("state", "migrate", "--to", "git", "--all")
	if !strings.Contains(out, "remove the backend setting") {
		t.Errorf("migrate --to git does not say to remove the backend setting:\n%s", out)
	}
	info, err := state.Validate(filepath.Join(c.dir, "terraform-state/shared/terraform.tfstate"), "shared")
	if err != nil || info.Lineage != before["shared"].Lineage || info.Serial < before["shared"].Serial {
		t.Errorf("state of shared back in git: %+v, %v; want lineage %s", info, err, before["shared"].Lineage)
	}
	if status := c.git("status", "--porcelain", "--", "terraform-state"); status != "" {
		t.Errorf("state back in git is not committed:\n%s", status)
	}
	// While the settings still name the backend, runs refuse the state left in git.
	if out, err := c.run(true, "clan-terranix", "apply", "--all", "--yes"); err == nil || !strings.Contains(out, "state migrate --to "+b.typ) {
		t.Errorf("apply with state in git and %s in the settings did not refuse:\n%s", b.typ, out)
	}
	c.write(map[string]string{"inventory/services/terranix.nix": settingsNix(`engine = "tofu";`)})
	c.git("commit", "-qam", "state back in git")
	// m1's config went back to the committed one (no time_sleep): one destroy, then nothing.
	// Only m1: an apply may rewrite a state it did not change (tofu normalises a
	// state written by another backend), and shared must stay as the backend has it.
	c.ct("apply", "m1", "--no-deps", "--yes")
	if out := c.ct("plan", "--all"); !strings.Contains(out, "2 no changes") {
		t.Errorf("plan after moving back to git: want no changes, got\n%s", out)
	}

	// The backend still holds m1's older version: moving m1 there again must not overwrite it.
	c.write(map[string]string{"inventory/services/terranix.nix": teamSettings})
	out, err = c.run(true, "clan-terranix", "state", "migrate", "--to", b.typ, "m1")
	if err == nil || !strings.Contains(out, "already holds a state") || !strings.Contains(out, "refusing to overwrite it") {
		t.Errorf("migrate onto an older copy in %s did not refuse:\n%s", b.typ, out)
	}
	// shared did not change since it went back: the backend's copy is the same, so a
	// second move only removes it from git (what a run killed after the copy resumes).
	if out := c.ct("state", "migrate", "--to", b.typ, "shared"); !strings.Contains(out, "moved to "+b.typ) {
		t.Errorf("migrate onto an identical copy in %s:\n%s", b.typ, out)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "terraform-state/shared/terraform.tfstate")); !os.IsNotExist(err) {
		t.Errorf("shared's state is still in git after its move onto the identical copy")
	}
}
