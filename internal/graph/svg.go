package graph

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/goccy/go-graphviz"
)

// NodeStyle colours a node of the SVG rendering and gives it a tooltip.
type NodeStyle struct {
	Fill    string // a colour Graphviz knows, "#d4edda"
	Tooltip string
}

func (s NodeStyle) attributes() string {
	var attrs []string
	if s.Fill != "" {
		attrs = append(attrs, "style=filled", "fillcolor="+dotQuote(s.Fill))
	}
	if s.Tooltip != "" {
		attrs = append(attrs, "tooltip="+dotQuote(s.Tooltip))
	}
	if len(attrs) == 0 {
		return ""
	}
	return " [" + strings.Join(attrs, ", ") + "]"
}

// SVG lays the graph out with Graphviz compiled to WebAssembly and run
// in-process (goccy/go-graphviz), so no graphviz binary is needed, and
// writes the <svg> element alone (no XML prolog: it can go inline into
// HTML as it is). styles may be nil.
func (g *Graph) SVG(ctx context.Context, w io.Writer, styles map[string]NodeStyle) error {
	var dot bytes.Buffer
	bw := bufio.NewWriter(&dot)
	g.writeDOT(bw, styles)
	if err := bw.Flush(); err != nil {
		return err
	}
	gv, err := graphviz.New(ctx)
	if err != nil {
		return fmt.Errorf("starting graphviz: %v", err)
	}
	defer gv.Close()
	parsed, err := graphviz.ParseBytes(dot.Bytes())
	if err != nil {
		return fmt.Errorf("graphviz: %v", err)
	}
	defer parsed.Close()
	var out bytes.Buffer
	if err := gv.Render(ctx, parsed, graphviz.SVG, &out); err != nil {
		return fmt.Errorf("graphviz: %v", err)
	}
	svg := out.String()
	if i := strings.Index(svg, "<svg"); i > 0 {
		svg = svg[i:]
	}
	_, err = io.WriteString(w, svg)
	return err
}
