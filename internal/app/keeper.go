package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// sessionKeeper guards each workspace's state with a state.Session: locks,
// safeguards and recovery before tofu runs, the commit (and push, with the
// git lock) after.
type sessionKeeper struct {
	root string
	opts state.Options
	warn func(string)

	mu       sync.Mutex
	sessions map[string]*state.Session

	// async hands each commit to the background committer, so that a
	// workspace's slot of the run goes to the next workspace while git works;
	// the lock is held until the commit is done, and Wait collects the outcomes.
	// Runs over the graph commit so; single commands (tofu, state) at once.
	async     bool
	committer state.Committer
	handed    map[string]bool      // workspaces whose session the committer closes
	began     map[string]time.Time // when each workspace's session began, for its duration
	failed    map[string]error     // commits that failed in the background

	// snapshot waits for the run's one git status (see startSnapshot);
	// nil: each workspace asks git itself.
	snapshot func() *state.StatusSnapshot
}

// commitInterval is the least time between two background state commits;
// the workspaces that finish meanwhile share a commit.
const commitInterval = 2 * time.Second

func newStateKeeper(o Options, c *Clan, ui UI, async bool, snapshot func() *state.StatusSnapshot) *sessionKeeper {
	warnMu := &sync.Mutex{}
	warnFn := func(msg string) {
		warnMu.Lock()
		defer warnMu.Unlock()
		ui.Warn([]string{msg})
	}
	k := &sessionKeeper{
		root:     c.Root,
		warn:     warnFn,
		opts:     stateOptions(o, c, warnFn),
		async:    async,
		snapshot: snapshot,
		sessions: map[string]*state.Session{},
		handed:   map[string]bool{},
		began:    map[string]time.Time{},
		failed:   map[string]error{},
	}
	k.committer = state.Committer{Interval: commitInterval, Done: k.committed, Prepare: func(ctx context.Context) {
		if gitcli.IsRepo(ctx, k.root) {
			_ = gitcli.Repo{Dir: k.root}.PrepareCommit(ctx) // a failure shows in the commit
		}
	}}
	return k
}

// stateOptions are the clan's lock mode and the run's lock timeout and
// safeguards: the flag, else the settings'.
func stateOptions(o Options, c *Clan, warn func(string)) state.Options {
	timeout := o.State.LockTimeout
	if timeout == 0 && c.Settings.LockTimeout != "" {
		timeout, _ = time.ParseDuration(c.Settings.LockTimeout) // validated by clan.ParseSettings
	}
	return state.Options{
		Lock:         state.LockMode(c.Settings.Lock),
		Remote:       c.Settings.LockRemote,
		LockTimeout:  timeout,
		NoSafeguards: o.State.NoSafeguards,
		Warn:         warn,
	}
}

// waitSnapshot waits for the run's git snapshot, if one was started: no
// git process outlives the run, even one that stops before anything began.
func (k *sessionKeeper) waitSnapshot() {
	if k.snapshot != nil {
		k.snapshot()
	}
}

// Wait waits for the background commits and returns those that failed, by workspace.
func (k *sessionKeeper) Wait() map[string]error {
	k.waitSnapshot()
	k.committer.Close()
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.failed
}

// startSnapshot starts, while Nix evaluates (or the run is set up), what
// the run needs of git before its first workspace begins, instead of a git
// status per workspace in its safeguards: whether the clan is a git repository,
// and a StatusSnapshot of the state of every workspace the clan's files can
// have (a superset of those evaluation will find). With commits (the run
// commits state) it also reads what the first state session asks of the
// repository (state.ReadGitState), which that session would otherwise wait
// for. The function it returns waits for both (the snapshot is nil when not
// a repository or on an error: each workspace then asks git itself).
func startSnapshot(ctx context.Context, layout *clan.Layout, commits bool) func() *state.StatusSnapshot {
	var snap *state.StatusSnapshot
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !gitcli.IsRepo(ctx, layout.Root) {
			return
		}
		var readiness sync.WaitGroup
		if commits {
			readiness.Go(func() { state.ReadGitState(ctx, layout.Root) })
		}
		defer readiness.Wait()
		var ps []state.Paths
		if p, err := state.PathsFor(layout.Root, clan.KindShared, clan.SharedWorkspace); err == nil {
			ps = append(ps, p)
		}
		for name := range layout.Machines {
			if p, err := state.PathsFor(layout.Root, clan.KindMachine, name); err == nil {
				ps = append(ps, p)
			}
		}
		snap, _ = state.TakeSnapshot(ctx, gitcli.Repo{Dir: layout.Root}, ps)
	}()
	return func() *state.StatusSnapshot {
		<-done
		return snap
	}
}

