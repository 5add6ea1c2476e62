package acceptance

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// TestKilledAppliesNeverLoseState is the fault-injection test of issues 5
// and 15: 30 applies of a workspace with local_file resources, each killed
// with SIGKILL at a random moment (even rounds: clan-terranix itself; odd
// rounds: its tofu child while it applies), each followed by a normal apply
// with --lock-timeout. After every normal apply each file on disk is in state
// and each file in state is on disk, no process of the killed run is left
// (no provider holding anything); no state file is ever invalid, on disk or
// in git history.
func TestKilledAppliesNeverLoseState(t *testing.T) {
	if testing.Short() {
		t.Skip("fault injection takes about a minute")
	}
	c, out, stateFile := newRoundsClan(t, "")
	started := time.Now()
	c.ct("apply", "shared", "--yes")
	typical := time.Since(started)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	t.Logf("a normal apply takes %s", typical.Round(time.Millisecond))

	tornAfterKill := 0
	victims := map[string]int{}
	rounds := killRounds(t)
	for round := 1; round <= rounds; round++ {
		count := 3 + rng.IntN(38)
		c.write(map[string]string{"round/round.nix": fmt.Sprintf("{ n = %d; count = %d; }\n", round, count)})
		victim := killDuringApply(t, c, round%2 == 0, typical, rng)
		victims[strings.Fields(victim)[0]]++
		if _, err := state.Validate(stateFile, "state"); err != nil {
			tornAfterKill++ // the next run must restore it: checked below
			t.Logf("round %d: after killing %s the state is invalid (%v); the next run must restore it", round, victim, err)
		}
		if out, err := c.run(true, "clan-terranix", "apply", "shared", "--yes", "--lock-timeout", "2m"); err != nil {
			t.Fatalf("round %d: the apply after killing %s failed: %v\n%s", round, victim, err, out)
		}
		checkFilesMatchState(t, round, stateFile, out, count)
		if left := processesIn(c.dir); len(left) > 0 {
			t.Fatalf("round %d: processes of a killed run left behind after the next apply: %v", round, left)
		}
	}
	// Git history never held an invalid state.
	commits := strings.Fields(c.git("log", "--format=%H", "--", "terraform-state/shared/terraform.tfstate"))
	for _, commit := range commits {
		data, err := c.run(true, "git", "show", commit+":terraform-state/shared/terraform.tfstate")
		if err != nil {
			continue // a commit that removed the file
		}
		if _, err := state.ValidateBytes([]byte(data), commit); err != nil {
			t.Errorf("git history holds an invalid state: %v", err)
		}
	}
	if status := c.git("status", "--porcelain", "--", "terraform-state"); status != "" {
		t.Errorf("state left uncommitted after the last apply:\n%s", status)
	}
	t.Logf("%d applies in %s, killed: %v; %d left a torn state that the next run restored; %d state commits", rounds, time.Since(started).Round(time.Second), victims, tornAfterKill, len(commits))
	if victims["nothing"] > rounds/3 {
		t.Errorf("only %d of %d applies were killed: the kill moments miss the runs", rounds-victims["nothing"], rounds)
	}
}

// newRoundsClan is a clan whose shared workspace writes round.count files
// f-<i>.txt into out, their content naming round.n (round/round.nix); extra
// is added to each file's resource.
func newRoundsClan(t *testing.T, extra string) (c *stateClan, out, stateFile string) {
	tc := testenv.Tools(t)
	out = filepath.Join(t.TempDir(), "out")
	c = newStateClan(t, tc, map[string]string{
		".clan-flake": "",
		"inventory/infrastructure/shared/files.nix": `let round = import ../../../round/round.nix; in {
  resource.local_file.f = {
    count = round.count;
    filename = "` + out + `/f-\${count.index}.txt";
    content = "round ${toString round.n} file \${count.index}";
    ` + extra + `
  };
}
`,
		"round/round.nix": "{ n = 0; count = 5; }\n",
	})
	return c, out, filepath.Join(c.dir, "terraform-state/shared/terraform.tfstate")
}

