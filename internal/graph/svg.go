package graph

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"sort"
)

// NodeStyle colours a node of the SVG rendering and gives it a tooltip.
type NodeStyle struct {
	Fill    string // an SVG colour, "#d4edda"
	Tooltip string
}

// The SVG's geometry, in pixels.
const (
	nodeHeight = 36
	charWidth  = 8 // of the 14px sans-serif labels, generously
	nodePad    = 24
	minWidth   = 64
	hGap       = 24
	vGap       = 64
	margin     = 16
)

type placed struct {
	x, y, w int // top left corner and width
}

// SVG lays the graph out as layers, dependencies below their dependents (as
// dot's rankdir=BT), and writes the <svg> element alone (no XML prolog: it
// goes inline into HTML as it is). A workspace graph is a shallow DAG, which a
// layered layout draws well: its layers are Layers, each ordered by the mean
// position of its nodes' dependencies, so that edges cross little. It is our
// own (not Graphviz compiled to WebAssembly, as before) because that library
// compiled Graphviz when the binary started, for every command: 30 ms and
// 18 MB each time, several seconds and a cache written to the temp dir on a
// machine that had not run it yet. Each node is a <g class="node"> whose
// <title> is the workspace's name, as in Graphviz's SVG. styles may be nil.
func (g *Graph) SVG(_ context.Context, w io.Writer, styles map[string]NodeStyle) error {
	layers := g.Layers(g.names)
	pos := map[string]*placed{}
	width := 0
	for level, layer := range layers {
		if level > 0 {
			orderByDependencies(g, layer, pos)
		}
		x := 0
		for _, n := range layer {
			p := &placed{x: x, w: max(minWidth, charWidth*len([]rune(n))+nodePad)}
			pos[n] = p
			x += p.w + hGap
		}
		width = max(width, x-hGap)
	}
	height := len(layers)*(nodeHeight+vGap) - vGap
	for level, layer := range layers {
		last := pos[layer[len(layer)-1]]
		shift := margin + (width-(last.x+last.w))/2
		for _, n := range layer {
			pos[n].x += shift
			pos[n].y = margin + (len(layers)-1-level)*(nodeHeight+vGap)
		}
	}
	width, height = width+2*margin, max(height, 0)+2*margin // no layers: height -vGap

	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%dpt" height="%dpt" viewBox="0 0 %d %d" font-family="sans-serif" font-size="14">`+"\n", width, height, width, height)
	fmt.Fprintln(bw, `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`)
	for _, n := range g.names {
		from := pos[n]
		for _, d := range g.Dependencies(n) {
			to := pos[d]
			x1, y1 := from.x+from.w/2, from.y+nodeHeight
			x2, y2 := to.x+to.w/2, to.y
			fmt.Fprintf(bw, `<g class="edge"><title>%s</title><path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="black" marker-end="url(#arrow)"/></g>`+"\n",
				html.EscapeString(n+" -> "+d), x1, y1, x1, y1+vGap/2, x2, y2-vGap/2, x2, y2)
		}
	}
	for _, n := range g.names {
		p, st := pos[n], styles[n]
		fill := "white"
		if st.Fill != "" {
			fill = st.Fill
		}
		fmt.Fprintf(bw, `<g class="node"><title>%s</title>`, html.EscapeString(n))
		if st.Tooltip != "" {
			fmt.Fprintf(bw, `<a xlink:title="%s">`, html.EscapeString(st.Tooltip))
		}
		fmt.Fprintf(bw, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="black"/>`, p.x, p.y, p.w, nodeHeight, html.EscapeString(fill))
		fmt.Fprintf(bw, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="central">%s</text>`, p.x+p.w/2, p.y+nodeHeight/2, html.EscapeString(n))
		if st.Tooltip != "" {
			fmt.Fprint(bw, `</a>`)
		}
		fmt.Fprintln(bw, `</g>`)
	}
	fmt.Fprintln(bw, `</svg>`)
	return bw.Flush()
}

// orderByDependencies sorts a layer by the mean horizontal centre of each
// node's dependencies already placed (the barycenter heuristic), then by name.
func orderByDependencies(g *Graph, layer []string, pos map[string]*placed) {
	center := map[string]float64{}
	for _, n := range layer {
		sum, count := 0.0, 0
		for _, d := range g.Dependencies(n) {
			if p, ok := pos[d]; ok {
				sum += float64(p.x) + float64(p.w)/2
				count++
			}
		}
		if count > 0 {
			center[n] = sum / float64(count)
		}
	}
	sort.SliceStable(layer, func(i, j int) bool {
		if center[layer[i]] != center[layer[j]] {
			return center[layer[i]] < center[layer[j]]
		}
		return layer[i] < layer[j]
	})
}
