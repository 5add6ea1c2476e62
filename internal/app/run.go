package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// Run is one command's tofu on a loaded clan, built once with all its
// collaborators: the engine, its environment (plugin cache, secrets), the
// state keeper, the write-back. Nothing in it changes after construction
// but what the run learns: the outputs each apply left.
type Run struct {
	clan    *Clan
	ui      UI
	engine  *tofu.Engine
	env     []string
	retry   *tofu.RetryPolicy
	secrets *runSecrets
	keeper  *sessionKeeper
	wb      writeBack
	logDir  string
	opts    Options
	// tofu is the runner of the command's single tofu uses (outputs, raw
	// tofu, state commands); Operate builds one per pass over the graph.
	tofu *operation.Runner

	// readOutputs reads a workspace's outputs from its state: tofu's
	// Outputs, a seam for the tests that count the reads.
	readOutputs func(ctx context.Context, ws string) (map[string]operation.OutputValue, error)
	outMu       sync.Mutex
	outputs     map[string]map[string]operation.OutputValue // what each apply of this run left
}

// Open sets up tofu for a command on c that runs single tofu commands
// (outputs, raw tofu, state commands): their commits are made at once.
// enc replaces the settings' state encryption (state encrypt and rekey
// read with another one); nil keeps it.
func Open(ctx context.Context, o Options, c *Clan, ui UI, enc *state.Encryption) (*Run, error) {
	return open(ctx, o, c, ui, enc, false, nil)
}

// OpenForOperate sets up tofu for runs over the graph (Operate) on an
// already loaded clan (install, update): commits in the background, and the
// run's git status taken while it is set up.
func OpenForOperate(ctx context.Context, o Options, c *Clan, ui UI) (*Run, error) {
	snap := startSnapshot(ctx, c.Layout, true)
	r, err := open(ctx, o, c, ui, nil, true, snap)
	if err != nil {
		snap()
	}
	return r, err
}

// Prepare evaluates the clan, resolves the selection (with dependencies
// when withDeps) and sets up the run of kind: what plan, apply, drift and
// destroy share before they run.
func Prepare(ctx context.Context, o Options, ui UI, kind operation.Kind, names []string, rf RunFlags, withDeps bool) (r *Run, selected []string, err error) {
	layout, err := discover(o)
	if err != nil {
		return nil, nil, err
	}
	// Git and the engine are asked what the run needs of them while Nix evaluates.
	snap := startSnapshot(ctx, layout, kind != operation.Plan)
	engine := startEngineLookup(ctx, o.Engine)
	defer func() {
		if err != nil {
			snap() // no git process outlives a run that stops here
			engine.wait()
		}
	}()
	c, err := evaluate(ctx, o, ui, layout)
	if err != nil {
		return nil, nil, err
	}
	c.engine = engine
	if rf.Orphans {
		if err = c.adoptOrphans(names); err != nil {
			return nil, nil, err
		}
	}
	if selected, err = c.Select(names, rf, withDeps); err != nil {
		return nil, nil, err
	}
	if err = checkLinks(c, selected); err != nil {
		return nil, nil, err
	}
	if r, err = open(ctx, o, c, ui, nil, true, snap); err != nil {
		return nil, nil, err
	}
	return r, selected, nil
}

func open(ctx context.Context, o Options, c *Clan, ui UI, enc *state.Encryption, async bool, snap func() *state.StatusSnapshot) (*Run, error) {
	engine, err := FindEngine(ctx, o, c)
	if err != nil {
		return nil, err
	}
	retry, err := retryPolicy(c.Settings)
	if err != nil {
		return nil, err
	}
	if !gitcli.IsRepo(ctx, c.Root) {
		ui.Warn([]string{fmt.Sprintf("the clan %s is not a git repository: state is kept in terraform-state/ but not committed (git init to keep its history)", c.Root)})
	}
	if enc == nil {
		enc = Encryption(c.Settings)
	}
	r := &Run{
		clan:    c,
		ui:      ui,
		engine:  engine,
		env:     pluginCacheEnv(),
		retry:   retry,
		secrets: &runSecrets{c: c, engine: engine.Name, encryption: enc},
		keeper:  newStateKeeper(o, c, ui, async, snap),
		wb:      writeBack{c: c, checker: targetHostChecker(ctx, o, c)},
		logDir:  filepath.Join(c.Root, filepath.FromSlash(clan.RunLogDir(time.Now(), os.Getpid()))),
		outputs: map[string]map[string]operation.OutputValue{},
		opts:    o,
	}
	r.tofu = operation.New(r.config(ctx, pass{}))
	r.readOutputs = r.tofu.Outputs
	return r, nil
}

