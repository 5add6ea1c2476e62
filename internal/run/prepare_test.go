package run

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// busy counts what holds a slot: preparations and jobs, a job that takes
// over its preparation's slot once.
type busy struct {
	now, peak atomic.Int32
}

func (b *busy) enter() {
	n := b.now.Add(1)
	for {
		p := b.peak.Load()
		if n <= p || b.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (b *busy) leave() { b.now.Add(-1) }

func TestPrepareUsesIdleSlotsForTheNextWave(t *testing.T) {
	// shared <- a, b, c, d; a <- x: x is two waves away.
	g, _ := graph.New(map[string][]string{"shared": nil, "a": {"shared"}, "b": {"shared"},
		"c": {"shared"}, "d": {"shared"}, "x": {"a"}})
	rec := &recorder{}
	var slots busy
	twoPrepared := make(chan struct{})
	var mu sync.Mutex
	var preparedWhileShared []string
	sharedDone := false
	prep := func(ctx context.Context, ws string, ahead bool) {
		slots.enter()
		defer slots.leave()
		rec.note("prepare " + ws)
		mu.Lock()
		if ws == "shared" && ahead {
			t.Errorf("shared, ready from the start, was prepared ahead")
		}
		if !sharedDone && ahead {
			preparedWhileShared = append(preparedWhileShared, ws)
			if len(preparedWhileShared) == 2 {
				close(twoPrepared)
			}
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		rec.note("prepared " + ws)
	}
	job := func(ctx context.Context, ws string) outcome.Result {
		slots.enter()
		defer slots.leave()
		rec.note("start " + ws)
		if ws == "shared" {
			<-twoPrepared
			mu.Lock()
			sharedDone = true
			mu.Unlock()
		}
		rec.note("end " + ws)
		return outcome.Result{Status: outcome.StatusOK}
	}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 3, Prepare: prep}, job, startNoter{rec})
	for _, r := range got {
		if r.Status != outcome.StatusOK {
			t.Errorf("%s: %s", r.Workspace, r.Status)
		}
	}
	slices.Sort(preparedWhileShared)
	if want := []string{"a", "b"}; !reflect.DeepEqual(preparedWhileShared, want) {
		t.Errorf("prepared while shared ran: %v, want %v (the first of the next wave)", preparedWhileShared, want)
	}
	if p := slots.peak.Load(); p > 3 {
		t.Errorf("%d slots busy at once, parallelism 3", p)
	}
	for i, line := range rec.log {
		if ws, ok := strings.CutPrefix(line, "start "); ok && slices.Contains(rec.log, "prepare "+ws) && !slices.Contains(rec.log[:i], "prepared "+ws) {
			t.Errorf("the job of %s started before its preparation ended: %v", ws, rec.log)
		}
		if ws, ok := strings.CutPrefix(line, "prepare "); ok && ws == "x" && !slices.Contains(rec.log[:i], "begun a") {
			t.Errorf("x was prepared before a, its prerequisite, started: %v", rec.log)
		}
	}
	checkOrder(t, rec, g.Dependencies)
	checkFinishedOnce(t, rec, got)
}

func TestPreparedWorkspaceOfAFailedPrerequisiteIsSkipped(t *testing.T) {
	g, _ := graph.New(map[string][]string{"shared": nil, "a": {"shared"}})
	prepared := make(chan struct{})
	var jobs []string
	var mu sync.Mutex
	prep := func(ctx context.Context, ws string, ahead bool) {
		if ws == "a" {
			close(prepared)
		}
	}
	job := func(ctx context.Context, ws string) outcome.Result {
		mu.Lock()
		jobs = append(jobs, ws)
		mu.Unlock()
		<-prepared
		return outcome.Result{Status: outcome.StatusFailed, Error: "boom"}
	}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 2, Prepare: prep}, job, nil)
	check(t, got, []wsEnd{{"shared", "failed", ""}, {"a", "skipped", "shared"}})
	if !reflect.DeepEqual(jobs, []string{"shared"}) {
		t.Errorf("jobs run: %v", jobs)
	}
}

func TestNothingIsPreparedOnceTheRunStops(t *testing.T) {
	g, _ := graph.New(map[string][]string{"shared": nil, "a": {"shared"}, "b": {"shared"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var preps atomic.Int32
	prep := func(ctx context.Context, ws string, ahead bool) {
		if ahead {
			preps.Add(1)
		}
	}
	job := func(jobCtx context.Context, ws string) outcome.Result {
		cancel()
		<-jobCtx.Done()
		return outcome.Result{Status: outcome.StatusFailed, Error: "interrupted"}
	}
	// Parallelism 1: no slot is free for a preparation while shared runs,
	// and after the interrupt none may start.
	got := Run(ctx, g, g.Nodes(), Options{Parallelism: 1, Prepare: prep}, job, nil)
	if n := preps.Load(); n != 0 {
		t.Errorf("%d preparations after the interrupt", n)
	}
	check(t, got, []wsEnd{{"shared", "failed", ""}, {"a", "skipped", "interrupted"}, {"b", "skipped", "interrupted"}})
}

// startNoter notes in the log when the scheduler starts a job.
type startNoter struct{ *recorder }

func (n startNoter) Event(e outcome.Event) {
	if e.Phase == outcome.PhaseStart {
		n.note("begun " + e.Workspace)
	}
	n.recorder.Event(e)
}

func TestNoMoreThanParallelismWaitPrepared(t *testing.T) {
	deps := map[string][]string{"shared": nil}
	for i := range 6 {
		deps[fmt.Sprintf("m%d", i)] = []string{"shared"}
	}
	g, _ := graph.New(deps)
	var mu sync.Mutex
	sharedRunning := true
	var ahead []string
	prep := func(ctx context.Context, ws string, isAhead bool) {
		mu.Lock()
		defer mu.Unlock()
		if isAhead && sharedRunning {
			ahead = append(ahead, ws)
		}
	}
	job := func(ctx context.Context, ws string) outcome.Result {
		if ws == "shared" {
			// Wait for the preparations (not for a time a busy machine may
			// not keep); a scheduler that makes fewer fails after a minute.
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				mu.Lock()
				n := len(ahead)
				mu.Unlock()
				if n >= 3 {
					break
				}
			}
			mu.Lock()
			sharedRunning = false
			mu.Unlock()
		}
		return outcome.Result{Status: outcome.StatusOK}
	}
	Run(context.Background(), g, g.Nodes(), Options{Parallelism: 3, Prepare: prep}, job, nil)
	slices.Sort(ahead)
	if want := []string{"m0", "m1", "m2"}; !reflect.DeepEqual(ahead, want) {
		t.Errorf("prepared ahead while shared ran: %v, want %v", ahead, want)
	}
}
