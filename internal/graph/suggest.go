package graph

import "fmt"

// didYouMean returns ` (did you mean "x"?)` for the known name closest to
// name, or "" when nothing is close enough to be a plausible typo.
func didYouMean(name string, known []string) string {
	best, bestDist := "", -1
	for _, k := range known { // known is sorted: ties go to the first
		d := editDistance(name, k)
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	// Allow about a third of the longer name to differ.
	limit := max(len(name), len(best))/3 + 1
	if best == "" || bestDist > limit {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance where swapping two adjacent
// characters counts as one edit (a common typo: "sahred").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j]: distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
