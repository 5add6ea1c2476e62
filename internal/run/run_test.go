package run

import (
	"context"
	"errors"
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

// fleet: shared <- db <- web1, web2 <- proxy; monitor stands alone.
func fleet(t *testing.T) *graph.Graph {
	t.Helper()
	g, err := graph.New(map[string][]string{
		"shared":  nil,
		"db":      {"shared"},
		"web1":    {"db", "shared"},
		"web2":    {"db"},
		"proxy":   {"web1", "web2"},
		"monitor": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// recorder is a Sink and a log of when jobs started and ended.
type recorder struct {
	mu       sync.Mutex
	starts   []string
	finishes []outcome.Result
	log      []string // "start x" / "end x", in the order they happened
}

func (r *recorder) Event(e outcome.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.Phase == outcome.PhaseStart {
		r.starts = append(r.starts, e.Workspace)
	}
}

func (r *recorder) Finish(res outcome.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finishes = append(r.finishes, res)
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, s)
}

// fakeJob sleeps, then ends with the status given for its workspace (ok by default).
func fakeJob(rec *recorder, sleep time.Duration, status map[string]outcome.Status) Job {
	return func(ctx context.Context, ws string) outcome.Result {
		rec.note("start " + ws)
		time.Sleep(sleep)
		rec.note("end " + ws)
		st := status[ws]
		if st == "" {
			st = outcome.StatusOK
		}
		r := outcome.Result{Status: st}
		if st == outcome.StatusFailed {
			r.Error = ws + " broke"
		}
		return r
	}
}

type wsEnd struct{ ws, status, because string }

func outcomes(rs []outcome.Result) []wsEnd {
	var out []wsEnd
	for _, r := range rs {
		out = append(out, wsEnd{r.Workspace, string(r.Status), r.SkippedBecause})
	}
	return out
}

func check(t *testing.T, got []outcome.Result, want []wsEnd) {
	t.Helper()
	if g := outcomes(got); !reflect.DeepEqual(g, want) {
		t.Errorf("results:\n got  %v\n want %v", g, want)
	}
}

// checkOrder fails when a job started before one of its started prerequisites ended.
func checkOrder(t *testing.T, rec *recorder, prereqs func(string) []string) {
	t.Helper()
	for i, line := range rec.log {
		ws, isStart := strings.CutPrefix(line, "start ")
		if !isStart {
			continue
		}
		for _, p := range prereqs(ws) {
			if containsStart(rec.log, p) && !slices.Contains(rec.log[:i], "end "+p) {
				t.Errorf("%s started before %s ended: %v", ws, p, rec.log)
			}
		}
	}
}

func containsStart(log []string, ws string) bool {
	for _, l := range log {
		if l == "start "+ws {
			return true
		}
	}
	return false
}

func checkFinishedOnce(t *testing.T, rec *recorder, results []outcome.Result) {
	t.Helper()
	count := map[string]int{}
	for _, r := range rec.finishes {
		count[r.Workspace]++
	}
	for _, r := range results {
		if count[r.Workspace] != 1 {
			t.Errorf("sink.Finish called %d times for %s", count[r.Workspace], r.Workspace)
		}
	}
	if len(rec.finishes) != len(results) {
		t.Errorf("sink.Finish called %d times for %d results", len(rec.finishes), len(results))
	}
}

func TestAllSucceedInDependencyOrder(t *testing.T) {
	g := fleet(t)
	rec := &recorder{}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 3}, fakeJob(rec, 5*time.Millisecond, nil), rec)
	check(t, got, []wsEnd{{"monitor", "ok", ""}, {"shared", "ok", ""}, {"db", "ok", ""},
		{"web1", "ok", ""}, {"web2", "ok", ""}, {"proxy", "ok", ""}})
	checkOrder(t, rec, g.Dependencies)
	checkFinishedOnce(t, rec, got)
	for _, r := range got {
		if r.Duration <= 0 || r.Started.IsZero() {
			t.Errorf("%s: duration %v, started %v: the scheduler should fill them", r.Workspace, r.Duration, r.Started)
		}
	}
	if len(rec.starts) != 6 {
		t.Errorf("PhaseStart events: %v", rec.starts)
	}
}

func TestNoChangesAndUnchangedLetDependentsRun(t *testing.T) {
	g := fleet(t)
	rec := &recorder{}
	got := Run(context.Background(), g, []string{"shared", "db", "web2"}, Options{},
		fakeJob(rec, 0, map[string]outcome.Status{"shared": outcome.StatusUnchanged, "db": outcome.StatusNoChanges}), rec)
	check(t, got, []wsEnd{{"shared", "unchanged", ""}, {"db", "no changes", ""}, {"web2", "ok", ""}})
}

func TestFailureSkipsDependentsNotSiblings(t *testing.T) {
	g, err := graph.New(map[string][]string{
		"shared": nil, "db": {"shared"}, "web1": {"db"}, "web2": {"db"}, "proxy": {"web1", "web2"},
		"cache": {"shared"}, "monitor": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 2},
		fakeJob(rec, time.Millisecond, map[string]outcome.Status{"db": outcome.StatusFailed}), rec)
	check(t, got, []wsEnd{{"monitor", "ok", ""}, {"shared", "ok", ""}, {"cache", "ok", ""}, {"db", "failed", ""},
		{"web1", "skipped", "db"}, {"web2", "skipped", "db"}, {"proxy", "skipped", "db"}})
	checkFinishedOnce(t, rec, got)
	for _, ws := range []string{"web1", "web2", "proxy"} {
		if containsStart(rec.log, ws) {
			t.Errorf("%s started although db failed", ws)
		}
	}
	if got[3].Error != "db broke" {
		t.Errorf("the job's error was lost: %q", got[3].Error)
	}
}

func TestOnlyEdgesBetweenSelectedCount(t *testing.T) {
	g := fleet(t)
	rec := &recorder{}
	// db is not selected: web1 only waits for shared, proxy only for web1.
	got := Run(context.Background(), g, []string{"proxy", "web1", "shared"}, Options{},
		fakeJob(rec, time.Millisecond, nil), rec)
	check(t, got, []wsEnd{{"shared", "ok", ""}, {"web1", "ok", ""}, {"proxy", "ok", ""}})
	want := []string{"start shared", "end shared", "start web1", "end web1", "start proxy", "end proxy"}
	if !reflect.DeepEqual(rec.log, want) {
		t.Errorf("log %v", rec.log)
	}
}

func TestParallelismIsABound(t *testing.T) {
	deps := map[string][]string{}
	for i := range 20 {
		deps[fmt.Sprintf("m%02d", i)] = nil
	}
	g, _ := graph.New(deps)
	for _, tt := range []struct{ parallelism, want int }{{3, 3}, {0, DefaultParallelism}, {1, 1}} {
		var slots busy
		// Each job stays until the bound was reached once, so the peak does
		// not depend on how fast the machine starts goroutines; a scheduler
		// that never reaches it fails after a minute instead of hanging.
		deadline := time.Now().Add(time.Minute)
		job := func(ctx context.Context, ws string) outcome.Result {
			slots.enter()
			defer slots.leave()
			for int(slots.peak.Load()) < tt.want && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			return outcome.Result{Status: outcome.StatusOK}
		}
		Run(context.Background(), g, g.Nodes(), Options{Parallelism: tt.parallelism}, job, nil)
		if int(slots.peak.Load()) != tt.want {
			t.Errorf("parallelism %d: peak %d jobs at once, want %d", tt.parallelism, slots.peak.Load(), tt.want)
		}
	}
}

func TestFailFastStartsNothingNew(t *testing.T) {
	g, _ := graph.New(map[string][]string{"a": nil, "b": nil, "c": nil, "d": nil, "e": {"a"}})
	rec := &recorder{}
	bStarted := make(chan struct{})
	aFinished := make(chan struct{})
	job := func(ctx context.Context, ws string) outcome.Result {
		rec.note("start " + ws)
		switch ws {
		case "a":
			<-bStarted
			return outcome.Result{Status: outcome.StatusFailed, Error: "boom"}
		case "b": // still running when the scheduler has seen a fail: it may finish
			close(bStarted)
			<-aFinished
		}
		return outcome.Result{Status: outcome.StatusOK}
	}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 2, FailFast: true}, job, finishNoter{rec, "a", aFinished})
	check(t, got, []wsEnd{{"a", "failed", ""}, {"b", "ok", ""}, {"c", "skipped", "fail-fast"},
		{"d", "skipped", "fail-fast"}, {"e", "skipped", "a"}})
	checkFinishedOnce(t, rec, got)
}

