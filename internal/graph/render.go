package graph

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the renderings Render knows, for flag help and validation.
var Formats = []string{"text", "dot", "mermaid", "json", "svg"}

// Render writes the whole graph in one of Formats. To render a selection,
// render g.Subgraph(selection).
//
//   - text: one line per workspace in topological order,
//     "web  depends on db, shared"; a workspace with no dependency stands alone.
//   - dot: Graphviz; an edge "a" -> "b" reads "a depends on b".
//   - mermaid: a flowchart, same edge direction as dot.
//   - json: see JSONGraph.
//   - svg: a layered drawing, dependencies below (see SVG).
func (g *Graph) Render(w io.Writer, format string) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "svg":
		if err := g.SVG(context.Background(), bw, nil); err != nil {
			return err
		}
	case "text":
		g.renderText(bw)
	case "dot":
		g.renderDOT(bw)
	case "mermaid":
		g.renderMermaid(bw)
	case "json":
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(g.JSON()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown graph format %q (want one of: %s)", format, strings.Join(Formats, ", "))
	}
	return bw.Flush()
}

func (g *Graph) renderText(w *bufio.Writer) {
	width := 0
	for _, n := range g.names {
		width = max(width, len(n))
	}
	for _, n := range g.names {
		deps := g.Dependencies(n)
		if len(deps) == 0 {
			fmt.Fprintln(w, n)
			continue
		}
		fmt.Fprintf(w, "%-*s  depends on %s\n", width, n, strings.Join(deps, ", "))
	}
}

func (g *Graph) renderDOT(w *bufio.Writer) {
	fmt.Fprintln(w, "// an edge \"a\" -> \"b\" reads: a depends on b")
	fmt.Fprintln(w, "digraph workspaces {")
	fmt.Fprintln(w, "  rankdir=BT;")
	fmt.Fprintln(w, "  node [shape=box];")
	for _, n := range g.names {
		fmt.Fprintf(w, "  %s;\n", dotQuote(n))
	}
	for _, n := range g.names {
		for _, d := range g.Dependencies(n) {
			fmt.Fprintf(w, "  %s -> %s;\n", dotQuote(n), dotQuote(d))
		}
	}
	fmt.Fprintln(w, "}")
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (g *Graph) renderMermaid(w *bufio.Writer) {
	// Mermaid ids are restricted, so nodes get positional ids and the name as label.
	fmt.Fprintln(w, "flowchart BT")
	fmt.Fprintln(w, "  %% an edge a --> b reads: a depends on b")
	for i, n := range g.names {
		fmt.Fprintf(w, "  n%d[\"%s\"]\n", i, strings.ReplaceAll(n, `"`, "#quot;"))
	}
	for i := range g.names {
		for _, j := range g.deps[i] {
			fmt.Fprintf(w, "  n%d --> n%d\n", i, j)
		}
	}
}

// JSONGraph is the json rendering of a graph.
type JSONGraph struct {
	// Workspaces in topological order, ties alphabetical.
	Workspaces []JSONWorkspace `json:"workspaces"`
	// Layers are the waves of Layers: every workspace of layer k depends
	// only on workspaces of layers < k.
	Layers [][]string `json:"layers"`
}

// JSONWorkspace is one node of JSONGraph. Lists are sorted and never null.
type JSONWorkspace struct {
	Name         string   `json:"name"`
	Layer        int      `json:"layer"`
	Dependencies []string `json:"dependencies"`
	Dependents   []string `json:"dependents"`
}

// JSON returns the graph as the json rendering describes it.
func (g *Graph) JSON() JSONGraph {
	layers := g.Layers(g.names)
	layerOf := map[string]int{}
	for k, l := range layers {
		for _, n := range l {
			layerOf[n] = k
		}
	}
	out := JSONGraph{Workspaces: make([]JSONWorkspace, 0, len(g.names)), Layers: layers}
	if out.Layers == nil {
		out.Layers = [][]string{}
	}
	for _, n := range g.names {
		out.Workspaces = append(out.Workspaces, JSONWorkspace{
			Name:         n,
			Layer:        layerOf[n],
			Dependencies: g.Dependencies(n),
			Dependents:   g.Dependents(n),
		})
	}
	return out
}
