// Package run is the scheduler: it runs one job per selected workspace over
// the dependency graph, a workspace only after its dependencies succeeded,
// never more than Options.Parallelism at once.
package run

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// DefaultParallelism is small on purpose: every job is a tofu process with
// its providers, and unbounded runs exhaust memory and provider rate limits.
const DefaultParallelism = 4

// Job runs one workspace (init, plan, apply ...) and says how it ended. When
// ctx is cancelled it must stop tofu cleanly (forward the interrupt, let
// state be written) and return; Run waits for it.
type Job func(ctx context.Context, workspace string) outcome.Result

// Options tune a run.
type Options struct {
	// Parallelism bounds the jobs running at once; <= 0 means DefaultParallelism.
	Parallelism int
	// FailFast starts nothing new after the first failure.
	FailFast bool
	// Reverse runs dependents before their dependencies (destroy).
	Reverse bool
	// Prepare, when set, gets a workspace ready ahead of its turn (see
	// prepare.go) in a slot no ready workspace needs.
	Prepare Prep
}

// Run runs job for every selected workspace and returns one result per
// workspace, in the order they may run (topological; reversed with
// Options.Reverse). Only edges between selected workspaces count. A
// workspace whose prerequisite did not succeed is skipped with
// SkippedBecause naming the failed workspace. After a failure with FailFast,
// or once ctx is cancelled, nothing new starts and the rest is skipped
// (outcome.SkippedFailFast, outcome.SkippedInterrupted). sink.Finish is called
// once for every workspace, skipped ones included; sink may be nil.
func Run(ctx context.Context, g *graph.Graph, selected []string, opts Options, job Job, sink outcome.Sink) []outcome.Result {
	if sink == nil {
		sink = discard{}
	}
	s := newSchedule(g, selected, opts)
	s.loop(ctx, job, sink)

	results := s.results
	for _, name := range s.unknown {
		r := outcome.Result{Workspace: name, Status: outcome.StatusFailed,
			Error: fmt.Sprintf("unknown workspace %q", name)}
		sink.Finish(r)
		results = append(results, r)
	}
	return results
}

type state int

const (
	pending state = iota
	running
	ended
)

// schedule is the bookkeeping of one Run. Workspaces are identified by their
// position in order; a smaller position is started first when several are ready.
type schedule struct {
	order       []string
	unknown     []string // selected names not in the graph
	prereqs     [][]int  // what must succeed before each workspace starts
	followers   [][]int  // the inverse of prereqs
	waitingOn   []int    // prerequisites not yet succeeded
	state       []state
	started     []time.Time
	results     []outcome.Result
	parallelism int
	failFast    bool

	prepare  Prep
	prep     []prepState
	awaiting []bool // ready, but its preparation still runs
}

func newSchedule(g *graph.Graph, selected []string, opts Options) *schedule {
	s := &schedule{parallelism: opts.Parallelism, failFast: opts.FailFast, prepare: opts.Prepare}
	if s.parallelism <= 0 {
		s.parallelism = DefaultParallelism
	}
	seen := map[string]bool{}
	for _, name := range selected {
		if !g.Has(name) && !seen[name] {
			s.unknown = append(s.unknown, name)
		}
		seen[name] = true
	}
	prereqsOf, followersOf := g.Dependencies, g.Dependents
	if opts.Reverse {
		s.order = g.ReverseOrder(selected)
		prereqsOf, followersOf = g.Dependents, g.Dependencies
	} else {
		s.order = g.Order(selected)
	}
	n := len(s.order)
	pos := make(map[string]int, n)
	for i, name := range s.order {
		pos[name] = i
	}
	s.prereqs, s.followers = make([][]int, n), make([][]int, n)
	s.waitingOn, s.state = make([]int, n), make([]state, n)
	s.started, s.results = make([]time.Time, n), make([]outcome.Result, n)
	s.prep, s.awaiting = make([]prepState, n), make([]bool, n)
	for i, name := range s.order {
		for _, p := range prereqsOf(name) {
			if j, ok := pos[p]; ok {
				s.prereqs[i] = append(s.prereqs[i], j)
			}
		}
		for _, f := range followersOf(name) {
			if j, ok := pos[f]; ok {
				s.followers[i] = append(s.followers[i], j)
			}
		}
		s.waitingOn[i] = len(s.prereqs[i])
	}
	return s
}

// finished says a job ended, or a preparation (see prepare.go).
type finished struct {
	index    int
	result   outcome.Result
	prepared bool // a preparation ended, not the job
	ahead    bool // ... one ahead of the workspace's turn, in a slot of its own
}

