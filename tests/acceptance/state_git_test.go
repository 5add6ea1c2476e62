package acceptance

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// TestGitLockTwoClones is the concurrency test of issue 5: 10 rounds of two
// clones of one bare remote applying the same workspace at the same moment
// with lock = "git". In each round exactly one applies; the other waits for
// the team lock and then refuses the older state ("pull first"), or finds
// the work done. No update is lost (the state holds every round's change, its
// serial only grows) and both clones end with the same history.
func TestGitLockTwoClones(t *testing.T) {
	if testing.Short() {
		t.Skip("10 rounds of concurrent applies")
	}
	tc := testenv.Tools(t)
	a := newStateClan(t, tc, map[string]string{
		".clan-flake":                               "",
		"inventory/services/terranix.nix":           settingsNix(`lock = "git"; lockTimeout = "60s";`),
		"inventory/infrastructure/shared/round.nix": `{ resource.terraform_data.round.input = "round 0"; }` + "\n",
	})
	remote := filepath.Join(t.TempDir(), "remote.git")
	a.git("init", "-q", "--bare", remote)
	a.git("remote", "add", "origin", remote)
	a.git("push", "-q", "-u", "origin", "main")
	b := a.clone(remote)
	stateFile := "terraform-state/shared/terraform.tfstate"
	lastSerial := int64(-1)
	for round := 1; round <= 10; round++ {
		// The round's change reaches both clones through the remote.
		a.write(map[string]string{"inventory/infrastructure/shared/round.nix": fmt.Sprintf(`{ resource.terraform_data.round.input = "round %d"; }`+"\n", round)})
		a.git("commit", "-qam", fmt.Sprintf("round %d", round))
		a.git("push", "-q", "origin", "main")
		b.git("pull", "-q", "--no-rebase", "origin", "main")

		var wg sync.WaitGroup
		outs := make([]string, 2)
		errs := make([]error, 2)
		for i, clan := range []*stateClan{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = clan.run(true, "clan-terranix", "apply", "shared", "--yes")
			}()
		}
		wg.Wait()
		applied := 0
		var outcome []string
		for i, clan := range []*stateClan{a, b} {
			switch {
			case errs[i] == nil && strings.Contains(outs[i], "shared     ok"):
				applied++
				outcome = append(outcome, "applied")
			case errs[i] == nil && strings.Contains(outs[i], "no changes"):
				outcome = append(outcome, "no changes")
			case errs[i] != nil && strings.Contains(outs[i], "state of shared is older than origin/main: pull first"):
				outcome = append(outcome, "refused: pull first")
				// The loser pulls and finds the work done.
				clan.git("pull", "-q", "--no-rebase", "origin", "main")
				if out := clan.ct("apply", "shared", "--yes"); !strings.Contains(out, "no changes") {
					t.Errorf("round %d: after pulling, the losing clone still had changes:\n%s", round, out)
				}
			default:
				t.Fatalf("round %d: unexpected result of a concurrent apply:\n%s", round, outs[i])
			}
		}
		waited := strings.Contains(outs[0]+outs[1], "waiting up to 1m0s for workspace shared, locked on origin by")
		t.Logf("round %d: %s (a run waited for the team lock: %v)", round, strings.Join(outcome, ", "), waited)
		if applied != 1 {
			t.Errorf("round %d: %d clones applied, want exactly 1:\n%s\n%s", round, applied, outs[0], outs[1])
		}
		for _, clan := range []*stateClan{a, b} {
			clan.git("pull", "-q", "--no-rebase", "origin", "main")
		}
		if ha, hb := a.git("rev-parse", "HEAD"), b.git("rev-parse", "HEAD"); ha != hb {
			t.Fatalf("round %d: the clones diverged: %s vs %s", round, ha, hb)
		}
		data, err := os.ReadFile(filepath.Join(a.dir, stateFile))
		if err != nil {
			t.Fatal(err)
		}
		info, err := state.ValidateBytes(data, stateFile)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !strings.Contains(string(data), fmt.Sprintf(`"round %d"`, round)) || info.Serial <= lastSerial {
			t.Fatalf("round %d: lost update: the state (serial %d, before %d) does not hold this round's change", round, info.Serial, lastSerial)
		}
		lastSerial = info.Serial
	}
	// One history, with a state commit per round, and no lock left behind.
	if n := len(strings.Fields(a.git("log", "--format=%H", "--", stateFile))); n < 10 {
		t.Errorf("history has %d state commits, want at least 10", n)
	}
	if locks := a.git("ls-remote", "origin", "refs/clan-terranix/locks/*"); locks != "" {
		t.Errorf("team locks left on the remote:\n%s", locks)
	}
}

// TestEncryptedStateNeverPlaintext: with encryption on, applies that create
// random_passwords leave neither a password nor plaintext state in any file
// of the clan or anywhere in its git history.
func TestEncryptedStateNeverPlaintext(t *testing.T) {
	tc := testenv.Tools(t)
	c := newStateClan(t, tc, map[string]string{
		".clan-flake":                     "",
		"inventory/services/terranix.nix": settingsNix(`encryption.passphraseEnv = "CT_PASS";`),
		"inventory/infrastructure/shared/pw.nix": `let round = import ../../../round/round.nix; in {
  resource.random_password.pw = { length = 32; special = false; keepers.round = toString round; };
  output.pw = { value = "\${random_password.pw.result}"; sensitive = true; };
}
`,
		"round/round.nix":                "0\n",
		"machines/m1/infrastructure.nix": `{ resource.terraform_data.uses.input = "\${data.terraform_remote_state.shared.outputs.pw}"; }` + "\n",
	})
	c.env = append(c.env, "CT_PASS=correct-horse-battery-staple")
	var passwords []string
	for round := 1; round <= 2; round++ {
		c.write(map[string]string{"round/round.nix": fmt.Sprintf("%d\n", round)})
		c.git("commit", "-qam", fmt.Sprintf("round %d", round))
		c.ct("apply", "--all", "--yes")
		pw, _ := c.run(false, "clan-terranix", "tofu", "shared", "--", "output", "-raw", "pw")
		pw = strings.TrimSpace(pw)
		if len(pw) != 32 {
			t.Fatalf("round %d: tofu output -raw pw gave %q", round, pw)
		}
		passwords = append(passwords, pw)
	}
	history := c.git("log", "-p", "--all")
	for _, needle := range append(passwords, `"resources"`) {
		if strings.Contains(history, needle) {
			t.Errorf("git history holds %q", needle)
		}
	}
	err := filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Name() == ".git" || strings.Contains(path, "/.git/") || strings.Contains(path, "/.terraform/providers/") {
			return nil // git's objects are compressed: searched through git log above
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, needle := range append(passwords, `"resources"`) {
			if strings.Contains(string(data), needle) {
				t.Errorf("%s holds %q", strings.TrimPrefix(path, c.dir+"/"), needle)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
