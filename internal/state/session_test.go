package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSessionCommitsOnlyStateAndLogReadsIt(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	p := machinePaths(t, root, "web-server")
	writeFile(t, filepath.Join(root, "user.nix"), "{ }\n")
	git(t, root, "add", "user.nix")

	s, err := Begin(ctx, p, "apply", Options{Command: "clan-terranix apply web-server"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.markerPath()); err != nil {
		t.Fatal("no run marker written before apply")
	}
	writeFile(t, p.Abs(p.State), stateJSON(1, "L"))
	writeFile(t, p.Abs(p.LockFile), "# lock\n")
	writeFile(t, p.Abs(p.Backup), stateJSON(0, "L"))
	commit, err := s.Finish(ctx, Summary{Add: 2, Change: 0, Destroy: 1, CountsKnown: true})
	if err != nil || commit == "" {
		t.Fatalf("Finish = %q, %v", commit, err)
	}
	s.Close(ctx)
	if subject := git(t, root, "log", "-1", "--format=%s"); subject != "terraform-state: apply web-server (+2 ~0 -1)" {
		t.Fatalf("subject = %q", subject)
	}
	files := git(t, root, "show", "--name-only", "--format=", "HEAD")
	if files != "terraform-state/.gitignore\nterraform-state/machines/web-server/.terraform.lock.hcl\nterraform-state/machines/web-server/terraform.tfstate" {
		t.Fatalf("commit holds:\n%s", files)
	}
	if st := git(t, root, "status", "--porcelain"); st != "A  user.nix" {
		t.Fatalf("status = %q, want only the user's staged file (backup, marker ignored)", st)
	}
	if _, err := os.Stat(p.markerPath()); !os.IsNotExist(err) {
		t.Fatal("run marker left after the commit")
	}
	// A failed destroy without counts, then the log.
	s, err = Begin(ctx, p, "destroy", Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p.Abs(p.State), stateJSON(2, "L"))
	if _, err := s.Finish(ctx, Summary{Result: "failed"}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	log, err := Log(ctx, s.repo, p)
	if err != nil || len(log) != 2 {
		t.Fatalf("Log = %+v, %v", log, err)
	}
	if l := log[0]; l.Command != "destroy" || l.Result != "failed" || l.CountsKnown || l.Subject != "terraform-state: destroy web-server (failed)" || l.Author != "Alice" {
		t.Fatalf("log[0] = %+v", l)
	}
	if l := log[1]; l.Command != "apply" || !l.CountsKnown || l.Add != 2 || l.Destroy != 1 || l.Time.IsZero() {
		t.Fatalf("log[1] = %+v", l)
	}
	if line := log[1].Line(); !strings.Contains(line, "  Alice <alice@example.org>  apply  +2 ~0 -1  ok  ") {
		t.Fatalf("line = %q", line)
	}
}

func TestSafeguards(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		prepare func(t *testing.T, root string, p Paths)
		wantErr string
	}{
		{"uncommitted edit", func(t *testing.T, root string, p Paths) {
			writeFile(t, p.Abs(p.State), stateJSON(2, "L"))
		}, "state terraform-state/machines/web/terraform.tfstate has uncommitted changes not made by clan-terranix"},
		{"conflict markers", func(t *testing.T, root string, p Paths) {
			writeFile(t, p.Abs(p.State), "<<<<<<< HEAD\n"+stateJSON(2, "L")+"=======\n"+stateJSON(3, "L")+">>>>>>> x\n")
		}, "contains git merge-conflict markers"},
		{"invalid state", func(t *testing.T, root string, p Paths) {
			writeFile(t, p.Abs(p.State), `{"version":4}`)
		}, `has no "serial"`},
		{"never committed", func(t *testing.T, root string, p Paths) {
			os.Remove(p.Abs(p.State))
			git(t, root, "rm", "-q", "--cached", p.State)
			git(t, root, "commit", "-qm", "untrack")
			writeFile(t, p.Abs(p.State), stateJSON(2, "L"))
		}, "exists but was never committed, and not by clan-terranix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := newClan(t)
			p := machinePaths(t, root, "web")
			writeFile(t, p.Abs(p.State), stateJSON(1, "L"))
			git(t, root, "add", p.State)
			git(t, root, "commit", "-qm", "state")
			c.prepare(t, root, p)
			_, err := Begin(ctx, p, "apply", Options{})
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if _, err := os.Stat(p.markerPath()); !os.IsNotExist(err) {
				t.Fatal("a refused run left a marker")
			}
			var w warnings
			s, err := Begin(ctx, p, "apply", Options{NoSafeguards: true, Warn: w.add})
			if err != nil {
				t.Fatalf("--no-safeguards: %v", err)
			}
			s.Close(ctx)
			if !w.contains("--no-safeguards: going on although") {
				t.Fatalf("no warning: %v", w.lines)
			}
		})
	}
}

