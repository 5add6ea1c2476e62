package graph

import (
	"sort"
	"strings"
)

// findCycle returns a cycle as a path that starts and ends at the same node,
// each node depending on the next. To make the message stable it is the
// shortest cycle through the alphabetically first node that lies on one,
// neighbours visited alphabetically. nil when there is no cycle.
func findCycle(alphabetical []string, deps map[string][]string) []string {
	sortedDeps := make(map[string][]string, len(deps))
	for n, ds := range deps {
		s := append([]string(nil), ds...)
		sort.Strings(s)
		sortedDeps[n] = s
	}
	for _, start := range alphabetical {
		if path := shortestCycleThrough(start, sortedDeps); path != nil {
			return path
		}
	}
	return nil
}

// shortestCycleThrough does a breadth-first search from start along
// dependency edges until an edge leads back to start.
func shortestCycleThrough(start string, deps map[string][]string) []string {
	parent := map[string]string{start: ""}
	queue := []string{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, d := range deps[n] {
			if d == start {
				var back []string
				for at := n; at != ""; at = parent[at] {
					back = append(back, at)
				}
				path := make([]string, 0, len(back)+1)
				for i := len(back) - 1; i >= 0; i-- {
					path = append(path, back[i])
				}
				return append(path, start)
			}
			if _, seen := parent[d]; !seen {
				parent[d] = n
				queue = append(queue, d)
			}
		}
	}
	return nil
}

func formatCycle(path []string) string {
	return strings.Join(path, " -> ")
}
