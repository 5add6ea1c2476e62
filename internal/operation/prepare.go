package operation

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// preparation is what an operation does before tofu plans: the log file,
// the lock, the work dir and tofu init.
type preparation struct {
	log     *os.File
	release func()
	dir     string
	config  []byte
	inv     tofu.Invocation
	err     error // a step before init failed
	initErr error // tofu init failed
	ahead   bool  // made ahead of the workspace's turn
}

// Prepare does what an operation of kind on the workspace does before tofu
// plans, in its turn or ahead of it while its upstream workspaces still run
// (see run.Prep); Run takes the preparation over. It does nothing when the
// operation may end up starting no tofu process (OnlyChanged decides that
// from upstream outputs not written yet) or could not plan yet. Ahead of its
// turn it shows nothing: the workspace appears when its turn comes.
func (r *Runner) Prepare(ctx context.Context, kind Kind, name string, ahead bool) {
	w, ok := r.c.Set.Get(name)
	if !ok || r.c.OnlyChanged || (kind == Plan && r.unappliedUpstream(w) != "") {
		return
	}
	r.preparedMu.Lock()
	_, done := r.prepared[name]
	r.preparedMu.Unlock()
	if done {
		return // prepared before the run, while the check ran (app's prepareFirstWave)
	}
	p := r.prepare(ctx, kind, w, !ahead)
	p.ahead = ahead
	r.preparedMu.Lock()
	defer r.preparedMu.Unlock()
	if r.prepared == nil {
		r.prepared = map[string]*preparation{}
	}
	r.prepared[name] = p
}

// ReleasePrepared releases the preparations no Run took over: their
// workspaces were skipped. tofu init changed no state, so nothing is recorded.
func (r *Runner) ReleasePrepared() {
	r.preparedMu.Lock()
	defer r.preparedMu.Unlock()
	for name, p := range r.prepared {
		p.close()
		delete(r.prepared, name)
	}
}

// takePrepared hands the workspace's preparation over to its Run. One made
// ahead that failed is dropped, to be made again in the workspace's turn:
// what failed then (a lock another operator held, a registry that timed
// out) may be over now, as it would have been without preparing ahead.
func (r *Runner) takePrepared(name string) *preparation {
	r.preparedMu.Lock()
	p := r.prepared[name]
	delete(r.prepared, name)
	r.preparedMu.Unlock()
	if p != nil && p.ahead && (p.err != nil || p.initErr != nil) {
		p.close()
		return nil
	}
	return p
}

// prepare opens the log, locks the workspace, writes its work dir and runs
// tofu init; announce reports the phases as events.
func (r *Runner) prepare(ctx context.Context, kind Kind, w *workspace.Workspace, announce bool) *preparation {
	p := &preparation{}
	if p.log, p.err = r.openLog(w.Name); p.err != nil {
		return p
	}
	say := func(phase outcome.Phase, msg string) {
		if announce {
			r.event(w.Name, phase, msg)
		}
	}
	say(outcome.PhaseLock, "")
	if r.c.Keeper != nil {
		lease, err := r.c.Keeper.Acquire(ctx, w, string(kind))
		if err != nil {
			p.err = err
			return p
		}
		p.release = lease.Release
	}
	if p.dir, p.config, p.inv, p.err = r.setUp(w, p.log); p.err != nil {
		return p
	}
	p.inv.Retry = r.c.Retry
	say(outcome.PhaseInit, "")
	inv := p.inv
	inv.OnRetry = func(n tofu.RetryNotice) {
		say(outcome.PhaseInit, n.String())
		fmt.Fprintf(p.log, "clan-terranix: %s (waiting %s)\n", n, n.Delay)
	}
	_, p.initErr = r.ensureInit(ctx, p.dir, filepath.Join(r.c.Root, w.LockFile()), p.config, inv)
	return p
}

// setUp writes the work dir of w and returns it, its config and how tofu
// runs in it: output to log.
func (r *Runner) setUp(w *workspace.Workspace, log io.Writer) (string, []byte, tofu.Invocation, error) {
	var inv tofu.Invocation
	dir, config, err := r.c.Set.WriteWorkDir(r.c.Root, w)
	if err != nil {
		return "", nil, inv, err
	}
	env, err := r.envFor(w)
	if err != nil {
		return "", nil, inv, err
	}
	return dir, config, tofu.Invocation{Dir: dir, Env: env, Log: log}, nil
}

// close releases the lock and closes the log.
func (p *preparation) close() {
	if p.release != nil {
		p.release()
	}
	if p.log != nil {
		p.log.Close()
	}
}
