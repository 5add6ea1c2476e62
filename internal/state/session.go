package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// LockMode chooses how far a workspace lock reaches.
type LockMode string

const (
	LockModeLocal LockMode = "local" // this host only (the default)
	LockModeGit   LockMode = "git"   // also a lock ref on the git remote, for a team
)

// Options configure a Session.
type Options struct {
	Lock        LockMode      // "" means LockModeLocal
	Remote      string        // git remote of the team lock; "" means "origin"
	LockTimeout time.Duration // how long to wait for a held lock; 0 fails at once
	// Command is the whole command line, shown to whoever waits for the lock.
	Command string
	// ReadOnly sessions (plan, output) lock and check but never commit.
	ReadOnly bool
	// NoSafeguards turns the refusals of Begin into warnings.
	NoSafeguards bool
	// Warn receives one-line warnings for the user; nil drops them.
	Warn func(string)
	// Snapshot, when set, answers the safeguards' git status for state files
	// it vouches for (see StatusSnapshot).
	Snapshot *StatusSnapshot
}

// Session is one operation on one workspace's state, between Begin and Close:
//
//	s, err := state.Begin(ctx, paths, "apply", opts)   // lock, recover, safeguards
//	defer s.Close(ctx)                                // unlock
//	... tofu init / plan / apply ...
//	commit, err := s.Finish(ctx, summary)             // check, commit, push
type Session struct {
	Paths  Paths
	Before Info // the state as Begin found it

	op     string
	opts   Options
	repo   gitcli.Repo
	inGit  bool
	branch string
	local  *LocalLock
	remote *RemoteLock
	ended  bool // Finish was called: what its run did is committed or left to recovery
}

