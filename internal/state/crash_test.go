package state

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// tofu (or the tool) killed with SIGKILL at a random moment of an apply: the
// state stays valid or is restored, and the next normal apply converges.
func TestCrashDuringApplyKeepsStateValid(t *testing.T) {
	tofu := requireTool(t, "tofu")
	root := newClan(t)
	ctx := context.Background()
	p := machinePaths(t, root, "web")
	work := filepath.Join(root, ".clan-terranix/work/web")
	tofuCmd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(tofu, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "TF_IN_AUTOMATION=1")
		return cmd
	}
	config := func(round int) {
		writeFile(t, filepath.Join(work, "config.tf.json"), fmt.Sprintf(`{
		  "terraform": {"backend": {"local": {"path": %q}}},
		  "resource": {"terraform_data": {"r": {"count": 60, "triggers_replace": "round-%d"}}}
		}`, p.Abs(p.State), round))
	}
	config(0)
	if out, err := tofuCmd("init", "-no-color", "-input=false").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	const rounds = 10
	for round := 1; round <= rounds; round++ {
		s, err := Begin(ctx, p, "apply", Options{Command: "crash test"})
		if err != nil {
			t.Fatalf("round %d: Begin: %v", round, err)
		}
		config(round)
		cmd := tofuCmd("apply", "-auto-approve", "-no-color", "-input=false")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if round%2 == 0 {
			// The tool survived tofu's death and finishes the run.
			if _, err := s.Finish(ctx, Summary{Result: "interrupted"}); err != nil {
				t.Fatalf("round %d: Finish: %v", round, err)
			}
		}
		// Odd rounds: the tool died too; the next Begin recovers.
		s.Close(ctx)
		if _, err := Validate(p.Abs(p.State), p.State); err != nil && round%2 == 0 {
			t.Fatalf("round %d: state invalid after Finish: %v", round, err)
		}
	}
	s, err := Begin(ctx, p, "apply", Options{})
	if err != nil {
		t.Fatalf("Begin after the crashes: %v", err)
	}
	if out, err := tofuCmd("apply", "-auto-approve", "-no-color", "-input=false").CombinedOutput(); err != nil {
		t.Fatalf("converging apply: %v\n%s", err, out)
	}
	if _, err := s.Finish(ctx, Summary{}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	info, err := Validate(p.Abs(p.State), p.State)
	if err != nil || info.Resources != 1 { // one resource block with 60 instances
		t.Fatalf("final state: %+v %v", info, err)
	}
	out, err := tofuCmd("plan", "-detailed-exitcode", "-no-color", "-input=false").CombinedOutput()
	if err != nil {
		t.Fatalf("plan after convergence shows changes or fails: %v\n%s", err, out)
	}
	if st := git(t, root, "status", "--porcelain"); st != "" {
		t.Fatalf("uncommitted after the run: %q", st)
	}
}