// committed is told by the committer that a session's commit is made or failed.
func (k *sessionKeeper) committed(s *state.Session, err error) {
	ws := s.Paths.Workspace
	k.mu.Lock()
	delete(k.sessions, ws)
	if err != nil && !strings.HasPrefix(err.Error(), "workspace "+ws+":") {
		err = fmt.Errorf("workspace %s: %v", ws, err)
	}
	if err != nil {
		k.failed[ws] = err
	}
	k.mu.Unlock()
	k.close(context.Background(), s)
}

// checkLinks refuses a link among the files of the selected workspaces and
// those they read, before any of them runs (each session checks its own
// again).
func checkLinks(c *Clan, selected []string) error {
	var read []string
	for _, name := range selected {
		w, ok := c.Set.Get(name)
		if !ok {
			continue
		}
		p, err := StatePaths(c.Root, w)
		if err != nil {
			return err
		}
		if err := p.CheckLinks(); err != nil {
			return err
		}
		if err := clan.CheckTree(c.Root, w.WorkDir(), 2); err != nil {
			return err
		}
		read = append(read, w.Dependencies()...)
	}
	// tofu only reads the state of an upstream workspace.
	slices.Sort(read)
	for _, name := range slices.Compact(read) {
		if w, ok := c.Set.Get(name); ok {
			if err := clan.CheckTree(c.Root, w.StateDir(), 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// StatePaths are the state files of w (with their locks and markers).
func StatePaths(root string, w *workspace.Workspace) (state.Paths, error) {
	return state.PathsFor(root, w.Kind, w.Name)
}

func (k *sessionKeeper) Acquire(ctx context.Context, w *workspace.Workspace, command string) (operation.Lease, error) {
	var none operation.Lease
	if !w.Backend.IsGitState() {
		// A team backend locks the state itself (pg advisory locks, S3 lock
		// files); the lock on this host still guards the work dir two runs share.
		if err := teamStateLeftInGit(k.root, w); err != nil {
			return none, err
		}
		p, err := StatePaths(k.root, w)
		if err != nil {
			return none, err
		}
		lock, err := state.LockLocal(ctx, p, "clan-terranix "+command+" "+w.Name, k.opts.LockTimeout, k.warn)
		if err != nil {
			return none, err
		}
		return operation.Lease{Release: func() { lock.Unlock() }}, nil
	}
	p, err := StatePaths(k.root, w)
	if err != nil {
		return none, err
	}
	opts := k.opts
	if k.snapshot != nil {
		opts.Snapshot = k.snapshot()
	}
	opts.ReadOnly = command == string(operation.Plan)
	opts.Command = "clan-terranix " + command + " " + w.Name
	s, err := state.Begin(ctx, p, strings.Fields(command)[0], opts)
	if err != nil {
		return none, err
	}
	k.mu.Lock()
	k.sessions[w.Name] = s
	k.began[w.Name] = time.Now()
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		handed := k.handed[w.Name]
		if !handed {
			delete(k.sessions, w.Name)
		}
		k.mu.Unlock()
		if handed {
			return // the background commit closes the session when it is done
		}
		if err := s.Abandon(context.WithoutCancel(ctx)); err != nil {
			k.warn(fmt.Sprintf("workspace %s: releasing its lock: %v", w.Name, err))
		}
	}
	return operation.Lease{Release: release}, nil
}

func (k *sessionKeeper) Record(ctx context.Context, w *workspace.Workspace, command string, res outcome.Result, also []string) error {
	k.mu.Lock()
	s := k.sessions[w.Name]
	began := k.began[w.Name]
	k.mu.Unlock()
	sum := state.Summary{Add: res.Add, Change: res.Change, Destroy: res.Destroy, CountsKnown: res.Status != "", Also: also}
	if !began.IsZero() {
		sum.Duration = time.Since(began)
	}
	if line := report.OrphansLine(res); line != "" {
		sum.Note = strings.ToUpper(line[:1]) + line[1:] + "."
	}
	switch {
	case res.Interrupted:
		sum.Result = "interrupted"
	case res.Status == outcome.StatusFailed:
		sum.Result = "failed"
	}
	if s == nil {
		return k.recordTeamBackend(ctx, w, command, sum)
	}
	if !k.async {
		return k.finish(ctx, w, s, sum)
	}
	k.mu.Lock()
	k.handed[w.Name] = true
	k.mu.Unlock()
	k.committer.Add(ctx, s, sum)
	return nil
}

func (k *sessionKeeper) finish(ctx context.Context, w *workspace.Workspace, s *state.Session, sum state.Summary) error {
	if _, err := s.Finish(ctx, sum); err != nil {
		return fmt.Errorf("workspace %s: %v", w.Name, err)
	}
	return nil
}

func (k *sessionKeeper) close(ctx context.Context, s *state.Session) {
	if err := s.Close(context.WithoutCancel(ctx)); err != nil {
		k.warn(fmt.Sprintf("workspace %s: releasing its lock: %v", s.Paths.Workspace, err))
	}
}

// recordTeamBackend commits what a run against a team backend leaves in
// git: the change record and the provider lock file (the state itself lives
// in the backend), so that they do not linger as uncommitted edits.
func (k *sessionKeeper) recordTeamBackend(ctx context.Context, w *workspace.Workspace, command string, sum state.Summary) error {
	if w.Backend.IsGitState() || w.Backend.UserDefined || !gitcli.IsRepo(ctx, k.root) {
		return nil
	}
	p, err := StatePaths(k.root, w)
	if err != nil {
		return err
	}
	sum.Note = "State in " + w.Backend.Where() + "; this commit holds the change record and provider lock file."
	if _, _, err := state.Commit(ctx, gitcli.Repo{Dir: k.root}, p, strings.Fields(command)[0], sum); err != nil {
		return fmt.Errorf("workspace %s: %v", w.Name, err)
	}
	return nil
}

// LockHolder describes who holds the workspace's lock, or "".
func (c *Clan) LockHolder(w *workspace.Workspace) string {
	p, err := StatePaths(c.Root, w)
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

// teamStateLeftInGit is the safeguard of runs against a team backend: state
// still in git would be ignored, and tofu would create every resource again.
func teamStateLeftInGit(root string, w *workspace.Workspace) error {
	if w.Backend.IsGitState() || w.Backend.UserDefined {
		return nil
	}
	p, err := StatePaths(root, w)
	if err != nil {
		return err
	}
	info, err := state.Validate(p.Abs(p.State), p.State)
	if err != nil || !info.Exists {
		return err
	}
	return fmt.Errorf("workspace %s: its state is in git (%s) but the settings put it in %s: run `clan-terranix state migrate --to %s %s` to move it there, or remove the backend setting to keep it in git",
		w.Name, p.State, strings.TrimSpace(w.Backend.Where()), w.Backend.Type, w.Name)
}

// beginStateSession locks a git-state workspace for a state command (with
// the clan's lock mode, safeguards and crash recovery) and marks the run, so
// that a run killed half way is recognised and committed by the next one.
func beginStateSession(ctx context.Context, o Options, c *Clan, ui UI, w *workspace.Workspace, op string) (*state.Session, error) {
	p, err := StatePaths(c.Root, w)
	if err != nil {
		return nil, err
	}
	opts := stateOptions(o, c, func(msg string) { ui.Warn([]string{msg}) })
	opts.Command = "clan-terranix state " + op + " " + w.Name
	return state.Begin(ctx, p, op, opts)
}
