package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

func TestSummaryGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSummary(&b, sampleResults(), false); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden", b.Bytes())
}

func TestSummaryColorKeepsColumnsAligned(t *testing.T) {
	var plain, color bytes.Buffer
	WriteSummary(&plain, sampleResults(), false)
	WriteSummary(&color, sampleResults(), true)
	if !strings.Contains(color.String(), "\x1b[31mfailed\x1b[0m") {
		t.Errorf("failed is not red:\n%q", color.String())
	}
	stripped := ansi.ReplaceAllString(color.String(), "")
	if stripped != plain.String() {
		t.Errorf("colour changed the layout:\n%s\nvs\n%s", stripped, plain.String())
	}
}

func TestSummaryCountLine(t *testing.T) {
	for _, tt := range []struct {
		results []outcome.Result
		want    string
	}{
		{nil, "0 workspaces"},
		{[]outcome.Result{{Workspace: "a", Status: outcome.StatusOK, Add: 1, Change: 2, Destroy: 3}}, "1 workspace: 1 ok; +1 ~2 -3"},
	} {
		var b bytes.Buffer
		WriteSummary(&b, tt.results, false)
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if got := lines[len(lines)-1]; got != tt.want {
			t.Errorf("count line %q, want %q", got, tt.want)
		}
	}
}
