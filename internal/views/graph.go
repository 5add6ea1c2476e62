package views

import "github.com/clan-terranix/clan-terranix/internal/graph"

// Graph is the view of `graph`: the dependency graph in the --format asked
// for (text, dot, mermaid, json, svg); --json means json whatever the format.
type Graph interface {
	Show(g *graph.Graph) error
}

func NewGraph(k Kind, s Streams, format string) Graph {
	if k == JSON {
		format = "json"
	}
	return graphView{s, format}
}

type graphView struct {
	s      Streams
	format string
}

func (v graphView) Show(g *graph.Graph) error { return g.Render(v.s.Stdout, v.format) }
