// Package graph is the dependency DAG between workspaces: it rejects unknown
// dependencies and cycles, closes selections over dependencies and
// dependents, orders and layers workspaces, and renders the graph.
//
// Every order it returns is deterministic: topological, ties broken
// alphabetically, so two runs over the same clan print the same thing.
package graph

import (
	"container/heap"
	"fmt"
	"sort"
)

// Graph is an immutable DAG of workspaces. An edge a -> b reads "a depends
// on b": b runs before a (and after a when destroying).
type Graph struct {
	names      []string       // topological order, ties alphabetical
	index      map[string]int // name -> position in names
	deps       [][]int        // direct dependencies, by position, ascending
	dependents [][]int        // direct dependents, by position, ascending
}

// New builds the graph. The keys of deps are all the nodes; each value lists
// that node's dependencies. Duplicate dependencies are ignored. It fails on an
// empty name, a dependency on an unknown node and a dependency cycle.
func New(deps map[string][]string) (*Graph, error) {
	alphabetical := make([]string, 0, len(deps))
	for name := range deps {
		if name == "" {
			return nil, fmt.Errorf("workspace with an empty name")
		}
		alphabetical = append(alphabetical, name)
	}
	sort.Strings(alphabetical)
	for _, name := range alphabetical {
		for _, dep := range deps[name] {
			if _, ok := deps[dep]; !ok {
				return nil, fmt.Errorf("workspace %q depends on unknown workspace %q%s",
					name, dep, didYouMean(dep, alphabetical))
			}
		}
	}

	order, ok := kahn(alphabetical, func(n string) []string { return deps[n] })
	if !ok {
		return nil, fmt.Errorf("dependency cycle: %s", formatCycle(findCycle(alphabetical, deps)))
	}

	g := &Graph{
		names:      order,
		index:      make(map[string]int, len(order)),
		deps:       make([][]int, len(order)),
		dependents: make([][]int, len(order)),
	}
	for i, name := range order {
		g.index[name] = i
	}
	for i, name := range order {
		seen := map[int]bool{}
		for _, dep := range deps[name] {
			j := g.index[dep]
			if seen[j] {
				continue
			}
			seen[j] = true
			g.deps[i] = append(g.deps[i], j)
			g.dependents[j] = append(g.dependents[j], i)
		}
		sort.Ints(g.deps[i])
	}
	// dependents were appended in ascending i already.
	return g, nil
}

// kahn orders nodes so that every node comes after its dependencies, picking
// the alphabetically first ready node at each step. ok is false when a cycle
// keeps some nodes from ever becoming ready.
func kahn(nodes []string, depsOf func(string) []string) (order []string, ok bool) {
	inSet := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		inSet[n] = true
	}
	waitingOn := make(map[string]int, len(nodes))
	unblocks := make(map[string][]string, len(nodes))
	for _, n := range nodes {
		seen := map[string]bool{}
		for _, d := range depsOf(n) {
			if !inSet[d] || seen[d] {
				continue
			}
			seen[d] = true
			waitingOn[n]++
			unblocks[d] = append(unblocks[d], n)
		}
	}
	ready := &stringHeap{}
	for _, n := range nodes {
		if waitingOn[n] == 0 {
			heap.Push(ready, n)
		}
	}
	order = make([]string, 0, len(nodes))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(string)
		order = append(order, n)
		for _, m := range unblocks[n] {
			waitingOn[m]--
			if waitingOn[m] == 0 {
				heap.Push(ready, m)
			}
		}
	}
	return order, len(order) == len(nodes)
}

type stringHeap []string

