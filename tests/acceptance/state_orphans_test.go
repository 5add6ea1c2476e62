package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/state"
)

// killRounds is how many rounds a kill campaign runs: 30, or
// CLAN_TERRANIX_KILL_ROUNDS for a longer (or shorter) campaign.
func killRounds(t *testing.T) int {
	if s := os.Getenv("CLAN_TERRANIX_KILL_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("CLAN_TERRANIX_KILL_ROUNDS=%q: want a number of rounds", s)
		}
		return n
	}
	return 30
}

// TestKilledTofuOrphansAreNamed is the campaign of issue 15: in each round
// tofu itself is SIGKILLed at a random moment of an apply that replaces or
// creates up to 40 files. Every file on disk afterwards is either in the
// state the run committed or named as a possible orphan in its run report
// (--json). A normal apply then converges, and no process of the killed run
// is left.
func TestKilledTofuOrphansAreNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("a kill campaign takes a minute or two")
	}
	// Each file is created, then a provisioner runs before tofu records it:
	// a kill then leaves files outside the state, as slow cloud resources do.
	c, out, stateFile := newRoundsClan(t, `provisioner = [ { local-exec.command = "sleep 0.3"; } ];`)
	c.ct("apply", "shared", "--yes")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	rounds := killRounds(t)
	started := time.Now()
	killed, named, orphansOnDisk := 0, 0, 0
	for round := 1; round <= rounds; round++ {
		count := 10 + rng.IntN(31)
		c.write(map[string]string{"round/round.nix": fmt.Sprintf("{ n = %d; count = %d; }\n", round, count)})
		report, victim := killTofuDuringApply(t, c, rng)
		if victim {
			killed++
		}
		var ws []struct {
			Status          string   `json:"status"`
			PossibleOrphans []string `json:"possible_orphans"`
		}
		if err := json.Unmarshal(report, &struct {
			Workspaces any `json:"workspaces"`
		}{&ws}); err != nil || len(ws) != 1 {
			t.Fatalf("round %d: no run report on stdout (%v):\n%s", round, err, report)
		}
		possible := map[string]bool{}
		for _, a := range ws[0].PossibleOrphans {
			possible[a] = true
		}
		named += len(possible)
		inState, ok := state.Addresses(stateFile)
		if !ok {
			t.Fatalf("round %d: the state the killed run committed is not readable", round)
		}
		entries, _ := os.ReadDir(out)
		var unnamed []string
		for _, e := range entries {
			n := strings.TrimSuffix(strings.TrimPrefix(e.Name(), "f-"), ".txt")
			addr := "local_file.f[" + n + "]"
			if !inState[addr] {
				orphansOnDisk++
				if !possible[addr] {
					unnamed = append(unnamed, addr)
				}
			}
		}
		if len(unnamed) > 0 {
			t.Errorf("round %d: %v exist outside the state and the run report did not name them (possible orphans: %v)", round, unnamed, ws[0].PossibleOrphans)
		}
		if o, err := c.run(true, "clan-terranix", "apply", "shared", "--yes", "--lock-timeout", "2m"); err != nil {
			t.Fatalf("round %d: the apply after the kill failed: %v\n%s", round, err, o)
		}
		checkFilesMatchState(t, round, stateFile, out, count)
		if left := processesIn(c.dir); len(left) > 0 {
			t.Fatalf("round %d: processes of a killed run left behind: %v", round, left)
		}
	}
	t.Logf("%d rounds in %s: tofu killed during %d applies; %d files existed outside the state after a kill, all named; %d resources named as possible orphans in all",
		rounds, time.Since(started).Round(time.Second), killed, orphansOnDisk, named)
	if killed < rounds/2 {
		t.Errorf("tofu was killed in only %d of %d rounds: the kill moments miss the applies", killed, rounds)
	}
}

// killTofuDuringApply runs `apply --json` and SIGKILLs its tofu at a random
// moment once it applies; it returns the run report and whether it killed.
func killTofuDuringApply(t *testing.T, c *stateClan, rng *rand.Rand) ([]byte, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := c.command(ctx, "clan-terranix", "apply", "shared", "--yes", "--json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := false
	for !killed {
		if pid := realTofuApplying(c.dir); pid > 0 {
			// A random moment of the apply (plan included).
			time.Sleep(time.Duration(rng.IntN(2000)) * time.Millisecond)
			killed = syscall.Kill(pid, syscall.SIGKILL) == nil
			break
		}
		select {
		case <-done:
			return stdout.Bytes(), false
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := <-done; err == nil && killed {
		t.Logf("the apply succeeded although its tofu was killed (it had ended):\n%s", stderr.String())
	}
	return stdout.Bytes(), killed
}

// processesIn lists the processes whose working directory is below dir.
func processesIn(dir string) []string {
	entries, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, dir) {
			comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
			found = append(found, e.Name()+" "+strings.TrimSpace(string(comm)))
		}
	}
	return found
}
