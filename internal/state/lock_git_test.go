package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// twoClones makes a bare remote with one commit and two clones of it.
func twoClones(t *testing.T) (bare, a, b string) {
	t.Helper()
	seed := newClan(t)
	bare = t.TempDir()
	git(t, bare, "init", "-q", "--bare")
	git(t, seed, "push", "-q", bare, "main")
	a, b = t.TempDir(), t.TempDir()
	git(t, a, "clone", "-q", bare, ".")
	git(t, b, "clone", "-q", bare, ".")
	return bare, a, b
}

// Two clones apply the same workspace at once through one bare remote, ten
// times: exactly one proceeds each round, the other fails naming the holder,
// and the remote ends with a linear, complete history.
func TestGitLockRaceTwoClones(t *testing.T) {
	bare, a, b := twoClones(t)
	ctx := context.Background()
	clones := []string{a, b}
	const rounds = 10
	for round := 1; round <= rounds; round++ {
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, root := range clones {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := machinePaths(t, root, "web")
				s, err := Begin(ctx, p, "apply", Options{Lock: LockModeGit, Command: fmt.Sprintf("clone%d apply web", i)})
				if err != nil {
					results[i] = err
					return
				}
				defer s.Close(ctx)
				writeFile(t, p.Abs(p.State), stateJSON(round, "L"))
				_, results[i] = s.Finish(ctx, Summary{Add: 1, CountsKnown: true})
			}()
		}
		wg.Wait()
		winners := 0
		for i, err := range results {
			var locked *LockedError
			switch {
			case err == nil:
				winners++
			case errors.As(err, &locked):
				if !strings.Contains(err.Error(), "workspace web is locked on origin by ") || !strings.Contains(err.Error(), "apply web\") since") {
					t.Fatalf("round %d clone %d: message %q", round, i, err)
				}
			default:
				t.Fatalf("round %d clone %d: %v", round, i, err)
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d winners, want exactly 1", round, winners)
		}
		for _, root := range clones {
			git(t, root, "pull", "-q", "--ff-only")
		}
	}
	if n := git(t, bare, "rev-list", "--count", "main", "--", "terraform-state/machines/web/terraform.tfstate"); n != fmt.Sprint(rounds) {
		t.Fatalf("%s state commits on the remote, want %d", n, rounds)
	}
	if merges := git(t, bare, "rev-list", "--merges", "main"); merges != "" {
		t.Fatalf("history diverged: merges %s", merges)
	}
	if locks := git(t, bare, "for-each-ref", "refs/clan-terranix/"); locks != "" {
		t.Fatalf("locks left on the remote: %s", locks)
	}
	info, err := Validate(filepath.Join(a, "terraform-state/machines/web/terraform.tfstate"), "a")
	if err != nil || info.Serial != rounds {
		t.Fatalf("final state %+v %v", info, err)
	}
}

func TestGitLockWaitsThenRefusesOlderState(t *testing.T) {
	_, a, b := twoClones(t)
	ctx := context.Background()
	pa, pb := machinePaths(t, a, "web"), machinePaths(t, b, "web")
	sa, err := Begin(ctx, pa, "apply", Options{Lock: LockModeGit, Command: "alice apply web"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		s, err := Begin(ctx, pb, "apply", Options{Lock: LockModeGit, LockTimeout: 30 * time.Second})
		if s != nil {
			s.Close(ctx)
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	writeFile(t, pa.Abs(pa.State), stateJSON(1, "L"))
	if _, err := sa.Finish(ctx, Summary{}); err != nil {
		t.Fatal(err)
	}
	sa.Close(ctx)
	err = <-done
	if err == nil || err.Error() != "state of web is older than origin/main: pull first" {
		t.Fatalf("err = %v", err)
	}
	// Unrelated commits on the remote are merged, not refused.
	writeFile(t, filepath.Join(a, "machines/db/configuration.nix"), "{ }\n")
	git(t, a, "add", ".")
	git(t, a, "commit", "-qm", "db")
	git(t, a, "push", "-q")
	git(t, b, "pull", "-q", "--ff-only", "origin", "main") // b has web's state but not the db commit... then a moves on:
	writeFile(t, filepath.Join(a, "README"), "x\n")
	git(t, a, "add", "README")
	git(t, a, "commit", "-qm", "readme")
	git(t, a, "push", "-q")
	writeFile(t, filepath.Join(b, "local.nix"), "{ }\n")
	git(t, b, "add", "local.nix")
	git(t, b, "commit", "-qm", "unpushed")
	var w warnings
	s, err := Begin(ctx, pb, "apply", Options{Lock: LockModeGit, Warn: w.add})
	if err != nil {
		t.Fatalf("remote moved on outside web's state, yet: %v", err)
	}
	if !w.contains("branch main has 1 commit(s) not on origin; publishing the state of web will push them too") {
		t.Fatalf("warnings = %v", w.lines)
	}
	writeFile(t, pb.Abs(pb.State), stateJSON(2, "L"))
	if _, err := s.Finish(ctx, Summary{}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
}

func TestGitLockStaleAndUnlock(t *testing.T) {
	_, a, _ := twoClones(t)
	ctx := context.Background()
	p := machinePaths(t, a, "web")
	repo := s0(a)
	lk, err := LockRemote(ctx, repo, "origin", p, "apply web", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = UnlockRemote(ctx, repo, "origin", p, false, nil)
	if err == nil || !strings.Contains(err.Error(), "if that run is over, use --force") {
		t.Fatalf("unlock of a live lock: %v", err)
	}
	if err := UnlockRemote(ctx, repo, "origin", p, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := lk.Unlock(ctx); err != nil {
		t.Fatalf("releasing an already removed lock: %v", err)
	}
	// A lock whose holder ran here and is gone is taken over.
	holder := CurrentHolder("web", "dead apply web")
	holder.PID = 999999
	tree, _ := repo.EmptyTree(ctx)
	commit, _ := repo.CommitTree(ctx, tree, remoteLockSubject+"web\n\n"+mustJSON(holder)+"\n")
	git(t, a, "push", "-q", "origin", commit+":"+p.RemoteLockRef())
	var w warnings
	lk, err = LockRemote(ctx, repo, "origin", p, "apply web", 0, w.add)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Unlock(ctx)
	if !w.contains("taking over the team lock on origin left by") {
		t.Fatalf("warnings = %v", w.lines)
	}
	_, err = LockRemote(ctx, repo, "nowhere", p, "apply web", 0, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot take the team lock of workspace web on git remote nowhere") {
		t.Fatalf("unreachable remote: %v", err)
	}
}

func TestGitErrorsAreOneLine(t *testing.T) {
	_, a, _ := twoClones(t)
	_, err := LockRemote(context.Background(), s0(a), "nowhere", machinePaths(t, a, "web"), "apply web", 0, nil)
	if err == nil || !strings.HasSuffix(err.Error(), "fatal: 'nowhere' does not appear to be a git repository") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %q", err)
	}
}