func (h stringHeap) Len() int           { return len(h) }
func (h stringHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h stringHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *stringHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *stringHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Len is the number of workspaces.
func (g *Graph) Len() int { return len(g.names) }

// Has reports whether name is a node of the graph.
func (g *Graph) Has(name string) bool {
	_, ok := g.index[name]
	return ok
}

// Nodes returns every node in topological order, ties alphabetical.
func (g *Graph) Nodes() []string {
	return append([]string(nil), g.names...)
}

// Dependencies returns the direct dependencies of name, alphabetically
// (nil for an unknown name).
func (g *Graph) Dependencies(name string) []string {
	i, ok := g.index[name]
	if !ok {
		return nil
	}
	return g.sortedNames(g.deps[i])
}

// Dependents returns the workspaces that depend directly on name,
// alphabetically (nil for an unknown name).
func (g *Graph) Dependents(name string) []string {
	i, ok := g.index[name]
	if !ok {
		return nil
	}
	return g.sortedNames(g.dependents[i])
}

func (g *Graph) sortedNames(positions []int) []string {
	out := make([]string, len(positions))
	for k, p := range positions {
		out[k] = g.names[p]
	}
	sort.Strings(out)
	return out
}

// Select returns names plus, when asked, all their transitive dependencies
// and/or dependents, in topological order. An unknown name is an error that
// suggests the closest known one.
func (g *Graph) Select(names []string, withDeps, withDependents bool) ([]string, error) {
	picked := make([]bool, len(g.names))
	var start []int
	for _, n := range names {
		i, ok := g.index[n]
		if !ok {
			return nil, fmt.Errorf("unknown workspace %q%s", n, didYouMean(n, g.names))
		}
		if !picked[i] {
			picked[i] = true
			start = append(start, i)
		}
	}
	if withDeps {
		g.walk(start, g.deps, picked)
	}
	if withDependents {
		g.walk(start, g.dependents, picked)
	}
	var out []string
	for i, p := range picked {
		if p {
			out = append(out, g.names[i])
		}
	}
	return out, nil
}

// walk marks everything reachable from start along edges.
func (g *Graph) walk(start []int, edges [][]int, marked []bool) {
	stack := append([]int(nil), start...)
	seen := make([]bool, len(g.names))
	for _, s := range start {
		seen[s] = true
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range edges[i] {
			if !seen[j] {
				seen[j] = true
				marked[j] = true
				stack = append(stack, j)
			}
		}
	}
}

// Order returns the given nodes in topological order, ties alphabetical.
// Names that are not in the graph and duplicates are dropped.
func (g *Graph) Order(nodes []string) []string {
	in := g.membership(nodes)
	out := make([]string, 0, len(nodes))
	for i, name := range g.names {
		if in[i] {
			out = append(out, name)
		}
	}
	return out
}

// ReverseOrder returns the given nodes so that every node comes before its
// dependencies (the order of a destroy), ties alphabetical. Only edges
// between the given nodes count. Unknown names and duplicates are dropped.
func (g *Graph) ReverseOrder(nodes []string) []string {
	in := g.membership(nodes)
	var subset []string
	for i, name := range g.names {
		if in[i] {
			subset = append(subset, name)
		}
	}
	sort.Strings(subset)
	order, _ := kahn(subset, g.Dependents) // acyclic by construction
	return order
}

func (g *Graph) membership(nodes []string) []bool {
	in := make([]bool, len(g.names))
	for _, n := range nodes {
		if i, ok := g.index[n]; ok {
			in[i] = true
		}
	}
	return in
}

// Layers groups the given nodes into waves: layer 0 holds the nodes with no
// dependency among the given ones, layer k the nodes whose longest chain of
// dependencies among the given ones has length k. Each layer is sorted.
// Unknown names are dropped.
func (g *Graph) Layers(nodes []string) [][]string {
	in := g.membership(nodes)
	depth := make([]int, len(g.names))
	var layers [][]string
	for i := range g.names { // topological: dependencies already have their depth
		if !in[i] {
			continue
		}
		d := 0
		for _, j := range g.deps[i] {
			if in[j] && depth[j]+1 > d {
				d = depth[j] + 1
			}
		}
		depth[i] = d
		for len(layers) <= d {
			layers = append(layers, nil)
		}
		layers[d] = append(layers[d], g.names[i])
	}
	for _, l := range layers {
		sort.Strings(l)
	}
	return layers
}

// Subgraph returns the graph restricted to nodes: only edges between them
// remain. Unknown names are dropped.
func (g *Graph) Subgraph(nodes []string) *Graph {
	in := g.membership(nodes)
	deps := make(map[string][]string)
	for i, name := range g.names {
		if !in[i] {
			continue
		}
		deps[name] = []string{}
		for _, j := range g.deps[i] {
			if in[j] {
				deps[name] = append(deps[name], g.names[j])
			}
		}
	}
	sub, err := New(deps)
	if err != nil { // a subgraph of a DAG is a DAG with known nodes
		panic("graph: subgraph of a valid graph failed: " + err.Error())
	}
	return sub
}
