package report

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

func TestPlainGolden(t *testing.T) {
	var b bytes.Buffer
	p := NewPlain(&b, "apply", Style{})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseStart})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseInit})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseInit}) // same phase, nothing new
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhasePlan})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhasePlan, Changes: &outcome.Changes{Add: 3}})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseApply, Done: 0, Total: 3})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseApply, Done: 2, Total: 3, Message: "random_pet.name: Creation complete"})
	p.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseApply, Done: 3, Total: 3}) // a bare tick
	p.Event(outcome.Event{Workspace: "db", Phase: outcome.PhaseLock, Message: "waiting for lock held by alice@laptop\nsince 12:00"})
	for _, r := range sampleResults() {
		p.Finish(r)
	}
	p.Println("run report: .clan-terranix/logs/run-1")
	golden(t, "plain.golden", b.Bytes())
}

// lockedBuffer records each Write separately, to check that lines are whole.
type lockedBuffer struct {
	mu     sync.Mutex
	writes []string
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, string(p))
	return len(p), nil
}

func TestPlainNeverSplitsLines(t *testing.T) {
	out := &lockedBuffer{}
	p := NewPlain(out, "plan", Style{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := fmt.Sprintf("m%d", w)
			for i := range 50 {
				p.Event(outcome.Event{Workspace: ws, Phase: outcome.PhaseApply, Done: i, Total: 50, Message: "x\ny"})
			}
			p.Finish(outcome.Result{Workspace: ws, Status: outcome.StatusFailed, Error: "boom", ErrorTail: []string{"a", "b"}})
		}()
	}
	wg.Wait()
	for _, w := range out.writes {
		if !strings.HasSuffix(w, "\n") {
			t.Fatalf("a write ends mid-line: %q", w)
		}
		for _, line := range strings.Split(strings.TrimSuffix(w, "\n"), "\n") {
			if !strings.HasPrefix(line, "[m") {
				t.Fatalf("a line without its prefix: %q", line)
			}
		}
	}
}
