package operation

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

type nullSink struct{}

func (nullSink) Event(outcome.Event)   {}
func (nullSink) Finish(outcome.Result) {}

func hook(typ, addr, action string) tofu.Message {
	m := tofu.Message{Type: typ, Hook: &tofu.Hook{Action: action}}
	m.Hook.Resource.Addr = addr
	return m
}

// An apply that did not finish is summed up by what tofu reported done; when
// tofu was killed, what it started creating and its state does not hold is
// named.
func TestUnfinishedApplyCountsWhatWasDone(t *testing.T) {
	p := &applyProgress{r: New(Config{Sink: nullSink{}}), name: "web", total: 50000}
	for _, m := range []tofu.Message{
		hook("apply_start", "a.x", "create"), hook("apply_complete", "a.x", "create"),
		hook("apply_start", "a.y", "create"), hook("apply_complete", "a.y", "create"),
		hook("apply_start", "a.z", "create"), // killed while creating
		hook("apply_start", "a.e", "create"), hook("apply_errored", "a.e", "create"),
		hook("apply_start", "b.u", "update"), hook("apply_complete", "b.u", "update"),
		hook("apply_start", "c.d", "delete"), hook("apply_complete", "c.d", "delete"),
	} {
		p.message(m)
	}
	stateFile := filepath.Join(t.TempDir(), "terraform.tfstate")
	// The state tofu last saved holds a.x only.
	os.WriteFile(stateFile, []byte(`{"version":4,"serial":3,"lineage":"L","resources":[{"mode":"managed","type":"a","name":"x","instances":[{}]}]}`), 0o600)

	res := outcome.Result{Add: 50000}
	p.unfinished(&res, &tofu.ExitError{Code: 1}, stateFile)
	if res.Add != 2 || res.Change != 1 || res.Destroy != 1 || res.PossibleOrphans != nil {
		t.Fatalf("interrupted: %+v, want +2 ~1 -1 and no possible orphans (tofu saved its state)", res)
	}
	p.unfinished(&res, &tofu.ExitError{Code: -1, Killed: true}, stateFile)
	if want := []string{"a.y", "a.z"}; !reflect.DeepEqual(res.PossibleOrphans, want) {
		t.Fatalf("killed: possible orphans %v, want %v", res.PossibleOrphans, want)
	}
	os.WriteFile(stateFile, []byte(`{"version":4,`), 0o600) // torn: nothing known
	p.unfinished(&res, &tofu.ExitError{Code: -1, Killed: true}, stateFile)
	if want := []string{"a.x", "a.y", "a.z"}; !reflect.DeepEqual(res.PossibleOrphans, want) {
		t.Fatalf("killed, torn state: possible orphans %v, want %v", res.PossibleOrphans, want)
	}
}