// pass is what differs between the passes of a run over the graph: the
// review's plans before an apply, the operation itself.
type pass struct {
	sink        outcome.Sink
	confirm     operation.Confirm
	show        operation.ShowPlans
	onlyChanged bool
	noRefresh   bool
}

// config is the runner configuration of a pass: every collaborator the Run
// was built with.
func (r *Run) config(ctx context.Context, p pass) operation.Config {
	return operation.Config{
		Root:         r.clan.Root,
		Set:          r.clan.Set,
		Engine:       r.engine,
		Env:          r.env,
		EnvFor:       r.secrets.envFor(ctx),
		Keeper:       r.keeper,
		Confirm:      p.confirm,
		Sink:         p.sink,
		LogDir:       r.logDir,
		NoRefresh:    p.noRefresh,
		AfterApply:   r.afterApply,
		AfterDestroy: r.afterDestroy,
		OnlyChanged:  p.onlyChanged,
		Retry:        r.retry,
		Show:         p.show,
	}
}

// Clan is the clan the run works on.
func (r *Run) Clan() *Clan { return r.clan }

// Engine is the tofu or terraform the run uses.
func (r *Run) Engine() *tofu.Engine { return r.engine }

// Tofu is the runner of single tofu commands (raw tofu, the state commands).
func (r *Run) Tofu() *operation.Runner { return r.tofu }

// Encryption is the state encryption the run's tofu uses; nil: none.
func (r *Run) Encryption() *state.Encryption { return r.secrets.encryption }

// afterApply keeps the outputs an apply left, for what follows in the
// command (install, update), and writes a machine's back.
func (r *Run) afterApply(_ context.Context, w *workspace.Workspace, outputs map[string]operation.OutputValue) ([]string, error) {
	r.outMu.Lock()
	r.outputs[w.Name] = outputs
	r.outMu.Unlock()
	return r.wb.afterApply(w, outputs)
}

func (r *Run) afterDestroy(_ context.Context, w *workspace.Workspace) ([]string, error) {
	r.outMu.Lock()
	delete(r.outputs, w.Name)
	r.outMu.Unlock()
	return r.wb.afterDestroy(w)
}

// Outputs are the outputs of workspace ws: those its apply in this run
// left, else read from its state (with encrypted state, a tofu process).
func (r *Run) Outputs(ctx context.Context, ws string) (map[string]operation.OutputValue, error) {
	r.outMu.Lock()
	outputs, ok := r.outputs[ws]
	r.outMu.Unlock()
	if ok {
		return outputs, nil
	}
	return r.readOutputs(ctx, ws)
}

// FindEngine is the engine of the command: the flag, then the settings,
// then what is on PATH.
func FindEngine(ctx context.Context, o Options, c *Clan) (*tofu.Engine, error) {
	name := o.Engine
	if name == "" {
		name = c.Settings.Engine
	}
	if c.engine != nil {
		c.engine.wait() // also when unused: no process outlives the run
		if c.engine.name == name {
			return c.engine.engine, c.engine.err
		}
	}
	return tofu.Find(ctx, name)
}

// engineLookup is tofu.Find started while Nix evaluates: an engine whose
// version the user's cache does not hold yet (a new tofu, a CI machine's
// fresh home) costs a `tofu version` (~70 ms) the run need not wait for
// after the evaluation. Settings that name another engine than name find
// that one instead.
type engineLookup struct {
	name   string
	done   chan struct{}
	engine *tofu.Engine
	err    error
}

func startEngineLookup(ctx context.Context, name string) *engineLookup {
	l := &engineLookup{name: name, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.engine, l.err = tofu.Find(ctx, name)
	}()
	return l
}

func (l *engineLookup) wait() { <-l.done }

// retryPolicy is the retry policy of the clan's settings (retry.attempts,
// retry.patterns added to tofu's default transient errors).
func retryPolicy(s *clan.Settings) (*tofu.RetryPolicy, error) {
	if s == nil || s.Retry == nil {
		return nil, nil
	}
	p, err := tofu.NewRetryPolicy(s.Retry.Attempts, s.Retry.Patterns)
	if err != nil {
		return nil, fmt.Errorf("%s: infra-manager settings: %v", clan.ServiceFile, err)
	}
	return p, nil
}
