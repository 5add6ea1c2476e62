package operation

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// recordingSink keeps every event and result of a run.
type recordingSink struct {
	mu      sync.Mutex
	events  []outcome.Event
	results []outcome.Result
}

func (s *recordingSink) Event(e outcome.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

func (s *recordingSink) Finish(r outcome.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, r)
}

func (s *recordingSink) messages(ws string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var msgs []string
	for _, e := range s.events {
		if e.Workspace == ws && e.Message != "" {
			msgs = append(msgs, e.Message)
		}
	}
	return msgs
}

// writeClan writes files (path relative to root -> content) as a clan.
func writeClan(t *testing.T, root string, files map[string]string) {
	t.Helper()
	files[".clan-flake"] = ""
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newTestRunner evaluates the clan at root with the real nix and returns a
// runner for it with the engine at enginePath (real tofu or a wrapper).
func newTestRunner(t *testing.T, root, enginePath string) (*Runner, *recordingSink) {
	t.Helper()
	ctx := context.Background()
	layout, err := clan.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&nixeval.Evaluator{}).Evaluate(ctx, layout)
	if err != nil {
		t.Fatal(err)
	}
	set, err := workspace.Build(layout.Root, res)
	if err != nil {
		t.Fatal(err)
	}
	engine := &tofu.Engine{Name: "tofu", Path: enginePath, Version: "1.12.6"}
	sink := &recordingSink{}
	return New(Config{Root: layout.Root, Set: set, Engine: engine, Sink: sink, LogDir: filepath.Join(root, ".clan-terranix", "logs", "test")}), sink
}

