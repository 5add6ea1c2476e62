package operation

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// A workspace prepared ahead of its turn shows nothing until its turn, and
// its Run plans and applies on the preparation's init, without another.
func TestPreparedAheadRunsWithoutAnotherInit(t *testing.T) {
	r, sink := oneMachineRunner(t)
	ctx := context.Background()
	r.Prepare(ctx, Apply, "m1", true)
	if len(sink.events) != 0 {
		t.Errorf("events ahead of the turn: %+v", sink.events)
	}
	res := r.Run(ctx, Apply, "m1")
	if res.Status != outcome.StatusOK {
		t.Fatalf("m1: %s %s", res.Status, res.Error)
	}
	log, err := os.ReadFile(res.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "Initializing the backend"); n != 1 {
		t.Errorf("%d inits in the log, want the preparation's only:\n%s", n, log)
	}
	r.ReleasePrepared() // nothing left to release
}

// A preparation whose workspace never runs is released by ReleasePrepared;
// under --changed nothing is prepared, since an unchanged workspace must not
// start tofu at all.
func TestPreparationsNotTakenAreReleased(t *testing.T) {
	r, _ := oneMachineRunner(t)
	ctx := context.Background()
	r.Prepare(ctx, Apply, "m1", true)
	if len(r.prepared) != 1 {
		t.Fatalf("%d preparations held, want 1", len(r.prepared))
	}
	r.ReleasePrepared()
	if len(r.prepared) != 0 {
		t.Errorf("%d preparations still held", len(r.prepared))
	}
	r.c.OnlyChanged = true
	r.Prepare(ctx, Apply, "m1", true)
	if len(r.prepared) != 0 {
		t.Error("prepared under --changed")
	}
}

// oneMachineRunner is a runner, with real tofu, of a clan of one machine m1.
func oneMachineRunner(t *testing.T) (*Runner, *recordingSink) {
	t.Helper()
	tc := testenv.Tools(t)
	tc.Setenv(t)
	root := t.TempDir()
	writeClan(t, root, map[string]string{
		"machines/m1/infrastructure.nix": `{ resource.terraform_data.m.input = "m1"; }`,
	})
	return newTestRunner(t, root, tc.Tofu)
}

// lockedOnce is a StateKeeper whose first Acquire finds the lock held.
type lockedOnce struct{ acquired int }

func (k *lockedOnce) Acquire(ctx context.Context, w *workspace.Workspace, command string) (Lease, error) {
	k.acquired++
	if k.acquired == 1 {
		return Lease{}, errors.New("workspace m1 is locked by alice")
	}
	return Lease{Release: func() {}}, nil
}

func (k *lockedOnce) Record(context.Context, *workspace.Workspace, string, outcome.Result, []string) error {
	return nil
}

// A preparation made ahead that failed (another operator held the lock) is
// made again in the workspace's turn, as if there had been none; one made in
// the turn itself is the turn's outcome.
func TestFailedPreparationAheadIsMadeAgainInTheTurn(t *testing.T) {
	r, _ := oneMachineRunner(t)
	ctx := context.Background()
	keeper := &lockedOnce{}
	r.c.Keeper = keeper
	r.Prepare(ctx, Apply, "m1", true)
	if res := r.Run(ctx, Apply, "m1"); res.Status != outcome.StatusOK || keeper.acquired != 2 {
		t.Errorf("m1: %s %s after %d lock attempts, want ok after 2", res.Status, res.Error, keeper.acquired)
	}
	keeper.acquired = 0
	r.Prepare(ctx, Apply, "m1", false)
	if res := r.Run(ctx, Apply, "m1"); res.Status != outcome.StatusFailed || keeper.acquired != 1 {
		t.Errorf("m1: %s after %d lock attempts, want failed after 1", res.Status, keeper.acquired)
	}
}
