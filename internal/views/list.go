package views

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
)

// ListedWorkspace is one workspace as `list` shows it; its JSON is one
// element of `list --json`'s workspaces.
type ListedWorkspace struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Machine   string   `json:"machine,omitempty"`
	Tags      []string `json:"tags"`
	DependsOn []string `json:"dependsOn"`
	Reads     []string `json:"reads"`
	Outputs   []string `json:"outputs"`
	StateFile string   `json:"stateFile"`
	Files     []string `json:"files"`
	// Orphaned is the state of a machine that is gone (see workspace.Orphans).
	Orphaned bool `json:"orphaned,omitempty"`
	// Of a machine workspace: its merged terranix settings, and its address
	// as the clan evaluates it (set by Nix: the write-back leaves it alone).
	Settings           map[string]any `json:"settings,omitempty"`
	TargetHost         string         `json:"targetHost,omitempty"`
	TargetHostSetByNix bool           `json:"targetHostSetByNix,omitempty"`
}

// List is the view of `list`.
type List interface {
	Workspaces(evaluator nixeval.EvaluatorInfo, ws []ListedWorkspace) error
}

func NewList(k Kind, s Streams) List {
	if k == JSON {
		return listJSON{s}
	}
	return listHuman{s}
}

type listHuman struct{ s Streams }

func (v listHuman) Workspaces(_ nixeval.EvaluatorInfo, ws []ListedWorkspace) error {
	tw := tabwriter.NewWriter(v.s.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKSPACE\tKIND\tDEPENDS ON\tSTATE")
	for _, l := range ws {
		deps := strings.Join(l.DependsOn, ", ")
		if deps == "" {
			deps = "-"
		}
		kind := l.Kind
		if l.Orphaned {
			kind += " (orphaned)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, kind, deps, l.StateFile)
	}
	return tw.Flush()
}

type listJSON struct{ s Streams }

// Workspaces prints every list as [], never null.
func (v listJSON) Workspaces(evaluator nixeval.EvaluatorInfo, ws []ListedWorkspace) error {
	out := make([]ListedWorkspace, 0, len(ws))
	for _, w := range ws {
		w.Tags, w.DependsOn, w.Reads = nonNil(w.Tags), nonNil(w.DependsOn), nonNil(w.Reads)
		w.Outputs, w.Files = nonNil(w.Outputs), nonNil(w.Files)
		out = append(out, w)
	}
	return writeJSON(v.s.Stdout, struct {
		Evaluator  nixeval.EvaluatorInfo `json:"evaluator"`
		Workspaces []ListedWorkspace     `json:"workspaces"`
	}{evaluator, out})
}