// Begin locks the workspace and checks its state before tofu runs. In order:
// local lock; with the git lock the team lock and "not behind the remote";
// recovery of a run that was interrupted (restoring a torn state file and
// committing what it left); the safeguards (no conflict markers, valid
// state, no uncommitted edits not made by us); and a marker recording the
// run, so that a crash from here on is recognised by the next run.
func Begin(ctx context.Context, p Paths, op string, opts Options) (s *Session, err error) {
	if opts.Remote == "" {
		opts.Remote = "origin"
	}
	if opts.Command == "" {
		opts.Command = "clan-terranix " + op + " " + p.Workspace
	}
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	s = &Session{Paths: p, op: op, opts: opts, repo: gitcli.Repo{Dir: p.Root}}
	session := s // the returns below set s to nil before the deferred cleanup runs
	s.inGit = gitcli.IsRepo(ctx, p.Root)
	if opts.Lock == LockModeGit && !s.inGit {
		return nil, fmt.Errorf("lock = \"git\" needs the clan %s to be a git repository", p.Root)
	}
	if err := EnsureWorkDir(p.Root); err != nil {
		return nil, err
	}
	if s.local, err = LockLocal(ctx, p, opts.Command, opts.LockTimeout, opts.Warn); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			session.Close(ctx)
		}
	}()
	if opts.Lock == LockModeGit {
		if s.branch, err = s.repo.CurrentBranch(ctx); err != nil {
			return nil, err
		}
		if s.branch == "" {
			return nil, fmt.Errorf("lock = \"git\" needs a branch to push state to, but HEAD in %s is detached", p.Root)
		}
		if s.remote, err = LockRemote(ctx, s.repo, opts.Remote, p, opts.Command, opts.LockTimeout, opts.Warn); err != nil {
			return nil, err
		}
		if err := CheckNotBehind(ctx, s.repo, opts.Remote, s.branch, p); err != nil {
			if err := s.overridable(err); err != nil {
				return nil, err
			}
		}
		if n, err := AheadOfRemote(ctx, s.repo, opts.Remote, s.branch); err == nil && n > 0 && !opts.ReadOnly {
			opts.Warn(fmt.Sprintf("branch %s has %d commit(s) not on %s; publishing the state of %s will push them too", s.branch, n, opts.Remote, p.Workspace))
		}
	}
	if s.inGit && !opts.ReadOnly {
		if err := s.checkGitState(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.recoverInterrupted(ctx); err != nil {
		return nil, err
	}
	if err := s.adoptErrored(ctx); err != nil {
		return nil, err
	}
	if s.Before, err = s.safeguards(ctx); err != nil {
		return nil, err
	}
	if err := p.keepPrivate(); err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		if err := writeMarker(p, marker{Op: op, Command: opts.Command, Holder: CurrentHolder(p.Workspace, opts.Command), Before: s.Before}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Finish ends a state-changing run, whether tofu succeeded, failed or was
// killed: it restores a state file tofu left torn, commits the state paths
// (message and trailers from summary), pushes with the git lock, and only
// then removes the run marker. It returns the new commit ("" if none).
func (s *Session) Finish(ctx context.Context, summary Summary) (commit string, err error) {
	commit, errs := FinishAll(ctx, []Finishing{{Session: s, Summary: summary}})
	return commit, errs[0]
}

// Finishing is a session whose run is over, with what the run did.
type Finishing struct {
	Session *Session
	Summary Summary
}

// FinishAll is Finish for several sessions of one clan at once: one commit
// holds all their state (one push, with the git lock). It returns the commit
// ("" if none) and for each session what went wrong (nil when finished).
func FinishAll(ctx context.Context, items []Finishing) (commit string, errs []error) {
	errs = make([]error, len(items))
	var committing []int
	for i := range items {
		s := items[i].Session
		s.ended = true
		if s.opts.ReadOnly {
			continue
		}
		restored, err := RestoreIfTorn(ctx, s.Paths, s.repo, s.inGit)
		if err != nil {
			errs[i] = err
			continue
		}
		if restored != "" {
			s.opts.Warn(restored)
			items[i].Summary.Result, items[i].Summary.Note = "recovered", restored
		}
		// tofu could not save the state: take what it left, or stop here
		// (the run marker stays, and the next run tries again).
		adopted, err := AdoptErrored(s.Paths)
		if err != nil {
			errs[i] = err
			continue
		}
		if adopted != "" {
			s.opts.Warn(adopted)
			items[i].Summary.Result, items[i].Summary.Note = "recovered", strings.TrimSpace(items[i].Summary.Note+" "+adopted)
		}
		if err := s.Paths.keepPrivate(); err != nil {
			errs[i] = err
			continue
		}
		if s.inGit {
			committing = append(committing, i)
		}
	}
	if len(committing) > 0 {
		commit = commitSessions(ctx, items, committing, errs)
	}
	for i, it := range items {
		if errs[i] == nil && !it.Session.opts.ReadOnly {
			errs[i] = removeMarker(it.Session.Paths)
		}
	}
	return commit, errs
}

// commitSessions commits (and with the git lock pushes) the sessions at
// indexes, setting their errors when that fails.
func commitSessions(ctx context.Context, items []Finishing, indexes []int, errs []error) (commit string) {
	first := items[indexes[0]].Session
	var ps []Paths
	var parts []Part
	var protect []string
	pushing := false
	for _, i := range indexes {
		s := items[i].Session
		ps = append(ps, s.Paths)
		parts = append(parts, Part{Workspace: s.Paths.Workspace, Command: s.op, Summary: items[i].Summary})
		protect = append(protect, s.Paths.State)
		pushing = pushing || s.opts.Lock == LockModeGit
	}
	id, changed, err := commitParts(ctx, first.repo, ps, parts)
	if err != nil {
		for _, i := range indexes {
			errs[i] = err
		}
		return ""
	}
	if changed {
		commit = id
	}
	if pushing {
		if err := first.repo.PushHead(ctx, first.opts.Remote, first.branch, protect); err != nil {
			for _, i := range indexes {
				errs[i] = fmt.Errorf("state of %s is committed (%.12s) but not pushed to %s/%s: %v", items[i].Session.Paths.Workspace, commit, first.opts.Remote, first.branch, err)
			}
		}
	}
	return commit
}

// Abandon ends a session whose run never got to change state (tofu init or
// plan failed, nothing to do, a preparation whose turn never came): the run
// marker goes, so the next run has nothing to recover, then the locks. After
// Finish it is Close.
func (s *Session) Abandon(ctx context.Context) error {
	if s != nil && !s.ended && !s.opts.ReadOnly {
		if err := removeMarker(s.Paths); err != nil {
			return errors.Join(err, s.Close(ctx))
		}
	}
	return s.Close(ctx)
}

// Close releases the locks. It is safe to call more than once.
func (s *Session) Close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	var errs []error
	if s.remote != nil {
		// Release the team lock even when ctx was cancelled (Ctrl-C).
		releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		errs = append(errs, s.remote.Unlock(releaseCtx))
		cancel()
	}
	errs = append(errs, s.local.Unlock())
	return errors.Join(errs...)
}

// overridable returns err, or nil with a warning under --no-safeguards.
func (s *Session) overridable(err error) error {
	if !s.opts.NoSafeguards {
		return err
	}
	s.opts.Warn("--no-safeguards: going on although " + err.Error())
	return nil
}

// safeguards refuse to let tofu touch state that is not what git says it is.
func (s *Session) safeguards(ctx context.Context) (Info, error) {
	p := s.Paths
	info, err := Validate(p.Abs(p.State), p.State)
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			return Info{}, err
		}
		if err := s.overridable(fmt.Errorf("%v (or pass --no-safeguards)", err)); err != nil {
			return Info{}, err
		}
	}
	if !s.inGit {
		return info, nil
	}
	var status []gitcli.StatusEntry
	if !s.opts.Snapshot.clean(p) {
		if status, err = s.repo.Status(ctx, p.State); err != nil {
			return Info{}, err
		}
	}
	for _, e := range status {
		var problem error
		switch {
		case e.Conflicted():
			problem = fmt.Errorf("state %s is in the middle of a git merge conflict: resolve it first", p.State)
		case e.X == '?' && e.Y == '?':
			problem = fmt.Errorf("state %s exists but was never committed, and not by clan-terranix: commit it (git add) or remove it, or pass --no-safeguards", p.State)
		default:
			problem = fmt.Errorf("state %s has uncommitted changes not made by clan-terranix: commit them or discard them (git checkout -- %s), or pass --no-safeguards", p.State, p.State)
		}
		if err := s.overridable(problem); err != nil {
			return Info{}, err
		}
	}
	return info, nil
}
