package graph

import (
	"reflect"
	"strings"
	"testing"
)

// fleet is a small clan: shared, a database, two web machines behind a
// proxy and an unrelated monitor.
func fleet(t *testing.T) *Graph {
	t.Helper()
	g, err := New(map[string][]string{
		"shared":  {},
		"db":      {"shared"},
		"web1":    {"db", "shared"},
		"web2":    {"db", "shared", "db"},
		"proxy":   {"web1", "web2"},
		"monitor": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestNodesTopologicalTiesAlphabetical(t *testing.T) {
	g := fleet(t)
	equal(t, "Nodes", g.Nodes(), []string{"monitor", "shared", "db", "web1", "web2", "proxy"})
	equal(t, "Dependencies(web2)", g.Dependencies("web2"), []string{"db", "shared"})
	equal(t, "Dependents(shared)", g.Dependents("shared"), []string{"db", "web1", "web2"})
	equal(t, "Dependents(proxy)", g.Dependents("proxy"), []string{})
	equal(t, "Dependencies(nope)", g.Dependencies("nope"), []string(nil))
	if !g.Has("db") || g.Has("nope") || g.Len() != 6 {
		t.Error("Has/Len wrong")
	}
}

func TestEmptyGraph(t *testing.T) {
	g, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes()) != 0 || len(g.Layers(nil)) != 0 {
		t.Error("empty graph should have no nodes and no layers")
	}
	var b strings.Builder
	if err := g.Render(&b, "json"); err != nil {
		t.Fatal(err)
	}
	equal(t, "json", b.String(), "{\n  \"workspaces\": [],\n  \"layers\": []\n}\n")
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		deps map[string][]string
		want string
	}{
		{"unknown dependency with suggestion",
			map[string][]string{"shared": nil, "web": {"sharde"}},
			`workspace "web" depends on unknown workspace "sharde" (did you mean "shared"?)`},
		{"unknown dependency, nothing close",
			map[string][]string{"shared": nil, "web": {"kubernetes"}},
			`workspace "web" depends on unknown workspace "kubernetes"`},
		{"self dependency",
			map[string][]string{"a": {"a"}},
			`dependency cycle: a -> a`},
		{"two-node cycle",
			map[string][]string{"a": {"b"}, "b": {"a"}},
			`dependency cycle: a -> b -> a`},
		{"shortest cycle from the first node on one",
			// b -> c -> d -> b and b -> e -> b: the shorter one wins; "a" is on no cycle.
			map[string][]string{"a": {"b"}, "b": {"c", "e"}, "c": {"d"}, "d": {"b"}, "e": {"b"}},
			`dependency cycle: b -> e -> b`},
		{"cycle reported the same every time",
			map[string][]string{"z": {"y"}, "y": {"x"}, "x": {"z"}, "ok": nil},
			`dependency cycle: x -> z -> y -> x`},
		{"empty name",
			map[string][]string{"": nil},
			`workspace with an empty name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map order must not matter
				_, err := New(tt.deps)
				if err == nil || err.Error() != tt.want {
					t.Fatalf("got error %v, want %q", err, tt.want)
				}
			}
		})
	}
}

func TestSelect(t *testing.T) {
	g := fleet(t)
	tests := []struct {
		names                    []string
		withDeps, withDependents bool
		want                     []string
	}{
		{[]string{"web1"}, false, false, []string{"web1"}},
		{[]string{"web1"}, true, false, []string{"shared", "db", "web1"}},
		{[]string{"web1"}, false, true, []string{"web1", "proxy"}},
		{[]string{"db"}, true, true, []string{"shared", "db", "web1", "web2", "proxy"}},
		{[]string{"proxy", "monitor", "proxy"}, false, false, []string{"monitor", "proxy"}},
		{nil, true, true, nil},
	}
	for _, tt := range tests {
		got, err := g.Select(tt.names, tt.withDeps, tt.withDependents)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, strings.Join(tt.names, ","), got, tt.want)
	}
	_, err := g.Select([]string{"wbe1"}, true, false)
	if err == nil || err.Error() != `unknown workspace "wbe1" (did you mean "web1"?)` {
		t.Errorf("got %v", err)
	}
}

func TestOrderAndReverseOrder(t *testing.T) {
	g := fleet(t)
	equal(t, "Order", g.Order([]string{"proxy", "shared", "web2", "nope", "web2"}), []string{"shared", "web2", "proxy"})
	equal(t, "ReverseOrder all", g.ReverseOrder(g.Nodes()), []string{"monitor", "proxy", "web1", "web2", "db", "shared"})
	equal(t, "ReverseOrder subset", g.ReverseOrder([]string{"shared", "web1", "db"}), []string{"web1", "db", "shared"})
}

func TestLayers(t *testing.T) {
	g := fleet(t)
	equal(t, "all", g.Layers(g.Nodes()), [][]string{{"monitor", "shared"}, {"db"}, {"web1", "web2"}, {"proxy"}})
	// Without db, web1 only has shared among the given nodes.
	equal(t, "subset", g.Layers([]string{"shared", "web1", "proxy"}), [][]string{{"shared"}, {"web1"}, {"proxy"}})
	equal(t, "unconnected", g.Layers([]string{"proxy", "monitor"}), [][]string{{"monitor", "proxy"}})
}

func TestSubgraphKeepsOnlyInnerEdges(t *testing.T) {
	sub := fleet(t).Subgraph([]string{"shared", "web1", "proxy"})
	equal(t, "Nodes", sub.Nodes(), []string{"shared", "web1", "proxy"})
	equal(t, "Dependencies(web1)", sub.Dependencies("web1"), []string{"shared"})
	equal(t, "Dependencies(proxy)", sub.Dependencies("proxy"), []string{"web1"})
}

func TestDidYouMean(t *testing.T) {
	known := []string{"db", "shared", "web1", "web2"}
	for name, want := range map[string]string{
		"sahred": ` (did you mean "shared"?)`, // transposition
		"web3":   ` (did you mean "web1"?)`,   // tie: first alphabetically
		"dbx":    ` (did you mean "db"?)`,
		"x":      ``,
		"zzzzzz": ``,
	} {
		if got := didYouMean(name, known); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestLargeGraphIsFast(t *testing.T) {
	deps := map[string][]string{"shared": nil}
	var all []string
	for i := range 2000 {
		name := "m" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i)
		deps[name] = []string{"shared"}
		all = append(all, name)
	}
	g, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := g.Select(all[:10], true, true)
	if err != nil || len(sel) != 11 {
		t.Fatalf("Select: %v %d", err, len(sel))
	}
	if l := g.Layers(g.Nodes()); len(l) != 2 || len(l[1]) != 2000 {
		t.Fatalf("layers %d", len(l))
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
