package operation

import (
	"context"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// applyUnconfirmed applies without a plan process of its own when nobody
// is asked (--yes): one `tofu apply -auto-approve` plans and applies, which
// saves a process start, a provider start and a refresh per workspace (the
// ideal of the benchmark does the same). A transient failure reruns the
// whole apply, that is a new plan and apply.
func (r *Runner) applyUnconfirmed(ctx context.Context, w *workspace.Workspace, res outcome.Result, inv tofu.Invocation, config []byte) outcome.Result {
	name := w.Name
	var planned tofu.ChangeSummary
	progress := &applyProgress{r: r, name: name, phase: outcome.PhaseApply}
	inv.Args = []string{"apply", "-input=false", "-json", "-auto-approve"}
	if r.c.NoRefresh {
		inv.Args = append(inv.Args, "-refresh=false")
	}
	inv.OnMessage = func(m tofu.Message) {
		if m.Type == "change_summary" && m.Changes != nil && m.Changes.Operation == "plan" {
			// Reads of data sources before the plan are not resources to apply.
			planned, progress.total, progress.done = *m.Changes, m.Changes.Add+m.Changes.Change+m.Changes.Remove, 0
			r.c.Sink.Event(outcome.Event{Workspace: name, Time: time.Now(), Phase: outcome.PhasePlan,
				Changes: &outcome.Changes{Add: planned.Add, Change: planned.Change, Destroy: planned.Remove}})
			r.event(name, outcome.PhaseApply, "")
			return
		}
		progress.message(m)
	}
	r.event(name, outcome.PhasePlan, "")
	err := r.c.Engine.Run(ctx, inv)
	res.Add, res.Change, res.Destroy = planned.Add, planned.Change, planned.Remove
	switch {
	case err != nil:
		progress.unfinished(&res, err, r.stateFileOf(w))
		res = r.tofuFailed(ctx, res, "apply", err)
	case progress.total == 0:
		res.Status = outcome.StatusNoChanges
	default:
		res.Status = outcome.StatusOK
	}
	var also []string
	if err == nil {
		var err2 error
		if also, err2 = r.afterSuccess(ctx, Apply, w, config); err2 != nil {
			res = failed(res, err2)
		}
	}
	if r.c.Keeper != nil {
		r.event(name, outcome.PhaseCommit, "")
		if err2 := r.c.Keeper.Record(context.WithoutCancel(ctx), w, string(Apply), res, also); err2 != nil && err == nil {
			return failed(res, err2)
		}
	}
	return res
}