func TestInterruptedRunIsCommittedFirst(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	p := machinePaths(t, root, "web")
	s, err := Begin(ctx, p, "apply", Options{Command: "clan-terranix apply web"})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p.Abs(p.State), stateJSON(1, "L"))
	s.Close(ctx) // "killed": no Finish, the marker stays

	var w warnings
	s, err = Begin(ctx, p, "apply", Options{Warn: w.add})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if !w.contains("was interrupted; committed the state it left") {
		t.Fatalf("warnings = %v", w.lines)
	}
	body := git(t, root, "log", "-1", "--format=%B")
	if !strings.HasPrefix(body, "terraform-state: apply web (interrupted)") || !strings.Contains(body, "was interrupted before it committed this state") {
		t.Fatalf("recovery commit:\n%s", body)
	}
	if s.Before.Serial != 1 {
		t.Fatalf("Before = %+v", s.Before)
	}
}

func TestTornStateIsRestored(t *testing.T) {
	ctx := context.Background()
	t.Run("from backup", func(t *testing.T) {
		root := newClan(t)
		p := machinePaths(t, root, "web")
		writeFile(t, p.Abs(p.State), stateJSON(3, "L"))
		git(t, root, "add", p.State)
		git(t, root, "commit", "-qm", "state 3")
		s, err := Begin(ctx, p, "apply", Options{})
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p.Abs(p.Backup), stateJSON(4, "L"))
		writeFile(t, p.Abs(p.State), stateJSON(5, "L")[:30]) // tofu killed mid-write
		var w warnings
		s.opts.Warn = w.add
		if _, err := s.Finish(ctx, Summary{Result: "interrupted"}); err != nil {
			t.Fatal(err)
		}
		s.Close(ctx)
		info, err := Validate(p.Abs(p.State), p.State)
		if err != nil || info.Serial != 4 {
			t.Fatalf("restored state: %+v %v", info, err)
		}
		if fi, _ := os.Stat(p.Abs(p.State)); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("restored state has mode %v; tofu writes state 0600", fi.Mode().Perm())
		}
		if !w.contains("is truncated after 30 bytes") || !w.contains("restored it from terraform-state/machines/web/terraform.tfstate.backup (serial 4)") {
			t.Fatalf("warnings = %v", w.lines)
		}
		torn, _ := filepath.Glob(p.Abs(p.State) + ".torn-*")
		if len(torn) != 1 {
			t.Fatal("torn file not kept aside")
		}
		if st := git(t, root, "status", "--porcelain"); st != "" {
			t.Fatalf("torn file or backup not ignored: %q", st)
		}
		if !strings.Contains(git(t, root, "log", "-1", "--format=%s"), "(recovered)") {
			t.Fatal("commit does not say recovered")
		}
	})
	t.Run("from the last commit after a crash of the tool", func(t *testing.T) {
		root := newClan(t)
		p := machinePaths(t, root, "web")
		writeFile(t, p.Abs(p.State), stateJSON(3, "L"))
		git(t, root, "add", p.State)
		git(t, root, "commit", "-qm", "state 3")
		s, err := Begin(ctx, p, "apply", Options{})
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p.Abs(p.State), "")
		s.Close(ctx) // killed: marker stays, no backup
		var w warnings
		s, err = Begin(ctx, p, "apply", Options{Warn: w.add})
		if err != nil {
			t.Fatal(err)
		}
		s.Close(ctx)
		if !w.contains("restored it from the last commit (serial 3)") {
			t.Fatalf("warnings = %v", w.lines)
		}
	})
	t.Run("nothing to restore from", func(t *testing.T) {
		root := newClan(t)
		p := machinePaths(t, root, "web")
		writeFile(t, p.Abs(p.State), "{\"version\":4,")
		_, err := RestoreIfTorn(ctx, p, s0(root), true)
		if err == nil || !strings.Contains(err.Error(), "and neither terraform-state/machines/web/terraform.tfstate.backup nor a committed version is valid state: restore it by hand") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEmptyStateOfAKilledFirstApplyIsSetAside(t *testing.T) {
	root := newClan(t)
	p := machinePaths(t, root, "web")
	writeFile(t, p.Abs(p.State), "")
	msg, err := RestoreIfTorn(context.Background(), p, s0(root), true)
	if err != nil || !strings.Contains(msg, "was empty and has no earlier version (a first apply was killed); set it aside as terraform-state/machines/web/terraform.tfstate.torn-") {
		t.Fatalf("RestoreIfTorn = %q, %v", msg, err)
	}
	if _, err := os.Stat(p.Abs(p.State)); !os.IsNotExist(err) {
		t.Fatal("empty state file still in place")
	}
}

// A session whose run never changed state (init failed, a preparation whose
// turn never came) leaves nothing for the next run to recover; after Finish,
// Abandon only releases the lock.
func TestAbandonRemovesTheRunMarker(t *testing.T) {
	root := newClan(t)
	ctx := context.Background()
	p := machinePaths(t, root, "web-server")
	var warned warnings
	s, err := Begin(ctx, p, "apply", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.markerPath()); !os.IsNotExist(err) {
		t.Fatal("run marker left by an abandoned session")
	}
	s, err = Begin(ctx, p, "apply", Options{Warn: warned.add})
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	if len(warned.lines) != 0 {
		t.Errorf("the next run recovered something: %v", warned.lines)
	}
	writeFile(t, p.Abs(p.State), stateJSON(1, "L"))
	if _, err := s.Finish(ctx, Summary{}); err != nil {
		t.Fatal(err)
	}
	writeMarker(p, marker{Op: "apply"}) // as a commit that failed leaves it
	if err := s.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.markerPath()); err != nil {
		t.Error("Abandon after Finish removed the run marker")
	}
}
