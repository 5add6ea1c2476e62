package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/check"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

type checkOptions struct {
	*GlobalOptions
	Eval       EvalOptions
	All        bool
	Tags       []string
	Workspaces []string
}

var _ = register(newCheckCommand)

func newCheckCommand(g *GlobalOptions) *cobra.Command {
	opts := &checkOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "check [WORKSPACE...]",
		Short: "Check the generated configs against the providers' schemas",
		Long: `Check each workspace's generated config against its providers' schemas: unknown
resource and data types, unknown attributes and blocks, missing required attributes,
values of the wrong type. Each problem names the Nix file and line that defined it.
Without names, every workspace. plan and apply run the same check first (--no-check
skips it). The schemas are kept under .clan-terranix/schemas by the provider lock.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runCheck(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	cmd.Flags().StringSliceVar(&opts.Tags, "tags", nil, "the workspaces of machines carrying these tags")
	return cmd
}

func runCheck(ctx context.Context, opts *checkOptions) error {
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	rf := &RunFlags{Tags: opts.Tags, All: len(opts.Workspaces) == 0 && len(opts.Tags) == 0}
	selected, err := selection(lc, opts.Workspaces, rf, false)
	if err != nil {
		return err
	}
	name := opts.Engine
	if name == "" {
		name = lc.Settings.Engine
	}
	engine, err := tofu.Find(ctx, name)
	if err != nil {
		return err
	}
	problems, err := checkWorkspaces(ctx, lc, engine, pluginCacheEnv(), selected)
	if err != nil {
		return err
	}
	if opts.JSON {
		if problems == nil {
			problems = []check.Problem{}
		}
		enc := json.NewEncoder(opts.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"problems": problems}); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return checkFailed(opts.GlobalOptions, problems)
	}
	if !opts.JSON {
		fmt.Fprintf(opts.Stdout, "%d workspaces checked: no problems\n", len(selected))
	}
	return nil
}

// checkWorkspaces validates the selected workspaces' configs against their
// providers' schemas with engine, env added to its environment.
func checkWorkspaces(ctx context.Context, lc *loadedClan, engine *tofu.Engine, env []string, selected []string) ([]check.Problem, error) {
	ev := &nixeval.Evaluator{}
	c := &check.Checker{
		Root:    lc.Root,
		Set:     lc.Set,
		Schemas: &check.Schemas{Root: lc.Root, Engine: engine, Env: env},
		Locate:  ev.Positions,
	}
	return c.Check(ctx, selected)
}

// checkFailed prints every problem, one line each, and fails the command.
func checkFailed(g *GlobalOptions, problems []check.Problem) error {
	for _, p := range problems {
		fmt.Fprintln(g.Stderr, "clan-terranix: "+p.Error())
	}
	return &exitError{code: 1, err: errors.New(check.Summary(problems))}
}

// checkFirst runs the check before a plan or apply starts anything. With
// --changed it leaves out the workspaces that will not run: their config is
// the one their last apply took, and checking them would cost a run with
// nothing to do most of its time.
func checkFirst(ctx context.Context, g *GlobalOptions, lc *loadedClan, runner *operation.Runner, selected []string, rf *RunFlags, skip bool) error {
	if skip {
		return nil
	}
	if rf.Changed {
		var toRun []string
		for _, name := range selected {
			if st, err := runner.Status(name); err != nil || st.NeedsRun() {
				toRun = append(toRun, name)
			}
		}
		selected = toRun
	}
	problems, err := checkWorkspaces(ctx, lc, runner.Engine, runner.Env, selected)
	if err == nil && len(problems) > 0 {
		err = checkFailed(g, problems)
	}
	if err != nil {
		if k, ok := runner.Keeper.(*sessionKeeper); ok && k.snapshot != nil {
			k.snapshot() // no git process outlives a run that stops here
		}
		return err
	}
	return nil
}
