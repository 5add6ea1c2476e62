package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// StateFlags are the flags about locks and safeguards.
type StateFlags struct {
	LockTimeout  time.Duration
	NoSafeguards bool
}

// sessionKeeper guards each workspace's state with a state.Session: locks,
// safeguards and recovery before tofu runs, the commit (and push, with the
// git lock) after.
type sessionKeeper struct {
	root string
	opts state.Options
	warn func(string)

	mu       sync.Mutex
	sessions map[string]*state.Session
}

func newStateKeeper(g *GlobalOptions, lc *loadedClan, sf StateFlags) *sessionKeeper {
	timeout := sf.LockTimeout
	if timeout == 0 && lc.Settings.LockTimeout != "" {
		timeout, _ = time.ParseDuration(lc.Settings.LockTimeout) // validated by clan.ParseSettings
	}
	warnMu := &sync.Mutex{}
	warnFn := func(msg string) {
		warnMu.Lock()
		defer warnMu.Unlock()
		warn(g.Stderr, []string{msg})
	}
	return &sessionKeeper{
		root: lc.Root,
		warn: warnFn,
		opts: state.Options{
			Lock:         state.LockMode(lc.Settings.Lock),
			Remote:       lc.Settings.LockRemote,
			LockTimeout:  timeout,
			NoSafeguards: sf.NoSafeguards,
			Warn:         warnFn,
		},
		sessions: map[string]*state.Session{},
	}
}

func statePaths(root string, w *workspace.Workspace) (state.Paths, error) {
	return state.PathsFor(root, state.Kind(w.Kind), w.Name)
}

func (k *sessionKeeper) Acquire(ctx context.Context, w *workspace.Workspace, command string) (func(), error) {
	if !w.Backend.IsGitState() {
		// A team backend locks the state itself (pg advisory locks, S3 lock files).
		return func() {}, nil
	}
	p, err := statePaths(k.root, w)
	if err != nil {
		return nil, err
	}
	opts := k.opts
	opts.ReadOnly = command == string(operation.Plan)
	opts.Command = "clan-terranix " + command + " " + w.Name
	s, err := state.Begin(ctx, p, strings.Fields(command)[0], opts)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.sessions[w.Name] = s
	k.mu.Unlock()
	return func() {
		k.mu.Lock()
		delete(k.sessions, w.Name)
		k.mu.Unlock()
		if err := s.Close(context.WithoutCancel(ctx)); err != nil {
			k.warn(fmt.Sprintf("workspace %s: releasing its lock: %v", w.Name, err))
		}
	}, nil
}

func (k *sessionKeeper) Record(ctx context.Context, w *workspace.Workspace, command string, res report.Result) error {
	k.mu.Lock()
	s := k.sessions[w.Name]
	k.mu.Unlock()
	if s == nil {
		return nil
	}
	sum := state.Summary{Add: res.Add, Change: res.Change, Destroy: res.Destroy, CountsKnown: res.Status != ""}
	switch {
	case res.Status == report.StatusFailed && ctx.Err() != nil:
		sum.Result = "interrupted"
	case res.Status == report.StatusFailed:
		sum.Result = "failed"
	}
	if _, err := s.Finish(ctx, sum); err != nil {
		return fmt.Errorf("workspace %s: %v", w.Name, err)
	}
	return nil
}

// lockHolder describes who holds the workspace's lock, or "".
func lockHolder(lc *loadedClan, w *workspace.Workspace) string {
	p, err := statePaths(lc.Root, w)
	if err != nil {
		return ""
	}
	if h, err := state.LocalHolder(p); err == nil && h != nil {
		return h.String()
	}
	return ""
}

// secretSource converts a clan setting into the state package's form.
func secretSource(s clan.Secret) state.SecretSource {
	return state.SecretSource{Command: s.Command, Env: s.Env, File: s.File}
}
