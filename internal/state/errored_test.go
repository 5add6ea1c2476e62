package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdoptErrored(t *testing.T) {
	cases := []struct {
		name, current, errored string
		want                   string // "" adopts; otherwise the error
	}{
		{"later serial", stateJSON(3, "L1"), stateJSON(5, "L1"), ""},
		{"same serial", stateJSON(3, "L1"), stateJSON(3, "L1"), ""},
		{"no state yet", "", stateJSON(1, "L1"), ""},
		{"other lineage", stateJSON(3, "L1"), stateJSON(5, "L2"),
			"workspace web: tofu could not save its state and left it in .clan-terranix/work/web/errored.tfstate, whose lineage L2 is not that of terraform-state/machines/web/terraform.tfstate (L1): compare the two, put the one to keep in place of terraform-state/machines/web/terraform.tfstate and remove .clan-terranix/work/web/errored.tfstate"},
		{"state moved on", stateJSON(7, "L1"), stateJSON(5, "L1"),
			"(serial 5), but terraform-state/machines/web/terraform.tfstate has moved on since (serial 7): compare the two"},
		{"not state", stateJSON(3, "L1"), "{", "errored.tfstate, which is not usable (state .clan-terranix/work/web/errored.tfstate is"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			p := machinePaths(t, root, "web")
			if c.current != "" {
				writeFile(t, p.Abs(p.State), c.current)
			}
			errored := filepath.Join(p.Abs(p.Work), ErroredStateName)
			writeFile(t, errored, c.errored)
			msg, err := AdoptErrored(p)
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err = %v, want %q", err, c.want)
				}
				if data, _ := os.ReadFile(p.Abs(p.State)); string(data) != c.current {
					t.Fatal("the state was changed although adopting was refused")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if data, _ := os.ReadFile(p.Abs(p.State)); string(data) != c.errored {
				t.Fatalf("state is %q, want errored.tfstate's", data)
			}
			if _, err := os.Stat(errored); err == nil {
				t.Fatal("errored.tfstate is still there")
			}
			if !strings.Contains(msg, "adopted it as terraform-state/machines/web/terraform.tfstate") {
				t.Fatalf("message: %q", msg)
			}
		})
	}
	// Nothing to adopt: nothing said.
	if msg, err := AdoptErrored(machinePaths(t, t.TempDir(), "web")); msg != "" || err != nil {
		t.Fatalf("%q %v", msg, err)
	}
}

// Begin adopts errored.tfstate and commits it before tofu plans.
func TestBeginAdoptsErroredAndCommits(t *testing.T) {
	root := newClan(t)
	p := machinePaths(t, root, "web")
	writeFile(t, p.Abs(p.State), stateJSON(1, "L1"))
	git(t, root, "add", p.State)
	git(t, root, "commit", "-qm", "state")
	writeFile(t, filepath.Join(p.Abs(p.Work), ErroredStateName), stateJSON(2, "L1"))
	var w warnings
	s, err := Begin(context.Background(), p, "apply", Options{Warn: w.add})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abandon(context.Background())
	if s.Before.Serial != 2 {
		t.Fatalf("Begin saw serial %d, want the adopted 2", s.Before.Serial)
	}
	if log := git(t, root, "log", "-1", "--format=%s%n%b"); !strings.Contains(log, "(recovered)") || !strings.Contains(log, "adopted it as") {
		t.Fatalf("commit:\n%s", log)
	}
	if !w.contains("errored.tfstate; adopted it as") {
		t.Fatalf("warnings: %v", w.lines)
	}
}
