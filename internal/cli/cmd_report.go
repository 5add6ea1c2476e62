package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/changes"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
	"github.com/clan-terranix/clan-terranix/internal/graph"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/views"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

type reportOptions struct {
	*GlobalOptions
	Eval EvalOptions
	HTML string
	Runs int
}

var _ = register(newReportCommand)

func newReportCommand(g *GlobalOptions) *cobra.Command {
	opts := &reportOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "report --html FILE",
		Short: "Write a static HTML page of the clan: graph, status, last runs, outputs",
		Long: `Write one self-contained HTML page: the dependency graph, every workspace's status
(never applied, up to date, config changed, locked, drifted, failed), its last runs from
the state history (who, when, what changed, how long) and its outputs, sensitive ones
left out. No tofu runs; "drifted" is what the last 'drift' found. No server, no network.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), opts)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	cmd.Flags().StringVar(&opts.HTML, "html", "", "write the page to `FILE`")
	cmd.Flags().IntVar(&opts.Runs, "runs", 5, "how many of each workspace's last runs to show")
	return cmd
}

func runReport(ctx context.Context, opts *reportOptions) error {
	if opts.HTML == "" {
		return fmt.Errorf("report needs --html FILE: the file to write the page to")
	}
	lc, err := loadClan(ctx, opts.GlobalOptions, opts.Eval)
	if err != nil {
		return err
	}
	p, err := reportPage(ctx, lc, opts.Runs)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.WriteHTML(&b, p); err != nil {
		return err
	}
	if err := atomicfile.Write(opts.HTML, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--html %s: %v", opts.HTML, err)
	}
	return views.NewReport(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Wrote(opts.HTML, len(p.Workspaces))
}

// reportPage gathers what the page shows; nothing of it starts tofu.
func reportPage(ctx context.Context, lc *loadedClan, runs int) (report.Page, error) {
	p := report.Page{Clan: filepath.Base(lc.Root), Generated: time.Now()}
	isRepo := gitcli.IsRepo(ctx, lc.Root)
	drift := readDriftRecord(lc.Root)
	styles := map[string]graph.NodeStyle{}
	for _, name := range lc.Graph.Nodes() {
		w, _ := lc.Set.Get(name)
		pw := report.PageWorkspace{Name: name, Dependencies: lc.Graph.Dependencies(name)}
		st, err := lc.Status(name)
		if err != nil {
			return p, err
		}
		pw.Status = string(st)
		if st == changes.UpstreamChanged || st == changes.Unknown {
			pw.Status, pw.Detail = report.PageConfigChanged, "("+string(st)+")"
		}
		if isRepo {
			if sp, err := statePaths(lc.Root, w); err == nil {
				entries, err := state.Log(ctx, gitcli.Repo{Dir: lc.Root}, sp)
				if err != nil {
					return p, err
				}
				for _, e := range entries[:min(runs, len(entries))] {
					pw.Runs = append(pw.Runs, pageRun(e))
				}
			}
		}
		switch {
		case lc.LockHolder(w) != "":
			pw.Status, pw.Detail = report.PageLocked, "by "+lc.LockHolder(w)
		case len(pw.Runs) > 0 && (pw.Runs[0].Result == "failed" || pw.Runs[0].Result == "interrupted"):
			pw.Status, pw.Detail = report.PageFailed, "("+pw.Runs[0].Command+" "+pw.Runs[0].Result+")"
		case drift[name].Drifted && (len(pw.Runs) == 0 || drift[name].Time.After(pw.Runs[0].When)):
			pw.Status, pw.Detail = report.PageDrifted, "(found by drift "+drift[name].Time.UTC().Format("2006-01-02 15:04 UTC")+")"
		}
		pw.Outputs, pw.OutputsNote = stateOutputs(lc.Root, w)
		styles[name] = graph.NodeStyle{Fill: report.StatusFill(pw.Status), Tooltip: name + ": " + pw.Status}
		p.Workspaces = append(p.Workspaces, pw)
	}
	var svg bytes.Buffer
	if err := lc.Graph.SVG(ctx, &svg, styles); err != nil {
		return p, err
	}
	p.GraphSVG = template.HTML(svg.String()) // graph.SVG escapes the names it writes
	return p, nil
}

func pageRun(e state.LogEntry) report.PageRun {
	r := report.PageRun{When: e.Time, Who: e.Author, Command: e.Command, Result: e.Result, Duration: e.Duration, Commit: e.Commit, Changes: "?"}
	if e.CountsKnown {
		r.Changes = report.FormatChanges(e.Add, e.Change, e.Destroy)
	}
	if r.Command == "" {
		r.Command, r.Result = "by hand: "+e.Subject, "-"
	}
	return r
}

// stateOutputs reads the outputs from the state file kept in git, leaving
// out sensitive ones; the note says why there are none to show.
func stateOutputs(root string, w *workspace.Workspace) ([]report.PageOutput, string) {
	if !w.Backend.IsGitState() {
		return nil, "The state is in the " + w.Backend.Type + " backend: `clan-terranix output " + w.Name + "` shows its outputs."
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(w.StateFile())))
	if err != nil {
		return nil, ""
	}
	var st struct {
		Outputs map[string]struct {
			Value     any  `json:"value"`
			Sensitive bool `json:"sensitive"`
		} `json:"outputs"`
		Encrypted any `json:"encrypted_data"`
	}
	if err := json.Unmarshal(data, &st); err != nil || st.Encrypted != nil {
		return nil, "The state is encrypted: `clan-terranix output " + w.Name + "` shows its outputs."
	}
	var out []report.PageOutput
	for name, o := range st.Outputs {
		if o.Sensitive {
			continue
		}
		value, _ := json.Marshal(o.Value)
		if s, ok := o.Value.(string); ok {
			value = []byte(s)
		}
		out = append(out, report.PageOutput{Name: name, Value: string(value)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, ""
}

// driftFile keeps what the last `drift` found per workspace, for the report.
var driftFile = filepath.FromSlash(clan.DriftFile)

type driftRecord struct {
	Time    time.Time `json:"time"`
	Drifted bool      `json:"drifted"`
}

func readDriftRecord(root string) map[string]driftRecord {
	records := map[string]driftRecord{}
	if data, err := os.ReadFile(filepath.Join(root, driftFile)); err == nil {
		_ = json.Unmarshal(data, &records) // a damaged record only loses the "drifted" status
	}
	return records
}

// writeDriftRecord notes what a drift run found, beside what earlier runs
// found for other workspaces.
func writeDriftRecord(root string, results []outcome.Result) error {
	records := readDriftRecord(root)
	for _, r := range results {
		if r.Status == outcome.StatusOK || r.Status == outcome.StatusNoChanges {
			records[r.Workspace] = driftRecord{Time: time.Now(), Drifted: r.Status == outcome.StatusOK}
		}
	}
	data, err := json.MarshalIndent(records, "", "  ")
	if err != nil {
		return err
	}
	if err := state.EnsureWorkDir(root); err != nil {
		return err
	}
	return atomicfile.WriteCache(filepath.Join(root, driftFile), data, 0o644)
}
