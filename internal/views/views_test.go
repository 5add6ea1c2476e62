package views

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/check"
	"github.com/clan-terranix/clan-terranix/internal/deploy"
	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/scaffold"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// both renders with the human and the JSON view of a command, stdout only:
// each golden file holds the human text, then the JSON.
func both(t *testing.T, name string, render func(k Kind, s Streams) error) {
	t.Helper()
	var out bytes.Buffer
	for _, k := range []Kind{Human, JSON} {
		var stdout, stderr bytes.Buffer
		if err := render(k, Streams{Stdout: &stdout, Stderr: &stderr, NoColor: true}); err != nil {
			t.Fatal(err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s (kind %d) wrote to stderr: %q", name, k, stderr.String())
		}
		out.WriteString("--- " + map[Kind]string{Human: "human", JSON: "json"}[k] + "\n")
		out.Write(stdout.Bytes())
	}
	testenv.Golden(t, filepath.Join("testdata", name+".golden"), out.Bytes(), *update)
}

var evaluator = nixeval.EvaluatorInfo{Kind: "builtins"}

func sampleWorkspaces() []ListedWorkspace {
	return []ListedWorkspace{
		{Name: "shared", Kind: "shared", Outputs: []string{"vpc_id"}, StateFile: "terraform-state/shared/terraform.tfstate",
			Files: []string{"inventory/infrastructure/shared/network.nix"}},
		{Name: "web-server", Kind: "machine", Machine: "web-server", Tags: []string{"web"}, DependsOn: []string{"shared"},
			Reads: []string{"shared.vpc_id"}, StateFile: "(backend s3)", Settings: map[string]any{"installer": "clan"},
			TargetHost: "root@<web & db>", TargetHostSetByNix: true},
		{Name: "old", Kind: "machine", Machine: "old", StateFile: "terraform-state/machines/old/terraform.tfstate", Orphaned: true},
	}
}

func TestListGolden(t *testing.T) {
	both(t, "list", func(k Kind, s Streams) error { return NewList(k, s).Workspaces(evaluator, sampleWorkspaces()) })
}

func TestListOfNothing(t *testing.T) {
	both(t, "list-empty", func(k Kind, s Streams) error { return NewList(k, s).Workspaces(evaluator, nil) })
}

func TestStatusGolden(t *testing.T) {
	rows := []WorkspaceStatus{
		{Workspace: "shared", Status: "up to date"},
		{Workspace: "web-server", Status: "config changed", LockedBy: "alice@laptop (pid 42)"},
		{Workspace: "old", Status: "orphaned", Note: "orphaned: machine old is gone; destroy old removes its resources"},
	}
	both(t, "status", func(k Kind, s Streams) error { return NewStatus(k, s).Workspaces(evaluator, rows) })
}

// sampleResults: a run that applied one workspace, failed one half way
// (an orphan left) and skipped what depends on it; the rest had nothing to do.
func sampleResults() []outcome.Result {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	failed := outcome.Result{Workspace: "web", Status: outcome.StatusFailed, Add: 1, Started: at, Duration: 75 * time.Second,
		Error: "Error: creating instance: 403 Forbidden", ErrorTail: []string{"Error: creating instance: 403 Forbidden"},
		PossibleOrphans: []string{"hcloud_server.web"}}
	return []outcome.Result{
		{Workspace: "net", Status: outcome.StatusOK, Add: 3, Started: at, Duration: 2100 * time.Millisecond, LogPath: ".clan-terranix/logs/run-1/net.log"},
		{Workspace: "dns", Status: outcome.StatusNoChanges, Started: at, Duration: 950 * time.Millisecond, Outputs: map[string]any{"zone": "example.org"}},
		{Workspace: "monitor", Status: outcome.StatusUnchanged},
		failed,
		{Workspace: "proxy", Status: outcome.StatusSkipped, SkippedBecause: "web"},
	}
}

func TestApplyResultsGolden(t *testing.T) {
	started := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	both(t, "apply", func(k Kind, s Streams) error {
		return NewOperation(k, s).Results("apply", started, started.Add(80*time.Second), sampleResults())
	})
}

func TestPlanCompactIsTheTable(t *testing.T) {
	started := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	results := []outcome.Result{{Workspace: "shared", Status: outcome.StatusOK, Add: 1,
		Plan: &outcome.PlanDetail{Text: "  # terraform_data.a will be created\n  + resource \"terraform_data\" \"a\" {}"}}}
	render := func(f PlanFormat) string {
		var b bytes.Buffer
		if err := NewPlan(Human, Streams{Stdout: &b, Stderr: &b, NoColor: true}, f).Results("plan", started, started, results); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var table bytes.Buffer
	if err := NewOperation(Human, Streams{Stdout: &table, NoColor: true}).Results("plan", started, started, results); err != nil {
		t.Fatal(err)
	}
	if got := render(PlanFormat{Compact: true}); got != table.String() {
		t.Errorf("--compact is not the summary table:\n%s", got)
	}
	if got := render(PlanFormat{}); !strings.Contains(got, "── shared ──") || !strings.HasSuffix(got, table.String()) {
		t.Errorf("the text view is not the diffs, then the table:\n%s", got)
	}
	if got := render(PlanFormat{Markdown: true}); !strings.HasPrefix(got, "#") || strings.Contains(got, "WORKSPACE  RESULT") {
		t.Errorf("the Markdown view:\n%s", got)
	}
}

func TestDriftGolden(t *testing.T) {
	results := sampleResults()
	both(t, "drift", func(k Kind, s Streams) error {
		v := NewDrift(k, s)
		if err := v.Drifted(5, nil); err != nil {
			return err
		}
		return v.Drifted(5, results[:1])
	})
}

func TestOutputGolden(t *testing.T) {
	outs := map[string]map[string]operation.OutputValue{
		"shared": {"vpc_id": {Value: "vpc-1", Type: "string"}, "token": {Value: "s3cr3t", Type: "string", Sensitive: true},
			"ports": {Value: []any{float64(22), float64(80)}, Type: []any{"list", "number"}}},
		"web-server": {},
	}
	both(t, "output-one", func(k Kind, s Streams) error {
		return NewOutput(k, s).Outputs([]string{"shared"}, outs, true)
	})
	both(t, "output-many", func(k Kind, s Streams) error {
		return NewOutput(k, s).Outputs([]string{"shared", "web-server"}, outs, false)
	})
}

func TestDeployStepsGolden(t *testing.T) {
	s, _ := deploy.ParseSettings("web-server", map[string]any{"identityFile": "/keys/deploy key", "hostKeyCheck": "accept-new"})
	var buf bytes.Buffer
	v := NewDeploy(Human, Streams{Stdout: &buf})
	write := func(title string, steps []deploy.Step) {
		if err := v.Steps(title, steps); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("\n")
	}
	write("install web-server", deploy.InstallSteps("web-server", []string{"shared", "web-server"}, s, nil, deploy.TargetHostPlan{}))
	withOutputs := map[string]deploy.Output{"ipv6_address": {Value: "2001:db8::7"}}
	s.Installer = deploy.InstallerNixosAnywhere
	s.UpdateHardwareConfig = "nixos-facter"
	write("install web-server", deploy.InstallSteps("web-server", []string{"shared", "web-server"}, s, withOutputs, deploy.TargetHostPlan{Checked: true}))
	// Nix sets the address: the dry run says inventory.json stays as it is.
	write("install web-server", deploy.InstallSteps("web-server", []string{"shared", "web-server"}, s, withOutputs, deploy.TargetHostPlan{NixSets: true, NixValue: "root@10.0.0.7"}))
	steps, err := deploy.UpdateSteps([]string{"--tags", "web"}, deploy.UpdateOptions{Tags: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Steps("update --tags web", steps); err != nil {
		t.Fatal(err)
	}
	testenv.Golden(t, filepath.Join("testdata", "deploy-steps.golden"), buf.Bytes(), *update)
}

func TestStateGolden(t *testing.T) {
	results := []app.StateResult{
		{Workspace: "shared", Status: app.StateDone, Detail: "encrypted", Commit: "3f2a1b9c0d1e2f3a4b5c"},
		{Workspace: "db", Status: app.StateSkipped, Detail: "already encrypted"},
		{Workspace: "web", Status: app.StateFailed, Error: "workspace web: state is locked by <bob>"},
	}
	both(t, "state", func(k Kind, s Streams) error {
		return NewState(k, s).Results("encrypt", results, []string{"keep the key: the state cannot be read without it"})
	})
	entries := []state.LogEntry{{Commit: "3f2a1b9c0d1e2f3a4b5c", Author: "Alice", Email: "alice@example.org",
		Time: time.Date(2026, 11, 26, 12, 1, 0, 0, time.UTC), Subject: "clan-terranix: apply shared", Command: "apply",
		Result: "ok", CountsKnown: true, Add: 2, Destroy: 1}}
	both(t, "state-log", func(k Kind, s Streams) error {
		v := NewState(k, s)
		if err := v.Log("shared", "terraform-state/shared/terraform.tfstate", nil); err != nil {
			return err
		}
		return v.Log("shared", "terraform-state/shared/terraform.tfstate", entries)
	})
	both(t, "unlock", func(k Kind, s Streams) error {
		return NewState(k, s).Unlocked(Unlocked{Workspace: "web", Local: "removed", Remote: "not locked", Notes: []string{"lock of web removed on this host"}})
	})
}

// TestResultsOnStdoutProblemsOnStderr: results go to stdout, in both kinds;
// the problems that go with a failure go to stderr, never to stdout (where a
// program reading the JSON would trip on them).
func TestResultsOnStdoutProblemsOnStderr(t *testing.T) {
	g, err := graph.New(map[string][]string{"shared": nil, "web": {"shared"}})
	if err != nil {
		t.Fatal(err)
	}
	problems := []check.Problem{{Workspace: "web", Path: []string{"resource", "x", "y", "z"}, Message: "unknown attribute"}}
	for _, k := range []Kind{Human, JSON} {
		for name, render := range map[string]func(Streams) error{
			"apply": func(s Streams) error {
				return NewOperation(k, s).Results("apply", time.Time{}, time.Time{}, sampleResults())
			},
			"plan": func(s Streams) error {
				return NewPlan(k, s, PlanFormat{}).Results("plan", time.Time{}, time.Time{}, sampleResults())
			},
			"list": func(s Streams) error { return NewList(k, s).Workspaces(evaluator, sampleWorkspaces()) },
			"status": func(s Streams) error {
				return NewStatus(k, s).Workspaces(evaluator, []WorkspaceStatus{{Workspace: "a"}})
			},
			"check": func(s Streams) error { return NewCheck(k, s).Checked(1, nil) },
			"init": func(s Streams) error {
				return NewInit(k, s).Scaffolded("x", scaffold.Result{Written: []string{"flake.nix"}})
			},
			"graph": func(s Streams) error { return NewGraph(k, s, "text").Show(g) },
			"installed": func(s Streams) error {
				return NewDeploy(k, s).Installed("web", deploy.InstallResult{TargetHost: "root@10.0.0.7"})
			},
		} {
			var stdout, stderr bytes.Buffer
			if err := render(Streams{Stdout: &stdout, Stderr: &stderr}); err != nil {
				t.Fatalf("%s (kind %d): %v", name, k, err)
			}
			if stdout.Len() == 0 || stderr.Len() > 0 {
				t.Errorf("%s (kind %d): stdout %q, stderr %q", name, k, stdout.String(), stderr.String())
			}
		}
		var stdout, stderr bytes.Buffer
		v := NewCheck(k, Streams{Stdout: &stdout, Stderr: &stderr})
		if err := v.Checked(1, problems); err != nil {
			t.Fatal(err)
		}
		human := stdout.String()
		v.Problems(problems)
		if stdout.String() != human || !strings.HasPrefix(stderr.String(), "clan-terranix: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("check problems (kind %d): stdout %q, stderr %q", k, stdout.String(), stderr.String())
		}
		if k == Human && human != "" {
			t.Errorf("check with problems said on stdout: %q", human)
		}
	}
}

func TestReportSaysWhereOnlyToPeople(t *testing.T) {
	var b bytes.Buffer
	if err := NewReport(JSON, Streams{Stdout: &b, Stderr: &b}).Wrote("report.html", 3); err != nil || b.Len() > 0 {
		t.Errorf("JSON report view printed %q (%v)", b.String(), err)
	}
	if err := NewReport(Human, Streams{Stdout: &b}).Wrote("report.html", 3); err != nil || b.String() != "wrote report.html (3 workspaces)\n" {
		t.Errorf("%q %v", b.String(), err)
	}
}