func TestInterruptWaitsForRunningJobs(t *testing.T) {
	g, _ := graph.New(map[string][]string{"shared": nil, "a": {"shared"}, "b": {"shared"}, "c": {"shared"}, "d": {"a"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{}
	var running sync.WaitGroup
	running.Add(2)
	var stateWritten atomic.Int32
	job := func(jobCtx context.Context, ws string) outcome.Result {
		if ws == "shared" {
			return outcome.Result{Status: outcome.StatusOK}
		}
		running.Done()
		<-jobCtx.Done() // like tofu receiving SIGINT ...
		time.Sleep(20 * time.Millisecond)
		stateWritten.Add(1) // ... and writing its state before it exits
		return outcome.Result{Status: outcome.StatusFailed, Error: "interrupted"}
	}
	go func() {
		running.Wait()
		cancel()
	}()
	got := Run(ctx, g, g.Nodes(), Options{Parallelism: 2}, job, rec)
	if stateWritten.Load() != 2 {
		t.Errorf("Run returned before the running jobs ended (%d of 2)", stateWritten.Load())
	}
	check(t, got, []wsEnd{{"shared", "ok", ""}, {"a", "failed", ""}, {"b", "failed", ""},
		{"c", "skipped", "interrupted"}, {"d", "skipped", "interrupted"}})
	checkFinishedOnce(t, rec, got)
}

func TestCancelledBeforeStartRunsNothing(t *testing.T) {
	g := fleet(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &recorder{}
	got := Run(ctx, g, g.Nodes(), Options{}, fakeJob(rec, 0, nil), rec)
	if len(rec.log) != 0 {
		t.Errorf("jobs ran: %v", rec.log)
	}
	for _, r := range got {
		if r.Status != outcome.StatusSkipped || r.SkippedBecause != outcome.SkippedInterrupted {
			t.Errorf("%s: %s (%s)", r.Workspace, r.Status, r.SkippedBecause)
		}
	}
	checkFinishedOnce(t, rec, got)
}

func TestJobSkippedByInterruptPassesReasonOn(t *testing.T) {
	g, _ := graph.New(map[string][]string{"a": nil, "b": {"a"}})
	job := func(ctx context.Context, ws string) outcome.Result {
		return outcome.Result{Status: outcome.StatusSkipped, SkippedBecause: outcome.SkippedInterrupted}
	}
	got := Run(context.Background(), g, g.Nodes(), Options{}, job, nil)
	check(t, got, []wsEnd{{"a", "skipped", "interrupted"}, {"b", "skipped", "interrupted"}})
}

func TestReverseRunsDependentsFirst(t *testing.T) {
	g := fleet(t)
	rec := &recorder{}
	got := Run(context.Background(), g, g.Nodes(), Options{Reverse: true, Parallelism: 4},
		fakeJob(rec, time.Millisecond, nil), rec)
	check(t, got, []wsEnd{{"monitor", "ok", ""}, {"proxy", "ok", ""}, {"web1", "ok", ""},
		{"web2", "ok", ""}, {"db", "ok", ""}, {"shared", "ok", ""}})
	checkOrder(t, rec, g.Dependents)

	rec = &recorder{}
	got = Run(context.Background(), g, g.Nodes(), Options{Reverse: true},
		fakeJob(rec, 0, map[string]outcome.Status{"web2": outcome.StatusFailed}), rec)
	check(t, got, []wsEnd{{"monitor", "ok", ""}, {"proxy", "ok", ""}, {"web1", "ok", ""},
		{"web2", "failed", ""}, {"db", "skipped", "web2"}, {"shared", "skipped", "web2"}})
}

func TestBrokenJobs(t *testing.T) {
	g, _ := graph.New(map[string][]string{"a": nil, "b": nil, "c": {"a"}})
	job := func(ctx context.Context, ws string) outcome.Result {
		switch ws {
		case "a":
			panic(errors.New("nil map"))
		case "b":
			return outcome.Result{Workspace: "wrong name"}
		}
		return outcome.Result{Status: outcome.StatusOK}
	}
	rec := &recorder{}
	got := Run(context.Background(), g, []string{"a", "b", "c", "zz"}, Options{}, job, rec)
	check(t, got, []wsEnd{{"a", "failed", ""}, {"b", "failed", ""}, {"c", "skipped", "a"}, {"zz", "failed", ""}})
	wantErr := []string{"internal error: nil map", "internal error: the job returned no status", "", `unknown workspace "zz"`}
	for i, r := range got {
		if r.Error != wantErr[i] {
			t.Errorf("%s: error %q, want %q", r.Workspace, r.Error, wantErr[i])
		}
	}
	checkFinishedOnce(t, rec, got)
}

func TestManyWorkspaces(t *testing.T) {
	deps := map[string][]string{"shared": nil}
	for i := range 500 {
		deps[fmt.Sprintf("m%03d", i)] = []string{"shared"}
	}
	g, _ := graph.New(deps)
	var ran atomic.Int32
	job := func(ctx context.Context, ws string) outcome.Result {
		ran.Add(1)
		return outcome.Result{Status: outcome.StatusNoChanges}
	}
	got := Run(context.Background(), g, g.Nodes(), Options{Parallelism: 8}, job, nil)
	if len(got) != 501 || ran.Load() != 501 || got[0].Workspace != "shared" {
		t.Fatalf("%d results, %d jobs ran, first %s", len(got), ran.Load(), got[0].Workspace)
	}
}

// finishNoter closes done once the scheduler has reported ws finished.
type finishNoter struct {
	*recorder
	ws   string
	done chan struct{}
}

func (n finishNoter) Finish(res outcome.Result) {
	n.recorder.Finish(res)
	if res.Workspace == n.ws {
		close(n.done)
	}
}