func (s *schedule) loop(ctx context.Context, job Job, sink outcome.Sink) {
	ready := &readySet{}
	for i := range s.order {
		if s.waitingOn[i] == 0 {
			ready.add(i)
		}
	}
	done := make(chan finished)
	cancelled := ctx.Done()
	stopReason := "" // set once nothing new may start
	active := 0
	for {
		// Checked before every start: select below picks at random between
		// a finished job and the cancellation.
		if stopReason == "" && ctx.Err() != nil {
			stopReason = outcome.SkippedInterrupted
		}
		for stopReason == "" && active < s.parallelism && len(*ready) > 0 {
			i := ready.first()
			if s.state[i] != pending { // cannot happen: a ready workspace's prerequisites all succeeded
				continue
			}
			if s.prep[i] == preparing {
				s.awaiting[i] = true // its preparation's slot goes to the job
				continue
			}
			s.start(ctx, i, job, sink, done)
			active++
		}
		for stopReason == "" && s.prepare != nil && active < s.parallelism {
			i := s.nextToPrepare()
			if i < 0 {
				break
			}
			s.startPreparing(ctx, i, done)
			active++
		}
		if active == 0 {
			break
		}
		select {
		case f := <-done:
			if f.prepared {
				s.prep[f.index] = prepared
				if !f.ahead { // the job goes on in its slot
					continue
				}
				if s.awaiting[f.index] && stopReason == "" && ctx.Err() == nil {
					s.awaiting[f.index] = false
					s.start(ctx, f.index, job, sink, done)
				} else {
					active--
				}
				continue
			}
			active--
			s.finish(f, sink, ready, ctx.Err() != nil)
			if s.failFast && s.results[f.index].Status == outcome.StatusFailed && stopReason == "" {
				stopReason = outcome.SkippedFailFast
			}
		case <-cancelled:
			cancelled = nil // stop selecting on it; the check above does the rest
		}
	}
	if stopReason == "" { // every pending workspace was skipped already; be safe anyway
		stopReason = outcome.SkippedInterrupted
	}
	var rest []int
	for i, st := range s.state {
		if st == pending {
			rest = append(rest, i)
		}
	}
	s.skip(rest, stopReason, sink)
}

func (s *schedule) start(ctx context.Context, i int, job Job, sink outcome.Sink, done chan<- finished) {
	name := s.order[i]
	s.state[i] = running
	s.started[i] = time.Now()
	sink.Event(outcome.Event{Workspace: name, Time: s.started[i], Phase: outcome.PhaseStart})
	prepare := s.prepare != nil && s.prep[i] == unprepared
	if prepare {
		s.prep[i] = preparing
	}
	go func() {
		if prepare {
			s.runPrepare(ctx, name, false)
			done <- finished{index: i, prepared: true}
		}
		done <- finished{index: i, result: runJob(ctx, job, name)}
	}()
}

// runJob turns a panicking job into a failed workspace instead of a hung run.
func runJob(ctx context.Context, job Job, name string) (r outcome.Result) {
	defer func() {
		if p := recover(); p != nil {
			r = outcome.Result{Status: outcome.StatusFailed, Error: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	return job(ctx, name)
}

// finish records a job's result and releases or skips what waits on it.
// Once the run is interrupted a failure is most likely the interrupt
// itself, so what waited on it is skipped as "interrupted".
func (s *schedule) finish(f finished, sink outcome.Sink, ready *readySet, interrupted bool) {
	i, r := f.index, f.result
	r.Workspace = s.order[i]
	if r.Status == "" {
		r.Status = outcome.StatusFailed
		if r.Error == "" {
			r.Error = "internal error: the job returned no status"
		}
	}
	if r.Started.IsZero() {
		r.Started = s.started[i]
	}
	if r.Duration == 0 {
		r.Duration = time.Since(s.started[i])
	}
	s.state[i] = ended
	s.results[i] = r
	sink.Finish(r)

	if r.Status.Succeeded() {
		for _, j := range s.followers[i] {
			s.waitingOn[j]--
			if s.waitingOn[j] == 0 && s.state[j] == pending {
				ready.add(j)
			}
		}
		return
	}
	// A job that skipped itself (it saw the interrupt before doing anything)
	// passes its reason on; a failure names itself.
	because := r.Workspace
	switch {
	case interrupted:
		because = outcome.SkippedInterrupted
	case r.Status == outcome.StatusSkipped && r.SkippedBecause != "":
		because = r.SkippedBecause
	}
	s.skip(s.pendingFollowers(i), because, sink)
}

// pendingFollowers returns every workspace that transitively waits on i and
// has not started, in order.
func (s *schedule) pendingFollowers(i int) []int {
	seen := map[int]bool{}
	stack := []int{i}
	var out []int
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range s.followers[k] {
			if !seen[j] && s.state[j] == pending {
				seen[j] = true
				out = append(out, j)
				stack = append(stack, j)
			}
		}
	}
	sort.Ints(out)
	return out
}

func (s *schedule) skip(indexes []int, because string, sink outcome.Sink) {
	for _, i := range indexes {
		r := outcome.Result{Workspace: s.order[i], Status: outcome.StatusSkipped, SkippedBecause: because}
		s.state[i] = ended
		s.results[i] = r
		sink.Finish(r)
	}
}

// readySet holds the workspaces that may start, in order, so the one
// first in order starts first.
type readySet []int

func (r *readySet) add(i int) {
	at, _ := slices.BinarySearch(*r, i)
	*r = slices.Insert(*r, at, i)
}

func (r *readySet) first() int {
	i := (*r)[0]
	*r = (*r)[1:]
	return i
}

type discard struct{}

func (discard) Event(outcome.Event)   {}
func (discard) Finish(outcome.Result) {}
