package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

// RunFlags are the flags of the commands that run tofu over a selection of
// workspaces (plan, apply, destroy).
type RunFlags struct {
	app.RunFlags

	// view shows the run's results (plan's and drift's own); nil: the
	// summary table or JSON run report of apply and destroy.
	view views.Operation
}

func addRunFlags(cmd *cobra.Command, rf *RunFlags, confirm bool) {
	f := cmd.Flags()
	f.BoolVar(&rf.All, "all", false, "every workspace")
	f.StringSliceVar(&rf.Tags, "tags", nil, "the workspaces of machines carrying these tags")
	f.BoolVar(&rf.NoDeps, "no-deps", false, "leave out the workspaces the selected ones depend on")
	f.BoolVar(&rf.WithDependents, "with-dependents", false, "add the workspaces that depend on the selected ones")
	addParallelismFlag(f, &rf.Parallelism, "how many workspaces run at once (default: the settings' parallelism, else 4)")
	f.BoolVar(&rf.Changed, "changed", false, "only workspaces whose config or upstream outputs changed since their last apply (and their dependents)")
	f.BoolVar(&rf.FailFast, "fail-fast", false, "start nothing new after a failure")
	if confirm {
		f.BoolVarP(&rf.Yes, "yes", "y", false, "apply without asking")
	}
}

// selection resolves the named workspaces, tags and --all into the list to
// run, with dependencies (withDeps) and dependents as asked.
func selection(lc *loadedClan, names []string, rf *RunFlags, withDeps bool) ([]string, error) {
	return lc.Select(names, rf.RunFlags, withDeps)
}

// prepareRun evaluates the clan, resolves the selection and sets up the
// run of kind: what plan, apply, drift and destroy share before they run.
func prepareRun(ctx context.Context, g *GlobalOptions, eo EvalOptions, kind operation.Kind, names []string, rf *RunFlags, withDeps bool) (*app.Run, []string, error) {
	return app.Prepare(ctx, g.appOptions(eo), g.ui(), kind, names, rf.RunFlags, withDeps)
}

// errDeclined: the user answered no to the review of an apply; nothing
// ran. apply ends there; install and update must not go on to NixOS.
var errDeclined = errors.New("nothing applied")

// operate runs kind over the selected workspaces and prints the results.
func operate(ctx context.Context, g *GlobalOptions, r *app.Run, kind operation.Kind, selected []string, rf *RunFlags, oo app.OperateOptions) ([]outcome.Result, error) {
	oo.Flags = rf.RunFlags
	out, err := r.Operate(ctx, kind, selected, oo)
	if pe := (*app.ProblemsError)(nil); errors.As(err, &pe) {
		return nil, checkFailed(g, pe.Problems)
	}
	if err != nil {
		return nil, err
	}
	if out.Declined {
		return nil, errDeclined
	}
	view := rf.view
	if view == nil {
		view = views.NewOperation(views.KindOf(g.JSON), streams(g))
	}
	if err := view.Results(string(kind), out.Started, time.Now(), out.Results); err != nil {
		return out.Results, err
	}
	for _, line := range out.Explained {
		fmt.Fprintln(g.Stderr, "clan-terranix: "+line)
	}
	if out.Interrupted {
		return out.Results, &exitError{Code: 130, Err: errors.New("interrupted: running workspaces stopped at a safe point and their state is committed; run again to finish")}
	}
	if out.Failed() {
		return out.Results, &exitError{Code: 1, Err: errors.New("")}
	}
	return out.Results, nil
}
