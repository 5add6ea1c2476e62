package graph

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRenderGolden(t *testing.T) {
	g := fleet(t)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var got bytes.Buffer
			if err := g.Render(&got, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "fleet."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", format, golden, got.String())
			}
		})
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	err := fleet(t).Render(&bytes.Buffer{}, "yaml")
	want := `unknown graph format "yaml" (want one of: text, dot, mermaid, json, svg)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestSVGStylesAndNoProlog(t *testing.T) {
	g := fleet(t)
	var b bytes.Buffer
	name := g.Nodes()[0]
	if err := g.SVG(t.Context(), &b, map[string]NodeStyle{name: {Fill: "#f8d7da", Tooltip: name + ": failed"}}); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `fill="#f8d7da"`) || !strings.Contains(svg, name+": failed") {
		t.Errorf("no inline svg with the node's colour and tooltip:\n%s", svg)
	}
}
