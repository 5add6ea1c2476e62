package views

import "strings"

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

// NewList is the view of `list`.
func NewList(k Kind, s Streams) Table[ListedWorkspace] {
	return newTable(k, s, "WORKSPACE\tKIND\tDEPENDS ON\tSTATE", listRow, func(w ListedWorkspace) ListedWorkspace {
		w.Tags, w.DependsOn, w.Reads = nonNil(w.Tags), nonNil(w.DependsOn), nonNil(w.Reads)
		w.Outputs, w.Files = nonNil(w.Outputs), nonNil(w.Files)
		return w
	})
}

func listRow(l ListedWorkspace) string {
	deps := strings.Join(l.DependsOn, ", ")
	if deps == "" {
		deps = "-"
	}
	kind := l.Kind
	if l.Orphaned {
		kind += " (orphaned)"
	}
	return l.Name + "\t" + kind + "\t" + deps + "\t" + l.StateFile
}