// TestParallelInitSharedPluginCacheNeverFails initialises 20 workspaces at
// once, none with a lock file, all with one TF_PLUGIN_CACHE_DIR: the race
// measured on OpenTofu 1.12.6 (6 failures in 10 runs) must not happen
// through the runner. Repeated from scratch three times.
func TestParallelInitSharedPluginCacheNeverFails(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	if testing.Short() {
		t.Skip("-short: 60 inits")
	}
	const machines = 20
	for round := 1; round <= 3; round++ {
		root := t.TempDir()
		t.Setenv("TF_PLUGIN_CACHE_DIR", filepath.Join(root, "plugin-cache"))
		if err := os.MkdirAll(filepath.Join(root, "plugin-cache"), 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for i := 1; i <= machines; i++ {
			files[fmt.Sprintf("machines/m%02d/infrastructure.nix", i)] = `{
  resource.random_pet.name.length = 2;
  resource.time_static.born = { };
}`
		}
		writeClan(t, root, files)
		r, _ := newTestRunner(t, root, tc.Tofu)
		var wg sync.WaitGroup
		errs := make(chan error, machines)
		for i := 1; i <= machines; i++ {
			wg.Add(1)
			go func(name string) {
				defer wg.Done()
				log, err := os.Create(filepath.Join(root, name+".init.log"))
				if err != nil {
					errs <- err
					return
				}
				defer log.Close()
				if _, _, err := r.InitWorkDir(context.Background(), name, log); err != nil {
					out, _ := os.ReadFile(log.Name())
					errs <- fmt.Errorf("round %d: %v\n%s", round, err, out)
				}
			}(fmt.Sprintf("m%02d", i))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for i := 1; i <= machines; i++ {
			w, _ := r.c.Set.Get(fmt.Sprintf("m%02d", i))
			if _, err := os.Stat(filepath.Join(root, w.LockFile())); err != nil {
				t.Errorf("round %d: %s: no lock file kept beside the state: %v", round, w.Name, err)
			}
		}
	}
}

// flakyTofu is a tofu wrapper for retry tests, put in place of the engine
// (it stands for a provider API or registry that fails transiently, which
// the offline test machine cannot reach): it logs each command, fails the
// first $FAIL_N runs of `tofu $FAIL_CMD` with a transient network message,
// and otherwise execs the real tofu.
const flakyTofu = `#!/bin/sh
echo "$1" >> "$FLAKY_LOG"
if [ "$1" = "$FAIL_CMD" ]; then
  n=$(cat "$FLAKY_COUNT" 2>/dev/null || echo 0)
  if [ "$n" -lt "$FAIL_N" ]; then
    echo $((n+1)) > "$FLAKY_COUNT"
    echo 'Error: Post "https://api.example.org/v1/servers": read tcp 10.0.0.2:4711->10.0.0.1:443: read: connection reset by peer' >&2
    exit 1
  fi
fi
exec "$REAL_TOFU" "$@"
`

// approve is a Confirm that says yes: it makes the runner take the path of an
// interactive apply (a saved plan, then apply of it).
func approve(context.Context, string, string) (bool, error) { return true, nil }

func TestTransientFailuresAreRetried(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	cases := []struct {
		failing, want string
		confirm       bool
	}{
		{"init", "init init init plan apply", true},
		{"plan", "init plan plan plan apply", true},
		{"apply", "init plan apply plan apply plan apply", true}, // an apply of a saved plan is retried as plan + apply
		// --yes: one apply process plans and applies; a retry reruns it whole.
		{"init", "init init init apply", false},
		{"apply", "init apply apply apply", false},
	}
	for _, tt := range cases {
		failing := tt.failing
		t.Run(fmt.Sprintf("%s confirm=%v", failing, tt.confirm), func(t *testing.T) {
			root := t.TempDir()
			writeClan(t, root, map[string]string{
				"machines/web/infrastructure.nix": `{ resource.terraform_data.web.input = "web"; output.id.value = "\${terraform_data.web.id}"; }`,
			})
			wrapper := filepath.Join(root, "flaky-tofu")
			if err := os.WriteFile(wrapper, []byte(flakyTofu), 0o755); err != nil {
				t.Fatal(err)
			}
			r, sink := newTestRunner(t, root, wrapper)
			if tt.confirm {
				r.c.Confirm = approve
			}
			logFile := filepath.Join(root, "flaky.log")
			r.c.Env = []string{"FLAKY_LOG=" + logFile, "FLAKY_COUNT=" + filepath.Join(root, "count"),
				"FAIL_CMD=" + failing, "FAIL_N=2", "REAL_TOFU=" + tc.Tofu}
			var waits []time.Duration
			r.c.Retry = &tofu.RetryPolicy{Sleep: func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}}
			res := r.Run(context.Background(), Apply, "web")
			if res.Status != outcome.StatusOK {
				t.Fatalf("status %s (%s), want ok after two retries", res.Status, res.Error)
			}
			msgs := strings.Join(sink.messages("web"), "\n")
			for _, want := range []string{"retry 2/3 after: ", "retry 3/3 after: ", "connection reset by peer"} {
				if !strings.Contains(msgs, want) {
					t.Errorf("events %q lack %q", msgs, want)
				}
			}
			if fmt.Sprint(waits) != "[1s 2s]" {
				t.Errorf("waits %v, want [1s 2s]", waits)
			}
			ran, _ := os.ReadFile(logFile)
			want := tt.want
			// The interactive path also runs `show` to display the plan.
			if got := strings.Join(strings.Fields(string(ran)), " "); strings.ReplaceAll(got, " show", "") != want {
				t.Errorf("tofu commands %q, want %q", got, want)
			}
		})
	}
}

func TestPermanentFailureFailsAtOnceWithErrorTail(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	root := t.TempDir()
	writeClan(t, root, map[string]string{
		"machines/web/infrastructure.nix": `{
  resource.terraform_data.day.input = "sunday";
  resource.terraform_data.web = {
    input = "web";
    lifecycle.precondition = [ { condition = "\${terraform_data.day.input != \"sunday\"}"; error_message = "web is not allowed today"; } ];
  };
}`,
	})
	r, _ := newTestRunner(t, root, tc.Tofu)
	r.c.Confirm = approve
	r.c.Retry = &tofu.RetryPolicy{Sleep: func(context.Context, time.Duration) error {
		t.Error("a permanent error was retried")
		return nil
	}}
	res := r.Run(context.Background(), Apply, "web")
	if res.Status != outcome.StatusFailed || !strings.Contains(res.Error, "workspace web: plan failed") {
		t.Fatalf("status %s, error %q; want a failed plan naming the workspace", res.Status, res.Error)
	}
	if tail := strings.Join(res.ErrorTail, "\n"); !strings.Contains(tail, "web is not allowed today") {
		t.Errorf("ErrorTail %q lacks the precondition's message", tail)
	}
}

// TestApplyReportsProgressAndPlannedChanges checks the events of an apply:
// the plan's counts, and apply_start/apply_progress of a slow resource.
func TestApplyReportsProgressAndPlannedChanges(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	root := t.TempDir()
	writeClan(t, root, map[string]string{
		"machines/slow/infrastructure.nix": `{ resource.time_sleep.wait.create_duration = "11s"; resource.terraform_data.after.input = "x"; }`,
	})
	r, sink := newTestRunner(t, root, tc.Tofu)
	if res := r.Run(context.Background(), Apply, "slow"); res.Status != outcome.StatusOK {
		t.Fatalf("status %s (%s), want ok", res.Status, res.Error)
	}
	var planned *outcome.Changes
	var progress []string
	for _, e := range sink.events {
		if e.Phase == outcome.PhasePlan && e.Changes != nil {
			planned = e.Changes
		}
		if e.Phase == outcome.PhaseApply && strings.Contains(e.Message, "time_sleep.wait") {
			progress = append(progress, e.Message)
		}
	}
	if planned == nil || *planned != (outcome.Changes{Add: 2}) {
		t.Errorf("plan event changes %+v, want +2", planned)
	}
	joined := strings.Join(progress, "\n")
	for _, want := range []string{"Creating...", "Still creating...", "create"} {
		if !strings.Contains(joined, want) {
			t.Errorf("apply events for time_sleep.wait %q lack %q", joined, want)
		}
	}
}

// The first init of a provider set (no lock file anywhere) must not touch
// the plugin cache clan-terranix sets: without a lock file tofu reinstalls
// a cached provider (remove, then link), under the feet of plans of other
// workspaces running from it. Its siblings get its lock file and use the
// cache; and the first is not initialised again on the next run.
func TestFirstInitOfAProviderSetLeavesTheSharedCacheAlone(t *testing.T) {
	tc := testenv.Tools(t)
	tc.Setenv(t)
	root := t.TempDir()
	cache := filepath.Join(root, "plugin-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	writeClan(t, root, map[string]string{
		"machines/m1/infrastructure.nix": `{ resource.time_static.born = { }; }`,
		"machines/m2/infrastructure.nix": `{ resource.time_static.born = { }; }`,
	})
	r, _ := newTestRunner(t, root, tc.Tofu)
	r.c.Env = []string{"TF_PLUGIN_CACHE_DIR=" + cache}
	prepare := func(name string) string {
		t.Helper()
		var log bytes.Buffer
		if _, _, err := r.InitWorkDir(context.Background(), name, &log); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, log.String())
		}
		return log.String()
	}
	first := prepare("m1")
	if strings.Contains(first, "shared cache directory") {
		t.Errorf("the first init used the shared cache:\n%s", first)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("the first init wrote the shared cache: %v", entries)
	}
	if second := prepare("m2"); !strings.Contains(second, "Reusing previous version of hashicorp/time from the dependency lock file") {
		t.Errorf("the sibling did not get the first one's lock file:\n%s", second)
	}
	if entries, _ := os.ReadDir(cache); len(entries) == 0 {
		t.Error("the sibling with a lock file did not use the shared cache")
	}
	r2, _ := newTestRunner(t, root, tc.Tofu)
	r2.c.Env = r.c.Env
	var log bytes.Buffer
	if _, _, err := r2.InitWorkDir(context.Background(), "m1", &log); err != nil || strings.Contains(log.String(), "Initializing") {
		t.Errorf("the next run initialised m1 again (%v):\n%s", err, log.String())
	}
}
