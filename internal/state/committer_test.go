package state

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// beginMachines begins an apply session for each machine and writes a new
// state for it, as tofu would.
func beginMachines(t *testing.T, root string, names ...string) []*Session {
	t.Helper()
	var sessions []*Session
	for i, name := range names {
		p := machinePaths(t, root, name)
		s, err := Begin(context.Background(), p, "apply", Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		writeFile(t, p.Abs(p.State), stateJSON(i+1, "L-"+name))
		sessions = append(sessions, s)
	}
	return sessions
}

func TestFinishAllMakesOneCommitThatLogReadsPerWorkspace(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	sessions := beginMachines(t, root, "a", "b", "c")
	// c's run changed nothing: its state is what it was (absent), so the
	// commit must not name it.
	p := sessions[2].Paths
	if err := os.Remove(p.Abs(p.State)); err != nil {
		t.Fatal(err)
	}
	commit, errs := FinishAll(ctx, []Finishing{
		{sessions[0], Summary{Add: 2, CountsKnown: true}},
		{sessions[1], Summary{Add: 1, Destroy: 1, CountsKnown: true, Result: "failed"}},
		{sessions[2], Summary{CountsKnown: true}},
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
	}
	if commit == "" || git(t, root, "rev-parse", "HEAD") != commit {
		t.Fatalf("commit = %q, HEAD = %s", commit, git(t, root, "rev-parse", "HEAD"))
	}
	if n := git(t, root, "rev-list", "--count", "HEAD"); n != "2" {
		t.Fatalf("%s commits, want the initial one and one for all", n)
	}
	message := strings.TrimSpace(git(t, root, "log", "-1", "--format=%B"))
	want := "terraform-state: apply a, b (+3 ~0 -1, 1 failed)\n\napply a (+2 ~0 -0)\napply b (+1 ~0 -1, failed)\n\n" +
		"Clan-Terranix-Workspace: a\nClan-Terranix-Command: apply\nClan-Terranix-Result: ok\nClan-Terranix-Add: 2\nClan-Terranix-Change: 0\nClan-Terranix-Destroy: 0\n" +
		"Clan-Terranix-Workspace: b\nClan-Terranix-Command: apply\nClan-Terranix-Result: failed\nClan-Terranix-Add: 1\nClan-Terranix-Change: 0\nClan-Terranix-Destroy: 1"
	if message != want {
		t.Fatalf("message:\n%s\nwant:\n%s", message, want)
	}
	for _, s := range sessions {
		if _, err := readMarker(s.Paths); err != nil {
			t.Fatal(err)
		}
		if m, _ := readMarker(s.Paths); m != nil {
			t.Fatalf("marker of %s left after its commit", s.Paths.Workspace)
		}
	}
	logB, err := Log(ctx, s0(root), sessions[1].Paths)
	if err != nil || len(logB) != 1 || logB[0].Result != "failed" || logB[0].Add != 1 || logB[0].Destroy != 1 {
		t.Fatalf("log of b = %+v, %v", logB, err)
	}
	logA, err := Log(ctx, s0(root), sessions[0].Paths)
	if err != nil || len(logA) != 1 || logA[0].Result != "ok" || logA[0].Add != 2 {
		t.Fatalf("log of a = %+v, %v", logA, err)
	}
	if st := git(t, root, "status", "--porcelain"); st != "" {
		t.Fatalf("status after the commit = %q (the index must follow HEAD)", st)
	}
}

func TestCommitterSharesACommitAndReleasesOnlyAfterIt(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	sessions := beginMachines(t, root, "a", "b", "c", "d")
	var mu sync.Mutex
	var done []string
	c := &Committer{Interval: time.Hour, Done: func(s *Session, err error) {
		if err != nil {
			t.Errorf("%s: %v", s.Paths.Workspace, err)
		}
		// The lock is still held when Done is told.
		if _, err := LockLocal(ctx, s.Paths, "other", 0, nil); err == nil || !strings.Contains(err.Error(), "locked") {
			t.Errorf("%s: lock taken while its commit was told done: %v", s.Paths.Workspace, err)
		}
		mu.Lock()
		done = append(done, s.Paths.Workspace)
		mu.Unlock()
	}}
	// Nothing is committed before the interval (an hour) is over or Close
	// is called; then all share one commit.
	for _, s := range sessions {
		c.Add(ctx, s, Summary{Add: 1, CountsKnown: true})
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	if len(done) != 0 {
		t.Fatalf("committed before the interval or Close: %v", done)
	}
	mu.Unlock()
	c.Close()
	if len(done) != 4 {
		t.Fatalf("done after Close: %v", done)
	}
	subjects := git(t, root, "log", "--format=%s")
	want := "terraform-state: apply a, b, c, d (+4 ~0 -0)\ninit"
	if subjects != want {
		t.Fatalf("history:\n%s\nwant:\n%s", subjects, want)
	}
}

func TestCommitterCloseWithoutWork(t *testing.T) {
	var c Committer
	c.Close()
}

func TestNameList(t *testing.T) {
	names := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"}
	for _, c := range []struct {
		n     int
		width int
		want  string
	}{
		{1, 50, "alpha"},
		{3, 50, "alpha, bravo, charlie"},
		{9, 30, "alpha, bravo, charlie, delta and 5 more"},
		{2, 5, "alpha and 1 more"},
	} {
		if got := nameList(names[:c.n], c.width); got != c.want {
			t.Errorf("nameList(%d, %d) = %q, want %q", c.n, c.width, got, c.want)
		}
	}
}