// killDuringApply starts an apply and SIGKILLs clan-terranix (killTool) at a
// random moment of a typical run, or its tofu child once that applies, and
// names what it killed.
func killDuringApply(t *testing.T, c *stateClan, killTool bool, typical time.Duration, rng *rand.Rand) string {
	t.Helper()
	cmd := c.command(t.Context(), "clan-terranix", "apply", "shared", "--yes")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	victim := "nothing (the apply ended first)"
	if killTool {
		delay := time.Duration(rng.Int64N(int64(typical) + 1))
		select {
		case <-done:
			return victim
		case <-time.After(delay):
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		victim = fmt.Sprintf("clan-terranix after %s", delay.Round(time.Millisecond))
	} else {
		deadline := time.Now().Add(typical * 3)
		for time.Now().Before(deadline) {
			if pid := tofuApplying(c.dir); pid > 0 {
				time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
				if syscall.Kill(pid, syscall.SIGKILL) == nil {
					victim = "tofu apply"
				}
				break
			}
			select {
			case <-done:
				return victim
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	<-done
	// No waiting for a tofu that outlives a killed clan-terranix: it holds
	// the workspace lock it inherited, and the next run (--lock-timeout)
	// waits for it to write its state and exit.
	return victim
}

// clanTofuProcesses lists the tofu processes working below dir, and
// children of clan-terranix about to become one.
func clanTofuProcesses(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		name := strings.TrimSpace(string(comm))
		if (name == "tofu" || name == "clan-terranix") && strings.HasPrefix(cwd, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// tofuApplying returns the pid of a `tofu apply` below dir, or 0.
func tofuApplying(dir string) int {
	for _, pid := range clanTofuProcesses(dir) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.Contains(string(cmdline), "\x00apply\x00") {
			return pid
		}
	}
	return 0
}

// checkFilesMatchState: each file on disk is in state, each file in state is
// on disk, and the apply converged to count files.
func checkFilesMatchState(t *testing.T, round int, stateFile, out string, count int) {
	t.Helper()
	data, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	if _, err := state.ValidateBytes(data, "state"); err != nil {
		t.Fatalf("round %d: after the normal apply: %v", round, err)
	}
	var doc struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					Filename string `json:"filename"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	inState := map[string]bool{}
	for _, r := range doc.Resources {
		for _, in := range r.Instances {
			if r.Type == "local_file" {
				inState[in.Attributes.Filename] = true
			}
		}
	}
	onDisk := map[string]bool{}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		onDisk[filepath.Join(out, e.Name())] = true
	}
	var missing, orphaned []string
	for f := range inState {
		if !onDisk[f] {
			missing = append(missing, f)
		}
	}
	for f := range onDisk {
		if !inState[f] {
			orphaned = append(orphaned, f)
		}
	}
	sort.Strings(missing)
	sort.Strings(orphaned)
	if len(missing) > 0 || len(orphaned) > 0 || len(inState) != count {
		t.Fatalf("round %d: state has %d files (want %d); in state but not on disk: %v; on disk but not in state: %v", round, len(inState), count, missing, orphaned)
	}
}

// TestKilledRunsTofuKeepsTheLock: a tofu left running by a killed
// clan-terranix keeps the workspace locked until it exits, so a second run
// cannot start on a state that is still being written.
func TestKilledRunsTofuKeepsTheLock(t *testing.T) {
	tc := testenv.Tools(t)
	// The apply goes on until the test says so (not for a time, which a
	// busy machine may use up before the test looks).
	release := filepath.Join(t.TempDir(), "release")
	c := newStateClan(t, tc, map[string]string{
		".clan-flake": "",
		"inventory/infrastructure/shared/slow.nix": `{
  resource.terraform_data.wait = {
    input = "wait";
    provisioner = [ { local-exec.command = "while [ ! -e ` + release + ` ]; do sleep 0.1; done"; } ];
  };
  resource.terraform_data.after = { input = "done"; depends_on = [ "terraform_data.wait" ]; };
}
`,
	})
	cmd := c.command(t.Context(), "clan-terranix", "apply", "shared", "--yes")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for realTofuApplying(c.dir) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("tofu apply never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if realTofuApplying(c.dir) == 0 {
		t.Fatal("the orphaned tofu apply ended before the test could check the lock")
	}
	out, err := c.run(true, "clan-terranix", "apply", "shared", "--yes")
	if err == nil || !strings.Contains(out, "is locked by a tofu process (pid ") {
		t.Fatalf("a second apply while the orphaned tofu runs: err=%v\n%s", err, out)
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out = c.ct("apply", "shared", "--yes", "--lock-timeout", "2m")
	if !strings.Contains(out, "interrupted") && !strings.Contains(out, "no changes") && !strings.Contains(out, "ok") {
		t.Errorf("the waiting apply:\n%s", out)
	}
	if status := c.git("status", "--porcelain", "--", "terraform-state"); status != "" {
		t.Errorf("state left uncommitted:\n%s", status)
	}
	st, err := state.Validate(filepath.Join(c.dir, "terraform-state/shared/terraform.tfstate"), "state")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after the orphan finished and the next apply ran: %+v", st)
}

// realTofuApplying is tofuApplying without clan-terranix's own processes.
func realTofuApplying(dir string) int {
	for _, pid := range clanTofuProcesses(dir) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.TrimSpace(string(comm)) == "tofu" && strings.Contains(string(cmdline), "\x00apply\x00") {
			return pid
		}
	}
	return 0
}
