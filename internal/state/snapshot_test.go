package state

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// committedStates commits a state for each machine, written an hour ago (a
// file modified within racyWindow of a snapshot is never vouched for).
func committedStates(t *testing.T, root string, names ...string) []Paths {
	t.Helper()
	var ps []Paths
	for _, name := range names {
		p := machinePaths(t, root, name)
		writeFile(t, p.Abs(p.State), stateJSON(1, "L-"+name))
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(p.Abs(p.State), old, old); err != nil {
			t.Fatal(err)
		}
		git(t, root, "add", p.State)
		ps = append(ps, p)
	}
	git(t, root, "commit", "-qm", "states")
	return ps
}

func TestSnapshotVouchesOnlyForUntouchedCleanFiles(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	ps := committedStates(t, root, "clean", "edited", "dirty", "fresh", "replaced")
	dirty, fresh, replaced := ps[2], ps[3], ps[4]
	writeFile(t, dirty.Abs(dirty.State), stateJSON(12, "L-dirty")) // before the snapshot (another size: git must see it despite the old time)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(dirty.Abs(dirty.State), old, old)
	writeFile(t, fresh.Abs(fresh.State), stateJSON(1, "L-fresh")) // same content, just written
	snap, err := TakeSnapshot(ctx, s0(root), ps)
	if err != nil {
		t.Fatal(err)
	}
	edited := ps[1]
	writeFile(t, edited.Abs(edited.State), stateJSON(2, "L-edited")) // same size, after the snapshot
	os.Remove(replaced.Abs(replaced.State))
	writeFile(t, replaced.Abs(replaced.State), stateJSON(1, "L-replace")) // same size, a new file
	os.Chtimes(replaced.Abs(replaced.State), old, old)
	want := map[string]bool{"clean": true, "edited": false, "dirty": false, "fresh": false, "replaced": false}
	for _, p := range ps {
		if got := snap.clean(p); got != want[p.Workspace] {
			t.Errorf("clean(%s) = %v, want %v", p.Workspace, got, want[p.Workspace])
		}
	}
	if other := machinePaths(t, root, "not-in-snapshot"); snap.clean(other) {
		t.Error("the snapshot vouched for a workspace it never saw")
	}
	var none *StatusSnapshot
	if none.clean(ps[0]) {
		t.Error("no snapshot vouched for a file")
	}
}

// Begin with a run's snapshot still refuses what the safeguards refuse when
// the edit comes after the snapshot.
func TestSafeguardsWithSnapshotSeeLaterEdits(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	ps := committedStates(t, root, "web", "db")
	snap, err := TakeSnapshot(ctx, s0(root), ps)
	if err != nil {
		t.Fatal(err)
	}
	web := ps[0]
	writeFile(t, web.Abs(web.State), stateJSON(2, "L-web"))
	if _, err := Begin(ctx, web, "apply", Options{Snapshot: snap}); err == nil || !strings.Contains(err.Error(), "has uncommitted changes not made by clan-terranix") {
		t.Fatalf("an edit after the snapshot: %v", err)
	}
	s, err := Begin(ctx, ps[1], "apply", Options{Snapshot: snap})
	if err != nil {
		t.Fatalf("an untouched workspace: %v", err)
	}
	s.Close(ctx)
}
